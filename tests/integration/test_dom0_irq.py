# SPDX-License-Identifier: GPL-2.0-only
"""dom0's interrupts through its vIOAPICs (docs/dom0-interrupts.md), with
Debian's kernel and the busybox initramfs as dom0 on -machine pc and q35
(QEMU TCG, AMD-V), 2 CPUs:
  - Linux finds one IOAPIC mirroring the host's (id 0, version 0x11 = 17,
    0xfec00000, GSIs 0-23) and binds its GSIs through it, with the trigger
    and polarity of the MADT's overrides: the ACPI SCI (GSI 9, level), the
    i8042's 1 and 12 and the RTC's 8 (edge);
  - the GSIs the hypervisor keeps (the PIT's 2, COM1's 4) are never bound;
  - dom0 still reaches its /init and passes its checks (two vCPUs up, a
    10 s sleep measured right: an interrupt storm would break them).
Device interrupts (ata_piix, e1000: level PCI INTx) need vPCI and the
Debian root image; the issue's dom0 tests count those."""
import re

import pytest

from harness import QemuMachine
from harness.linux import INIT_RESULT
from test_dom0_boot import dom0_lines

TIMEOUT = 500
LINUX = "console=hvc0 earlyprintk=xen tess.cpus=2 tess.end=poweroff panic=-1"


@pytest.mark.parametrize("machine", ["pc", "q35"])
def test_dom0_gsis_through_the_vioapic(linux_image, machine):
    vmlinuz, initramfs = linux_image
    with QemuMachine(boot="kernel", machine=machine, smp=2, mem="2G", timeout=TIMEOUT,
                     cmdline="console=com1 guest_console_rate=unlimited",
                     modules=[(vmlinuz, f"dom0 mem=1G vcpus=2 -- {LINUX}"),
                              (initramfs, "initrd")]) as m:
        result = m.wait_for(INIT_RESULT, timeout=TIMEOUT)
        log = m.log
    linux = dom0_lines(log)
    assert (result.group(1), result.group(2)) == ("3", "0"), log
    assert "IOAPIC[0]: apic_id 0, version 17, address 0xfec00000, GSI 0-23" in linux, linux
    assert "ACPI: Using IOAPIC for interrupt routing" in linux, linux
    for gsi, how in ((9, "level"), (1, "edge"), (12, "edge"), (8, "edge")):
        assert f"d0: GSI {gsi} bound ({how}, active high)" in log, log
    for kept in (2, 4):
        assert f"d0: GSI {kept} bound" not in log, log
    assert not re.search(r"d0: GSI \d+ cannot be bound", log), log
