# SPDX-License-Identifier: GPL-2.0-only
"""Tests of the test harness itself, on a stand-in kernel that boots in well
under a second (harness/stubkernel.S): QEMU's -kernel and GRUB paths pass the
command line and modules through, waits time out when they should and say
why with the log tail, and no emulator outlives its machine."""
import os
import re
import subprocess
import time

import pytest

from harness import (BochsMachine, MachineExited, MachineStartError, MachineTimeout,
                     QemuMachine, build_iso, initrd_arg)
from harness.paths import SCRIPTS
from harness.serial import clean_text
from harness.stubkernel import build_stub_kernel

READY = r"stubkernel: ready"


@pytest.fixture(scope="module")
def stub():
    return build_stub_kernel()


@pytest.fixture(scope="module")
def module_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("mods") / "payload,1.bin"
    path.write_bytes(b"module contents\n")
    return str(path)


def test_initrd_arg_doubles_commas():
    assert initrd_arg([("a", "")]) == "a"
    assert initrd_arg([("a", "x=1"), ("b", "")]) == "a x=1,b"
    assert initrd_arg([("/m/a,b", "k=1,2 z"), ("c", "d")]) == "/m/a,,b k=1,,2 z,c d"


def test_clean_text_drops_terminal_control():
    raw = b"\x1b[H\x1b[J\x1b[1;1H  Booting `x'\r\n\rLoading...\r\nok \xff\n"
    assert clean_text(raw) == "  Booting `x'\nLoading...\nok \ufffd\n"


def test_kernel_boot_cmdline_modules_poweroff(stub, module_file):
    with QemuMachine(boot="kernel", kernel=stub, smp=2, mem="128M", timeout=30,
                     cmdline="console=com1 ready_action=poweroff",
                     modules=[(module_file, "a=1,2 b"), (module_file, "")]) as m:
        m.wait_for(READY, timeout=20)
        assert m.wait_exit(timeout=10) == 0
    log = m.log
    assert "booted by multiboot1" in log
    assert f"cmdline: {stub} console=com1 ready_action=poweroff\n" in log
    assert f"module: {module_file} a=1,2 b\n" in log
    assert f"module: {module_file}\n" in log
    assert "powering off" in log


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_grub_boot_cmdline_modules_reboot(stub, module_file, machine, tmp_path):
    mods = [(module_file, "a=1,2 b")]
    cmdline = "console=com1 loglvl=all ready_action=reboot"
    with QemuMachine(boot="grub", machine=machine, kernel=stub, smp=1, mem="128M",
                     timeout=60, cmdline=cmdline, modules=mods,
                     iso_cache_dir=str(tmp_path)) as m:
        m.wait_for(READY, timeout=50)
        assert m.wait_exit(timeout=10) == 0
    assert "booted by multiboot2" in m.log
    assert f"cmdline: {cmdline}\n" in m.log
    assert "module: a=1,2 b\n" in m.log
    assert "rebooting" in m.log
    # The ISO is cached by content: asking again builds nothing.
    before = os.stat(m.iso).st_ino         # mkiso.sh would replace the file
    assert build_iso(stub, cmdline, mods, str(tmp_path)) == m.iso
    assert os.stat(m.iso).st_ino == before
    assert build_iso(stub, cmdline + " x", mods, str(tmp_path)) != m.iso


def test_iso_cache_is_pruned(stub, tmp_path):
    from harness.iso import prune
    isos = [build_iso(stub, f"console=com1 n={i}", (), str(tmp_path)) for i in range(3)]
    os.utime(isos[0], (1, 1))
    prune(str(tmp_path), keep=2)
    assert [os.path.exists(p) for p in isos] == [False, True, True]


def test_wait_for_timeout_reports_tail_and_command(stub):
    with QemuMachine(boot="kernel", kernel=stub, smp=1, mem="64M", timeout=30) as m:
        m.wait_for(READY, timeout=20)
        start = time.monotonic()
        with pytest.raises(MachineTimeout) as exc:
            m.wait_for(r"never printed", timeout=1.5)
        took = time.monotonic() - start
        assert m.running()
    assert 1.4 <= took < 4, took
    text = str(exc.value)
    assert "timed out after 1.5 s waiting for /never printed/" in text
    assert "last 3 lines of the serial log" in text
    assert "stubkernel: ready" in text
    assert "-kernel " + stub in text and "-no-reboot" in text


def test_exit_before_match_is_reported(stub):
    with QemuMachine(boot="kernel", kernel=stub, smp=1, mem="64M", timeout=30,
                     cmdline="ready_action=poweroff") as m:
        with pytest.raises(MachineExited) as exc:
            m.wait_for(r"never printed", timeout=20)
    text = str(exc.value)
    assert "ended before /never printed/ appeared" in text
    assert "exited with status 0" in text
    assert "stubkernel: powering off" in text


def test_hard_limit_kills_the_machine(stub):
    start = time.monotonic()
    with QemuMachine(boot="kernel", kernel=stub, smp=1, mem="64M", timeout=2) as m:
        with pytest.raises(MachineTimeout) as exc:
            m.wait_for(r"never printed")
        assert not m.running()
    assert time.monotonic() - start < 6
    assert "hard time limit of 2 s" in str(exc.value)


