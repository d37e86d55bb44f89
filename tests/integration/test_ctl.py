# SPDX-License-Identifier: GPL-2.0-only
"""Tessera's control hypercalls (public/tessera/ctl.h, docs/control.md),
driven by mini as dom0 (mini-dom0.elf with mini.ctl=create; its initrd
module is a copy of mini.elf, the image it hands over), under QEMU TCG
(guest-ports/mini/tests_ctl.c):

- physinfo, domain_list (ordered, from first_domid, max, a bad buffer),
  pool_list; a wrong interface version (-EACCES), unknown commands;
- stages: the image in 64 KiB chunks, last chunk first; oversize and
  overlapping writes, writes past the end or wrapping, a bad or
  non-canonical buffer, unknown handles, the per-image and total limits;
- creates refused with nothing left behind: a half-written stage, junk
  (not an ELF), an ELF cut short, a duplicate name (boot-time and runtime),
  a bad name, too much memory, an unknown pool, a CPU outside the pool,
  vCPU counts, unknown flags; each uses its stage up;
- u1, created paused: does not run until unpaused, then runs its whole
  self-test suite (which checks that a domU gets -EPERM from both calls);
  paused in the middle, its CPU time stands still;
- u2 destroyed while busy: all its memory returns; u3 shut down as a
  reboot is reported and not rebuilt; destroying a missing domain or dom0
  itself is refused;
- a dedicated pool (CPU 2): a domain takes its CPU, the next finds none
  (-EBUSY), a CPU outside the pool is refused;
- pools, pinning, weight/cap, vCPU list, console history (ctl_pools.c):
  each call with hostile arguments (bad, offline and huge CPUs, a CPU of
  another pool or of a dedicated vCPU, the last CPU of a pinned vCPU,
  unknown pools and domains, a pool with a CPU or a domain, `default`,
  dom0 moving itself, unterminated names, bad buffers); a pinned spinner
  seen only on its CPU; moved into a dedicated pool made at runtime it
  takes no interrupt exit in a second; a domain running its whole suite
  moved between default and that pool every few ms, its suite passing;
  a CPU churned between pools while dom0's and the spinner's vCPUs run
  on it;
- two dom0 vCPUs at once: while vCPU 0 creates and destroys six domains,
  vCPU 1 keeps calling getinfo/pause/unpause on the domain of the moment,
  lists domains, stages and frees its own images and creates junk under
  the name vCPU 0 is about to use; every answer must be one a vanishing
  domain allows, and free memory comes back;
- a stage dom0 leaves is freed with it, and all memory is back at the end;
- runtime domains do not count as boot domains: after_domains=poweroff
  waits for dom0 alone."""
import os
import re

from harness import BochsMachine, QemuMachine, build_dir
from test_guests import TIMEOUT, failures, mini, results

FREE_BEFORE = r"boot domains: 1 of 1 built in \d+ us, free memory (\d+) KiB"
FREE_AFTER = r"every boot domain has ended, free memory (\d+) KiB"
HEAP_SLACK_KIB = 512    # the heap may keep slabs it grew by (heap.c)


def dom0_modules(role, vcpus=2):
    path = os.path.join(build_dir(), "mini-dom0.elf")
    assert os.path.exists(path), f"{path} missing: run make"
    return [(path, f"dom0 mem=128M vcpus={vcpus} -- mini.ctl={role}"), (mini(), "initrd")]


def run(role, timeout=TIMEOUT * 2):
    machine = QemuMachine(boot="kernel", machine="q35", smp=3, mem="1G", timeout=timeout,
                          cmdline="console=com1 after_domains=poweroff pool=rt:2:dedicated",
                          modules=dom0_modules(role))
    with machine as m:
        # The whole line (its free memory is checked), then the power-off:
        # leaving the block kills QEMU, and what it had not yet printed.
        m.wait_for(FREE_AFTER, timeout=timeout)
        assert m.wait_exit(timeout=60) == 0
        return m.log


