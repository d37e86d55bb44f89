# SPDX-License-Identifier: GPL-2.0-only
"""Debian's kernel as dom0 under Bochs (Intel VT-x with EPT, one CPU,
256 MiB; dom0 128 MiB), with Bochs' PIIX3 IDE disk and its e1000 NIC
(issue 13: "dom0 reaches its init and reads the disk"):
  - dom0's /init (ours, below, in the busybox initramfs) loads ata_piix,
    sd_mod and e1000 with what the kernel's own modules.dep says they need;
  - the ATA disk on the primary channel (beside the boot CD-ROM) reads
    back, with O_DIRECT, the bytes the test wrote into its image: the
    checksum dom0 prints is compared here;
  - IDE's ISA IRQ 14 goes through the mirrored IOAPIC (edge) and counts
    those reads in /proc/interrupts;
  - dom0 sees the e1000 (PCI 00:02.0), but with Bochs' BIOS its driver
    cannot bind: Bochs' MADT has no override for the ISA IRQs its PCI
    links use (level, active low), and Linux, without a legacy PIC (as a
    PVH dom0 on Xen), refuses to turn such a pin from the ISA default to
    level (-EBUSY; docs/dom0.md, "Under Bochs"). DHCP through slirp is
    tried anyway and its outcome is in the log."""
import hashlib
import os
import re

from harness import BochsMachine
from harness.linux import initramfs_with_modules
from test_dom0_boot import dom0_lines

TIMEOUT = 300

# Module names; the files and what they need come from modules.dep.
WANTED = ["ata_piix", "sd_mod", "e1000"]

INIT = r"""#!/bin/sh
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in %(mods)s; do insmod /mods/$m || echo "vt: insmod $m failed"; done
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do [ -e /dev/sda ] && break; sleep 1; done
grep -E "^ *14:" /proc/interrupts | sed 's/^/vt: irq1 /'
echo "vt: md5 $(dd if=/dev/sda bs=64k count=%(blocks)d iflag=direct 2>/dev/null | md5sum)"
grep -E "^ *14:" /proc/interrupts | sed 's/^/vt: irq2 /'
for d in /sys/bus/pci/devices/*; do
  [ -e $d/driver ] && echo "vt: bound $(basename $d) $(basename $(readlink $d/driver))"
done
if ip link set eth0 up 2>/dev/null; then
  udhcpc -i eth0 -n -q -t 5 -T 2 -s /bin/true 2>&1 | sed 's/^/vt: dhcp /'
else
  echo "vt: dhcp no eth0"
fi
echo "vt: done"
poweroff -f
"""

# The disk: 20 cylinders of 16 heads x 63 sectors (Bochs' flat images take
# their geometry from the config); the first 1 MiB is the pattern dom0 reads.
CYLINDERS, HEADS, SPT = 20, 16, 63
PATTERN = 1 << 20


def module_order(kdir, names):
    """Module files (relative to kdir) for names, each after what it needs.
    modules.dep lists a module's dependencies so that loading them from
    the last to the first works (depmod(8); modprobe does that)."""
    deps = {}
    with open(os.path.join(kdir, "modules.dep")) as f:
        for line in f:
            mod, _, rest = line.partition(":")
            deps[os.path.basename(mod).split(".ko")[0].replace("-", "_")] = (mod, rest.split())
    out = []
    for name in names:
        mod, needs = deps[name]
        for m in list(reversed(needs)) + [mod]:
            if m not in out:
                out.append(m)
    return out


def bochs_initramfs():
    """The busybox initramfs with the modules and the /init above."""
    return initramfs_with_modules(
        "dom0-bochs-test", __file__, lambda kdir: module_order(kdir, WANTED),
        lambda mods: INIT % {"mods": mods, "blocks": PATTERN // 65536})


class BochsWithDisk(BochsMachine):
    """BochsMachine plus an ATA disk (primary slave) and an e1000 on slirp."""

    def __init__(self, disk, **kw):
        super().__init__(**kw)
        self.disk = disk

    def prepare(self):
        argv = super().prepare()
        with open(self.bochsrc_path, "a") as f:
            f.write(f"ata0-slave: type=disk, mode=flat, path={self.disk}, "
                    f"cylinders={CYLINDERS}, heads={HEADS}, spt={SPT}\n")
            f.write("pci: enabled=1, chipset=i440fx, slot1=e1000\n")
            f.write("e1000: enabled=1, mac=52:54:00:12:34:56, ethmod=slirp, ethdev=\n")
        return argv


def irq14_count(log, tag):
    m = re.search(r"vt: %s\s+14:\s+(\d+)\s+(\S+)\s+(.*)$" % tag, log, re.M)
    return (int(m.group(1)), m.group(2), m.group(3)) if m else None


def test_dom0_reads_its_ata_disk_under_bochs(linux_image, tmp_path):
    vmlinuz, _ = linux_image
    initramfs = bochs_initramfs()
    disk = tmp_path / "disk.img"
    data = os.urandom(PATTERN)
    disk.write_bytes(data + bytes(CYLINDERS * HEADS * SPT * 512 - PATTERN))
    linux = "console=hvc0 panic=-1 cryptomgr.notests"
    modules = [(vmlinuz, f"dom0 mem=128M vcpus=1 -- {linux}"), (initramfs, "initrd")]
    with BochsWithDisk(str(disk), smp=1, mem_mb=256, timeout=TIMEOUT, modules=modules,
                       cmdline="console=com1 guest_console_rate=unlimited") as m:
        m.wait_for(r"vt: done", timeout=TIMEOUT)
        log = m.log
    out = dom0_lines(log)
    assert "hvm: using vmx" in log, log
    assert not re.search(r"^dom dom0 id=0 crashed", log, re.M), log
    assert "insmod" not in re.sub(r"^(?!vt: ).*$", "", out, flags=re.M), out
    assert f"vt: md5 {hashlib.md5(data).hexdigest()}" in out, out
    assert re.search(r"vt: bound 0000:00:01\.1 ata_piix", out), out
    assert re.search(r"pci 0000:00:02\.0: \[8086:100e\]", out), out
    before, after = irq14_count(out, "irq1"), irq14_count(out, "irq2")
    assert before and after, out
    assert "IO-APIC" in after[1] + after[2] and "edge" in after[2], out
    assert after[0] > before[0], out
