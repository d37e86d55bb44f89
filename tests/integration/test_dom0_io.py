# SPDX-License-Identifier: GPL-2.0-only
"""The control domain's access to the machine (docs/dom0-io.md), with our
mini kernel booted as the `dom0` module beside a mini domU, under QEMU TCG
(AMD-V, q35): dom0's hypercalls work and the domU's are refused; dom0
reaches the machine's RTC and VGA framebuffer but reads the hypervisor's
PIC, UART, HPET, IOAPIC, host RAM and (with -device amd-iommu) IOMMU as
absent devices; its reset and power-off requests become the hypervisor's
own orderly reboot or power-off; a fault on a kept frame crashes dom0
alone; serial input reaches it first. The neighbour runs its self-tests
to the end each time. dom0 is mini-dom0.elf (mini linked at 64 MiB, as
dom0's RAM is the machine's) running its dom0 tests alone."""
import os
import re

import pytest

from harness import QemuMachine, build_dir
from test_guests import RESULT, TIMEOUT, dom, failures, results


def boot(modules, smp, extra_args=()):
    return QemuMachine(boot="kernel", machine="q35", smp=smp, mem="1G", timeout=TIMEOUT,
                       cmdline="console=com1 after_domains=poweroff", modules=modules,
                       extra_args=extra_args)


def dom0(guest="", mem="128M", extra=""):
    """mini linked at 64 MiB (dom0's RAM is the machine's, 1:1), running
    its dom0 tests alone."""
    path = os.path.join(build_dir(), "mini-dom0.elf")
    assert os.path.exists(path), f"{path} missing: run make"
    return (path, f"dom0 mem={mem} vcpus=1 {extra} -- mini.only=dom0 {guest}".strip())


def check_clean(log):
    assert "FATAL" not in log and "PANIC" not in log, log


def test_dom0_and_domu_see_their_own_rights():
    with boot([dom0(extra="cpus=1"), dom("n", extra="cpus=2")], smp=3) as m:
        m.wait_for(r"\(dom0\) " + RESULT, timeout=TIMEOUT)
        m.wait_for(r"\(n\) " + RESULT, timeout=TIMEOUT)
        m.wait_for("tessera: every boot domain has ended", timeout=60)
        log = m.log
    check_clean(log)
    for name in ("dom0", "n"):
        assert results(log, name)[1] == 0, "\n".join(failures(log, name))
    # Each side ran its own half.
    assert re.search(r"^\(dom0\) mini: PASS dom0\.vga_framebuffer_mapped", log, re.M), log
    assert re.search(r"^\(dom0\) mini: PASS dom0\.rtc_reaches_machine", log, re.M), log
    assert re.search(r"^\(dom0\) mini: PASS dom0\.lapic_is_virtual", log, re.M), log
    assert re.search(r"^\(n\) mini: PASS domu\.platform_op_refused", log, re.M), log
    assert not re.search(r"^\(n\) mini: PASS dom0\.", log, re.M), log
    # The framebuffer is a PCI BAR: vPCI maps it when dom0 starts with
    # decoding on (docs/vpci.md), so no fault maps it. Host RAM is kept.
    assert not re.search(r"machine frame 0xfd000: kept", log), log
    assert re.search(r"dom dom0: read of machine frame 0x[0-9a-f]+: kept from it: host RAM", log), log
    # The RTC's data port passed through: dom0's exits name no port 0x71.
    stats = re.findall(r"^dom dom0 id=0: vcpu 0: io.*$", log, re.M)
    assert stats and not any("0x71" in s for s in stats), stats


def test_dom0_amd_iommu_registers_are_kept():
    with boot([dom0(guest="mini.dom0_amdvi=1", extra="cpus=1"), dom("n", extra="cpus=2")],
              smp=3, extra_args=["-device", "amd-iommu"]) as m:
        m.wait_for(r"\(dom0\) " + RESULT, timeout=TIMEOUT)
        m.wait_for(r"\(n\) " + RESULT, timeout=TIMEOUT)
        log = m.log
    check_clean(log)
    assert results(log, "dom0")[1] == 0, "\n".join(failures(log, "dom0"))
    assert re.search(r"^\(dom0\) mini: PASS dom0\.amdvi_absent", log, re.M), log
    assert re.search(r"kept from it: AMD-Vi registers", log), log
    assert results(log, "n")[1] == 0, "\n".join(failures(log, "n"))


