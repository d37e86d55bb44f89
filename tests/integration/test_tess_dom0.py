# SPDX-License-Identifier: GPL-2.0-only
"""`tess` and libtess in dom0 (issue 15), one dom0 boot: dom0's image with
harness/dom0_tess_checks.py as its rc.local, under QEMU TCG -cpu max (SVM),
q35, 3 CPUs (the third for the pools checks: dom0 keeps two while one is
dedicated), dom0 with 2 vCPUs and 1 GiB.

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
stage freed; one shut down with -w; pools through tess: CPU 2 moved out of
default into a dedicated pool made at runtime, a spinner pinned to CPU 1
seen only there, its weight and cap set and read back, bad pool, pin and
migrate commands refused, the spinner moved into the dedicated pool taking
no interrupt exits over 3 s (vcpu-list's counts), the move in `tess dmesg`,
all undone; the consoles tess-consoled serves and the on_*
actions it applies (harness/dom0_tess_checks.py's consoles()), a Debian
Linux domU from dom0's disk through `tess create -c` (its console on the
terminal and in its log, its xenbus up in the store, a command typed into
its shell, `tess shutdown -w` ending it in poweroff); free memory back to exactly what it was
after the first domain's life (the heap keeps a slab per size class once
used, which dom0 prints as "heap kept N pages": 6 here).

The system store (dom0_tess_checks.py, store_checks): tess-stored serves
dom0's kernel (reads through /dev/xen/xenbus) and the socket; Debian's
xenstore-read/-write/-ls/-watch; three mini domains introduced
(@introduceDomain) with libxl's nodes and permissions, one reading its own
name over its ring and refused dom0's (EACCES), one sending an oversized
header (only its connection closes), one a ring index out of range (not
yet asserted, see store_reads); destroyed, @releaseDomain fires and
nothing of them is left in the store; one that powers itself off is
released by tess-stored on VIRQ_DOM_EXC."""
import os
import re

from harness.dom0 import TESS_LIB, Dom0Run, dom0_image
from harness.paths import REPO
from test_guests import RESULT

TIMEOUT = 1800
DOM0 = "dom0 mem=1G vcpus=2 -- root=LABEL=tessdom0 console=hvc0"
CHECKS = os.path.join(REPO, "tests", "integration", "harness", "dom0_tess_checks.py")
CHECKS_RUN = ("info", "list-dom0", "libtess-probe", "bad-syntax", "create-suite",
              "bad-kernel", "bad-too-much-memory", "bad-pool", "bad-cpu", "destroy-unknown",
              "pause-unpause", "destroy", "initrd-progress", "interrupted",
              "shutdown-wait", "pool-setup", "vcpu-pin", "sched-set", "pool-bad",
              "pool-migrate-no-ticks", "dmesg", "pool-teardown", "store-up", "store-tools",
              "store-introduce", "store-release", "store-self-ended", "console-log",
              "console-hostile-indices", "on-poweroff-destroy", "console-create-c",
              "console-input", "on-reboot-restart", "on-crash-preserve", "linux-console",
              "memory-back")


def test_tess_in_dom0(tmp_path):
    run = Dom0Run(tmp_path, "q35", xen=True, image=dom0_image(), checks=CHECKS,
                  helpers=[TESS_LIB])
    try:
        with run.tess_machine(DOM0, TIMEOUT, smp=3) as m:
            run.wait_booted(m)
            done, log = run.wait_end(m, TIMEOUT)
    finally:
        run.close()
    run.assert_all_passed(log, CHECKS_RUN, done)
    domain_output_in_order(log)
    store_reads(log)
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


def store_reads(log):
    """Over their xenstore rings, before dom0 destroyed them: s1 read its
    own name and was refused dom0's (EACCES); s2's oversized header closed
    its connection, so its read got no answer, while the others were
    served on. s4's out-of-range index is not asserted: mini cannot yet
    tell when the store has connected, and under load its index was reset
    before tess-stored saw it."""
    before = log.index("dom0-tess: store domains destroyed")
    for line in ("(s1) mini: xs read name: value s1",
                 "(s1) mini: xs read /local/domain/0/name: error EACCES",
                 "(s2) mini: xs read name: no answer"):
        assert -1 < log.find(line) < before, f"{line!r} missing\n{log}"
