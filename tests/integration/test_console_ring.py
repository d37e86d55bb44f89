# SPDX-License-Identifier: GPL-2.0-only
"""The PV console ring backend: mini writes through its ring (and lies
about its indices, and notifies in a storm) and the lines appear on the
hypervisor's serial console prefixed with the domain's name; three Ctrl-A
over QEMU's serial input move the input focus to a domain, whose ring then
receives what is typed."""
import re

from test_guests import RESULT, TIMEOUT, boot, dom, failures, results


def test_ring_output_reaches_the_console():
    with boot([dom("m")], smp=2) as m:
        m.wait_for(r"\(m\) " + RESULT, timeout=TIMEOUT)
        assert m.wait_exit(timeout=60) == 0
        log = m.log
    assert results(log, "m")[1] == 0, "\n".join(failures(log, "m"))
    assert re.search(r"^\(m\) ring: hello through the console ring$", log, re.M), log
    # The 3000-byte burst wrapped the 2048-byte ring: all of its lines, whole.
    burst = re.findall(r"^\(m\) ([A-Z]{60})$", log, re.M)
    assert len(burst) == 3000 // 61, burst
    assert "dom m: console ring indices out of range; output dropped" in log
    assert re.search(r"^\(m\) ring: after bogus$", log, re.M)
    assert re.search(r"^\(m\) ring: after storm$", log, re.M)


def test_ctrl_a_switches_input_to_the_domain():
    with boot([dom("a", guest="mini.echo=1"), dom("b", guest="mini.echo=1")], smp=2) as m:
        m.wait_for(r"\(a\) mini: echo ready", timeout=TIMEOUT)
        m.wait_for(r"\(b\) mini: echo ready", timeout=TIMEOUT)
        # Typed while the hypervisor has the focus: nobody gets it.
        m.write(b"lost\r")
        # Sent apart, three Ctrl-A still count as one switch.
        m.write(b"\x01\x01")
        m.write(b"\x01")
        first = m.wait_for(r"\*\*\* Serial input to dom (\w+) ", timeout=30)
        who = first.group(1)
        other = "a" if who == "b" else "b"
        # Two Ctrl-A then another key: not a switch, the Ctrl-As are typed.
        m.write(b"\x01\x01x")
        m.write(b"hi " + who.encode() + b"\r")
        m.wait_for(r"\(%s\) mini: echo \^A\^Axhi %s$" % (who, who), timeout=30)
        # It powered off after its line: the focus falls back.
        m.wait_for(r"\*\*\* Serial input to the hypervisor \(its domain ended\)", timeout=30)
        m.write(b"\x01\x01\x01")
        m.wait_for(r"\*\*\* Serial input to dom %s " % other, timeout=30)
        m.write(b"to " + other.encode() + b"\r")
        m.wait_for(r"\(%s\) mini: echo to %s$" % (other, other), timeout=30)
        assert m.wait_exit(timeout=60) == 0
        log = m.log
    assert "echo lost" not in log
