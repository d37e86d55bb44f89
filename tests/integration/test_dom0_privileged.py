# SPDX-License-Identifier: GPL-2.0-only
"""dom0's privileged calls for its /dev/xen devices (docs/hypercalls.md,
docs/event-channels.md), with mini as the `dom0` module (mini-dom0.elf,
linked at 64 MiB: dom0's RAM is the machine's) beside a mini domU, under
QEMU TCG (AMD-V, q35) and once under Bochs (VT-x with EPT),
guest-ports/mini/tests_dom0_ctl.c:

- dom0 allocates an unbound port in the domU, reads its status, binds it,
  and each side notifies the other; a loopback port within dom0;
- dom0 maps the domU's grants (read-write, read-only, above 4 GiB; never
  over its own RAM or an emulated device), copies both ways in one batch;
- dom0 foreign-maps two domU frames in one XENMEM_add_to_physmap_batch
  whose other entries fail one by one in errs;
- the domU's own privileged calls are all refused (-EPERM);
- the domU ends (or crashes) while dom0 still maps its frames: dom0 gets
  VIRQ_DOM_EXC, reads the frames after the domU is gone, unmaps one; the
  other is released at dom0's end; the hypervisor holds the domU's RAM
  until then and has as much free memory after as before."""
import os
import re

import pytest

from harness import BochsMachine, QemuMachine, build_dir
from test_guests import RESULT, TIMEOUT, dom, failures, results

FREE_BEFORE = r"boot domains: 2 of 2 built in \d+ us, free memory (\d+) KiB"
FREE_AFTER = r"every boot domain has ended, free memory (\d+) KiB"
HEAP_SLACK_KIB = 512    # the heap may keep pages it grew by; a domU is 32 MiB
HELD = r"dom u id=1: \d+ KiB of RAM still mapped by other domains, held until unmapped"
FREED = r"\d+ KiB of a dead domain's RAM freed after its last mapping"
RELEASED = r"dom dom0 id=0: 1 foreign mappings released at its end, 0 left"


def dom0(guest, cpus):
    path = os.path.join(build_dir(), "mini-dom0.elf")
    assert os.path.exists(path), f"{path} missing: run make"
    return (path, f"dom0 mem=128M vcpus=1 {cpus} -- {guest}")


def run(peer_role, bochs=False):
    """QEMU: dom0 and the domU on CPUs of their own. Bochs (VT-x with EPT,
    slow): one CPU, 256 MiB, both sharing it."""
    modules = [dom0("mini.ctl=priv mini.peer=1", "" if bochs else "cpus=1"),
               dom("u", extra="" if bochs else "cpus=2",
                   guest=f"mini.ctl={peer_role} mini.peer=0")]
    cmdline = "console=com1 after_domains=poweroff"
    if bochs:
        machine = BochsMachine(smp=1, mem_mb=256, timeout=900, modules=modules, cmdline=cmdline)
    else:
        machine = QemuMachine(boot="kernel", machine="q35", smp=3, mem="1G", timeout=TIMEOUT,
                              cmdline=cmdline, modules=modules)
    with machine as m:
        m.wait_for(FREE_AFTER, timeout=900 if bochs else TIMEOUT)
        log = m.log
    if bochs:
        assert "hvm: using vmx" in log, log
    assert "FATAL" not in log and "PANIC" not in log, log
    assert results(log, "dom0") and results(log, "dom0")[1] == 0, \
        "\n".join(failures(log, "dom0")) + "\n" + log
    assert results(log, "u") and results(log, "u")[1] == 0, "\n".join(failures(log, "u"))
    assert results(log, "dom0")[0] >= 40, log
    # The domU's RAM outlived it while dom0 mapped it, and went at the end.
    # dom0 unmapped one frame after the domU was gone; the other one still
    # held the block until dom0's own end released it.
    held, freed, released, dom0_end = (re.search(p, log, re.M) for p in
                                       (HELD, FREED, RELEASED, r"tessera: dom dom0 id=0 poweroff"))
    assert held and freed and released and dom0_end, log
    assert held.start() < dom0_end.start() < freed.start(), log
    before = int(re.search(FREE_BEFORE, log).group(1))
    after = int(re.search(FREE_AFTER, log).group(1))
    assert before - HEAP_SLACK_KIB <= after, f"{before} KiB free before, {after} after:\n{log}"
    return log


def test_dom0_privileged_calls_domu_ends():
    log = run("peer")
    assert re.search(r"tessera: dom u id=1 poweroff", log), log


def test_dom0_privileged_calls_bochs():
    log = run("peer", bochs=True)
    assert re.search(r"tessera: dom u id=1 poweroff", log), log


def test_dom0_privileged_calls_domu_crashes():
    log = run("peer-crash")
    assert re.search(r"tessera: dom u id=1 crash", log), log
