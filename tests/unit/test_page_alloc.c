/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/common/page_alloc.c */
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include "test.h"

_Static_assert(sizeof(struct page_info) <= 32, "page_info must stay small");

static struct page_info *ft;

/* A fresh allocator over nr frames (frame table from host malloc). */
static void setup(unsigned long nr)
{
    free(ft);
    ft = calloc(1, page_alloc_frame_table_bytes(nr));
    page_alloc_init(ft, nr);
}

static void snapshot(unsigned long *counts)
{
    for (unsigned int k = 0; k <= MAX_ORDER; k++)
        counts[k] = page_alloc_free_blocks(k);
}

static void test_add_free_builds_maximal_blocks(void)
{
    setup(MiB(64) >> PAGE_SHIFT);
    page_alloc_add_free(0, MiB(64));
    /* page 0 is kept back, so pfns 1..16383 give one block of each order 0..13 */
    CHECK_EQ(page_alloc_free_pages(), 16383);
    CHECK_EQ(page_alloc_total_pages(), 16383);
    for (unsigned int k = 0; k <= 13; k++)
        CHECK_EQ(page_alloc_free_blocks(k), 1);
    CHECK_EQ(page_alloc_free_blocks(14), 0);
    CHECK(pa_to_page(0)->flags & PGF_RESERVED);
    CHECK(pa_to_page(MiB(32))->flags & PGF_HEAD);
    CHECK_EQ(pa_to_page(MiB(32))->order, 13);
    CHECK(pa_to_page(MiB(64)) == NULL);

    /* unaligned edges are rounded inwards */
    setup(64);
    page_alloc_add_free(0x1800, 0x5800);
    CHECK_EQ(page_alloc_free_pages(), 3);          /* pages 2, 3, 4 */
    CHECK_EQ(page_alloc_free_blocks(1), 1);
    CHECK_EQ(page_alloc_free_blocks(0), 1);
    page_alloc_add_free(0x6000, 0x6fff);           /* less than a page: nothing */
    CHECK_EQ(page_alloc_free_pages(), 3);
    page_alloc_add_free(0x5000, 0x6000);           /* page 5: merges with 4 */
    CHECK_EQ(page_alloc_free_blocks(1), 2);
    CHECK_EQ(page_alloc_free_blocks(0), 0);
    page_alloc_add_free(0x2000, 0x4000);           /* already free: skipped, reported */
    CHECK_LOG("were not reserved");
    CHECK_EQ(page_alloc_free_pages(), 4);
    page_alloc_add_free(0, ~0ULL);                 /* clipped to the frame table */
    CHECK_EQ(page_alloc_free_pages(), 63);
}

/* alloc_pages_at(): exactly the frames asked for, or nothing. */
static void test_alloc_at(void)
{
    setup(MiB(64) >> PAGE_SHIFT);
    page_alloc_add_free(0, MiB(64));
    /* Inside the order-13 block at 32M: it splits around the piece taken. */
    CHECK_EQ(alloc_pages_at(MiB(40), 9, 0), MiB(40));
    CHECK_EQ(page_alloc_free_pages(), 16383 - 512);
    CHECK_EQ(page_alloc_check(), 0);
    CHECK(pa_to_page(MiB(40))->flags & PGF_ALLOCATED);
    CHECK_EQ(pa_to_page(MiB(40))->order, 9);
    /* Taken, overlapping, misaligned, page 0, outside: refused. */
    CHECK_EQ(alloc_pages_at(MiB(40), 9, 0), 0);
    CHECK_EQ(alloc_pages_at(MiB(40) + PAGE_SIZE, 0, 0), 0);
    CHECK_EQ(alloc_pages_at(MiB(32), 13, 0), 0);
    CHECK_EQ(alloc_pages_at(MiB(40) + PAGE_SIZE, 9, 0), 0);
    CHECK_EQ(alloc_pages_at(0, 0, 0), 0);
    CHECK_EQ(alloc_pages_at(MiB(64), 0, 0), 0);
    CHECK_EQ(alloc_pages_at(MiB(63), 9, 0), 0);
    CHECK_EQ(page_alloc_free_pages(), 16383 - 512);
    /* Every other page of a run, then the rest: all of it, nothing twice. */
    for (paddr_t pa = MiB(1); pa < MiB(2); pa += 2 * PAGE_SIZE)
        CHECK_EQ(alloc_pages_at(pa, 0, 0), pa);
    for (paddr_t pa = MiB(1) + PAGE_SIZE; pa < MiB(2); pa += 2 * PAGE_SIZE)
        CHECK_EQ(alloc_pages_at(pa, 0, 0), pa);
    CHECK_EQ(page_alloc_free_pages(), 16383 - 512 - 256);
    CHECK_EQ(page_alloc_check(), 0);
    /* Given back, everything merges again. */
    for (paddr_t pa = MiB(1); pa < MiB(2); pa += PAGE_SIZE)
        CHECK_EQ(free_pages(pa, 0), 0);
    CHECK_EQ(free_pages(MiB(40), 9), 0);
    CHECK_EQ(page_alloc_free_pages(), 16383);
    for (unsigned int k = 0; k <= 13; k++)
        CHECK_EQ(page_alloc_free_blocks(k), 1);
    CHECK_EQ(page_alloc_check(), 0);
}

