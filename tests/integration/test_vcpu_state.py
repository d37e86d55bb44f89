# SPDX-License-Identifier: GPL-2.0-only
"""Per-vCPU hardware state another domain must not see, or that no guest may
use on the real hardware (docs/vcpu-state.md; guest-ports/mini/
tests_vcpu_state.c). Two domains pinned to one CPU: one writes markers into
DR0-DR3 and yields, the other only reads them and must see the zeros INIT
left, never the markers (it saw them before MOV DR was intercepted and the
registers switched). In the self-test suite: RDPMC gives #GP, and a loop of
WBINVD and INVD exits to the hypervisor, which skips them, each counted in
the domain's exit statistics. Under QEMU's AMD-V and under Bochs' VT-x."""
import re

from test_guests import RESULT, TIMEOUT, boot, boot_bochs, dom, failures, results

EXITS = r"^dom %s id=\d+: vcpu 0: \d+ exits.*$"


def dr_pair_doms():
    return [dom("w", extra="cpus=1", guest="mini.dr=write"),
            dom("r", extra="cpus=1", guest="mini.dr=read")]


def check_dr_pair(log):
    assert "FATAL" not in log and "PANIC" not in log, log
    assert results(log, "w") == (2, 0), failures(log, "w") or log
    assert results(log, "r") == (1, 0), failures(log, "r") or log
    # Both really touched their debug registers through the intercept.
    for name in ("w", "r"):
        line = re.search(EXITS % name, log, re.M)
        assert line and re.search(r" dr-access=\d+", line.group(0)), log


def test_debug_registers_stay_with_their_domain():
    with boot(dr_pair_doms(), smp=2) as m:
        m.wait_for("tessera: every boot domain has ended", timeout=TIMEOUT)
        log = m.log
    check_dr_pair(log)


def test_cache_flush_skipped_and_counted_rdpmc_refused():
    with boot([dom("m")], smp=2) as m:
        m.wait_for(r"\(m\) " + RESULT, timeout=TIMEOUT)
        m.wait_for("tessera: every boot domain has ended", timeout=60)
        log = m.log
    assert results(log, "m")[1] == 0, failures(log, "m")
    for name in ("insn.rdpmc_gp", "insn.wbinvd_skipped", "insn.invd_skipped",
                 "dr.kept_across_yields"):
        assert re.search(r"\(m\) mini: PASS %s$" % re.escape(name), log, re.M), name
    line = re.search(EXITS % "m", log, re.M).group(0)
    # 1000 WBINVD and 10 INVD in tests_vcpu_state.c, each one exit.
    assert int(re.search(r" cache-flush=(\d+)", line).group(1)) >= 1010, line
    assert int(re.search(r" rdpmc=(\d+)", line).group(1)) >= 2, line


def test_debug_registers_stay_with_their_domain_bochs():
    with boot_bochs(dr_pair_doms(), 2) as m:
        m.wait_for("tessera: every boot domain has ended", timeout=500)
        log = m.log
    assert "hvm: using vmx" in log, log
    check_dr_pair(log)
