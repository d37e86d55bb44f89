# SPDX-License-Identifier: GPL-2.0-only
"""Debian's unmodified kernel as dom0, the control domain (issue 13, stage
(a); docs/dom0.md), under QEMU TCG -cpu max (AMD-V, nested paging), 2 CPUs
and 2 GiB, dom0 with 2 vCPUs and 1 GiB:
  - on -machine q35 and -machine pc it gets id 0, reaches /init of the
    busybox initramfs (guest-ports/linux) with both vCPUs online, sees
    itself as Xen's initial domain with its RAM mapped 1:1, the crafted
    ACPI tables (no DMAR/IVRS/HPET, our MADT) and the host's memory map
    with the rest of RAM unusable. (Its poweroff goes through the host's
    ACPI PM1 registers, which the io work of issue 13 traps; until then
    the test ends the machine itself once /init has reported.)
  - a mini domU beside it still passes its suite;
  - bad input is one line on the console and no dom0: a second dom0
    module, more vCPUs than CPUs, more memory than the machine has, a
    kernel module that is not a kernel."""
import re

import pytest

from harness import QemuMachine
from harness.linux import INIT_RESULT, init_checks
from test_guests import RESULT, dom, mini, results

TIMEOUT = 500


DOM0_LINUX = "console=hvc0 earlyprintk=xen tess.cpus=2 tess.end=poweroff panic=-1"


def dom0_lines(log):
    return "\n".join(l[len("(dom0) "):] for l in log.splitlines() if l.startswith("(dom0) "))


def boot(modules, machine="q35", smp=2, mem="2G", timeout=TIMEOUT, extra=""):
    return QemuMachine(boot="kernel", machine=machine, smp=smp, mem=mem, timeout=timeout,
                       cmdline=f"console=com1 after_domains=poweroff guest_console_rate=unlimited "
                               f"{extra}".strip(),
                       modules=modules)


def dom0_modules(image, spec="mem=1G vcpus=2", linux=DOM0_LINUX):
    vmlinuz, initramfs = image
    return [(vmlinuz, f"dom0 {spec} -- {linux}"), (initramfs, "initrd")]


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_dom0_reaches_init(linux_image, machine):
    with boot(dom0_modules(linux_image), machine=machine) as m:
        m.wait_for(r"tessera: dom dom0 id=0 started", timeout=TIMEOUT)
        result = m.wait_for(INIT_RESULT, timeout=TIMEOUT)
        log = m.log
    linux = dom0_lines(log)
    checks = init_checks(linux)
    assert checks["cpus"] == ("PASS", "2"), log
    assert checks["hypervisor"][0] == "PASS", log
    assert (result.group(1), result.group(2)) == ("3", "0"), log
    assert "DMA isolation is off" in log, log
    # Linux saw itself as the initial domain, with our ACPI root.
    assert re.search(r"ACPI: RSDP 0x[0-9A-F]+ 000024 \(v02 TESSRA\)", linux), linux
    assert re.search(r"ACPI: APIC 0x[0-9A-F]+ [0-9A-F]+ \(v05 TESSRA", linux), linux
    for hidden in ("DMAR", "IVRS", "HPET"):
        assert not re.search(r"ACPI: %s " % hidden, linux), linux
    assert re.search(r"ACPI: FACP 0x[0-9A-F]+", linux), linux
    # The memory map: 1 GiB of RAM, the rest of the host's unusable.
    ram = sum(int(e, 16) - int(s, 16) + 1 for s, e in re.findall(
        r"BIOS-e820: \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] usable", linux))
    assert abs(ram - (1 << 30)) <= (1 << 20), linux
    assert re.search(r"BIOS-e820: \[mem 0x[0-9a-f]+-0x[0-9a-f]+\] unusable", linux), linux


def test_dom0_beside_a_domu(linux_image):
    modules = dom0_modules(linux_image, "mem=1G vcpus=1 cpus=0",
                           DOM0_LINUX.replace("tess.cpus=2", "tess.cpus=1"))
    modules.append(dom("m", extra="cpus=1"))
    with boot(modules) as m:
        m.wait_for(INIT_RESULT, timeout=TIMEOUT)
        m.wait_for(r"\(m\) " + RESULT, timeout=TIMEOUT)
        # dom0's power-off (ACPI S5) powers the machine off (docs/dom0-io.md).
        m.wait_for("dom dom0: asks for a host power-off", timeout=TIMEOUT)
        log = m.log
    assert results(log, "m")[1] == 0, log
    # dom0 is built first and takes id 0 though its module comes first
    # here anyway; the domU gets an id of its own.
    assert re.search(r"tessera: dom m id=[1-9]\d* started", log), log


def bad_boot(modules, want):
    with boot(modules, timeout=120) as m:
        line = m.wait_for(want, timeout=100)
        m.wait_for(r"boot domains: \d+ of \d+ built|tessera: no boot domain is running|"
                   r"boot domains: none started", timeout=100)
        log = m.log
    assert "tessera: dom dom0 id=0 started" not in log, log
    return line, log


def test_second_dom0_is_refused(linux_image):
    modules = dom0_modules(linux_image) + dom0_modules(linux_image)
    bad_boot(modules, r"bootdom: module 2: a second 'dom0' \(the first is module 0\)")


def test_dom0_with_more_vcpus_than_cpus(linux_image):
    bad_boot(dom0_modules(linux_image, "mem=256M vcpus=3"),
             r"dom0: vcpus=3, but the machine has 2 CPUs online")


def test_dom0_with_more_memory_than_the_machine(linux_image):
    bad_boot(dom0_modules(linux_image, "mem=4G vcpus=1"),
             r"dom0: mem=4096M, but the machine has \d+M free")


def test_dom0_kernel_that_is_not_a_kernel(linux_image):
    _, initramfs = linux_image
    modules = [(initramfs, f"dom0 mem=256M vcpus=1 -- {DOM0_LINUX}")]
    _, log = bad_boot(modules, r"dom0: module 0 is not a kernel")
    # domUs are not stopped by it.
    assert "dom0: its RAM is mapped 1:1" not in log, log


def test_domu_still_starts_when_dom0_is_refused(linux_image):
    modules = dom0_modules(linux_image, "mem=256M vcpus=3") + [dom("m")]
    with boot(modules) as m:
        m.wait_for(r"dom0: vcpus=3, but the machine has 2 CPUs online", timeout=100)
        m.wait_for(r"\(m\) " + RESULT, timeout=TIMEOUT)
        log = m.log
    assert results(log, "m")[1] == 0, log
    assert mini()