static void test_page0_never_returned(void)
{
    setup(16);
    page_alloc_add_free(0, 16 * PAGE_SIZE);
    paddr_t got;
    unsigned int n = 0;
    while ((got = alloc_pages(0, 0)) != 0) {
        CHECK(got != 0);
        n++;
    }
    CHECK_EQ(n, 15);
    CHECK_EQ(free_pages(0, 0), -EINVAL);
}

/* Allocate mixed orders, check no overlap, free in random order, check the
 * free-block set is exactly the initial one. */
static void test_fragmentation_coalesces_back(void)
{
    enum { N = 3000 };
    static paddr_t pa[N];
    static unsigned int ord[N];
    unsigned long before[MAX_ORDER + 1], after[MAX_ORDER + 1];
    unsigned long nr = MiB(64) >> PAGE_SHIFT;
    unsigned int n = 0;

    host_phys_reset();
    host_phys_add(0, MiB(64));
    setup(nr);
    page_alloc_add_free(0, MiB(1));
    page_alloc_add_free(MiB(1) + 3 * PAGE_SIZE, MiB(64));
    snapshot(before);
    unsigned long free0 = page_alloc_free_pages();

    test_srand(7);
    for (unsigned int i = 0; i < N; i++) {
        unsigned int o = (unsigned int)(test_rand() % 100 < 80 ? test_rand() % 3 : test_rand() % 8);
        paddr_t p = alloc_pages(o, 0);
        if (!p)
            continue;
        CHECK(IS_ALIGNED(p, PAGE_SIZE << o));
        CHECK(p + (PAGE_SIZE << o) <= MiB(64));
        memset(phys_to_virt(p), (int)(n & 0xff), PAGE_SIZE << o);
        pa[n] = p;
        ord[n++] = o;
    }
    CHECK(n > 1000);
    CHECK_EQ(page_alloc_check(), 0);
    /* no two blocks overlap: each still holds its own pattern */
    for (unsigned int i = 0; i < n; i++) {
        const uint8_t *b = phys_to_virt(pa[i]);
        for (size_t j = 0; j < (PAGE_SIZE << ord[i]); j += 512)
            if (b[j] != (i & 0xff)) {
                CHECK_EQ(b[j], i & 0xff);
                return;
            }
    }
    /* free in random order */
    for (unsigned int i = n; i > 1; i--) {
        unsigned int j = (unsigned int)(test_rand() % i);
        paddr_t tp = pa[i - 1]; unsigned int to = ord[i - 1];
        pa[i - 1] = pa[j]; ord[i - 1] = ord[j];
        pa[j] = tp; ord[j] = to;
    }
    for (unsigned int i = 0; i < n; i++) {
        CHECK_EQ(free_pages(pa[i], ord[i]), 0);
        if (i == n / 2)
            CHECK_EQ(page_alloc_check(), 0);
    }
    CHECK_EQ(page_alloc_check(), 0);
    snapshot(after);
    CHECK_EQ(page_alloc_free_pages(), free0);
    for (unsigned int k = 0; k <= MAX_ORDER; k++)
        CHECK_EQ(after[k], before[k]);
    host_phys_reset();
}

static void test_exhaustion(void)
{
    unsigned long nr = 4096;
    uint8_t *seen = calloc(nr, 1);
    paddr_t *list = calloc(nr, sizeof(*list));
    unsigned long before[MAX_ORDER + 1], after[MAX_ORDER + 1];
    unsigned long n = 0;
    paddr_t p;

    setup(nr);
    page_alloc_add_free(PAGE_SIZE * 10, PAGE_SIZE * nr);
    snapshot(before);
    CHECK_EQ(alloc_pages(12, 0), 0);            /* bigger than any block */
    CHECK_EQ(alloc_pages(MAX_ORDER + 1, 0), 0);
    while ((p = alloc_pages(0, 0)) != 0) {
        unsigned long pfn = p >> PAGE_SHIFT;
        CHECK(pfn >= 10 && pfn < nr);
        CHECK(!seen[pfn]);
        seen[pfn] = 1;
        list[n++] = p;
    }
    CHECK_EQ(n, nr - 10);
    CHECK_EQ(page_alloc_free_pages(), 0);
    CHECK_EQ(alloc_pages(0, PA_BELOW_4G), 0);
    for (unsigned long i = 0; i < n; i++)
        CHECK_EQ(free_pages(list[i], 0), 0);
    snapshot(after);
    for (unsigned int k = 0; k <= MAX_ORDER; k++)
        CHECK_EQ(after[k], before[k]);
    CHECK_EQ(page_alloc_free_pages(), nr - 10);
    free(seen);
    free(list);
}

