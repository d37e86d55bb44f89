# SPDX-License-Identifier: GPL-2.0-only
"""Boot-time PVH domains running our mini kernel (guest-ports/mini) under
QEMU TCG's AMD-V with nested paging and under Bochs's VT-x with EPT: its
self-tests (every implemented hypercall, SMP bring-up, hostile calls) pass
with 1 and 4 vCPUs, in dedicated and shared pools, and a guest that crashes
on purpose takes nobody else down."""
import os
import re

import pytest

from harness import BochsMachine, QemuMachine, build_dir

RESULT = r"mini: (\d+) passed, (\d+) failed"
TIMEOUT = 240


def mini():
    path = os.path.join(build_dir(), "mini.elf")
    assert os.path.exists(path), f"{path} missing: run make"
    return path


def dom(name, mem="32M", vcpus=1, extra="", guest=""):
    args = f"dom={name} mem={mem} vcpus={vcpus} {extra}".strip()
    return (mini(), f"{args} -- {guest}".strip() if guest else args)


def results(log, name):
    """Per domain: (passed, failed) from its final count line."""
    m = re.search(r"^\(%s\) " % re.escape(name) + RESULT, log, re.M)
    return (int(m.group(1)), int(m.group(2))) if m else None


def failures(log, name):
    return re.findall(r"^\(%s\) mini: FAIL .*$" % re.escape(name), log, re.M)


def boot(modules, smp, cmdline="", mem="1G", timeout=TIMEOUT):
    return QemuMachine(boot="kernel", machine="q35", smp=smp, mem=mem, timeout=timeout,
                       cmdline=f"console=com1 after_domains=poweroff {cmdline}".strip(),
                       modules=modules)


def run_mini(vcpus, guest=""):
    """Domain m on four CPUs until it powers off; its log, once every
    check it made passed."""
    with boot([dom("m", vcpus=vcpus, guest=guest)], smp=4) as m:
        m.wait_for(r"tessera: dom m id=\d+ started", timeout=TIMEOUT)
        m.wait_for(r"\(m\) " + RESULT, timeout=TIMEOUT)
        m.wait_for(r"tessera: dom m id=\d+ poweroff", timeout=60)
        assert m.wait_exit(timeout=60) == 0
        log = m.log
    assert results(log, "m")[1] == 0, "\n".join(failures(log, "m"))
    return log


@pytest.mark.parametrize("vcpus", [1, 4])
def test_mini_selftests(vcpus):
    log = run_mini(vcpus)
    assert results(log, "m")[0] >= 10, log
    assert re.search(r"\(m\) mini: PASS smp", log), "the SMP test did not run"
    assert re.search(r"dom m id=\d+: 32 MiB returned", log), log
    # The ACPI tables (docs/guest-layout.md) were found and list every vCPU.
    assert re.search(r"\(m\) mini: PASS acpi\.madt_cpus", log), "the ACPI test did not run"
    assert re.search(r"\(m\) mini: memmap \[0x0, 0xa0000\) type 1", log), log


def test_guest_state_survives_exits_on_every_cpu():
    """Four vCPUs on four CPUs spend 10 s each in exits that run
    hypervisor code between two entries (yielding and plain hypercalls,
    WBINVD, the first MOV DR after a switch): no register a hypercall must
    keep, and no debug register, ever comes back changed, and nobody
    crashes (mini.regs, docs/mini.md)."""
    log = run_mini(4, guest="mini.regs=10")
    assert results(log, "m")[0] == 5, log
    for i in range(4):
        rounds = re.search(r"^\(m\) mini: regs vcpu %d: (\d+) rounds$" % i, log, re.M)
        assert rounds and int(rounds.group(1)) >= 100, log


def test_four_domains_in_a_dedicated_pool():
    doms = [dom(f"rt{i}", extra="pool=rt") for i in range(4)]
    with boot(doms, smp=4, cmdline="pool=rt:0-3:dedicated") as m:
        m.wait_for("tessera: every boot domain has ended", timeout=TIMEOUT)
        log = m.log
    assert "sched: pool rt: 4 CPUs, dedicated" in log
    for i in range(4):
        name = f"rt{i}"
        assert results(log, name) and results(log, name)[1] == 0, failures(log, name) or log


def test_sixteen_domains_share_two_cpus():
    doms = [dom(f"s{i:02}", mem="16M", extra="pool=small") for i in range(16)]
    with boot(doms, smp=2, cmdline="pool=small:0-1:shared", timeout=600) as m:
        m.wait_for("tessera: every boot domain has ended", timeout=580)
        log = m.log
    for i in range(16):
        name = f"s{i:02}"
        assert results(log, name) and results(log, name)[1] == 0, failures(log, name) or log


def test_reboot_rebuilds_the_domain():
    """A domain that reboots is reported, its memory returned, and it is
    built and started again (with a new id) while its neighbour is unaffected."""
    doms = [dom("again", guest="mini.end=reboot"), dom("steady")]
    with boot(doms, smp=2) as m:
        first = m.wait_for(r"tessera: dom again id=(\d+) reboot", timeout=TIMEOUT)
        m.wait_for(r"dom again id=%s: 32 MiB returned" % first.group(1), timeout=60)
        again = m.wait_for(r"tessera: dom again id=(?!%s\b)(\d+) started" % first.group(1),
                           timeout=TIMEOUT)
        m.wait_for(r"tessera: dom again id=%s reboot" % again.group(1), timeout=TIMEOUT)
        m.wait_for(r"\(steady\) " + RESULT, timeout=TIMEOUT)
        log = m.log
    assert again.group(1) != first.group(1)
    assert len(re.findall(r"^\(again\) " + RESULT, log, re.M)) >= 2
    assert all(int(f) == 0 for _, f in re.findall(r"^\(\w+\) " + RESULT, log, re.M)), log


