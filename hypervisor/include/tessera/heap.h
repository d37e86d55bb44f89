/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's general-purpose heap, on top of the page allocator.
 *
 * Requests up to 2048 bytes come from size-class slabs (16, 32, ..., 2048
 * bytes; a slab is a buddy block of 1-8 pages with its header at the start),
 * and every object is aligned to its class size. Larger requests get a buddy
 * block of their own with a small header in front of the returned pointer.
 * Every page the heap holds is tagged in its struct page_info (PGF_HEAP, and
 * its index within the block in .u), which is how xfree() finds the block.
 *
 * xfree() errors (double free, a pointer the heap never returned, a pointer
 * into the middle of an object) are reported with LOG_ERR, counted in
 * heap_stats().errors, and otherwise ignored: nothing is freed, so a bug
 * costs a leak instead of corrupting the heap further.
 *
 * xmalloc(0) returns a valid 16-byte object (never NULL unless out of memory).
 * All objects are at least 16-byte aligned. Memory is not zeroed (xzalloc is).
 */
#ifndef TESSERA_HEAP_H
#define TESSERA_HEAP_H

#include <tessera/types.h>

#define HEAP_MIN_ALIGN      16
#define HEAP_MAX_SMALL      2048

void *xmalloc(size_t size);
void *xzalloc(size_t size);
/* align: a power of two (0 means HEAP_MIN_ALIGN); anything else gets NULL. */
void *xmalloc_aligned(size_t size, size_t align);
void xfree(void *p);

/* Usable size of a live allocation (>= what was asked for), 0 if p is not one. */
size_t xmalloc_usable_size(const void *p);

struct heap_stats {
    size_t used_bytes;      /* bytes in live allocations (slot or block sizes) */
    size_t free_bytes;      /* free slots in slabs */
    size_t pages;           /* pages the heap holds from the page allocator */
    size_t nr_allocs;       /* live allocations */
    size_t errors;          /* bad xfree() calls seen */
};

void heap_stats(struct heap_stats *out);
void heap_print_stats(void);

#endif
