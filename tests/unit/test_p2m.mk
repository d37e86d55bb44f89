# SPDX-License-Identifier: GPL-2.0-only
# tests/unit/test_p2m.c: the p2m (generic part, NPT and EPT encodings) over
# the real page allocator.
UNIT_SRCS_p2m := hypervisor/arch/x86/hvm/p2m.c hypervisor/arch/x86/hvm/p2m_npt.c \
                 hypervisor/arch/x86/hvm/p2m_ept.c hypervisor/common/page_alloc.c \
                 hypervisor/common/budget.c
$(UNIT_OUT)/test_p2m: hypervisor/arch/x86/include/asm/p2m.h hypervisor/arch/x86/hvm/p2m_format.h
