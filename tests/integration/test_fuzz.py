# SPDX-License-Identifier: GPL-2.0-only
"""The hypercall fuzzer (mini.fuzz, docs/mini.md) beside domains running
their normal mini suites, under QEMU TCG's AMD-V: the hypervisor never
crashes (no panic or fault line, it keeps running and reports every
domain's end), the fuzzer reaches its end line, the neighbours pass.

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


def test_fuzzer_beside_suites():
    """A million calls (by default) from a 1-vCPU fuzzer sharing two CPUs
    with a 1-vCPU and a 2-vCPU domain running the whole suite."""
    doms = [dom("n1"), dom("n2", vcpus=2), dom("fz", guest=fuzz_guest(CALLS, SEED))]
    with QemuMachine(boot="kernel", machine="q35", smp=2, mem="1G", timeout=TIMEOUT + 60,
                     cmdline="console=com1 after_domains=poweroff",
                     modules=doms) as m:
        m.wait_for(r"\(fz\) mini: fuzz seed=", timeout=240)
        m.wait_for("tessera: every boot domain has ended", timeout=TIMEOUT)
        assert m.wait_exit(timeout=60) == 0
        log = m.log
    check_run(log, CALLS, ["n1", "n2"])
    for line in re.findall(r"^\(fz\) mini: fuzz nr=.*$", log, re.M):
        print(line)
