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
  paused in the middle its CPU time stands still and it prints nothing;
- u2 destroyed while busy: all its memory returns; u3 shut down as a
  reboot is reported and not rebuilt; destroying a missing domain or dom0
  itself is refused;
- runtime domains do not count as boot domains: after_domains=poweroff
  waits for dom0 alone."""
import os
import re

from harness import QemuMachine, build_dir
from test_guests import RESULT, TIMEOUT, failures, mini, results


def dom0_modules(role):
    path = os.path.join(build_dir(), "mini-dom0.elf")
    assert os.path.exists(path), f"{path} missing: run make"
    return [(path, f"dom0 mem=128M vcpus=1 -- mini.ctl={role}"), (mini(), "initrd")]


def run(role, timeout=TIMEOUT * 2):
    machine = QemuMachine(boot="kernel", machine="q35", smp=2, mem="1G", timeout=timeout,
                          cmdline="console=com1 after_domains=poweroff",
                          modules=dom0_modules(role))
    with machine as m:
        m.wait_for("tessera: every boot domain has ended", timeout=timeout)
        return m.log


def test_ctl_toolstack_path():
    log = run("create")
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
    # Nothing from u1 while it was paused.
    paused = log[log.index("(dom0) mini: ctl paused u1"):log.index("(dom0) mini: ctl unpausing u1 again")]
    assert "(u1)" not in paused, paused
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

    # Runtime domains are not boot domains: the last boot domain to end is dom0.
    end = log.index("tessera: every boot domain has ended")
    assert log.rindex("tessera: dom dom0 id=0 poweroff", 0, end) > log.rindex("dom u3 id=")
