# SPDX-License-Identifier: GPL-2.0-only
"""Many domains from dom0 (issue 15), one dom0 boot: dom0's image with
harness/dom0_scale_checks.py as its rc.local, under QEMU TCG -cpu max
(SVM), q35, 2 CPUs, dom0 with 2 vCPUs and 1 GiB.

50 mini domains (2 MiB each, mini.end=idle, so that all 50 stay up)
created one after another from a shell loop, every one passing its
self-test suite and all 50 listed running at once, then destroyed from a
shell loop: dom0's free memory in the hypervisor (`tess info`) exactly as
before the loop, no domain left, dom0's bound event channels
(/proc/interrupts) as before, and the system store holding exactly the
nodes it held before (xenstore-ls -f /, every path); tess-stored's
resident anonymous memory with 50 domains introduced, for the store memory per
domain (docs/performance.md). How it tries to break things: 50 domains
alive at once beside dom0, created back to back while earlier ones still
run their suites (which attack the hypervisor on purpose), and destroyed
while running rather than after their end.

The Linux domU from dom0's disk is test_tess_dom0.py's (linux-console:
create -c, its xenbus, vcpu-set, shutdown -w); the checks script's Linux
part (CONFIG "linux") is for tests/bench/tess_create.py, which times it.

100 `tess` runs, each a Python start in a TCG dom0 (0.23 s of virtual time
each, tests/bench/tess_create.py), beside 50 suites: about 4 min of wall
time on a 2-core host alone."""
import os
import re

from harness.dom0 import TESS_LIB, Dom0Run, answer_scale_waits, dom0_image
from harness.paths import REPO
from test_guests import RESULT

TIMEOUT = 1800
COUNT = 50
DOM0 = "dom0 mem=1G vcpus=2 -- root=LABEL=tessdom0 console=hvc0"
CHECKS = os.path.join(REPO, "tests", "integration", "harness", "dom0_scale_checks.py")
CHECKS_RUN = ("minis-create", "minis-destroy", "minis-nothing-left")
# The smallest RAM a domain can have (a 2 MiB page), and mini's suite passes in it.
MINI_MIB = 2


def test_tess_dom0_scale(tmp_path):
    # After 50 full suites the hypervisor keeps 8 pages it did not after
    # the warm-up domain's own suite (not explained yet; with minis that
    # skip the suite, tests/bench/tess_create.py, it keeps none): allowed
    # up to 16, fewer than one page per domain.
    config = {"count": COUNT, "mini_mem": MINI_MIB, "mini_cmdline": "mini.end=idle",
              "kept_pages_max": 16, "linux": False}
    run = Dom0Run(tmp_path, "q35", xen=True, image=dom0_image(), checks=CHECKS,
                  helpers=[TESS_LIB], extra_config=config)
    try:
        with run.tess_machine(DOM0, TIMEOUT, nic=False, data_disk=False) as m:
            run.wait_booted(m)
            answer_scale_waits(m, COUNT, None, lambda name: rf"^\({name}\) " + RESULT, 900)
            done, log = run.wait_end(m, TIMEOUT)
    finally:
        run.close()
    run.assert_all_passed(log, CHECKS_RUN, done)
    every_suite_passed(log)


def every_suite_passed(log):
    for i in range(1, COUNT + 1):
        suite = re.search(r"^\(s%d\) %s" % (i, RESULT), log, re.M)
        assert suite and suite.group(2) == "0" and int(suite.group(1)) > 300, \
            f"s{i}: {suite and suite.group(0)}\n{log}"