def test_serial_input_goes_to_dom0_from_its_start():
    with boot([dom0(guest="mini.dom0=echo", extra="cpus=1"),
               dom("n", guest="mini.echo=1", extra="cpus=2")], smp=3) as m:
        # As on Xen, dom0 has the serial input from its start.
        m.wait_for(r"\*\*\* Serial input to dom0 ", timeout=TIMEOUT)
        m.wait_for(r"\(dom0\) mini: echo ready", timeout=TIMEOUT)
        m.wait_for(r"\(n\) mini: echo ready", timeout=TIMEOUT)
        m.write(b"\x01\x01x")
        # Its prompt shows before its line ends (as a shell's must).
        m.wait_for(r"^\(dom0\) mini: echo> \Z", timeout=30)
        m.write(b"hi dom0\r")
        m.wait_for(r"^\(dom0\) mini: echo \^\^xhi dom0$", timeout=30)
        # Next in the cycle: the domU's console ring.
        m.write(b"\x01\x01\x01")
        m.wait_for(r"\*\*\* Serial input to dom n ", timeout=30)
        m.write(b"to n\r")
        m.wait_for(r"^\(n\) mini: echo to n$", timeout=30)
        assert m.wait_exit(timeout=60) == 0
        log = m.log
    check_clean(log)
    # What followed the prompt finished its line, without a new prefix.
    assert re.search(r"^\(dom0\) mini: echo> mini: PASS dom0\.console_read_line$", log, re.M), log
    assert "FAIL" not in log, log


@pytest.mark.parametrize("case,what", [("reset", "host reboot \\(reset control 0xcf9\\)"),
                                       ("kbd-reset", "host reboot \\(i8042 reset line\\)"),
                                       ("s5", "host power-off \\(ACPI S5\\)")])
def test_dom0_reset_and_poweroff_requests(case, what):
    with boot([dom0(guest=f"mini.dom0={case}", extra="cpus=1"), dom("n", extra="cpus=2")],
              smp=3) as m:
        m.wait_for(r"dom dom0: asks for a " + what, timeout=TIMEOUT)
        assert m.wait_exit(timeout=60) == 0
        log = m.log
    check_clean(log)
    assert "FAIL dom0 case" not in log, log


def test_dom0_sleep_request_is_refused():
    with boot([dom0(guest="mini.dom0=s3", extra="cpus=1"), dom("n", extra="cpus=2")],
              smp=3) as m:
        m.wait_for(r"\(dom0\) " + RESULT, timeout=TIMEOUT)
        m.wait_for("tessera: every boot domain has ended", timeout=60)
        log = m.log
    check_clean(log)
    assert results(log, "dom0")[1] == 0, "\n".join(failures(log, "dom0"))
    assert re.search(r"^\(dom0\) mini: PASS dom0\.s3_refused", log, re.M), log
    # Said once for the two requests.
    assert len(re.findall(r"dom dom0: asked for ACPI sleep type 1: not supported", log)) == 1, log


@pytest.mark.parametrize("case", ["fetch", "string-mmio"])
def test_dom0_fault_on_a_kept_frame_crashes_it_alone(case):
    with boot([dom0(guest=f"mini.dom0={case}", extra="cpus=1"), dom("n", extra="cpus=2")],
              smp=3) as m:
        m.wait_for(r"tessera: dom dom0 id=0 crash", timeout=TIMEOUT)
        m.wait_for(r"\(n\) " + RESULT, timeout=TIMEOUT)
        m.wait_for("tessera: every boot domain has ended", timeout=60)
        log = m.log
    check_clean(log)
    assert results(log, "n")[1] == 0, "\n".join(failures(log, "n"))
    assert "FAIL dom0 case" not in log, log


# ---- Intel VT-x with EPT, under Bochs: dom0's ports go through VMX's I/O bitmaps ----

def test_dom0_ports_bochs():
    from harness import BochsMachine
    mods = [dom0(guest="mini.dom0_no_vga=1", extra="cpus=0"), dom("n", extra="cpus=1")]
    with BochsMachine(smp=2, mem_mb=256, timeout=540, modules=mods,
                      cmdline="console=com1 after_domains=poweroff") as m:
        m.wait_for("tessera: every boot domain has ended", timeout=500)
        log = m.log
    assert "hvm: using vmx" in log, log
    check_clean(log)
    for name in ("dom0", "n"):
        assert results(log, name) and results(log, name)[1] == 0, "\n".join(failures(log, name))
    assert re.search(r"^\(dom0\) mini: PASS dom0\.rtc_reaches_machine", log, re.M), log
    assert re.search(r"^\(dom0\) mini: PASS dom0\.host_ram_absent", log, re.M), log
    stats = re.findall(r"^dom dom0 id=0: vcpu 0: io.*$", log, re.M)
    assert stats and not any("0x71" in s for s in stats), stats
