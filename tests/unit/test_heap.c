/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/common/heap.c over the page allocator and a fake
 * physical memory of 64 MiB. */
#include <tessera/heap.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include "test.h"

#define ARENA   MiB(64)

static struct heap_stats st;

static void fill(void *p, size_t n, unsigned int tag)
{
    memset(p, (int)(tag * 37 + 11) & 0xff, n);
}

static bool check_fill(const void *p, size_t n, unsigned int tag)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != ((tag * 37 + 11) & 0xff))
            return false;
    return true;
}

static void test_many_sizes_no_overlap(void)
{
    enum { N = 4000 };
    static void *p[N];
    static size_t sz[N];
    unsigned long pages0 = page_alloc_free_pages();

    test_srand(1);
    for (unsigned int i = 0; i < N; i++) {
        unsigned int r = (unsigned int)(test_rand() % 100);
        sz[i] = r < 70 ? test_rand() % 300 : r < 95 ? test_rand() % 4096 : test_rand() % 100000;
        p[i] = xmalloc(sz[i]);
        CHECK(p[i] != NULL);
        if (!p[i])
            return;
        CHECK(IS_ALIGNED((uintptr_t)p[i], HEAP_MIN_ALIGN));
        CHECK(xmalloc_usable_size(p[i]) >= MAX(sz[i], (size_t)1));
        fill(p[i], sz[i], i);
    }
    heap_stats(&st);
    CHECK_EQ(st.nr_allocs, N);
    for (unsigned int i = 0; i < N; i++)
        if (!check_fill(p[i], sz[i], i)) {
            test_fail(__FILE__, __LINE__, "allocation %u (%zu bytes) overwritten", i, sz[i]);
            break;
        }
    /* free half at random, reallocate, verify the survivors again */
    for (unsigned int i = 0; i < N; i++)
        if (test_rand() & 1) {
            xfree(p[i]);
            sz[i] = test_rand() % 3000;
            p[i] = xmalloc(sz[i]);
            fill(p[i], sz[i], i);
        }
    for (unsigned int i = 0; i < N; i++)
        if (!check_fill(p[i], sz[i], i)) {
            test_fail(__FILE__, __LINE__, "allocation %u overwritten after reuse", i);
            break;
        }
    for (unsigned int i = N; i-- > 0; )
        xfree(p[i]);
    heap_stats(&st);
    CHECK_EQ(st.nr_allocs, 0);
    CHECK_EQ(st.used_bytes, 0);
    CHECK_EQ(st.errors, 0);
    /* at most one cached slab per class stays */
    CHECK(st.pages <= 1 + 1 + 1 + 1 + 1 + 2 + 4 + 8);
    CHECK_EQ(page_alloc_free_pages() + st.pages, pages0);   /* nothing leaked */
}

static void test_alignment(void)
{
    void *p[64];
    unsigned int n = 0;

    for (size_t align = 1; align <= MiB(1); align <<= 1) {
        size_t sizes[] = { 1, 24, align, align + 1, 5000 };
        for (unsigned int j = 0; j < ARRAY_SIZE(sizes); j++) {
            void *q = xmalloc_aligned(sizes[j], align);
            CHECK(q != NULL);
            CHECK(IS_ALIGNED((uintptr_t)q, MAX(align, (size_t)HEAP_MIN_ALIGN)));
            CHECK(IS_ALIGNED(virt_to_phys(q), MAX(align, (size_t)HEAP_MIN_ALIGN)));
            memset(q, 0x5a, sizes[j]);
            if (n < ARRAY_SIZE(p))
                p[n++] = q;
            else
                xfree(q);
        }
    }
    CHECK(xmalloc_aligned(64, 48) == NULL);             /* not a power of two */
    CHECK(xmalloc_aligned(64, 3) == NULL);
    void *q = xmalloc_aligned(64, 0);
    CHECK(q && IS_ALIGNED((uintptr_t)q, HEAP_MIN_ALIGN));
    xfree(q);
    for (unsigned int i = 0; i < n; i++)
        xfree(p[i]);
    heap_stats(&st);
    CHECK_EQ(st.nr_allocs, 0);
    CHECK_EQ(st.errors, 0);
}