static void test_bad_frees_detected(void)
{
    setup(1024);
    page_alloc_add_free(0, 1024 * PAGE_SIZE);
    unsigned long free0 = page_alloc_free_pages();
    paddr_t a = alloc_pages(2, 0), b = alloc_pages(0, 0);
    CHECK(a && b);

    host_log_clear();
    CHECK_EQ(free_pages(a, 1), -EINVAL);                 /* wrong order */
    CHECK_LOG("wrong order");
    CHECK_EQ(free_pages(a, 3), -EINVAL);                 /* wrong order, maybe misaligned */
    CHECK_EQ(free_pages(a + PAGE_SIZE, 0), -EINVAL);     /* tail page of a block */
    CHECK_LOG("not the start of an allocated block");
    CHECK_EQ(free_pages(a + 0x10, 0), -EINVAL);          /* misaligned */
    CHECK_LOG("misaligned");
    CHECK_EQ(free_pages(a + PAGE_SIZE, 2), -EINVAL);     /* misaligned for the order */
    CHECK_EQ(free_pages(MiB(512), 0), -EINVAL);          /* beyond the frame table */
    CHECK_LOG("outside the frame table");
    CHECK_EQ(free_pages(a, MAX_ORDER + 1), -EINVAL);
    CHECK_LOG("bad order");
    CHECK_EQ(free_pages(0, 0), -EINVAL);                 /* page 0 */

    CHECK_EQ(free_pages(a, 2), 0);
    host_log_clear();
    CHECK_EQ(free_pages(a, 2), -EINVAL);                 /* double free */
    CHECK_LOG("double free");
    CHECK_LOG("E: page_alloc: free_pages(0x");
    CHECK_EQ(free_pages(b, 0), 0);
    CHECK_EQ(free_pages(b, 0), -EINVAL);
    CHECK_EQ(page_alloc_free_pages(), free0);

    /* a never-allocated reserved page */
    setup(64);
    page_alloc_add_free(0, 32 * PAGE_SIZE);
    CHECK_EQ(free_pages(40 * PAGE_SIZE, 0), -EINVAL);
    CHECK_EQ(page_alloc_free_pages(), 31);
}

/* Physical space with RAM at [0, 16 MiB) and [4 GiB, 4 GiB + 16 MiB). */
static void test_below_4g_sparse(void)
{
    paddr_t hi_base = GiB(4), top = GiB(4) + MiB(16);
    unsigned long nr = top >> PAGE_SHIFT;

    host_phys_reset();
    host_phys_add(0, MiB(16));
    host_phys_add(hi_base, MiB(16));
    setup(nr);
    page_alloc_add_free(MiB(1), MiB(16));
    page_alloc_add_free(hi_base, top);
    CHECK_EQ(page_alloc_free_pages(), (MiB(15) + MiB(16)) >> PAGE_SHIFT);

    /* plain allocations prefer high memory */
    paddr_t p = alloc_pages(3, 0);
    CHECK(p >= hi_base && p < top);
    paddr_t q = alloc_pages(3, PA_BELOW_4G);
    CHECK(q >= MiB(1) && q + 8 * PAGE_SIZE <= MiB(16));
    free_pages(p, 3);
    free_pages(q, 3);

    /* PA_ZERO really zeroes, in both zones */
    paddr_t z = alloc_pages(1, PA_BELOW_4G);
    memset(phys_to_virt(z), 0xff, 2 * PAGE_SIZE);
    free_pages(z, 1);
    z = alloc_pages(1, PA_BELOW_4G | PA_ZERO);
    const uint8_t *zb = phys_to_virt(z);
    bool all_zero = true;
    for (size_t i = 0; i < 2 * PAGE_SIZE; i++)
        all_zero &= zb[i] == 0;
    CHECK(all_zero);
    free_pages(z, 1);

    /* drain the low zone with PA_BELOW_4G; nothing outside RAM appears */
    unsigned long low = 0;
    while ((p = alloc_pages(0, PA_BELOW_4G)) != 0) {
        CHECK(p >= MiB(1) && p < MiB(16));
        low++;
    }
    CHECK_EQ(low, MiB(15) >> PAGE_SHIFT);
    CHECK_EQ(alloc_pages(0, PA_BELOW_4G), 0);
    /* high memory still serves plain requests, never from the hole */
    unsigned long high = 0;
    while ((p = alloc_pages(2, 0)) != 0) {
        CHECK(p >= hi_base && p < top);
        high++;
    }
    CHECK_EQ(high, MiB(16) >> (PAGE_SHIFT + 2));
    host_phys_reset();
}

