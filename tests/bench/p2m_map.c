// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark: host time to map 1 GiB of guest RAM with p2m_set_range(), for
 * both formats, with gfn and mfn aligned alike (one 1 GiB leaf), aligned to
 * 2 MiB only (512 leaves) and to 4 KiB only (262144 leaves); and to unmap
 * the 4 KiB case again. Built without sanitizers, with the host stand-in for
 * the p2m lock (tests/unit/host/asm/spinlock.h, a flag):
 *
 *   cc -O2 -Itests/unit/host -Ihypervisor/include -Ihypervisor/arch/x86/include \
 *      -o build/p2m_map tests/bench/p2m_map.c \
 *      hypervisor/arch/x86/hvm/p2m*.c hypervisor/common/page_alloc.c \
 *      tests/unit/host/host.c && build/p2m_map
 */
#include <time.h>
#include <asm/p2m.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include "test.h"

#define ARENA   MiB(64)
#define RUNS    5

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void bench(enum p2m_format f, const char *what, uint64_t mfn)
{
    double best_map = 1e9, best_unmap = 1e9;
    unsigned long tables = 0;

    for (int r = 0; r < RUNS; r++) {
        struct p2m *p = p2m_create(f);
        double t0 = now();
        if (p2m_set_range(p, 0x40000, 0x40000, mfn, P2M_RAM_RW))
            abort();
        double t1 = now();
        tables = p2m_table_pages(p);
        if (p2m_set_range(p, 0x40000, 0x40000, P2M_NO_MFN, P2M_INVALID))
            abort();
        double t2 = now();
        p2m_destroy(p);
        best_map = MIN(best_map, t1 - t0);
        best_unmap = MIN(best_unmap, t2 - t1);
    }
    printf("%s %-14s map %9.3f ms  unmap %9.3f ms  %4lu table pages\n",
           f == P2M_NPT ? "NPT" : "EPT", what, best_map * 1e3, best_unmap * 1e3, tables);
}

int main(void)
{
    static struct page_info *ft;
    unsigned long nr = ARENA >> PAGE_SHIFT;

    host_phys_add(0, ARENA);
    ft = calloc(nr, sizeof(*ft));
    page_alloc_init(ft, nr);
    page_alloc_add_free(MiB(1), ARENA);
    for (int f = P2M_NPT; f <= P2M_EPT; f++) {
        bench(f, "1 GiB leaves", 0x100000);
        bench(f, "2 MiB leaves", 0x100200);
        bench(f, "4 KiB leaves", 0x100001);
    }
    host_phys_reset();
    free(ft);
    return 0;
}
