# SPDX-License-Identifier: GPL-2.0-only
# tests/unit/test_vlapic.c: the local APIC register model.
UNIT_SRCS_vlapic := hypervisor/arch/x86/hvm/vlapic_regs.c
$(UNIT_OUT)/test_vlapic: hypervisor/arch/x86/include/asm/vlapic.h
