# SPDX-License-Identifier: GPL-2.0-only
"""Grant tables between two mini domains (guest-ports/mini/tests_gnttab.c):
domain a (id 1, built first) grants a page to b (id 2); b maps it, reads,
writes back, copies through GNTTABOP_copy and unmaps; a revokes. Hostile
ends: the mapper crashes while mapped, or the granter ends while mapped
(the mapper then keeps its mapping until this test, having seen the
hypervisor hold the dead granter's RAM, types it a word); either way the
hypervisor gives back every page it had before the domains (the free memory
it prints at the end)."""
import re

import pytest

from test_guests import RESULT, TIMEOUT, boot, dom, failures, results

FREE_BEFORE = r"boot domains: 2 of 2 built in \d+ us, free memory (\d+) KiB"
FREE_AFTER = r"every boot domain has ended, free memory (\d+) KiB"
# The hypervisor heap may keep a few pages it grew by; a leaked domain
# block would be 32 MiB.
HEAP_SLACK_KIB = 512


def run(role_a, role_b, meanwhile=None):
    doms = [dom("a", guest=f"mini.gnttab={role_a} mini.peer=2"),
            dom("b", guest=f"mini.gnttab={role_b} mini.peer=1")]
    with boot(doms, smp=2) as m:
        if meanwhile:
            meanwhile(m)
        m.wait_for(FREE_AFTER, timeout=TIMEOUT)
        log = m.log
    assert "FATAL" not in log and "PANIC" not in log, log
    before = int(re.search(FREE_BEFORE, log).group(1))
    after = int(re.search(FREE_AFTER, log).group(1))
    assert before - HEAP_SLACK_KIB <= after, f"{before} KiB free before, {after} after:\n{log}"
    return log


def test_grant_map_copy_unmap_revoke():
    log = run("grant", "map")
    assert results(log, "a") == (3, 0), failures(log, "a")
    assert results(log, "b") == (6, 0), failures(log, "b")


def test_mapper_crashes_while_mapped():
    log = run("grant", "map-crash")
    assert re.search(r"tessera: dom b id=2 crash", log), log
    # a sees the crashed mapper's mapping released: its grant is unused again.
    assert results(log, "a") == (3, 0), failures(log, "a")


HELD = r"dom a id=1: \d+ KiB of RAM still mapped by other domains, held until unmapped"
FREED = r"\d+ KiB of a dead domain's RAM freed after its last mapping"


def tell_mapper_once_held(m):
    """No guest can see when the granter has been reaped; the log can. Only
    once the hypervisor has held a's RAM is b (map-hold) told to unmap: three
    Ctrl-A give the input focus to the only domain left, then a line."""
    m.wait_for(HELD, timeout=TIMEOUT)
    m.write(b"\x01\x01\x01")
    m.wait_for(r"\*\*\* Serial input to dom b ", timeout=60)
    m.write(b"unmap\r")


def test_granter_ends_while_mapped():
    log = run("grant-leave", "map-hold", tell_mapper_once_held)
    held = re.search(HELD, log)
    freed = re.search(FREED, log)
    assert held and freed and held.start() < freed.start(), log
    assert results(log, "b") == (7, 0), failures(log, "b")
