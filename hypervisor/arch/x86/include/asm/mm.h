/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's own address space: an identity map of all RAM and of the
 * low 4 GiB (where firmware puts MMIO), page 0 left unmapped to catch NULL. */
#ifndef ASM_MM_H
#define ASM_MM_H

#include <tessera/types.h>

/* Builds and loads the final page tables covering [0, top). */
void mm_init_page_tables(paddr_t top);
/* True if [pa, pa+len) is mapped (and so may be dereferenced). */
bool mm_range_mapped(paddr_t pa, uint64_t len);
unsigned long mm_page_table_pages(void);
paddr_t mm_mapped_top(void);

#endif
