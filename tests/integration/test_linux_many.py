# SPDX-License-Identifier: GPL-2.0-only
"""Several Debian Linux domains at once (issue 4):
  - two Linux domains and one mini domain, each on its own core of a
    dedicated pool;
  - six Linux domains time-sharing two cores of a shared pool.
Every Linux domain must reach /init with its checks passing (its own CPU
count, /sys/hypervisor/type, sleep 10 taking 10 s of its own time even
while it waits for a core), power off, and have its memory returned; the
mini domain's suite must pass beside them."""
import re

from harness import QemuMachine
from harness.linux import INIT_RESULT, init_checks
from test_guests import RESULT, dom, results

TIMEOUT = 600


def linux_dom(image, name, mem, extra):
    vmlinuz, initramfs = image
    guest = "console=hvc0 tess.cpus=1 tess.end=poweroff panic=-1"
    return [(vmlinuz, f"dom={name} mem={mem} vcpus=1 {extra} -- {guest}".strip()),
            (initramfs, "initrd")]


def domain_lines(log, name):
    prefix = f"({name}) "
    return "\n".join(l[len(prefix):] for l in log.splitlines() if l.startswith(prefix))


def assert_linux_passed(log, name, mem_mib):
    lines = domain_lines(log, name)
    result = re.search(INIT_RESULT, lines)
    assert result and result.group(2) == "0", f"{name} did not pass /init:\n{lines[-3000:]}"
    checks = init_checks(lines)
    assert checks["cpus"] == ("PASS", "1"), lines[-3000:]
    assert checks["hypervisor"][0] == "PASS", lines[-3000:]
    assert checks["sleep"][0] == "PASS", lines[-3000:]
    assert re.search(rf"tessera: dom {name} id=\d+ poweroff", log), log[-3000:]
    assert re.search(rf"dom {name} id=\d+: {mem_mib} MiB returned", log), log[-3000:]


def run_to_the_end(modules, smp, mem, pool):
    """Boots, waits until every domain has ended, and returns the log."""
    with QemuMachine(boot="kernel", machine="q35", smp=smp, mem=mem, timeout=TIMEOUT,
                     cmdline=f"console=com1 after_domains=poweroff pool={pool}",
                     modules=modules) as m:
        m.wait_for("tessera: every boot domain has ended", timeout=TIMEOUT)
        return m.log


def test_two_linux_and_a_mini_each_on_its_own_core(linux_image):
    modules = (linux_dom(linux_image, "lin1", "256M", "pool=own")
               + linux_dom(linux_image, "lin2", "256M", "pool=own")
               + [dom("m", extra="pool=own")])
    log = run_to_the_end(modules, smp=3, mem="1G", pool="own:0-2:dedicated")
    assert "sched: pool own: 3 CPUs, dedicated" in log, log[-3000:]
    for name in ("lin1", "lin2"):
        assert_linux_passed(log, name, 256)
    r = results(log, "m")
    assert r is not None and r[1] == 0 and r[0] >= 10, log[-3000:]


def test_six_linux_domains_on_two_shared_cores(linux_image):
    names = [f"lin{i}" for i in range(1, 7)]
    modules = [mod for name in names for mod in linux_dom(linux_image, name, "192M", "pool=two")]
    log = run_to_the_end(modules, smp=2, mem="2G", pool="two:0-1:shared")
    assert "sched: pool two: 2 CPUs, shared" in log, log[-3000:]
    for name in names:
        assert_linux_passed(log, name, 192)
