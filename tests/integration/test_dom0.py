# SPDX-License-Identifier: GPL-2.0-only
"""Debian's kernel and dom0 image (make dom0-image) as Tessera's dom0
(issue 13): the checks of test_dom0_bare.py, now through the hypervisor,
plus the Xen ones (/dev/xen/{privcmd,evtchn,gntdev}, /proc/xen/capabilities
is control_d). Under QEMU TCG -cpu max (SVM), dom0 with 2 vCPUs and 1 GiB:
  - q35 with virtio-net (MSI-X) and ICH9 AHCI (MSI), pc with e1000 and
    PIIX IDE (IOAPIC INTx): every check passes, and the data disk's image
    holds the bytes dom0 wrote with O_DIRECT;
  - the same on q35 with a mini domain and a Linux PVH domU on CPUs of
    their own beside dom0, both finishing their checks too."""
import re

import pytest

from harness import QemuMachine
from harness.dom0 import DONE, Dom0Run, dom0_image
from harness.linux import INIT_RESULT, init_checks
from test_guests import RESULT, dom, results

TIMEOUT = 900
DOM0 = "dom0 mem=1G vcpus=2 {cpus}-- root=LABEL=tessdom0 console=hvc0"
CHECKS = ("rc.local", "dhcp", "http", "disk", "irq-nic", "irq-disk", "xen")


@pytest.fixture(scope="module")
def image():
    return dom0_image()


def boot(run, machine, smp, cmdline, dom0_cpus="", beside=()):
    modules = [(run.vmlinuz, DOM0.format(cpus=dom0_cpus)), (run.initrd, "initrd")]
    return QemuMachine(boot="kernel", machine=machine, cpu="max", smp=smp, mem="2G",
                       timeout=TIMEOUT, cmdline=cmdline, modules=modules + list(beside),
                       extra_args=run.qemu_args())


def dom0_passes(run, m):
    """Wait for dom0's checks; assert all passed and the disk image agrees."""
    # The whole error line (up to its newline), not the part that has arrived.
    started = m.wait_for(r"tessera: dom dom0 id=0 started|^bootdom: [^\n]*\n", timeout=300)
    assert "started" in started.group(0), f"dom0 was not started: {started.group(0).strip()}"
    run.wait_init(m, 400)
    done = m.wait_for(DONE)
    log = m.log
    checks = run.results(log)
    for name in CHECKS:
        assert checks.get(name, ("missing",))[0] == "PASS", (name, log)
    assert (done.group(1), done.group(2)) == (str(len(CHECKS)), "0"), log
    assert re.search(r"dom0-init: console hvc0$", log, re.M), log
    return checks


def disk_written(run, checks, log):
    written = re.search(r"sha256 ([0-9a-f]{64})", checks["disk"][1]).group(1)
    assert run.disk_sha256() == written, log


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_dom0_checks(image, tmp_path, machine):
    run = Dom0Run(tmp_path, machine, xen=True, image=image)
    try:
        with boot(run, machine, 2, "console=com1") as m:
            checks = dom0_passes(run, m)
            # dom0's power-off is the machine's (ACPI S5), as under Xen.
            m.wait_for(r"dom dom0: asks for a host power-off", timeout=120)
            assert m.wait_exit(timeout=120) == 0
            log = m.log
        disk_written(run, checks, log)
    finally:
        run.close()


def test_dom0_beside_mini_and_linux(image, linux_image, tmp_path):
    """dom0 on CPUs 0-1, a mini domain on CPU 2, Linux on CPU 3. dom0
    stays up (its power-off would end the machine) until both finish."""
    vmlinuz, initramfs = linux_image
    beside = [dom("m", extra="pool=mp"),
              (vmlinuz, "dom=lin mem=256M vcpus=1 pool=lp -- console=hvc0 "
                        "tess.cpus=1 tess.end=poweroff panic=-1"),
              (initramfs, "initrd")]
    run = Dom0Run(tmp_path, "q35", xen=True, image=image, poweroff=False)
    try:
        with boot(run, "q35", 4, "console=com1 pool=mp:2:dedicated pool=lp:3:dedicated",
                  dom0_cpus="cpus=0-1 ", beside=beside) as m:
            checks = dom0_passes(run, m)
            m.wait_for(r"^\(lin\) " + INIT_RESULT, timeout=300)
            m.wait_for(r"^\(m\) " + RESULT, timeout=300)
            log = m.log
        disk_written(run, checks, log)
        lin = "\n".join(line[len("(lin) "):] for line in log.splitlines()
                        if line.startswith("(lin) "))
        assert all(v[0] == "PASS" for v in init_checks(lin).values()), log
        assert results(log, "m")[1] == 0, log
    finally:
        run.close()
