# SPDX-License-Identifier: GPL-2.0-only
"""Debian's unmodified kernel as a boot-time PVH domain of Tessera (issue
4): it reaches /init of the busybox initramfs, whose checks pass (CPU
count, /sys/hypervisor/type is xen, sleep 10 takes 10 s of guest time),
then powers off; the hypervisor reports poweroff and returns the memory.
A mini domain on another CPU finishes its suite alongside."""
import re

from harness import QemuMachine
from harness.linux import INIT_RESULT, init_checks
from test_guests import RESULT, dom, results

TIMEOUT = 400


def test_linux_reaches_init_and_powers_off(linux_image):
    vmlinuz, initramfs = linux_image
    modules = [(vmlinuz, "dom=lin mem=512M vcpus=1 cpus=1 -- console=hvc0 tess.cpus=1"),
               (initramfs, "initrd"),
               dom("m", extra="cpus=0")]
    with QemuMachine(boot="kernel", machine="q35", smp=2, mem="1G", timeout=TIMEOUT,
                     cmdline="console=com1 after_domains=poweroff", modules=modules) as m:
        m.wait_for(r"tessera: dom lin id=\d+ started", timeout=TIMEOUT)
        result = m.wait_for(INIT_RESULT, timeout=TIMEOUT)
        m.wait_for(r"tessera: dom lin id=\d+ poweroff", timeout=120)
        m.wait_for(r"dom lin id=\d+: 512 MiB returned", timeout=60)
        m.wait_for("tessera: every boot domain has ended", timeout=TIMEOUT)
        log = m.log
    lin = "\n".join(l[len("(lin) "):] for l in log.splitlines() if l.startswith("(lin) "))
    checks = init_checks(lin)
    assert checks["cpus"] == ("PASS", "1"), log
    assert checks["hypervisor"][0] == "PASS", log
    assert checks["sleep"][0] == "PASS", log
    assert (result.group(1), result.group(2)) == ("3", "0"), log
    assert results(log, "m") is not None and results(log, "m")[1] == 0, log
    assert re.search(r"^\(m\) " + RESULT, log, re.M), log
