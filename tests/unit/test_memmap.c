/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/common/memmap.c */
#include <tessera/lib.h>
#include <tessera/memmap.h>
#include "test.h"

static struct memmap m;

/* Checks the map is sorted, non-overlapping, and merged. */
static bool well_formed(const struct memmap *map)
{
    for (unsigned int i = 0; i < map->nr; i++) {
        const struct memmap_range *r = &map->ranges[i];
        if (r->start >= r->end)
            return false;
        if (i && (r->start < r[-1].end ||
                  (r->start == r[-1].end && r->type == r[-1].type)))
            return false;
    }
    return true;
}

#define RANGE(i, s, e, t) do { \
        CHECK_EQ(m.ranges[i].start, s); CHECK_EQ(m.ranges[i].end, e); \
        CHECK_EQ(m.ranges[i].type, t); \
    } while (0)

static void test_sorted_insert_and_merge(void)
{
    memmap_init(&m);
    CHECK_EQ(memmap_add(&m, MiB(2), MiB(3), MEM_RAM), 0);
    CHECK_EQ(memmap_add(&m, 0, MiB(1), MEM_RAM), 0);
    CHECK_EQ(memmap_add(&m, MiB(1), MiB(2), MEM_RAM), 0);    /* bridges the two */
    CHECK_EQ(m.nr, 1);
    RANGE(0, 0, MiB(3), MEM_RAM);
    CHECK_EQ(memmap_add(&m, MiB(3), MiB(4), MEM_RESERVED), 0);  /* adjacent, other type */
    CHECK_EQ(m.nr, 2);
    CHECK_EQ(memmap_usable_bytes(&m), MiB(3));
    CHECK(well_formed(&m));
}

static void test_overlap_restrictive_wins(void)
{
    memmap_init(&m);
    memmap_add(&m, 0, MiB(16), MEM_RAM);
    memmap_add(&m, MiB(4), MiB(5), MEM_RESERVED);       /* inside RAM: splits it */
    CHECK_EQ(m.nr, 3);
    RANGE(0, 0, MiB(4), MEM_RAM);
    RANGE(1, MiB(4), MiB(5), MEM_RESERVED);
    RANGE(2, MiB(5), MiB(16), MEM_RAM);
    memmap_add(&m, MiB(3), MiB(6), MEM_RAM);            /* RAM over reserved: no change */
    CHECK_EQ(m.nr, 3);
    RANGE(1, MiB(4), MiB(5), MEM_RESERVED);
    memmap_add(&m, MiB(8), MiB(20), MEM_ACPI);          /* straddles the end */
    CHECK_EQ(m.nr, 4);
    RANGE(2, MiB(5), MiB(8), MEM_RAM);
    RANGE(3, MiB(8), MiB(20), MEM_ACPI);
    memmap_add(&m, MiB(10), MiB(12), MEM_NVS);          /* NVS beats ACPI reclaim */
    memmap_add(&m, MiB(11), MiB(30), MEM_UNUSABLE);     /* unusable beats everything */
    CHECK(well_formed(&m));
    CHECK_EQ(memmap_type_at(&m, MiB(10)), MEM_NVS);
    CHECK_EQ(memmap_type_at(&m, MiB(11)), MEM_UNUSABLE);
    CHECK_EQ(memmap_type_at(&m, MiB(29)), MEM_UNUSABLE);
    CHECK_EQ(memmap_type_at(&m, MiB(9)), MEM_ACPI);
    CHECK_EQ(memmap_type_at(&m, MiB(30)), 0);
    CHECK_EQ(memmap_usable_bytes(&m), MiB(4) + MiB(3));
    /* Adding reserved over the whole lot leaves one range */
    memmap_add(&m, 0, MiB(32), MEM_UNUSABLE);
    CHECK_EQ(m.nr, 1);
    RANGE(0, 0, MiB(32), MEM_UNUSABLE);
}

