# SPDX-License-Identifier: GPL-2.0-only
"""The images themselves: GRUB accepts both Multiboot headers, the IOMMU
tables QEMU can add are noticed at boot (for the IOMMU work), and mini fits
the smallest domain."""
import os
import subprocess

import pytest

from harness import QemuMachine, build_dir, hypervisor_elf

READY = r"tessera: ready cpus=(\d+) ram=(\d+)MiB"


@pytest.mark.parametrize("kind", ["--is-x86-multiboot2", "--is-x86-multiboot"])
def test_grub_file_accepts_image(kind):
    r = subprocess.run(["grub-file", kind, hypervisor_elf()], capture_output=True, text=True)
    assert r.returncode == 0, f"grub-file {kind} rejected the image: {r.stdout}{r.stderr}"


@pytest.mark.parametrize("device, table", [("intel-iommu", "DMAR (VT-d)"),
                                           ("amd-iommu", "IVRS (AMD-Vi)")])
def test_iommu_table_noticed(device, table):
    with QemuMachine(boot="kernel", machine="q35", smp=1, mem="256M",
                     extra_args=["-device", device]) as m:
        m.wait_for(READY, timeout=90)
        assert f"acpi: {table} at 0x" in m.log, m.log_tail()


def test_no_iommu_table_without_device():
    with QemuMachine(boot="kernel", machine="q35", smp=1, mem="256M") as m:
        m.wait_for(READY, timeout=90)
        assert "DMAR" not in m.log and "IVRS" not in m.log


def test_mini_fits_smallest_domain():
    """The scale test and bench create 2 MiB mini domains (the smallest a
    domain can be, one 2 MiB page): mini's loaded image, bss included, must
    end below 2 MiB with room for its page tables and stacks' growth."""
    elf = os.path.join(build_dir(), "mini.elf")
    r = subprocess.run(["readelf", "-lW", elf], capture_output=True, text=True, check=True)
    ends = [int(f[2], 16) + int(f[5], 16) for f in (line.split() for line in r.stdout.splitlines())
            if f and f[0] == "LOAD"]
    assert ends and max(ends) <= 0x200000 - 0x10000, \
        f"mini.elf ends at {max(ends):#x}: it no longer fits a 2 MiB domain\n{r.stdout}"
