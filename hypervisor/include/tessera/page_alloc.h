/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The physical page allocator: a binary buddy allocator over a frame table
 * (one struct page_info per 4 KiB frame, from physical address 0 up).
 *
 * Memory is kept in two zones, below and above 4 GiB; a block never crosses
 * 4 GiB because the largest block (2^MAX_ORDER pages = 1 GiB) is naturally
 * aligned. Plain allocations come from above 4 GiB first, so the low zone
 * stays available for PA_BELOW_4G users (AP trampoline page tables, devices
 * limited to 32-bit DMA).
 *
 * Physical page 0 is never handed out: alloc_pages() returns 0 to mean
 * failure, and page 0 holds the real-mode interrupt vector table and BIOS
 * data that firmware and the AP start-up path may still use (the hypervisor
 * also leaves it unmapped to catch NULL dereferences).
 */
#ifndef TESSERA_PAGE_ALLOC_H
#define TESSERA_PAGE_ALLOC_H

#include <tessera/types.h>

#define MAX_ORDER       18          /* largest block: 2^18 pages = 1 GiB */

/* alloc_pages() flags */
#define PA_BELOW_4G     (1u << 0)   /* the whole block lies below 4 GiB */
#define PA_ZERO         (1u << 1)   /* zero the pages (through phys_to_virt) */

/* page_info.flags */
#define PGF_FREE        (1u << 0)   /* in the allocator */
#define PGF_ALLOCATED   (1u << 1)   /* handed out by alloc_pages() */
#define PGF_RESERVED    (1u << 2)   /* never given to the allocator (holes, firmware, image) */
#define PGF_HEAD        (1u << 3)   /* first page of a free or allocated block */
#define PGF_HEAP        (1u << 4)   /* owned by the heap (tessera/heap.h) */

#define PAGE_OWNER_NONE 0x7FF4      /* DOMID_INVALID */
#define PAGE_OWNER_HYP  0x7FF2      /* DOMID_XEN: the hypervisor itself */

struct page_info {
    struct page_info *next, *prev;  /* free-list links while free */
    uint32_t count;                 /* reference count (owner's business) */
    uint32_t u;                     /* owner-specific; the heap: index in its block */
    uint16_t owner;                 /* domain id, PAGE_OWNER_* */
    uint8_t  order;                 /* block order, valid on PGF_HEAD pages */
    uint8_t  flags;                 /* PGF_* */
};

/* Provided by the architecture (identity map) or the host test shim. */
void *phys_to_virt(paddr_t pa);
paddr_t virt_to_phys(const void *va);

size_t page_alloc_frame_table_bytes(unsigned long nr_frames);
/* Takes over frame_table[0..nr_frames): every frame starts out reserved. */
void page_alloc_init(struct page_info *frame_table, unsigned long nr_frames);
/* Frees [start, end), rounded inwards to pages and clipped to the frame
 * table, as maximal buddy blocks. Page 0 and pages already free are skipped. */
void page_alloc_add_free(paddr_t start, paddr_t end);

/* Returns the physical address of 2^order pages, or 0 if there are none. */
paddr_t alloc_pages(unsigned int order, unsigned int flags);
/* Takes exactly the 2^order pages at pa (aligned to them) if they are all
 * free: pa, or 0 if any is not. For a builder that needs given machine
 * frames (dom0's RAM is mapped at gfn == machine frame). PA_ZERO only. */
paddr_t alloc_pages_at(paddr_t pa, unsigned int order, unsigned int flags);
/* Returns 0, or -EINVAL (logged) if [pa, 2^order pages) is not exactly a
 * block alloc_pages() handed out: double free, wrong order, misaligned, not
 * allocated, outside the frame table. */
int free_pages(paddr_t pa, unsigned int order);

unsigned long page_alloc_free_pages(void);
unsigned long page_alloc_total_pages(void);     /* pages ever added as free */
/* Free blocks of an order (both zones). */
unsigned long page_alloc_free_blocks(unsigned int order);

/* Walks the free lists checking the allocator's invariants (block heads,
 * alignment, zones, no unmerged free buddies, the free count); reports each
 * problem with LOG_ERR and returns how many it found. Slow: for tests and
 * debugging. */
unsigned long page_alloc_check(void);

struct page_info *pa_to_page(paddr_t pa);       /* NULL outside the frame table */
paddr_t page_to_pa(const struct page_info *pg);

#endif