static void test_holes_and_reserved_never_returned(void)
{
    unsigned long nr = 2048;
    paddr_t p;

    setup(nr);
    /* RAM [8, 300) and [512, 2048) pages, with [700, 720) reserved (never added) */
    page_alloc_add_free(8 * PAGE_SIZE, 300 * PAGE_SIZE);
    page_alloc_add_free(512 * PAGE_SIZE, 700 * PAGE_SIZE);
    page_alloc_add_free(720 * PAGE_SIZE, 2048 * PAGE_SIZE);
    unsigned long count = 0;
    for (unsigned int o = 5; ; ) {
        p = alloc_pages(o, 0);
        if (!p) {
            if (o == 0)
                break;
            o--;
            continue;
        }
        unsigned long s = p >> PAGE_SHIFT, e = s + (1UL << o);
        CHECK((s >= 8 && e <= 300) || (s >= 512 && e <= 700) || (s >= 720 && e <= 2048));
        count += 1UL << o;
    }
    CHECK_EQ(count, 292 + 188 + 1328);
    CHECK(pa_to_page(705 * PAGE_SIZE)->flags == PGF_RESERVED);
}

static void test_max_order_blocks(void)
{
    unsigned long nr = GiB(8) >> PAGE_SHIFT;       /* no backing memory needed */

    setup(nr);
    page_alloc_add_free(0, GiB(8));
    CHECK_EQ(page_alloc_free_blocks(MAX_ORDER), 7);  /* the first GiB lacks page 0 */
    paddr_t a = alloc_pages(MAX_ORDER, 0);
    CHECK(a >= GiB(4) && IS_ALIGNED(a, GiB(1)));
    paddr_t b = alloc_pages(MAX_ORDER, PA_BELOW_4G);
    CHECK(b >= GiB(1) && b < GiB(4) && IS_ALIGNED(b, GiB(1)));
    CHECK_EQ(alloc_pages(MAX_ORDER + 1, 0), 0);
    CHECK_EQ(free_pages(a, MAX_ORDER), 0);
    CHECK_EQ(free_pages(b, MAX_ORDER), 0);
    CHECK_EQ(page_alloc_free_blocks(MAX_ORDER), 7);
    /* split an order-18 block down to one page and coalesce back */
    paddr_t c = alloc_pages(0, 0);
    CHECK_EQ(page_alloc_free_blocks(MAX_ORDER), 6);
    CHECK_EQ(free_pages(c, 0), 0);
    CHECK_EQ(page_alloc_free_blocks(MAX_ORDER), 7);
    CHECK_EQ(page_alloc_check(), 0);
    free(ft);
    ft = NULL;
}

static void test_page_info_fields(void)
{
    setup(256);
    page_alloc_add_free(0, 256 * PAGE_SIZE);
    paddr_t p = alloc_pages(2, 0);
    struct page_info *pg = pa_to_page(p);
    CHECK_EQ(pg->flags, PGF_ALLOCATED | PGF_HEAD);
    CHECK_EQ(pg->order, 2);
    CHECK_EQ(pg->owner, PAGE_OWNER_HYP);
    CHECK_EQ(pg[1].flags, PGF_ALLOCATED);
    CHECK(page_to_pa(pg) == p);
    free_pages(p, 2);
    CHECK(pg->flags & PGF_FREE);
}

static void test_checker_notices_corruption(void)
{
    setup(64);
    page_alloc_add_free(0, 64 * PAGE_SIZE);        /* blocks of order 0..5 */
    CHECK_EQ(page_alloc_check(), 0);
    struct page_info *head = pa_to_page(32 * PAGE_SIZE);
    CHECK(head->flags & PGF_HEAD);
    head->order = 3;                                /* lie about a free block's order */
    CHECK(page_alloc_check() > 0);
    CHECK_LOG("page_alloc: free block 0x20000 order 5: head has the wrong flags or order");
    head->order = 5;
    CHECK_EQ(page_alloc_check(), 0);
}

int main(void)
{
    RUN(test_add_free_builds_maximal_blocks);
    RUN(test_page0_never_returned);
    RUN(test_alloc_at);
    RUN(test_fragmentation_coalesces_back);
    RUN(test_exhaustion);
    RUN(test_bad_frees_detected);
    RUN(test_below_4g_sparse);
    RUN(test_holes_and_reserved_never_returned);
    RUN(test_max_order_blocks);
    RUN(test_page_info_fields);
    RUN(test_checker_notices_corruption);
    free(ft);
    return test_summary();
}
