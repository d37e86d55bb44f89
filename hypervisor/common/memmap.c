/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Physical memory map bookkeeping (see tessera/memmap.h). Everything is
 * O(n^2) in the number of ranges at worst, with n <= 256: only boot uses it.
 */
#include <tessera/lib.h>
#include <tessera/memmap.h>

/* How restrictive a type is: on overlap, the higher rank wins. ACPI NVS
 * outranks ACPI reclaim (firmware uses NVS forever); reserved outranks both
 * (nobody may touch it); "unusable" memory is broken and outranks all. */
static int rank(enum mem_type t)
{
    switch (t) {
    case MEM_RAM:      return 0;
    case MEM_ACPI:     return 1;
    case MEM_NVS:      return 2;
    case MEM_RESERVED: return 3;
    case MEM_UNUSABLE: return 4;
    }
    return -1;
}

static bool valid_type(unsigned int t)
{
    return t >= MEM_RAM && t <= MEM_UNUSABLE;
}

const char *memmap_type_name(unsigned int type)
{
    switch (type) {
    case MEM_RAM:      return "RAM";
    case MEM_RESERVED: return "reserved";
    case MEM_ACPI:     return "ACPI";
    case MEM_NVS:      return "ACPI NVS";
    case MEM_UNUSABLE: return "unusable";
    }
    return "?";
}

void memmap_init(struct memmap *m)
{
    m->nr = 0;
    m->dropped = 0;
}

static void delete_at(struct memmap *m, unsigned int i)
{
    memmove(&m->ranges[i], &m->ranges[i + 1], (m->nr - i - 1) * sizeof(m->ranges[0]));
    m->nr--;
}

/* Caller guarantees a free slot. */
static void insert_at(struct memmap *m, unsigned int i, paddr_t s, paddr_t e, enum mem_type t)
{
    memmove(&m->ranges[i + 1], &m->ranges[i], (m->nr - i) * sizeof(m->ranges[0]));
    m->ranges[i] = (struct memmap_range){ .start = s, .end = e, .type = t };
    m->nr++;
}

/* Merges range i with touching neighbours of the same type. */
static void merge_around(struct memmap *m, unsigned int i)
{
    if (i + 1 < m->nr && m->ranges[i].end == m->ranges[i + 1].start &&
        m->ranges[i].type == m->ranges[i + 1].type) {
        m->ranges[i].end = m->ranges[i + 1].end;
        delete_at(m, i + 1);
    }
    if (i > 0 && m->ranges[i - 1].end == m->ranges[i].start &&
        m->ranges[i - 1].type == m->ranges[i].type) {
        m->ranges[i - 1].end = m->ranges[i].end;
        delete_at(m, i);
    }
}

/* Removes [s, e) from the map; needs at most one free slot (a split). */
static int cut(struct memmap *m, paddr_t s, paddr_t e)
{
    for (unsigned int i = 0; i < m->nr; ) {
        struct memmap_range *r = &m->ranges[i];

        if (r->end <= s || r->start >= e) {
            i++;
            continue;
        }
        if (r->start < s && r->end > e) {           /* hole in the middle */
            if (m->nr >= MEMMAP_MAX_RANGES)
                return -ENOSPC;
            insert_at(m, i + 1, e, r->end, r->type);
            m->ranges[i].end = s;
            return 0;
        }
        if (r->start < s) {                          /* keep the head */
            r->end = s;
            i++;
        } else if (r->end > e) {                     /* keep the tail */
            r->start = e;
            i++;
        } else {                                     /* fully covered */
            delete_at(m, i);
        }
    }
    return 0;
}

/* Makes [s, e) exactly one range of type t. Needs one free slot, two if
 * it lands strictly inside an existing range. */
static int set_range(struct memmap *m, paddr_t s, paddr_t e, enum mem_type t)
{
    unsigned int i, need = 1;

    for (i = 0; i < m->nr; i++)
        if (m->ranges[i].start < s && m->ranges[i].end > e)
            need = 2;
    if (m->nr + need > MEMMAP_MAX_RANGES)
        return -ENOSPC;
    cut(m, s, e);
    for (i = 0; i < m->nr && m->ranges[i].start < s; i++)
        ;
    insert_at(m, i, s, e, t);
    merge_around(m, i);
    return 0;
}

