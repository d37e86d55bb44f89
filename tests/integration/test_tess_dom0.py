# SPDX-License-Identifier: GPL-2.0-only
"""`tess` and libtess in dom0 (issue 15), one dom0 boot: dom0's image with
harness/dom0_tess_checks.py as its rc.local, under QEMU TCG -cpu max (SVM),
q35, 2 CPUs, dom0 with 2 vCPUs and 1 GiB.

Through the hypervisor's control calls (hypervisor/common/ctl): info and list
(dom0 listed), libtess-test's probe, a mini domain created paused from an
xl.cfg (listed paused, silent until unpaused) that then runs its self-test
suite to 0 failures on the serial console and ends; refused creates (a
syntax error located FILE:LINE:COL with exit 3, a kernel that is not one,
more memory than is free, an unknown pool, a CPU that does not exist) and
a destroy of unknown domains, each leaving no domain and the same free
memory; a running domain paused (its CPU time stops), unpaused and
destroyed; one with a 5 MiB initrd created on a terminal (script(1)),
which shows the staging progress, then destroyed; a create with a 255 MiB
initrd interrupted (SIGINT) while staging: status 130, nothing left, its
stage freed; one shut down with -w; the consoles tess-consoled serves and
the on_* actions it applies (harness/dom0_tess_checks.py's consoles());
free memory back to exactly what it was
after the first domain's life (the heap keeps a slab per size class once
used, which dom0 prints as "heap kept N pages": 6 here)."""
import os
import re

from harness import QemuMachine
from harness.dom0 import DONE, Dom0Run, dom0_image
from harness.paths import REPO
from test_guests import RESULT

TIMEOUT = 1800
DOM0 = "dom0 mem=1G vcpus=2 -- root=LABEL=tessdom0 console=hvc0"
CHECKS = os.path.join(REPO, "tests", "integration", "harness", "dom0_tess_checks.py")
CHECKS_RUN = ("info", "list-dom0", "libtess-probe", "bad-syntax", "create-suite",
              "bad-kernel", "bad-too-much-memory", "bad-pool", "bad-cpu", "destroy-unknown",
              "pause-unpause", "destroy", "initrd-progress", "interrupted",
              "shutdown-wait", "console-log", "console-hostile-indices",
              "on-poweroff-destroy", "console-create-c", "console-input", "on-reboot-restart",
              "on-crash-preserve", "memory-back")


def test_tess_in_dom0(tmp_path):
    run = Dom0Run(tmp_path, "q35", xen=True, image=dom0_image(), checks=CHECKS)
    modules = [(run.vmlinuz, DOM0), (run.initrd, "initrd")]
    try:
        with QemuMachine(boot="kernel", machine="q35", cpu="max", smp=2, mem="2G",
                         timeout=TIMEOUT, cmdline="console=com1", modules=modules,
                         extra_args=run.qemu_args()) as m:
            m.wait_for(r"tessera: dom dom0 id=0 started", timeout=300)
            run.wait_init(m, 400)
            done = m.wait_for(DONE, timeout=TIMEOUT)
            m.wait_for(r"dom dom0: asks for a host power-off", timeout=120)
            log = m.log
    finally:
        run.close()
    checks = run.results(log)
    failed = {n: checks.get(n, ("missing", ""))[1] for n in CHECKS_RUN
              if checks.get(n, ("missing",))[0] != "PASS"}
    assert not failed, f"{failed}\n{log}"
    assert (done.group(1), done.group(2)) == (str(len(CHECKS_RUN)), "0"), log
    domain_output_in_order(log)
    # c1 ran mini's console self-tests against tess-consoled as backend.
    console = re.search(r"^\(c1\) " + RESULT, log, re.M)
    assert console and console.group(2) == "0", log


def domain_output_in_order(log):
    """m1, created paused, printed nothing until dom0 unpaused it, then
    passed its suite before dom0 saw it end."""
    started = log.find("(m1) mini: started")
    assert started > log.index("dom0-tess: unpausing m1"), log
    suite = re.search(r"^\(m1\) " + RESULT, log, re.M)
    assert suite and suite.group(2) == "0", log
    assert suite.start() < log.index("dom0-tess: m1 ended"), log
