# SPDX-License-Identifier: GPL-2.0-only
"""PV time under QEMU -icount (virtual time counts instructions), where the
host's load cannot delay the hypervisor's timers: mini's timer tests must
then pass outright (mini.timing=strict), and its time info and wall clock
tests too."""
import re

from harness import QemuMachine
from test_guests import RESULT, TIMEOUT, dom, failures, results


def test_vcpu_timers_fire_on_time():
    with QemuMachine(boot="kernel", machine="q35", smp=2, mem="1G", icount=True,
                     timeout=TIMEOUT, modules=[dom("t", guest="mini.timing=strict")],
                     cmdline="console=com1 after_domains=poweroff") as m:
        m.wait_for(r"\(t\) " + RESULT, timeout=TIMEOUT)
        assert m.wait_exit(timeout=60) == 0
        log = m.log
    assert results(log, "t")[1] == 0, "\n".join(failures(log, "t"))
    for name in ("singleshot_fires", "periodic_fires", "time_info", "tracks_tsc",
                 "monotonic", "wallclock"):
        assert re.search(r"^\(t\) mini: PASS pvtime\.%s$" % name, log, re.M), name
