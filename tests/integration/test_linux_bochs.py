# SPDX-License-Identifier: GPL-2.0-only
"""Debian's unmodified kernel as a boot-time PVH domain under Intel VT-x
with EPT (Bochs, corei7_skylake_x; issue 4), with 1 and 2 vCPUs: its first
line reaches hvc0, it runs /init of the busybox initramfs, whose checks
pass, and it powers off. With 2 vCPUs on the one CPU, the secondary vCPU
spins with interrupts off while it waits for the first, which only the
VMX-preemption timer gets back onto the CPU under Bochs (vmx.c,
preempt_timer_arm). The kernel must not trip over an MSR the hypervisor
refuses (an "unchecked MSR access error" is a #GP Linux did not expect).

Bochs is slow (docs/linux-guest.md has the figures), hence a small
machine: one CPU, a 128 MiB domain, and cryptomgr.notests: the
crypto self-tests that Linux runs before /init are pure guest computation
(SIMD), which QEMU runs in a quarter of a second and Bochs in 15 s of its
time; the QEMU tests (test_linux_guest.py) keep them."""
import re

import pytest

from harness import BochsMachine
from harness.linux import INIT_RESULT, RUN_INIT, init_checks
from test_linux_guest import linux_lines

TIMEOUT = 600
FIRST_LINE = r"^\(lin\) \[\s*0\.000000\] Linux version \S+"


@pytest.mark.parametrize("vcpus", [1, 2])
def test_linux_reaches_init_bochs(linux_image, vcpus):
    vmlinuz, initramfs = linux_image
    guest = f"console=hvc0 tess.cpus={vcpus} panic=-1 cryptomgr.notests"
    modules = [(vmlinuz, f"dom=lin mem=128M vcpus={vcpus} -- {guest}"), (initramfs, "initrd")]
    with BochsMachine(smp=1, mem_mb=256, timeout=TIMEOUT, modules=modules,
                      cmdline="console=com1 after_domains=poweroff") as m:
        m.wait_for(r"tessera: dom lin id=\d+ started", timeout=TIMEOUT)
        m.wait_for(FIRST_LINE, timeout=TIMEOUT)
        result = m.wait_for(INIT_RESULT, timeout=TIMEOUT)
        m.wait_for(r"tessera: dom lin id=\d+ poweroff", timeout=120)
        m.wait_for("tessera: every boot domain has ended", timeout=120)
        log = m.log
    assert "hvm: using vmx" in log, log
    lines = linux_lines(log)
    assert re.search(RUN_INIT, lines, re.M), log
    checks = init_checks(lines)
    assert checks["cpus"] == ("PASS", str(vcpus)), log
    assert checks["hypervisor"][0] == "PASS", log
    assert checks["sleep"][0] == "PASS", log
    assert (result.group(1), result.group(2)) == ("3", "0"), log
    assert "unchecked MSR access error" not in lines, log
    assert "FATAL" not in log and "PANIC" not in log, log
