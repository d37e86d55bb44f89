# SPDX-License-Identifier: GPL-2.0-only
"""dom0's kernel, initramfs and Debian root filesystem (make dom0-image) on
bare QEMU, no hypervisor: the same checks test_dom0.py runs through
Tessera, so that a failure there is Tessera's, and the baseline of the
issue's figures. One boot per machine configuration (harness/dom0.py):
q35 with virtio-net and ICH9 AHCI, pc with e1000 and PIIX IDE. Every check
must pass, the Xen checks must say they are not under a hypervisor, and
the data disk's image must hold the bytes dom0 wrote. Without a NIC and a
data disk, the checks that need them fail instead of passing."""
import re

import pytest

from harness import QemuMachine
from harness.dom0 import DONE, POWER_DOWN, Dom0Run, dom0_image

TIMEOUT = 420


@pytest.fixture(scope="module")
def image():
    return dom0_image()


def boot_bare(run, machine, devices):
    """Boot dom0's image on bare QEMU until it has powered off; its log."""
    with QemuMachine(boot="kernel", kernel=run.vmlinuz, modules=[(run.initrd, "")],
                     machine=machine, cpu="max", smp=2, mem="1G", timeout=TIMEOUT,
                     cmdline="console=ttyS0 root=LABEL=tessdom0", extra_args=devices) as m:
        run.wait_init(m, 240)
        m.wait_for(DONE)
        m.wait_for(POWER_DOWN, timeout=60)
        assert m.wait_exit(timeout=60) == 0
        return m.log


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_dom0_checks_bare(image, tmp_path, machine):
    run = Dom0Run(tmp_path, machine, xen=False, image=image)
    try:
        log = boot_bare(run, machine, run.qemu_args())
        done = re.search(DONE, log, re.M)
        checks = run.results(log)
        for name in ("rc.local", "dhcp", "http", "disk", "irq-nic", "irq-disk"):
            assert checks.get(name, ("missing",))[0] == "PASS", (name, log)
        assert checks["xen"][0] == "SKIP", log
        assert (done.group(1), done.group(2)) == ("6", "0"), log
        assert re.search(r"^dom0-init: console ttyS0$", log, re.M), log
        # The bytes dom0 wrote with O_DIRECT are in the image file.
        written = re.search(r"sha256 ([0-9a-f]{64})", checks["disk"][1]).group(1)
        assert run.disk_sha256() == written, log
    finally:
        run.close()


def test_dom0_checks_fail_without_nic_and_disk(image, tmp_path):
    run = Dom0Run(tmp_path, "q35", xen=False, image=image)
    try:
        log = boot_bare(run, "q35", run.qemu_args(nic=False, data_disk=False))
        checks = run.results(log)
        for name in ("dhcp", "http", "disk", "irq-nic", "irq-disk"):
            assert checks.get(name, ("missing",))[0] == "FAIL", (name, log)
        assert checks["rc.local"][0] == "PASS", log
        assert re.search(DONE, log, re.M).groups() == ("1", "5"), log
        assert re.search(r"dom0-init: net .*", log) is None, log
    finally:
        run.close()
