# SPDX-License-Identifier: GPL-2.0-only
"""Builds the stand-in kernel the harness self-tests boot instead of the
hypervisor (stubkernel.S): it needs only binutils and takes milliseconds
to boot. It prints

    stubkernel: booted by multiboot1|multiboot2
    stubkernel: cmdline: <the command line>
    stubkernel: module: <each module's string>
    stubkernel: ready

and then powers off, resets or halts (ready_action=poweroff|reboot|...)."""
import os
import subprocess

from .paths import build_dir

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = [os.path.join(HERE, "stubkernel.S"), os.path.join(HERE, "stubkernel.lds")]


def build_stub_kernel(out_dir=None):
    """Return the path of stubkernel.elf, (re)building it when stale."""
    out_dir = out_dir or os.path.join(build_dir(), "test-stub")
    os.makedirs(out_dir, exist_ok=True)
    elf = os.path.join(out_dir, "stubkernel.elf")
    if os.path.isfile(elf) and all(os.path.getmtime(elf) >= os.path.getmtime(s)
                                   for s in SOURCES):
        return elf
    obj = os.path.join(out_dir, "stubkernel.o")
    tmp = f"{elf}.tmp.{os.getpid()}"
    subprocess.run(["as", "--64", "-o", obj, SOURCES[0]], check=True,
                   capture_output=True, text=True)
    subprocess.run(["ld", "-m", "elf_x86_64", "-nostdlib", "-z", "max-page-size=0x1000",
                    "--no-warn-rwx-segments", "-T", SOURCES[1], "-o", tmp, obj],
                   check=True, capture_output=True, text=True)
    os.replace(tmp, elf)
    return elf
