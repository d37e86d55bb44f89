# SPDX-License-Identifier: GPL-2.0-only
"""Debian's unmodified kernel as a boot-time PVH domain of Tessera (issue
4), next to a mini domain on the other CPU, which must finish its suite
whatever Linux does:
  - with 1 and 2 vCPUs it reaches /init of the busybox initramfs, whose
    checks pass (CPU count, /sys/hypervisor/type is xen, sleep 10 takes
    10 s of guest time), powers off, and the hypervisor reports poweroff
    and returns the memory;
  - `echo c > /proc/sysrq-trigger` ends the domain in crash;
  - `reboot` ends it in reboot, and it is built again and reaches /init
    again."""
import re

import pytest

from harness import QemuMachine
from harness.linux import INIT_RESULT, init_checks
from test_guests import RESULT, dom, results

TIMEOUT = 400


def boot_linux(image, vcpus=1, end="poweroff"):
    vmlinuz, initramfs = image
    guest = f"console=hvc0 tess.cpus={vcpus} tess.end={end} panic=-1"
    modules = [(vmlinuz, f"dom=lin mem=512M vcpus={vcpus} cpus=1 -- {guest}"),
               (initramfs, "initrd"),
               dom("m", extra="cpus=0")]
    return QemuMachine(boot="kernel", machine="q35", smp=2, mem="1G", timeout=TIMEOUT,
                       cmdline="console=com1 after_domains=poweroff", modules=modules)


def linux_lines(log):
    return "\n".join(l[len("(lin) "):] for l in log.splitlines() if l.startswith("(lin) "))


def neighbour_passed(log):
    r = results(log, "m")
    return r is not None and r[1] == 0 and re.search(r"^\(m\) " + RESULT, log, re.M)


@pytest.mark.parametrize("vcpus", [1, 2])
def test_linux_reaches_init_and_powers_off(linux_image, vcpus):
    with boot_linux(linux_image, vcpus) as m:
        m.wait_for(r"tessera: dom lin id=\d+ started", timeout=TIMEOUT)
        result = m.wait_for(INIT_RESULT, timeout=TIMEOUT)
        m.wait_for(r"tessera: dom lin id=\d+ poweroff", timeout=120)
        m.wait_for(r"dom lin id=\d+: 512 MiB returned", timeout=60)
        m.wait_for("tessera: every boot domain has ended", timeout=TIMEOUT)
        log = m.log
    checks = init_checks(linux_lines(log))
    assert checks["cpus"] == ("PASS", str(vcpus)), log
    assert checks["hypervisor"][0] == "PASS", log
    assert checks["sleep"][0] == "PASS", log
    assert (result.group(1), result.group(2)) == ("3", "0"), log
    assert neighbour_passed(log), log


def test_linux_sysrq_crash_ends_in_crash(linux_image):
    with boot_linux(linux_image, end="crash") as m:
        m.wait_for(INIT_RESULT, timeout=TIMEOUT)
        m.wait_for(r"tessera: dom lin id=\d+ crash", timeout=120)
        m.wait_for(r"dom lin id=\d+: 512 MiB returned", timeout=60)
        m.wait_for("tessera: every boot domain has ended", timeout=TIMEOUT)
        log = m.log
    assert "sysrq: Trigger a crash" in log, log
    assert neighbour_passed(log), log


def test_linux_reboot_rebuilds_it(linux_image):
    with boot_linux(linux_image, end="reboot") as m:
        first = m.wait_for(r"tessera: dom lin id=(\d+) reboot", timeout=TIMEOUT)
        m.wait_for(r"dom lin id=%s: 512 MiB returned" % first.group(1), timeout=60)
        m.wait_for(r"tessera: dom lin id=(?!%s\b)\d+ started" % first.group(1), timeout=TIMEOUT)
        m.wait_for(INIT_RESULT, start=first.end(), timeout=TIMEOUT)
        m.wait_for(r"\(m\) " + RESULT, timeout=TIMEOUT)
        log = m.log
    assert neighbour_passed(log), log
