# SPDX-License-Identifier: GPL-2.0-only
"""dom0 drives PCI devices through vPCI (docs/vpci.md), under QEMU TCG -cpu
max, -machine q35, dom0 with 2 vCPUs and 1 GiB, a virtio-net NIC (MSI-X) and
an ICH9 AHCI controller with a disk (MSI):
  - dom0 enumerates the functions through the trapped ECAM window and
    0xCF8/0xCFC and its drivers bind (Debian's modules, loaded by a small
    /init of our own until the dom0 root filesystem exists);
  - the AHCI disk reads back, with O_DIRECT, the bytes the test wrote into
    its image, and the controller's PCI-MSI line counts those reads;
  - the NIC gets 10.0.2.15 from QEMU's user network, and its MSI-X queue
    vectors count;
  - a BAR dom0 moves over RAM is not mapped (the console says so), and an
    AMD-Vi IOMMU function is hidden from dom0;
  - the hypervisor took every function and logged no crash."""
import hashlib
import os
import re

import pytest

from harness import QemuMachine
from harness.linux import initramfs_with_modules

TIMEOUT = 500

# Debian 6.1's module files for virtio-net and AHCI disks, in load order
# (each after what modules.dep says it needs).
MODULES = [
    "drivers/virtio/virtio_ring", "drivers/virtio/virtio",
    "drivers/virtio/virtio_pci_modern_dev", "drivers/virtio/virtio_pci_legacy_dev",
    "drivers/virtio/virtio_pci", "net/core/failover", "drivers/net/net_failover",
    "drivers/net/virtio_net", "drivers/scsi/scsi_common", "drivers/scsi/scsi_mod",
    "drivers/ata/libata", "drivers/ata/libahci", "drivers/ata/ahci", "drivers/ata/ata_piix",
    "drivers/net/ethernet/intel/e1000/e1000",
    "crypto/crct10dif_common", "lib/crc-t10dif", "lib/crc64", "lib/crc64-rocksoft",
    "block/t10-pi", "drivers/scsi/sd_mod",
]

INIT = r"""#!/bin/sh
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for d in /sys/bus/pci/devices/*; do
  echo "vt: pci $(basename $d) $(cat $d/vendor) $(cat $d/device)"
done
for m in %(mods)s; do insmod /mods/$m || echo "vt: insmod $m failed"; done
for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /dev/sda ] && break; sleep 1; done
for d in /sys/bus/pci/devices/*; do
  [ -e $d/driver ] && echo "vt: bound $(basename $d) $(basename $(readlink $d/driver))"
done
grep -E "PCI-MSI|IO-APIC" /proc/interrupts | sed 's/^/vt: irq1 /'
echo "vt: md5 $(dd if=/dev/sda bs=1M count=8 iflag=direct 2>/dev/null | md5sum)"
t0=$(cut -d' ' -f1 /proc/uptime)
dd if=/dev/sda of=/dev/null bs=1M count=16 iflag=direct 2>/dev/null
echo "vt: read 16 MiB from $t0 to $(cut -d' ' -f1 /proc/uptime) s"
ip link set eth0 up
udhcpc -i eth0 -n -q -t 10 -s /bin/true 2>&1 | sed 's/^/vt: dhcp /'
grep -E "PCI-MSI|IO-APIC" /proc/interrupts | sed 's/^/vt: irq2 /'
# Hostile (q35): the idle AHCI's BAR5 moved over RAM (16 MiB) and decoded.
f=/sys/bus/pci/devices/0000:00:1f.2
if [ -e $f/driver ]; then
  echo 0000:00:1f.2 > /sys/bus/pci/drivers/ahci/unbind
  printf '\000\000' | dd of=$f/config bs=2 seek=2 conv=notrunc 2>/dev/null
  printf '\000\000\000\001' | dd of=$f/config bs=4 seek=9 conv=notrunc 2>/dev/null
  printf '\002\000' | dd of=$f/config bs=2 seek=2 conv=notrunc 2>/dev/null
  echo "vt: bar5 $(od -An -tx4 -j36 -N4 $f/config)"
fi
echo "vt: done"
poweroff -f
"""


def dom0_pci_initramfs():
    """Our busybox initramfs with the modules above and the /init above."""
    return initramfs_with_modules(
        "vpci-test", __file__, lambda kdir: ["kernel/%s.ko" % m for m in MODULES],
        lambda mods: INIT % {"mods": mods})


