/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A physical memory map: a sorted, non-overlapping list of typed ranges in a
 * fixed-size array (no allocator needed: it exists before the allocator).
 * Firmware maps (E820, Multiboot) arrive unsorted and overlapping; memmap_add()
 * normalises them: where ranges overlap the more restrictive type wins
 * (RAM < ACPI reclaim < ACPI NVS < reserved < unusable), and touching ranges
 * of the same type merge.
 */
#ifndef TESSERA_MEMMAP_H
#define TESSERA_MEMMAP_H

#include <tessera/types.h>

#define MEMMAP_MAX_RANGES   256
/* x86-64 physical addresses have at most 52 bits; anything beyond is bogus. */
#define MEMMAP_MAX_ADDR     (1ULL << 52)

/* Values equal to the E820 / Multiboot type numbers. */
enum mem_type {
    MEM_RAM      = 1,
    MEM_RESERVED = 2,
    MEM_ACPI     = 3,       /* ACPI reclaimable: free once the tables are parsed */
    MEM_NVS      = 4,       /* ACPI NVS: firmware keeps using it */
    MEM_UNUSABLE = 5,       /* reported bad */
};

struct memmap_range {
    paddr_t start, end;     /* [start, end) */
    enum mem_type type;
};

struct memmap {
    unsigned int nr;
    unsigned int dropped;   /* ranges lost because the array was full */
    struct memmap_range ranges[MEMMAP_MAX_RANGES];
};

#define memmap_for_each(m, r) \
    for ((r) = (m)->ranges; (r) < (m)->ranges + (m)->nr; (r)++)

void memmap_init(struct memmap *m);

/*
 * Adds [start, end). Returns 0; -EINVAL (and a LOG_WARN message) for an
 * empty or inverted range, an unknown type, or an end above MEMMAP_MAX_ADDR;
 * -ENOSPC if the array filled up (the map stays sorted and consistent, but
 * part of the range may be missing: m->dropped counts it).
 */
int memmap_add(struct memmap *m, paddr_t start, paddr_t end, enum mem_type type);

/*
 * Carves [start, end) out of every range, splitting one if needed. end may be
 * anything up to ~0 (e.g. "everything above mem="). Returns 0, -EINVAL for
 * start >= end, or -ENOSPC when a split needs a slot that is not there (then
 * nothing is removed from the range being split).
 */
int memmap_remove(struct memmap *m, paddr_t start, paddr_t end);

uint64_t memmap_type_bytes(const struct memmap *m, enum mem_type type);
/* Bytes of MEM_RAM. */
uint64_t memmap_usable_bytes(const struct memmap *m);
/* Highest end address of a range of this type (0: none). */
paddr_t memmap_top(const struct memmap *m, enum mem_type type);
/* The type at address pa, or 0 if no range covers it. */
unsigned int memmap_type_at(const struct memmap *m, paddr_t pa);
/* True if [start, end) is entirely covered by ranges of this type. */
bool memmap_range_is(const struct memmap *m, paddr_t start, paddr_t end, enum mem_type type);

const char *memmap_type_name(unsigned int type);
void memmap_print(const struct memmap *m, const char *title);

#endif