def test_halt_with_interrupts_off_powers_off():
    """HLT with interrupts off takes a vCPU down; once every vCPU of the
    domain is down it has powered off (Xen's rule, which Linux's poweroff
    relies on). Its neighbour is unaffected."""
    doms = [dom("halts", guest="mini.end=halt"), dom("steady")]
    with boot(doms, smp=2) as m:
        m.wait_for(r"\(halts\) " + RESULT, timeout=TIMEOUT)
        m.wait_for(r"tessera: dom halts id=\d+ poweroff", timeout=60)
        m.wait_for(r"\(steady\) " + RESULT, timeout=TIMEOUT)
        m.wait_for("tessera: every boot domain has ended", timeout=TIMEOUT)


def test_invalid_module_list_still_ends_the_machine():
    """A module list the hypervisor rejects starts no domain; with
    after_domains=poweroff the machine then powers off at once instead of
    idling, and says why."""
    doms = [dom("ok"), dom("greedy", extra="pool=nosuchpool")]
    with boot(doms, smp=2) as m:
        m.wait_for(r"boot domains: none started, the module list is invalid", timeout=TIMEOUT)
        m.wait_for(r"tessera: no boot domain is running", timeout=30)
        assert m.wait_exit(timeout=60) == 0
        log = m.log
    assert "pool 'nosuchpool'" in log, log
    assert "tessera: dom ok" not in log, log


def test_weights_share_a_cpu():
    """Two busy domains on one shared CPU, weights 512 and 128: the CPU is
    split about 4:1 (each counts loop iterations over the same TSC span)."""
    spin = "mini.bench=spin mini.ms=3000"
    doms = [dom("heavy", extra="pool=one weight=512", guest=spin),
            dom("light", extra="pool=one weight=128", guest=spin)]
    with boot(doms, smp=2, cmdline="pool=one:1:shared") as m:
        m.wait_for("tessera: every boot domain has ended", timeout=TIMEOUT)
        log = m.log
    it = {n: int(re.search(r"\(%s\) mini: bench spin ms=\d+ iterations=(\d+)" % n, log).group(1))
          for n in ("heavy", "light")}
    ratio = it["heavy"] / it["light"]
    assert 2.5 < ratio < 6.5, f"{it}: ratio {ratio:.2f}, expected about 4"


@pytest.mark.parametrize("hostile", ["triplefault", "unmapped", "mmio", "badvcpu"])
def test_hostile_guest_crashes_alone(hostile):
    doms = [dom("bad", vcpus=2 if hostile == "badvcpu" else 1, extra="cpus=1",
                guest=f"mini.test={hostile}"),
            dom("good", extra="cpus=2")]
    with boot(doms, smp=3) as m:
        m.wait_for(r"tessera: dom bad id=\d+ crash", timeout=TIMEOUT)
        m.wait_for(r"\(good\) " + RESULT, timeout=TIMEOUT)
        m.wait_for("tessera: every boot domain has ended", timeout=60)
        log = m.log
    assert results(log, "good")[1] == 0, failures(log, "good")
    assert "dom bad id=" in log and "crashed:" in log
    assert "FATAL" not in log and "PANIC" not in log


# ---- Intel VT-x with EPT, under Bochs (corei7_skylake_x) ----

def boot_bochs(modules, smp):
    return BochsMachine(smp=smp, mem_mb=256, timeout=540, modules=modules,
                        cmdline="console=com1 after_domains=poweroff")


@pytest.mark.parametrize("smp,vcpus", [(1, 1), (2, 4)])
def test_mini_selftests_bochs(smp, vcpus):
    with boot_bochs([dom("m", vcpus=vcpus)], smp) as m:
        m.wait_for("tessera: every boot domain has ended", timeout=500)
        log = m.log
    assert "hvm: using vmx" in log, log
    passed, failed = results(log, "m")
    assert failed == 0, "\n".join(failures(log, "m"))
    assert passed >= 10, log
    # WBINVD and INVD exited and were skipped (tests_vcpu_state.c, test_vcpu_state.py).
    assert re.search(r"^dom m id=\d+: vcpu 0: \d+ exits.* cache-flush=1010\b", log, re.M), log
    if vcpus > 1:
        assert re.search(r"\(m\) mini: PASS smp.all_vcpus_up", log), log


def test_hostile_guest_crashes_alone_bochs():
    doms = [dom("bad", extra="cpus=0", guest="mini.test=unmapped"), dom("good", extra="cpus=1")]
    with boot_bochs(doms, 2) as m:
        m.wait_for("tessera: every boot domain has ended", timeout=500)
        log = m.log
    assert re.search(r"dom bad id=\d+ crashed: .*nothing mapped there", log), log
    assert results(log, "good") and results(log, "good")[1] == 0, failures(log, "good")
    assert "FATAL" not in log and "PANIC" not in log