def check_common(log):
    """What both machines show: dom0's checks, u1's suite, the ends."""
    assert "FATAL" not in log and "PANIC" not in log, log
    assert results(log, "dom0"), log
    assert results(log, "dom0")[1] == 0, "\n".join(failures(log, "dom0")) + "\n" + log
    assert results(log, "dom0")[0] >= 60, log

    # u1 ran its whole suite, the control calls refused to it among them.
    assert results(log, "u1") and results(log, "u1")[1] == 0, "\n".join(failures(log, "u1"))
    assert re.search(r"^\(u1\) mini: PASS domu\.tess_domctl_refused", log, re.M), log
    assert re.search(r"^\(u1\) mini: PASS domu\.tess_sysctl_refused", log, re.M), log
    u1 = re.search(r"tessera: dom u1 id=(\d+) started", log)
    assert u1, log
    assert log.index("(dom0) mini: ctl unpausing u1\n") < u1.start(), "u1 ran while created paused"
    # That it stood still while paused is dom0's check (its CPU time did
    # not move): the log cannot show it, as the hypervisor drains a
    # domain's console ring at its CPUs' next pass through the run loop,
    # which can come after dom0's "paused" line.
    assert re.search(r"tessera: dom u1 id=%s poweroff" % u1.group(1), log), log
    assert re.search(r"dom u1 id=%s: 32 MiB returned" % u1.group(1), log), log

    # u2 destroyed, u3 shut down as a reboot and not built again.
    assert re.search(r"ctl: dom u2 id=\d+ destroyed by the control domain", log), log
    assert re.search(r"dom u2 id=\d+: 32 MiB returned", log), log
    assert re.search(r"tessera: dom u3 id=\d+ reboot", log), log
    assert len(re.findall(r"tessera: dom u3 id=\d+ started", log)) == 1, log
    # The refused creates said why on the hypervisor's console.
    assert re.search(r"ctl: dom half not created \(-22\): its stage is not fully written", log)
    assert re.search(r"dom junk: cannot be built", log), log

    # dom0 left a stage: freed with it; all memory is back in the end.
    left = re.search(r"ctl: 1 stages of domain 0 freed with it \((\d+) KiB\)", log)
    assert left and int(left.group(1)) >= 2 * 1024, log
    before = int(re.search(FREE_BEFORE, log).group(1))
    after = int(re.search(FREE_AFTER, log).group(1))
    assert before - HEAP_SLACK_KIB <= after <= before, f"{before} KiB free before, {after} after"

    # Runtime domains are not boot domains: the last boot domain to end is dom0.
    end = log.index("tessera: every boot domain has ended")
    assert log.rindex("tessera: dom dom0 id=0 poweroff", 0, end) > log.rindex("dom u3 id=")


def test_ctl_toolstack_path():
    log = run("create")
    check_common(log)

    # The dedicated pool: r1 took its CPU, r2 found none.
    assert re.search(r"^\(dom0\) mini: PASS ctl\.dedicated_pool_full", log, re.M), log
    assert re.search(r"dom r1 id=\d+: 32 MiB, 1 vCPUs, pool rt", log), log

    # Pools (ctl_pools.c): s1 pinned stayed on its CPU; moved into a
    # dedicated pool built at runtime it took no interrupt exits; u5 ran its
    # whole suite while moved between default and that pool.
    for name in ("vcpu_pin_keeps_it_there", "dedicated_no_timer_exits",
                 "migrate_while_selftests_run", "cpu_churn", "pool_destroy_ded"):
        assert re.search(r"^\(dom0\) mini: PASS ctl\.%s" % name, log, re.M), log
    assert results(log, "u5") and results(log, "u5")[1] == 0, "\n".join(failures(log, "u5"))
    assert results(log, "u5")[0] >= 20, log
    assert re.search(r"ctl: dom u5 id=\d+ moved to pool 'ded'", log), log
    assert "ctl: pool 'ded' (dedicated) created" in log, log

    # The race ran: vCPU 1 made its calls and saw the domains vCPU 0 made.
    race = re.search(r"\(dom0\) mini: ctl race: (\d+) calls from vCPU 1, "
                     r"domain seen (\d+) times", log)
    assert race and int(race.group(1)) > 100 and int(race.group(2)) > 0, log
    assert re.search(r"^\(dom0\) mini: PASS ctl\.race_leaves_nothing", log, re.M), log


def test_ctl_toolstack_path_bochs():
    """The same on Bochs (VT-x with EPT): one CPU, so no dedicated pool and
    no second dom0 vCPU (their checks say SKIP); the pauses go through the
    VMX run loop."""
    machine = BochsMachine(smp=1, mem_mb=1024, timeout=1500, modules=dom0_modules("create", 1),
                           cmdline="console=com1 after_domains=poweroff")
    with machine as m:
        m.wait_for("tessera: every boot domain has ended", timeout=1500)
        log = m.log
    assert "hvm: using vmx" in log, log
    check_common(log)
