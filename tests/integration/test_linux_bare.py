# SPDX-License-Identifier: GPL-2.0-only
"""Debian's stock kernel with our busybox initramfs on bare QEMU (no
hypervisor): validates the guest image itself, so that a failure under
Tessera is Tessera's. /init's checks pass with 1 and 2 CPUs, each way of
ending works, and /init reports a wrong CPU count and a missing hypervisor
as failures instead of passing them."""
import pytest

from harness import QemuMachine
from harness.linux import INIT_RESULT, init_checks

TIMEOUT = 240


def bare(image, smp, append):
    vmlinuz, initramfs = image
    return QemuMachine(boot="kernel", kernel=vmlinuz, modules=[(initramfs, "")],
                       machine="q35", cpu="max", smp=smp, mem="512M", timeout=TIMEOUT,
                       cmdline=f"console=ttyS0 {append}")


@pytest.mark.parametrize("smp,end,last_words", [
    (1, "crash panic=-1", r"sysrq: Trigger a crash"),
    (2, "poweroff", r"reboot: Power down"),
])
def test_init_checks_pass(linux_image, smp, end, last_words):
    with bare(linux_image, smp, f"tess.cpus={smp} tess.bare=1 tess.end={end}") as m:
        result = m.wait_for(INIT_RESULT)
        m.wait_for(last_words, timeout=60)
        assert m.wait_exit(timeout=60) == 0
        log = m.log
    checks = init_checks(log)
    assert checks["cpus"] == ("PASS", str(smp)), log
    assert checks["hypervisor"][0] == "SKIP", log
    assert checks["sleep"][0] == "PASS", log
    assert (result.group(1), result.group(2)) == ("2", "0"), log


def test_init_reports_failures_and_gives_a_shell(linux_image):
    # One CPU where two are expected, and no hypervisor where one is.
    with bare(linux_image, 1, "tess.cpus=2 tess.end=shell") as m:
        result = m.wait_for(INIT_RESULT)
        m.wait_for(r"tess-init: shell")
        m.write("echo shell-says-$((6 * 7))\n")
        m.wait_for(r"^shell-says-42", start=result.end())
        m.write("exit\n")
        m.wait_for(r"reboot: Power down", timeout=60)
        assert m.wait_exit(timeout=60) == 0
        log = m.log
    checks = init_checks(log)
    assert checks["cpus"] == ("FAIL", "online 1 expected 2"), log
    assert checks["hypervisor"][0] == "FAIL", log
    assert checks["sleep"][0] == "PASS", log
    assert (result.group(1), result.group(2)) == ("1", "2"), log