static void test_reuse(void)
{
    void *a = xmalloc(100);
    xfree(a);
    void *b = xmalloc(120);                 /* same class (128) */
    CHECK(a == b);
    xfree(b);

    unsigned long before = page_alloc_free_pages();
    void *big = xmalloc(MiB(1));
    CHECK(big != NULL);
    CHECK(page_alloc_free_pages() < before);
    xfree(big);
    CHECK_EQ(page_alloc_free_pages(), before);

    /* a slab that empties goes back unless it is the last one */
    enum { N = 1000 };
    static void *p[N];
    heap_stats(&st);
    size_t pages0 = st.pages;
    for (unsigned int i = 0; i < N; i++)
        p[i] = xmalloc(16);
    heap_stats(&st);
    CHECK(st.pages >= pages0 + 3);
    for (unsigned int i = 0; i < N; i++)
        xfree(p[i]);
    heap_stats(&st);
    CHECK(st.pages <= pages0 + 1);
}

static void test_xzalloc_zeroes(void)
{
    void *p = xmalloc(200);
    memset(p, 0xee, 200);
    xfree(p);
    uint8_t *z = xzalloc(200);
    bool zero = true;
    for (int i = 0; i < 200; i++)
        zero &= z[i] == 0;
    CHECK(zero);
    xfree(z);
    uint8_t *zl = xzalloc(20000);
    zero = true;
    for (int i = 0; i < 20000; i++)
        zero &= zl[i] == 0;
    CHECK(zero);
    xfree(zl);
}

static void test_bad_frees_detected(void)
{
    int on_stack;
    void *host = malloc(64);
    heap_stats(&st);
    size_t err0 = st.errors;

    xfree(NULL);                                    /* fine, silent */
    CHECK_EQ(host_log()[0], 0);

    void *a = xmalloc(40);
    xfree(a);
    xfree(a);                                       /* double free, small */
    CHECK_LOG("double free");
    host_log_clear();

    void *big = xmalloc(10000);
    xfree(big);
    xfree(big);                                     /* double free, large */
    CHECK_LOG("not a live heap allocation");
    host_log_clear();

    xfree(&on_stack);                               /* foreign pointers */
    CHECK_LOG("E: xfree(");
    xfree(host);

    void *c = xmalloc(64);
    xfree((char *)c + 16);                          /* into the middle of an object */
    CHECK_LOG("not the start of a heap object");
    void *d = xmalloc(10000);
    xfree((char *)d + 8);
    xfree((char *)d + PAGE_SIZE);                   /* tail page of a large block */

    paddr_t raw = alloc_pages(0, 0);                /* page_alloc's, not the heap's */
    xfree(phys_to_virt(raw));
    free_pages(raw, 0);

    heap_stats(&st);
    CHECK_EQ(st.errors - err0, 8);
    /* still healthy: the real frees work */
    CHECK_EQ(xmalloc_usable_size(c), 64);
    xfree(c);
    xfree(d);
    CHECK_EQ(xmalloc_usable_size(c), 0);
    heap_stats(&st);
    CHECK_EQ(st.nr_allocs, 0);
    CHECK_EQ(st.errors - err0, 8);
    free(host);
}

static void test_out_of_memory(void)
{
    CHECK(xmalloc(SIZE_MAX) == NULL);
    CHECK(xmalloc(GiB(2)) == NULL);                 /* bigger than MAX_ORDER */
    CHECK(xmalloc(MiB(128)) == NULL);               /* bigger than the arena */
    CHECK(xmalloc_aligned(16, GiB(4)) == NULL);
    /* eat everything with 1 MiB chunks, then small ones still fail cleanly */
    void *chunks[128];
    unsigned int n = 0;
    while (n < ARRAY_SIZE(chunks) && (chunks[n] = xmalloc(MiB(1) - 1024)) != NULL)
        n++;
    CHECK(n > 20);
    void *small[8192];
    unsigned int m = 0;
    while (m < ARRAY_SIZE(small) && (small[m] = xmalloc(2048)) != NULL)
        m++;
    CHECK(m < ARRAY_SIZE(small));                   /* ran out, got NULL */
    for (unsigned int i = 0; i < m; i++)
        xfree(small[i]);
    for (unsigned int i = 0; i < n; i++)
        xfree(chunks[i]);
    heap_stats(&st);
    CHECK_EQ(st.nr_allocs, 0);
    heap_print_stats();
    CHECK_LOG("heap: 0 allocations");
}

int main(void)
{
    static struct page_info *ft;
    unsigned long nr = ARENA >> PAGE_SHIFT;

    host_phys_add(0, ARENA);
    ft = calloc(nr, sizeof(*ft));
    page_alloc_init(ft, nr);
    page_alloc_add_free(MiB(1), ARENA);

    RUN(test_many_sizes_no_overlap);
    RUN(test_alignment);
    RUN(test_reuse);
    RUN(test_xzalloc_zeroes);
    RUN(test_bad_frees_detected);
    RUN(test_out_of_memory);
    int rc = test_summary();
    host_phys_reset();
    free(ft);
    return rc;
}