def msi_counts(log, tag):
    """{irq name: total count} from /proc/interrupts lines tagged tag."""
    counts = {}
    for m in re.finditer(r"vt: %s\s+\d+:\s+([\d\s]+?)\s+PCI-MSI\s+\S+\s+(\S+)" % tag, log):
        counts[m.group(2)] = sum(int(c) for c in m.group(1).split())
    return counts


def run_dom0(linux_image, tmp_path, machine, devices):
    """Boots dom0 on `machine` with a 16 MiB disk whose first half is random
    (its data is returned) and the given QEMU device options; the log."""
    vmlinuz, _ = linux_image
    initramfs = dom0_pci_initramfs()
    disk = tmp_path / "disk.img"
    data = os.urandom(8 << 20)
    disk.write_bytes(data + bytes(8 << 20))
    modules = [(vmlinuz, "dom0 mem=1G vcpus=2 -- console=hvc0 panic=-1"), (initramfs, "initrd")]
    extra = ["-netdev", "user,id=n0", "-drive", f"file={disk},if=none,id=d0,format=raw"]
    with QemuMachine(boot="kernel", machine=machine, smp=2, mem="2G", timeout=TIMEOUT,
                     cmdline="console=com1 guest_console_rate=unlimited", modules=modules,
                     extra_args=extra + devices) as m:
        m.wait_for(r"vt: done", timeout=TIMEOUT)
        return data, m.log


def test_dom0_pci_msi_msix(linux_image, tmp_path):
    data, log = run_dom0(linux_image, tmp_path, "q35", [
        "-device", "virtio-net-pci,netdev=n0", "-device", "ich9-ahci,id=ahci",
        "-device", "ide-hd,drive=d0,bus=ahci.0", "-device", "amd-iommu"])
    assert re.search(r"vpci: dom0: \d+ PCI functions, 1 ECAM window trapped", log), log
    assert not re.search(r"^dom dom0 id=0 crashed", log, re.M), log
    pci = re.findall(r"vt: pci (\S+) (\S+) (\S+)", log)
    assert ("0x1af4", "0x1000") in [(v, d) for _, v, d in pci], log
    assert ("0x8086", "0x2922") in [(v, d) for _, v, d in pci], log
    assert "0x1022" not in [v for _, v, _ in pci], log          # AMD-Vi hidden
    assert re.search(r"vpci: 0000:00:\S+ \(IOMMU\) hidden from dom0", log), log
    bound = dict(re.findall(r"vt: bound (\S+) (\S+)", log))
    assert "virtio-pci" in bound.values() and "ahci" in bound.values(), log
    assert f"vt: md5 {hashlib.md5(data).hexdigest()}" in log, log
    assert "lease of 10.0.2.15 obtained" in log, log
    # The BAR over RAM: the device holds it, dom0's p2m does not.
    assert "vt: bar5  01000000" in log, log
    assert re.search(r"vpci: 0000:00:1f\.2: BAR5 \[0x1000000-0x1000fff\] over \S+ .*not mapped",
                     log), log
    before, after = msi_counts(log, "irq1"), msi_counts(log, "irq2")
    ahci = [k for k in after if k.startswith("ahci[")]
    # The disk's controller: MSI interrupts came for the reads.
    assert any(after[k] > before.get(k, 0) for k in ahci), log
    # The NIC: one MSI-X vector per queue, and DHCP moved both.
    assert after.get("virtio0-input.0", 0) > before.get("virtio0-input.0", 0), log
    assert after.get("virtio0-output.0", 0) + after.get("virtio0-input.0", 0) > 0, log


def test_dom0_pci_legacy_intx(linux_image, tmp_path):
    """-machine pc: no ECAM, so every access goes through 0xCF8/0xCFC; the
    e1000 NIC and the PIIX IDE disk interrupt through the IOAPIC."""
    data, log = run_dom0(linux_image, tmp_path, "pc", [
        "-device", "e1000,netdev=n0", "-device", "ide-hd,drive=d0,bus=ide.0"])
    assert re.search(r"vpci: dom0: \d+ PCI functions, 0 ECAM windows trapped", log), log
    assert not re.search(r"^dom dom0 id=0 crashed", log, re.M), log
    bound = set(re.findall(r"vt: bound \S+ (\S+)", log))
    assert {"e1000", "ata_piix"} <= bound, log
    assert f"vt: md5 {hashlib.md5(data).hexdigest()}" in log, log
    assert "lease of 10.0.2.15 obtained" in log, log
