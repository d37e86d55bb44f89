# SPDX-License-Identifier: GPL-2.0-only
UNIT_SRCS_dom0_mem := hypervisor/arch/x86/guest/dom0_mem.c hypervisor/common/page_alloc.c \
                      hypervisor/common/memmap.c tests/unit/host/xmalloc.c
