# SPDX-License-Identifier: GPL-2.0-only
# tests/unit/test_gsi_route.c: host GSIs routed to a guest, on a fake IOAPIC.
UNIT_SRCS_gsi_route := hypervisor/arch/x86/gsi_route.c
$(UNIT_OUT)/test_gsi_route: hypervisor/arch/x86/include/asm/gsi_route.h hypervisor/arch/x86/include/asm/io_apic.h
