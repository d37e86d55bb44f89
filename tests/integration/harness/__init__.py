# SPDX-License-Identifier: GPL-2.0-only
r"""Test harness: boot the hypervisor in QEMU (TCG) or Bochs and read its
serial console.

    from harness import QemuMachine, BochsMachine

    with QemuMachine(boot="grub", machine="q35", smp=4, mem="1G",
                     cmdline="console=com1 ready_action=poweroff") as m:
        match = m.wait_for(r"tessera: ready cpus=(\d+) ram=(\d+)MiB", timeout=90)
        assert int(match.group(1)) == 4, m.log_tail()
        assert m.wait_exit(timeout=30) == 0

    with BochsMachine(cmdline="console=com1", smp=1, mem_mb=256) as m:
        m.wait_for(r"tessera: ready", timeout=300)

Every machine has a hard time limit (timeout=, seconds from start) and is
killed when the with block ends, at interpreter exit, or if the test process
dies. wait_for() / wait_exit() raise MachineTimeout or MachineExited whose
text holds the emulator's command line and the last 60 lines of the serial
log. m.log is the serial output so far (terminal control sequences and CRs
removed), m.raw_log the bytes. The image is $O/tessera.elf (O defaults to
<repo>/build); GRUB ISOs are built by scripts/mkiso.sh and cached in
$O/test-isos/.
"""
from .bochs import BochsMachine
from .errors import MachineError, MachineExited, MachineStartError, MachineTimeout
from .iso import build_iso
from .machine import Machine
from .paths import build_dir, hypervisor_elf
from .qemu import QemuMachine, initrd_arg

__all__ = ["Machine", "QemuMachine", "BochsMachine", "MachineError", "MachineExited",
           "MachineStartError", "MachineTimeout", "build_iso", "build_dir",
           "hypervisor_elf", "initrd_arg"]
