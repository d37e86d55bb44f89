# SPDX-License-Identifier: GPL-2.0-only
"""Per-domain budgets (docs/limits.md; security-review-1 H1): a guest that
asks for all the p2m tables, event channels, grant frames and maptrack it
can (mini.budget=all, guest-ports/mini/budget.c) gets -ENOMEM for itself
at its budget, while a neighbour on the same CPU passes its suite; the
domain's end line reports each budget's peak; and after many such domains
the hypervisor's free memory is what it was.

On the code before the budgets (12be9f0, checked with this mini and only
the p2m case, as it has no budget options), the first test fails: each of
the hog's shared_info moves left a p2m table page behind, and after 31557
of its 40000 moves this 192 MiB host had no free memory left (the hog got
-ENOMEM for its 31558th move and for placing its grant table; whatever
needed memory next, any domain's or the hypervisor's, would not have got
it either)."""
import re

from test_guests import TIMEOUT, boot, dom, failures, results

HOG_LIMITS = "max_grant_frames=4 max_maptrack=1024"
END = (r"dom {name} id=\d+: \d+ MiB returned; peak p2m (\d+)/(\d+) evtchn (\d+)/(\d+) "
       r"grant (\d+)/(\d+) maptrack (\d+)/(\d+)")
ENDED_FREE = r"tessera: every boot domain has ended, free memory (\d+) KiB"


def check_hog(log, name):
    r = results(log, name)
    assert r is not None and r[1] == 0, failures(log, name) or log[-4000:]
    for case in ("p2m_moves_bounded", "p2m_maps_refused", "p2m_full_enomem", "p2m_recovers",
                 "evtchn_enomem", "gnttab_frames_refused", "gnttab_query_size",
                 "maptrack_refused"):
        assert f"({name}) mini: PASS budget.{case}" in log, case
    # The default event-channel budget is Xen's: ports 0..1023.
    assert re.search(rf"\({name}\) mini: budget evtchn ports=\d+ last=1023 rc=-12", log), log
    assert re.search(rf"\({name}\) mini: budget gnttab frames=4 rc=-12", log), log
    assert re.search(rf"\({name}\) mini: budget maptrack maps=1024 status=-13", log), log
    ends = re.findall(END.format(name=name), log)
    assert ends, log[-3000:]
    for e in ends:
        p2m, p2m_max, ev, ev_max, gr, gr_max, mt, mt_max = map(int, e)
        assert (p2m, ev, gr, mt) == (p2m_max, ev_max, gr_max, mt_max) == (p2m_max, 1024, 4, 1024)
    return len(ends)


def run(hog_mem, hog_guest, timeout=TIMEOUT):
    doms = [dom("hog", mem=hog_mem, extra=f"cpus=0 {HOG_LIMITS}", guest=hog_guest),
            dom("steady", extra="cpus=0")]
    with boot(doms, smp=2, mem="192M", timeout=timeout + 20) as m:
        m.wait_for(ENDED_FREE, timeout=timeout)
        log = m.log
    r = results(log, "steady")
    assert r is not None and r[1] == 0, failures(log, "steady") or log[-4000:]
    assert "PANIC" not in log and "crashed" not in log, log[-4000:]
    return log, int(re.search(ENDED_FREE, log).group(1))


def test_hog_gets_enomem_and_neighbour_passes():
    log, _ = run("32M", "mini.budget=all")
    assert check_hog(log, "hog") == 1


def test_many_hogs_give_back_everything():
    """The hog reboots (is built again) until its id reaches 101 (the
    neighbour has id 2): 100 domains, each hitting every budget. Once every domain has ended, free memory is
    what it is after a single round: nothing stays behind per domain. (Both
    end some 68 KiB below the free memory before the first build: what the
    hypervisor's heap and first-use structures keep, the same for one
    domain or a hundred.)"""
    guest = "mini.budget=all mini.calls=2000 mini.end=reboot mini.last_domid={}"
    log1, free1 = run("4M", guest.format(1))
    assert check_hog(log1, "hog") == 1
    rounds = 100
    log, free = run("4M", guest.format(rounds + 1), timeout=560)
    assert check_hog(log, "hog") == rounds
    assert free == free1, f"free memory {free1} KiB after one hog, {free} KiB after {rounds}"


def test_p2m_budget_below_the_ram_map_refuses_the_build():
    doms = [dom("tiny", extra="p2m_pages=3"), dom("steady")]
    with boot(doms, smp=2, mem="192M") as m:
        m.wait_for(ENDED_FREE, timeout=TIMEOUT)
        log = m.log
    assert "dom tiny: cannot be built (-12)" in log, log[-3000:]
    r = results(log, "steady")
    assert r is not None and r[1] == 0, failures(log, "steady") or log[-4000:]
