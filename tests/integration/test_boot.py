# SPDX-License-Identifier: GPL-2.0-only
"""The hypervisor boots on QEMU's PC machines, through GRUB and through
-kernel, and its ready line matches the machine QEMU was asked for."""
import re

import pytest

from harness import BochsMachine, QemuMachine

READY = r"tessera: ready cpus=(\d+) ram=(\d+)MiB"
BOOT_TIMEOUT = 90


def mib(size):
    return int(size[:-1]) * (1024 if size.endswith("G") else 1)


def check_ready(m, smp, mem):
    match = m.wait_for(READY, timeout=BOOT_TIMEOUT)
    cpus, ram = int(match.group(1)), int(match.group(2))
    assert cpus == smp, m.log_tail()
    # Firmware keeps a little RAM for itself (EBDA, ACPI tables): at most 2 MiB.
    assert mib(mem) - 2 <= ram <= mib(mem), m.log_tail()
    return match


# -kernel: every machine x CPU count x memory size x APIC flavour.
@pytest.mark.parametrize("cpu", ["max", "max,-x2apic"])
@pytest.mark.parametrize("mem", ["128M", "1G", "6G"])
@pytest.mark.parametrize("smp", [1, 2, 4, 8])
@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_ready_kernel(machine, smp, mem, cpu):
    with QemuMachine(boot="kernel", machine=machine, smp=smp, mem=mem, cpu=cpu) as m:
        check_ready(m, smp, mem)
        if cpu == "max,-x2apic":
            assert "apic: xAPIC mode" in m.log
        assert "FATAL" not in m.log and "PANIC" not in m.log


# GRUB: the real boot path, on both machines, small and large.
@pytest.mark.parametrize("cpu", ["max", "max,-x2apic"])
@pytest.mark.parametrize("smp,mem", [(1, "128M"), (4, "1G"), (8, "6G")])
@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_ready_grub(machine, smp, mem, cpu):
    with QemuMachine(boot="grub", machine=machine, smp=smp, mem=mem, cpu=cpu) as m:
        check_ready(m, smp, mem)
        assert "booted by multiboot2" in m.log


@pytest.mark.parametrize("boot", ["kernel", "grub"])
@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_poweroff_ends_qemu(machine, boot):
    with QemuMachine(boot=boot, machine=machine, smp=2, mem="256M",
                     cmdline="console=com1 ready_action=poweroff") as m:
        check_ready(m, 2, "256M")
        m.wait_exit(timeout=30)
        assert "powering off" in m.log
        assert "still running" not in m.log


@pytest.mark.parametrize("boot", ["kernel", "grub"])
@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_reboot_ends_qemu(machine, boot):
    # The harness runs QEMU with -no-reboot: a reset makes it exit.
    with QemuMachine(boot=boot, machine=machine, smp=2, mem="256M",
                     cmdline="console=com1 ready_action=reboot") as m:
        check_ready(m, 2, "256M")
        m.wait_exit(timeout=30)
        assert "rebooting" in m.log


def test_fatal_exception_report_and_panic_reboot():
    with QemuMachine(boot="kernel", machine="q35", smp=4, mem="256M",
                     cmdline="console=com1 ready_action=crash panic=reboot") as m:
        check_ready(m, 4, "256M")
        m.wait_exit(timeout=30)
        log = m.log
        assert re.search(r"FATAL: page fault \(vector 14\) on CPU 0, error code 0x2", log), log
        for reg in ("RIP:", "RSP:", "RAX:", "R15:", "CR2: 0000000000000008", "CR3:"):
            assert reg in log, reg
        assert "Stack trace" in log
        assert "panic: stopped 3 of 3 other CPUs" in log
        assert "PANIC on CPU 0" in log and "panic: rebooting" in log


def test_panic_halt_keeps_machine_stopped():
    with QemuMachine(boot="kernel", machine="q35", smp=2, mem="256M",
                     cmdline="console=com1 ready_action=crash") as m:
        m.wait_for(r"system halted", timeout=BOOT_TIMEOUT)
        with pytest.raises(Exception):
            m.wait_exit(timeout=3)


def test_command_line_options():
    cmdline = ("console=com1 maxcpus=2 mem=512M loglvl=warning bogus_option=1 "
               "com1=9601 panic=sometimes")
    with QemuMachine(boot="kernel", machine="q35", smp=4, mem="1G", cmdline=cmdline) as m:
        match = m.wait_for(READY, timeout=BOOT_TIMEOUT)
        assert int(match.group(1)) == 2
        assert 508 <= int(match.group(2)) <= 512
        log = m.log
        assert "unknown option 'bogus_option'" in log
        assert "'9601'" in log and "'com1'" in log
        assert "'sometimes'" in log and "'panic'" in log
        assert "pci:" not in log        # info lines are filtered at loglvl=warning


def test_console_timestamps_and_pci_listing():
    with QemuMachine(boot="kernel", machine="q35", smp=1, mem="256M",
                     cmdline="console=com1 console_timestamps") as m:
        m.wait_for(READY, timeout=BOOT_TIMEOUT)
        assert re.search(r"^\[\s*\d+\.\d{6}\] pci: ", m.log, re.M)
        # q35's host bridge and LPC bridge are always there.
        assert "[8086:29c0] class 060000 host bridge" in m.log
        assert "[8086:2918] class 060100 ISA bridge" in m.log
        assert "configuration access through ECAM" in m.log


def test_legacy_pci_access_on_pc():
    with QemuMachine(boot="kernel", machine="pc", smp=1, mem="256M") as m:
        m.wait_for(READY, timeout=BOOT_TIMEOUT)
        assert "configuration access through ports 0xcf8/0xcfc" in m.log
        assert "[8086:1237] class 060000 host bridge" in m.log


# Bochs: an Intel CPU with VMX and EPT, booted through GRUB; the path where
# x2APIC and the TSC-deadline timer exist (QEMU 7.2's TCG has neither).
@pytest.mark.parametrize("smp", [1, 2])
def test_ready_bochs(smp):
    with BochsMachine(smp=smp, mem_mb=256, timeout=240,
                      cmdline="console=com1 ready_action=poweroff") as m:
        check_ready(m, smp, "256M")
        assert "GenuineIntel" in m.log, m.log_tail()
        # Re-initialising the UART must not drop the line before it.
        assert "cmdline: console=com1 ready_action=poweroff\n" in m.log, m.log_tail()
        assert re.search(r"cpu: virtualization: .*vmx", m.log), m.log_tail()
        m.wait_exit(timeout=60)
        assert m.exit_reason() == "poweroff", m.log_tail()