static void test_unsorted_firmware_map(void)
{
    /* A QEMU-like E820, shuffled, with a duplicate and an overlap. */
    static const struct { uint64_t s, e; enum mem_type t; } e820[] = {
        { 0x100000, 0x7ffe0000, MEM_RAM },
        { 0xfeffc000, 0xff000000, MEM_RESERVED },
        { 0x0, 0x9fc00, MEM_RAM },
        { 0x100000000ULL, 0x180000000ULL, MEM_RAM },
        { 0x9fc00, 0xa0000, MEM_RESERVED },
        { 0xf0000, 0x100000, MEM_RESERVED },
        { 0x7ffe0000, 0x80000000, MEM_RESERVED },
        { 0x0, 0x9fc00, MEM_RAM },                      /* duplicate */
        { 0xb0000000, 0xc0000000, MEM_RESERVED },
        { 0x7ff00000, 0x7fff0000, MEM_RESERVED },       /* overlaps RAM and reserved */
    };

    memmap_init(&m);
    for (unsigned int i = 0; i < ARRAY_SIZE(e820); i++)
        CHECK_EQ(memmap_add(&m, e820[i].s, e820[i].e, e820[i].t), 0);
    CHECK(well_formed(&m));
    CHECK_EQ(memmap_usable_bytes(&m), 0x9fc00 + (0x7ff00000 - 0x100000) + GiB(2));
    CHECK_EQ(memmap_type_at(&m, 0x7ff00000), MEM_RESERVED);
    CHECK_EQ(memmap_top(&m, MEM_RAM), 0x180000000ULL);
    CHECK(memmap_range_is(&m, GiB(4), GiB(6), MEM_RAM));
    CHECK(!memmap_range_is(&m, GiB(4) - 1, GiB(6), MEM_RAM));
    CHECK(!memmap_range_is(&m, 0x9f000, 0xa1000, MEM_RAM));
    CHECK(!memmap_range_is(&m, 0xa0000, 0xa1000, MEM_RAM));   /* a hole */
    memmap_print(&m, "e820");
    CHECK_LOG("[0x000100000000, 0x000180000000) RAM");
}

static void test_remove_splits(void)
{
    memmap_init(&m);
    memmap_add(&m, 0, GiB(2), MEM_RAM);
    CHECK_EQ(memmap_remove(&m, MiB(2), MiB(3)), 0);      /* hypervisor image */
    CHECK_EQ(m.nr, 2);
    RANGE(0, 0, MiB(2), MEM_RAM);
    RANGE(1, MiB(3), GiB(2), MEM_RAM);
    CHECK_EQ(memmap_remove(&m, 0, MiB(1)), 0);           /* first MiB */
    RANGE(0, MiB(1), MiB(2), MEM_RAM);
    CHECK_EQ(memmap_remove(&m, MiB(1) + 4096, MiB(3) + 4096), 0);   /* across a hole */
    CHECK_EQ(m.nr, 2);
    RANGE(0, MiB(1), MiB(1) + 4096, MEM_RAM);
    RANGE(1, MiB(3) + 4096, GiB(2), MEM_RAM);
    CHECK_EQ(memmap_remove(&m, GiB(1), ~0ULL), 0);       /* mem=1G */
    RANGE(1, MiB(3) + 4096, GiB(1), MEM_RAM);
    CHECK_EQ(memmap_remove(&m, GiB(5), GiB(6)), 0);      /* nothing there */
    CHECK_EQ(m.nr, 2);
    CHECK_EQ(memmap_remove(&m, 5, 5), -EINVAL);
    CHECK_EQ(memmap_remove(&m, 0, ~0ULL), 0);
    CHECK_EQ(m.nr, 0);
    CHECK_EQ(memmap_usable_bytes(&m), 0);
}

static void test_above_4g(void)
{
    memmap_init(&m);
    memmap_add(&m, GiB(4), GiB(64), MEM_RAM);
    memmap_add(&m, 0, GiB(3), MEM_RAM);
    memmap_add(&m, GiB(3), GiB(4), MEM_RESERVED);
    memmap_add(&m, GiB(1000), GiB(1024), MEM_RAM);
    CHECK_EQ(m.nr, 4);
    CHECK_EQ(memmap_usable_bytes(&m), GiB(3) + GiB(60) + GiB(24));
    memmap_remove(&m, GiB(16) + 4096, GiB(16) + 8192);
    CHECK_EQ(m.nr, 5);
    CHECK_EQ(memmap_top(&m, MEM_RAM), GiB(1024));
    CHECK(well_formed(&m));
}