int memmap_add(struct memmap *m, paddr_t start, paddr_t end, enum mem_type type)
{
    if (!valid_type(type) || start >= end || end > MEMMAP_MAX_ADDR) {
        printk(LOG_WARN "memmap: rejecting bogus range [%#llx, %#llx) type %u\n",
               (unsigned long long)start, (unsigned long long)end, (unsigned int)type);
        return -EINVAL;
    }

    /* Walk [start, end) piece by piece: a piece is either inside one
     * existing range (its type becomes the stronger of the two) or in a gap
     * between ranges (it gets the new type). */
    paddr_t cur = start;
    while (cur < end) {
        unsigned int i;
        paddr_t piece_end;
        enum mem_type t = type;

        for (i = 0; i < m->nr && m->ranges[i].end <= cur; i++)
            ;
        if (i < m->nr && m->ranges[i].start <= cur) {
            piece_end = MIN(m->ranges[i].end, end);
            if (rank(m->ranges[i].type) >= rank(type)) {
                cur = piece_end;
                continue;
            }
        } else {
            piece_end = i < m->nr ? MIN(m->ranges[i].start, end) : end;
        }
        if (set_range(m, cur, piece_end, t) < 0) {
            m->dropped++;
            printk(LOG_WARN "memmap: map full, [%#llx, %#llx) %s dropped\n",
                   (unsigned long long)cur, (unsigned long long)end, memmap_type_name(type));
            return -ENOSPC;
        }
        cur = piece_end;
    }
    return 0;
}

int memmap_remove(struct memmap *m, paddr_t start, paddr_t end)
{
    if (start >= end)
        return -EINVAL;
    int rc = cut(m, start, end);
    if (rc < 0)
        printk(LOG_WARN "memmap: map full, cannot carve [%#llx, %#llx)\n",
               (unsigned long long)start, (unsigned long long)end);
    return rc;
}

uint64_t memmap_type_bytes(const struct memmap *m, enum mem_type type)
{
    uint64_t sum = 0;

    for (unsigned int i = 0; i < m->nr; i++)
        if (m->ranges[i].type == type)
            sum += m->ranges[i].end - m->ranges[i].start;
    return sum;
}

uint64_t memmap_usable_bytes(const struct memmap *m)
{
    return memmap_type_bytes(m, MEM_RAM);
}

paddr_t memmap_top(const struct memmap *m, enum mem_type type)
{
    for (unsigned int i = m->nr; i-- > 0; )
        if (m->ranges[i].type == type)
            return m->ranges[i].end;
    return 0;
}

unsigned int memmap_type_at(const struct memmap *m, paddr_t pa)
{
    for (unsigned int i = 0; i < m->nr; i++)
        if (m->ranges[i].start <= pa && pa < m->ranges[i].end)
            return m->ranges[i].type;
    return 0;
}

bool memmap_range_is(const struct memmap *m, paddr_t start, paddr_t end, enum mem_type type)
{
    paddr_t cur = start;

    if (start >= end)
        return false;
    for (unsigned int i = 0; i < m->nr && cur < end; i++) {
        const struct memmap_range *r = &m->ranges[i];
        if (r->end <= cur)
            continue;
        if (r->start > cur || r->type != type)
            return false;
        cur = r->end;
    }
    return cur >= end;
}

void memmap_print(const struct memmap *m, const char *title)
{
    printk("%s: %u ranges\n", title, m->nr);
    for (unsigned int i = 0; i < m->nr; i++)
        printk("  [0x%012llx, 0x%012llx) %s\n", (unsigned long long)m->ranges[i].start,
               (unsigned long long)m->ranges[i].end, memmap_type_name(m->ranges[i].type));
    if (m->dropped)
        printk(LOG_WARN "  %u ranges dropped (map full)\n", m->dropped);
}
