# SPDX-License-Identifier: GPL-2.0-only
"""Event channels (docs/event-channels.md) from inside mini: its 2-level and
FIFO self-tests with hostile arguments in one domain (1 and 2 vCPUs, for
IPIs and bind_vcpu to another vCPU), and two domains talking over one
interdomain channel: the second sleeps in SCHEDOP_poll on its masked port
until the first sends, then ends without closing it, so the first sees its
port unbound again; with 2 vCPUs in B, its second vCPU hammers event
channel operations all along, through its domain's end."""
import re

import pytest

from test_guests import RESULT, TIMEOUT, boot, dom, failures, results


@pytest.mark.parametrize("vcpus", [1, 2])
def test_evtchn_selftests(vcpus):
    # The ABI's own limits need a budget above them (docs/limits.md).
    with boot([dom("m", vcpus=vcpus, extra="max_evtchn=131071")], smp=2) as m:
        m.wait_for(r"\(m\) " + RESULT, timeout=TIMEOUT)
        m.wait_for("tessera: every boot domain has ended", timeout=60)
        log = m.log
    assert results(log, "m") is not None, log
    assert results(log, "m")[1] == 0, "\n".join(failures(log, "m"))
    evtchn = re.findall(r"^\(m\) mini: PASS (?:evtchn|fifo)\.\S+", log, re.M)
    assert len(evtchn) >= 70, log
    for name in ("evtchn.upcall_delivered", "evtchn.unmask_reraises", "fifo.consume_two",
                 "fifo.hostile_words_survive", "fifo.expand_array_limit",
                 "evtchn.exhaust_2level", "fifo.more_ports_than_2level"):
        assert f"PASS {name}" in log, name
    if vcpus == 2:
        assert "PASS evtchn.ipi_other_vcpu" in log
    assert "dom m id=1: 32 MiB returned" in log


@pytest.mark.parametrize("b_vcpus", [1, 2])
def test_evtchn_two_domains(b_vcpus):
    """With 1 vCPU, B's poll must really sleep (A waits 50 ms before its
    send); with 2, B's second vCPU hammers operations throughout, sending to
    A too (so A's cue comes early and the poll need not sleep)."""
    doms = [dom("a", guest="mini.pair=a mini.peer=2"),
            dom("b", vcpus=b_vcpus, guest="mini.pair=b mini.peer=1")]
    with boot(doms, smp=2) as m:
        m.wait_for(r"tessera: dom a id=1 started", timeout=TIMEOUT)
        m.wait_for(r"tessera: dom b id=2 started", timeout=TIMEOUT)
        m.wait_for("tessera: every boot domain has ended", timeout=TIMEOUT)
        log = m.log
    for name, want in (("a", 9), ("b", 4 if b_vcpus == 1 else 6)):
        r = results(log, name)
        assert r is not None and r[1] == 0, failures(log, name) or log
        assert r[0] == want, log
    assert "(a) mini: PASS pair.peer_end_unbinds" in log
    assert "(b) mini: PASS pair.poll_woken_by_masked_port" in log
    if b_vcpus == 1:
        slept = re.search(r"\(b\) mini: pair poll slept (\d+) ms in (\d+) calls", log)
        assert slept and int(slept.group(1)) >= 20 and int(slept.group(2)) == 1, log
    else:
        assert "(b) mini: PASS pair.stress_second_vcpu" in log