static void test_bogus_entries_rejected(void)
{
    memmap_init(&m);
    CHECK_EQ(memmap_add(&m, MiB(1), MiB(1), MEM_RAM), -EINVAL);       /* zero length */
    CHECK_LOG("memmap: rejecting bogus range");
    CHECK_EQ(memmap_add(&m, MiB(2), MiB(1), MEM_RAM), -EINVAL);       /* inverted */
    CHECK_EQ(memmap_add(&m, 0, ~0ULL, MEM_RAM), -EINVAL);             /* absurd */
    CHECK_EQ(memmap_add(&m, 0, MEMMAP_MAX_ADDR + 1, MEM_RAM), -EINVAL);
    CHECK_EQ(memmap_add(&m, 0, MiB(1), (enum mem_type)0), -EINVAL);
    CHECK_EQ(memmap_add(&m, 0, MiB(1), (enum mem_type)99), -EINVAL);
    CHECK_EQ(m.nr, 0);
    CHECK_EQ(memmap_add(&m, 0, MEMMAP_MAX_ADDR, MEM_RAM), 0);          /* largest legal */
    CHECK_EQ(m.nr, 1);
}

static void test_full_map(void)
{
    unsigned int i;

    memmap_init(&m);
    for (i = 0; i < MEMMAP_MAX_RANGES; i++)
        CHECK_EQ(memmap_add(&m, (paddr_t)i * MiB(2), (paddr_t)i * MiB(2) + MiB(1), MEM_RAM), 0);
    CHECK_EQ(m.nr, MEMMAP_MAX_RANGES);
    CHECK_EQ(memmap_add(&m, GiB(100), GiB(101), MEM_RAM), -ENOSPC);
    CHECK_LOG("map full");
    CHECK_EQ(m.dropped, 1);
    /* splitting needs a slot too: refused, range unchanged */
    CHECK_EQ(memmap_remove(&m, 4096, 8192), -ENOSPC);
    RANGE(0, 0, MiB(1), MEM_RAM);
    /* removing whole ranges frees slots */
    CHECK_EQ(memmap_remove(&m, 0, MiB(4)), 0);
    CHECK_EQ(m.nr, MEMMAP_MAX_RANGES - 2);
    CHECK_EQ(memmap_remove(&m, 4096 + MiB(4), 8192 + MiB(4)), 0);
    CHECK(well_formed(&m));
    /* Merge-through-gaps still works when nearly full */
    CHECK_EQ(memmap_add(&m, MiB(6), MiB(11), MEM_RAM), 0);
    CHECK(well_formed(&m));
}

/* Random adds/removes compared with a byte-per-page model. */
static void test_random_against_model(void)
{
    enum { PAGES = 512 };
    static uint8_t model[PAGES];
    static const int rank_of[] = { [MEM_RAM] = 0, [MEM_ACPI] = 1, [MEM_NVS] = 2,
                                   [MEM_RESERVED] = 3, [MEM_UNUSABLE] = 4 };

    test_srand(42);
    for (int round = 0; round < 200; round++) {
        memmap_init(&m);
        memset(model, 0, sizeof(model));
        for (int op = 0; op < 30; op++) {
            unsigned int s = test_rand() % PAGES, len = 1 + test_rand() % 64;
            unsigned int e = MIN(s + len, (unsigned int)PAGES);
            if (test_rand() % 4 == 0) {
                memmap_remove(&m, (paddr_t)s * 4096, (paddr_t)e * 4096);
                for (unsigned int p = s; p < e; p++)
                    model[p] = 0;
            } else {
                enum mem_type t = (enum mem_type)(1 + test_rand() % 5);
                memmap_add(&m, (paddr_t)s * 4096, (paddr_t)e * 4096, t);
                for (unsigned int p = s; p < e; p++)
                    if (!model[p] || rank_of[t] > rank_of[model[p]])
                        model[p] = (uint8_t)t;
            }
        }
        CHECK(well_formed(&m));
        uint64_t ram = 0;
        for (unsigned int p = 0; p < PAGES; p++) {
            if (memmap_type_at(&m, (paddr_t)p * 4096 + 7) != model[p]) {
                CHECK_EQ(memmap_type_at(&m, (paddr_t)p * 4096 + 7), model[p]);
                return;
            }
            ram += model[p] == MEM_RAM ? 4096 : 0;
        }
        CHECK_EQ(memmap_usable_bytes(&m), ram);
    }
}

int main(void)
{
    RUN(test_sorted_insert_and_merge);
    RUN(test_overlap_restrictive_wins);
    RUN(test_unsorted_firmware_map);
    RUN(test_remove_splits);
    RUN(test_above_4g);
    RUN(test_bogus_entries_rejected);
    RUN(test_full_map);
    RUN(test_random_against_model);
    return test_summary();
}
