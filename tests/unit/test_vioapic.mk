# SPDX-License-Identifier: GPL-2.0-only
# tests/unit/test_vioapic.c: the IOAPIC register model.
UNIT_SRCS_vioapic := hypervisor/arch/x86/hvm/vioapic_regs.c
$(UNIT_OUT)/test_vioapic: hypervisor/arch/x86/include/asm/vioapic.h hypervisor/arch/x86/include/asm/io_apic.h
