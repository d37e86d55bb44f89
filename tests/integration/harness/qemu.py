# SPDX-License-Identifier: GPL-2.0-only
"""QEMU (TCG) test machines: boot the hypervisor with -kernel (Multiboot1,
QEMU's loader) or through GRUB from an ISO (Multiboot2, the real path)."""
import os
import shutil

from .errors import MachineStartError
from .iso import build_iso
from .machine import Machine
from .paths import hypervisor_elf, require_file

DEFAULT_CMDLINE = "console=com1"


def initrd_arg(modules):
    """QEMU's -initrd value for Multiboot modules: "file args,file args",
    where a comma inside a file name or its arguments is written twice."""
    parts = []
    for path, args in modules:
        item = f"{path} {args}" if args else str(path)
        parts.append(item.replace(",", ",,"))
    return ",".join(parts)


class QemuMachine(Machine):
    """A QEMU TCG machine that boots the hypervisor.

    boot      "kernel": -kernel ELF -append CMDLINE -initrd MODULES
              "grub":   GRUB ISO built by scripts/mkiso.sh (cached), -cdrom
    machine   "q35" or "pc";  smp, mem ("1G", "256M"), cpu ("max", "max,-x2apic")
    cmdline   the hypervisor's command line
    modules   [(path, args), ...] Multiboot modules
    icount    True: -icount shift=0,sleep=off (virtual time = instructions)
    timeout   hard limit in seconds for the machine's whole life
    kernel    the image (default $O/tessera.elf);  iso: boot this ISO as is
    extra_args  appended to QEMU's command line

    QEMU runs single-threaded TCG ($TESS_QEMU_ACCEL overrides; see
    __init__ for why).
    """

    kind = "qemu"
    serial_input = True

    def __init__(self, boot="kernel", machine="q35", smp=4, mem="1G", cpu="max",
                 cmdline=DEFAULT_CMDLINE, modules=(), icount=False, timeout=60,
                 extra_args=(), kernel=None, iso=None, qemu=None, iso_cache_dir=None):
        super().__init__(timeout=timeout)
        if boot not in ("kernel", "grub"):
            raise ValueError(f"boot must be 'kernel' or 'grub', not {boot!r}")
        self.boot = boot
        self.machine = machine
        self.smp = smp
        self.mem = mem
        self.cpu = cpu
        self.cmdline = cmdline
        self.modules = [(str(p), a or "") for p, a in modules]
        self.icount = icount
        self.extra_args = list(extra_args)
        self.kernel = kernel
        self.iso = iso
        self.iso_cache_dir = iso_cache_dir
        self.qemu = qemu or os.environ.get("QEMU") or "qemu-system-x86_64"
        # One host thread for every emulated CPU: under QEMU 7.2's
        # multi-threaded TCG a VMRUN now and then starts the guest with the
        # host's own state (docs/vcpu-state.md, "Known bug"); single-threaded
        # it has not happened in 37 runs of its best reproducer, against 7
        # in 8 multi-threaded. TESS_QEMU_ACCEL overrides, to reproduce it.
        self.accel = os.environ.get("TESS_QEMU_ACCEL") or "tcg,thread=single"

    def prepare(self):
        if not shutil.which(self.qemu):
            raise MachineStartError(f"{self.qemu} not found: install qemu-system-x86")
        cmd = [self.qemu,
               "-machine", self.machine, "-accel", self.accel, "-cpu", self.cpu,
               "-smp", str(self.smp), "-m", str(self.mem),
               "-display", "none", "-monitor", "none", "-serial", "stdio",
               "-no-reboot"]
        if self.icount:
            cmd += ["-icount", "shift=0,sleep=off"]
        if self.boot == "kernel":
            elf = self.kernel or hypervisor_elf()
            require_file(elf, "hypervisor image", "build it with 'make'")
            for path, _ in self.modules:
                require_file(path, "module", "check the test's modules=")
                if " " in path:
                    raise MachineStartError(f"QEMU cannot load a module whose path has "
                                            f"a space: '{path}'")
            cmd += ["-kernel", elf, "-append", self.cmdline]
            if self.modules:
                cmd += ["-initrd", initrd_arg(self.modules)]
        else:
            iso = self.iso
            if iso is None:
                iso = build_iso(self.kernel or hypervisor_elf(), self.cmdline,
                                self.modules, self.iso_cache_dir)
            require_file(iso, "ISO", "build it with 'make iso'")
            self.iso = iso
            cmd += ["-cdrom", iso, "-boot", "d"]
        return cmd + self.extra_args