def test_wait_exit_timeout_and_cleanup(stub):
    with QemuMachine(boot="kernel", kernel=stub, smp=1, mem="64M", timeout=30) as m:
        m.wait_for(READY, timeout=20)
        with pytest.raises(MachineTimeout) as exc:
            m.wait_exit(timeout=0.5)
        assert "still running" in str(exc.value)
        pid = m.proc.pid
    assert m.proc.returncode is not None
    assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"


def test_missing_image_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="build it with 'make'"):
        QemuMachine(boot="kernel", kernel=str(tmp_path / "none.elf")).start()
    with pytest.raises(FileNotFoundError, match="build it with 'make'"):
        QemuMachine(boot="grub", kernel=str(tmp_path / "none.elf")).start()
    with pytest.raises(MachineStartError, match="not found"):
        QemuMachine(qemu="no-such-qemu", kernel=str(tmp_path / "none.elf")).start()


def test_mkiso_errors_and_grub_cfg(stub, module_file, tmp_path):
    mkiso = os.path.join(SCRIPTS, "mkiso.sh")
    r = subprocess.run([mkiso, str(tmp_path / "none.elf"), str(tmp_path / "x.iso")],
                       capture_output=True, text=True)
    assert r.returncode != 0 and "not found" in r.stderr and "make" in r.stderr
    r = subprocess.run([mkiso], capture_output=True, text=True)
    assert r.returncode == 2 and "usage:" in r.stderr

    iso = tmp_path / "t.iso"
    subprocess.run([mkiso, stub, str(iso), "--cmdline", "console=com1 mem=512M",
                    "--module", f"{module_file} a b"], check=True)
    subprocess.run(["xorriso", "-osirrox", "on", "-indev", str(iso), "-extract",
                    "/boot", str(tmp_path / "boot")], check=True, capture_output=True)
    cfg = (tmp_path / "boot" / "grub" / "grub.cfg").read_text()
    assert "set timeout=0" in cfg
    assert "serial --unit=0 --speed=115200" in cfg
    assert "terminal_output serial console" in cfg
    assert "multiboot2 /boot/tessera.elf console=com1 mem=512M\n" in cfg
    assert "module2 /boot/payload,1.bin a b\n" in cfg
    assert (tmp_path / "boot" / "tessera.elf").read_bytes() == open(stub, "rb").read()
    assert (tmp_path / "boot" / "payload,1.bin").read_bytes() == b"module contents\n"


# -- Bochs ---------------------------------------------------------------------

def test_bochsrc_template_is_complete(tmp_path):
    from harness.bochs import TEMPLATE, render_bochsrc
    with pytest.raises(MachineStartError, match="@X@"):
        render_bochsrc("a @X@ b", {})
    m = BochsMachine(iso="unused.iso")
    values = {k: "v" for k in ("CPU_MODEL", "SMP", "IPS", "MEM_MB", "BIOS", "VGABIOS",
                               "ISO", "SERIAL", "LOG")}
    text = render_bochsrc(open(TEMPLATE).read(), values)
    assert "@" not in text.replace("@...@", "")
    assert m.cpu_model == "corei7_skylake_x"


def test_bochs_grub_boot_and_poweroff(stub, module_file, tmp_path):
    cmdline = "console=com1 ready_action=poweroff"
    start = time.monotonic()
    with BochsMachine(kernel=stub, cmdline=cmdline, modules=[(module_file, "m=1,2")],
                      mem_mb=64, timeout=60, iso_cache_dir=str(tmp_path)) as m:
        m.wait_for(READY, timeout=50)
        m.wait_exit(timeout=20)
        assert m.exit_reason() == "poweroff"
    assert time.monotonic() - start < 30
    assert "booted by multiboot2" in m.log
    assert f"cmdline: {cmdline}\n" in m.log
    assert "module: m=1,2\n" in m.log
    assert "corei7_skylake_x" in m.bochs_log
    assert not os.path.exists(m.workdir)


def test_bochs_timeout_reports_both_logs(stub, tmp_path):
    with BochsMachine(kernel=stub, mem_mb=64, timeout=60, iso_cache_dir=str(tmp_path)) as m:
        m.wait_for(READY, timeout=50)
        with pytest.raises(MachineTimeout) as exc:
            m.wait_for("never printed", timeout=1)
    text = str(exc.value)
    assert "stubkernel: ready" in text
    assert "bochs -q -f" in text and "bochs.log (last lines)" in text


def test_serial_input_only_while_running(stub):
    with QemuMachine(boot="kernel", kernel=stub, smp=1, mem="64M", timeout=30,
                     cmdline="ready_action=poweroff") as m:
        m.wait_exit(timeout=20)
        with pytest.raises(MachineExited, match="not running"):
            m.write("x")
    with pytest.raises(NotImplementedError):
        BochsMachine(iso="unused.iso").write("x")


def test_wait_for_does_not_take_half_a_number():
    """Output arrives a FIFO at a time: a match that ends on a digit at the
    end of what has arrived is not taken until the line goes on."""
    from harness.machine import complete_match
    rx = re.compile(r"ns_per_call=(\d+)")
    assert complete_match(rx, "x ns_per_call=2") is None
    assert complete_match(rx, "x ns_per_call=2526\n").group(1) == "2526"
    assert complete_match(rx, "x ns_per_call=2526 more").group(1) == "2526"
    prompt = re.compile(r"/ # ")
    assert complete_match(prompt, "login\n/ # ") is not None
