/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The x86 side of the p2m (tessera/p2m.h): its two table formats, AMD
 * nested page tables (NPT) and Intel extended page tables (EPT), chosen
 * with the backend; only hvm/p2m_npt.c and hvm/p2m_ept.c know the entry
 * encodings.
 */
#ifndef ASM_P2M_H
#define ASM_P2M_H

#include <tessera/p2m.h>

enum p2m_format {
    P2M_NPT,                /* AMD-V nested paging */
    P2M_EPT,                /* Intel VT-x extended page tables */
};

/* An empty p2m (just the root table), or NULL if out of memory or the format
 * is unknown. The struct itself takes one page too. */
struct p2m *p2m_create(enum p2m_format format);
enum p2m_format p2m_format(const struct p2m *p2m);
/* The largest leaf the CPU supports: 1 GiB leaves need CPUID
 * 8000_0001h EDX[26] (NPT) or IA32_VMX_EPT_VPID_CAP[17] (EPT; SDM vol.3
 * App. A.10), 2 MiB EPT leaves [16]. Default P2M_ORDER_1G; set it before
 * mapping anything. Larger orders are then -EINVAL, and p2m_set_range()
 * stays below. Returns -EINVAL for an order that is not a leaf order. */
int p2m_set_max_order(struct p2m *p2m, unsigned int order);

/* Physical address of the top-level table (nCR3 for NPT, with PWT = PCD = 0:
 * the walk itself is write-back). */
uint64_t p2m_root(const struct p2m *p2m);
/* The EPTP for an EPT p2m (0 for NPT): root, write-back walks, 4 levels,
 * accessed/dirty flags off. */
uint64_t p2m_eptp(const struct p2m *p2m);

#endif
