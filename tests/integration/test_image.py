# SPDX-License-Identifier: GPL-2.0-only
"""The image itself: GRUB accepts both Multiboot headers, and the IOMMU
tables QEMU can add are noticed at boot (for the IOMMU work)."""
import subprocess

import pytest

from harness import QemuMachine, hypervisor_elf

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
