# SPDX-License-Identifier: GPL-2.0-only
"""The hypercall fuzzer (mini.fuzz, docs/mini.md) beside domains running
their normal mini suites, under QEMU TCG's AMD-V: the hypervisor never
crashes (no panic or fault line, it keeps running and reports every
domain's end), the fuzzer reaches its end line, the neighbours pass.

One neighbour reboots after each pass of its suite, so domains die and
are reaped while the fuzzer looks domain ids up (grant and event-channel
calls naming other domains): review finding H3, domain_by_id() racing
domain death.

The machine runs under -icount: QEMU then runs both CPUs in one thread,
in a fixed order, so a run repeats exactly for its seed. Without it, a
loaded host sometimes left both host CPUs halted with a timer interrupt
pending in the APIC: a race in QEMU 7.2's TCG (docs/linux-guest.md), which
the hypervisor's idle path now guards against, but the run would still
depend on the host's load.

FUZZ_CALLS and FUZZ_SEED (decimal or 0x hex) in the environment replay or
lengthen a run; without FUZZ_SEED the fuzzer draws its seed and prints it,
and this test prints it too."""
import os
import re

from harness import QemuMachine
from test_guests import RESULT, dom, failures, results

CALLS = int(os.environ.get("FUZZ_CALLS", "1000000"))
SEED = os.environ.get("FUZZ_SEED", "")
# Under QEMU TCG a call costs some microseconds of host time; the
# neighbours' suites take about two minutes on a loaded host.
TIMEOUT = 300 + CALLS // 2500


def fuzz_guest(calls, seed):
    args = f"mini.fuzz={calls} mini.progress={max(calls // 10, 1)}"
    return f"{args} mini.seed={seed}" if seed else args


def check_run(log, calls, neighbours):
    seed = re.search(r"^\(fz\) mini: fuzz seed=(0x[0-9a-f]+)", log, re.M)
    assert seed, log
    print(f"fuzz seed {seed.group(1)} calls {calls} (replay: FUZZ_SEED={seed.group(1)} "
          f"FUZZ_CALLS={calls})")
    assert "PANIC" not in log and "FATAL" not in log, log[-4000:]
    assert re.search(r"^\(fz\) mini: fuzz PASS prot32 ", log, re.M), log[-4000:]
    end = re.search(r"^\(fz\) mini: fuzz end calls=(\d+) .* (ok|FAILED)$", log, re.M)
    assert end, "the fuzzer did not reach its end line\n" + log[-4000:]
    print(end.group(0))
    assert int(end.group(1)) == calls and end.group(2) == "ok", end.group(0)
    assert re.search(r"tessera: dom fz id=\d+ poweroff", log), log[-4000:]
    for name in neighbours:
        assert results(log, name) and results(log, name)[1] == 0, failures(log, name) or log
        assert re.search(r"tessera: dom %s id=\d+ poweroff" % name, log), log[-4000:]


# The rebooting neighbour runs its suite with ids 4 to REBOOT_BELOW: it
# reboots while its id is below that, and powers off then.
REBOOT_BELOW = 12


def test_fuzzer_beside_suites():
    """A million calls (by default) from a 1-vCPU fuzzer sharing two CPUs
    with a 1-vCPU and a 2-vCPU domain running the whole suite, and a
    domain that runs it again and again under a new id each time."""
    doms = [dom("n1"), dom("n2", vcpus=2), dom("fz", guest=fuzz_guest(CALLS, SEED)),
            dom("rb", guest=f"mini.end=reboot mini.last_domid={REBOOT_BELOW}")]
    with QemuMachine(boot="kernel", machine="q35", smp=2, mem="1G", timeout=TIMEOUT + 60,
                     cmdline="console=com1 after_domains=poweroff", icount=True,
                     modules=doms) as m:
        m.wait_for(r"\(fz\) mini: fuzz seed=", timeout=240)
        m.wait_for("tessera: every boot domain has ended", timeout=TIMEOUT)
        assert m.wait_exit(timeout=60) == 0
        log = m.log
    check_run(log, CALLS, ["n1", "n2"])
    rounds = re.findall(r"^\(rb\) " + RESULT, log, re.M)
    assert len(rounds) == REBOOT_BELOW - 3 and all(f == "0" for _, f in rounds), \
        failures(log, "rb") or rounds
    assert len(re.findall(r"tessera: dom rb id=\d+ reboot", log)) == REBOOT_BELOW - 4, log[-4000:]
    assert re.search(r"tessera: dom rb id=%d poweroff" % REBOOT_BELOW, log), log[-4000:]
    for line in re.findall(r"^\(fz\) mini: fuzz nr=.*$", log, re.M):
        print(line)
