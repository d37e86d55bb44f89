/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mini.bench=gnttab mini.pair=a|b mini.peer=<domid>: the cost of grant
 * operations between two domains, in guest TSC time.
 *   b, the granter, grants GRANT_PAGES pages of its own (refs FIRST_REF..)
 *     and a sync page, then halts until a's event says it is done, and
 *     checks that every grant was given back.
 *   a, the mapper, times mini.calls single ops of each kind (map_grant_ref,
 *     unmap_grant_ref, a 4 KiB copy into and out of a granted page) and
 *     mini.batches hypercalls of GRANT_PAGES ops each.
 * b waits with STI;HLT, not by polling: under QEMU -icount a spinning
 * peer's instructions would count in a's time. Every op's status is
 * checked; the first failure ends the benchmark with what it was.
 */
#include <public/xen/sched.h>
#include "evtchn.h"
#include "gnttab.h"

#define ROUNDS          1000
#define BATCHES         100
#define GRANT_PAGES     32          /* one hypercall's batch (GNTTAB_BATCH in the hypervisor) */
#define SYNC_REF        20          /* the sync page: word 0 READY, as in tests_gnttab.c */
#define FIRST_REF       21
#define MAGIC_READY     0x4752414e54524459ul
#define WAIT_MS         30000

static uint8_t pages[GRANT_PAGES + 1][PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t out[PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t back[PAGE_SIZE] __attribute__((aligned(4096)));
static struct gnttab_map_grant_ref map_ops[GRANT_PAGES];
static struct gnttab_unmap_grant_ref unmap_ops[GRANT_PAGES];
static struct gnttab_copy copy_ops[GRANT_PAGES];
static evtchn_port_t port;

struct timing {
    uint64_t total, best;
};

static void add(struct timing *t, uint64_t dt)
{
    t->total += dt;
    t->best = t->best && t->best < dt ? t->best : dt;
}

static void report(const char *what, unsigned long n, const struct timing *t)
{
    printf("mini: bench gnttab %s rounds=%lu mean_ns=%lu min_ns=%lu\n", what, n,
           (unsigned long)(tsc_to_ns(t->total) / n), (unsigned long)tsc_to_ns(t->best));
}

static bool failed(const char *what, long rc, int status, unsigned long i)
{
    if (!rc && !status)
        return false;
    printf("mini: bench gnttab %s failed at %lu: rc %ld status %d\n", what, i, rc, status);
    return true;
}

/* ---- b: the granter ---- */

static bool grants_unused(void)
{
    for (unsigned int r = SYNC_REF; r < FIRST_REF + GRANT_PAGES; r++)
        if (__atomic_load_n(&gnt_table[r].flags, __ATOMIC_ACQUIRE) & (GTF_reading | GTF_writing))
            return false;
    return true;
}

static void granter(domid_t peer)
{
    long rc = evtchn_pair_connect(false, peer, &port);

    if (!rc)
        rc = gnttab_place_table();
    if (rc) {
        printf("mini: bench gnttab granter setup failed: %ld\n", rc);
        return;
    }
    for (unsigned int p = 0; p <= GRANT_PAGES; p++) {
        ((uint64_t *)pages[p])[1] = 0xb000 + p;
        gnttab_grant(p ? FIRST_REF + p - 1 : SYNC_REF, peer, (uintptr_t)pages[p],
                     GTF_permit_access);
    }
    /* Binding marked our port: not a's "done". */
    ev_clear_pending(port);
    ev_shared->vcpu_info[0].evtchn_pending_sel = 0;
    ev_shared->vcpu_info[0].evtchn_upcall_pending = 0;
    evtchn_callback(true);
    __atomic_store_n(&((uint64_t *)pages[0])[0], MAGIC_READY, __ATOMIC_RELEASE);
    irq_disable();
    while (!ev_upcalls)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    irq_enable();
    bool unused = grants_unused();
    printf("mini: bench gnttab granter done, grants %s\n", unused ? "all unused" : "STILL IN USE");
    irq_disable();
    evtchn_callback(false);
}

/* ---- a: the mapper ---- */

static bool wait_for_granter(domid_t peer)
{
    volatile uint64_t *sync = (volatile uint64_t *)(uintptr_t)MAP_AT(GRANT_PAGES);
    uint64_t end = rdtsc() + WAIT_MS * tsc_khz();
    uint32_t h;
    int16_t st;

    while ((st = gnttab_map(peer, SYNC_REF, MAP_AT(GRANT_PAGES), GNTMAP_host_map, &h)) != 0) {
        if (rdtsc() > end)
            return !failed("waiting for the granter", 0, st, 0);
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    }
    while (__atomic_load_n(sync, __ATOMIC_ACQUIRE) != MAGIC_READY) {
        if (rdtsc() > end) {
            printf("mini: bench gnttab granter never ready\n");
            gnttab_unmap(MAP_AT(GRANT_PAGES), h);
            return false;
        }
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    }
    return gnttab_unmap(MAP_AT(GRANT_PAGES), h) == 0;
}

/* map, check the granter's mark, unmap: one page per round, in turn. */
static bool single_map_unmap(domid_t peer, unsigned long rounds)
{
    struct timing map = { 0 }, unmap = { 0 };

    for (unsigned long i = 0; i < rounds; i++) {
        unsigned int p = i % GRANT_PAGES;
        uint32_t h = 0;
        uint64_t t0 = rdtsc();
        int16_t st = gnttab_map(peer, FIRST_REF + p, MAP_AT(p), GNTMAP_host_map, &h);
        uint64_t t1 = rdtsc();
        if (failed("map", 0, st, i))
            return false;
        uint64_t mark = ((volatile uint64_t *)(uintptr_t)MAP_AT(p))[1];
        uint64_t t2 = rdtsc();
        st = gnttab_unmap(MAP_AT(p), h);
        uint64_t t3 = rdtsc();
        if (failed("unmap", 0, st, i))
            return false;
        if (mark != 0xb001 + p) {
            printf("mini: bench gnttab map of ref %u shows %#lx\n", FIRST_REF + p,
                   (unsigned long)mark);
            return false;
        }
        add(&map, t1 - t0);
        add(&unmap, t3 - t2);
    }
    report("map", rounds, &map);
    report("unmap", rounds, &unmap);
    return true;
}

static bool single_copies(domid_t peer, unsigned long rounds)
{
    struct timing to = { 0 }, from = { 0 };
    uint64_t gfn_out = (uintptr_t)out >> 12, gfn_back = (uintptr_t)back >> 12;

    for (unsigned long i = 0; i < rounds; i++) {
        grant_ref_t ref = FIRST_REF + i % GRANT_PAGES;
        memset(out, (int)(i & 0xff), PAGE_SIZE);
        uint64_t t0 = rdtsc();
        int16_t st = gnttab_copy(GNTCOPY_dest_gref, gfn_out, DOMID_SELF, 0, ref, peer, 0,
                                 PAGE_SIZE);
        uint64_t t1 = rdtsc();
        if (failed("copy to grant", 0, st, i))
            return false;
        st = gnttab_copy(GNTCOPY_source_gref, ref, peer, 0, gfn_back, DOMID_SELF, 0,
                         PAGE_SIZE);
        uint64_t t2 = rdtsc();
        if (failed("copy from grant", 0, st, i))
            return false;
        if (memcmp(out, back, PAGE_SIZE)) {
            printf("mini: bench gnttab copy round %lu: the page did not come back\n", i);
            return false;
        }
        add(&to, t1 - t0);
        add(&from, t2 - t1);
    }
    report("copy_4k_to_grant", rounds, &to);
    report("copy_4k_from_grant", rounds, &from);
    return true;
}

static bool batch_status(const char *what, long rc, unsigned long call)
{
    for (unsigned int p = 0; p < GRANT_PAGES; p++) {
        int16_t st = !strcmp(what, "map") ? map_ops[p].status
                   : !strcmp(what, "unmap") ? unmap_ops[p].status : copy_ops[p].status;
        if (failed(what, rc, st, call * GRANT_PAGES + p))
            return false;
    }
    return true;
}

/* GRANT_PAGES ops per hypercall: map them all, unmap them all, copy 4 KiB
 * into each. */
static bool batches(domid_t peer, unsigned long calls)
{
    struct timing map = { 0 }, unmap = { 0 }, copy = { 0 };

    for (unsigned long c = 0; c < calls; c++) {
        for (unsigned int p = 0; p < GRANT_PAGES; p++) {
            map_ops[p] = (struct gnttab_map_grant_ref){
                .host_addr = MAP_AT(p), .flags = GNTMAP_host_map, .ref = FIRST_REF + p,
                .dom = peer };
            copy_ops[p] = (struct gnttab_copy){ .len = PAGE_SIZE, .flags = GNTCOPY_dest_gref };
            copy_ops[p].source.u.gmfn = (uintptr_t)out >> 12;
            copy_ops[p].source.domid = DOMID_SELF;
            copy_ops[p].dest.u.ref = FIRST_REF + p;
            copy_ops[p].dest.domid = peer;
        }
        uint64_t t0 = rdtsc();
        long rc = GNT(GNTTABOP_map_grant_ref, map_ops, GRANT_PAGES);
        uint64_t t1 = rdtsc();
        if (!batch_status("map", rc, c))
            return false;
        for (unsigned int p = 0; p < GRANT_PAGES; p++)
            unmap_ops[p] = (struct gnttab_unmap_grant_ref){ .host_addr = MAP_AT(p),
                                                            .handle = map_ops[p].handle };
        uint64_t t2 = rdtsc();
        rc = GNT(GNTTABOP_unmap_grant_ref, unmap_ops, GRANT_PAGES);
        uint64_t t3 = rdtsc();
        if (!batch_status("unmap", rc, c))
            return false;
        rc = GNT(GNTTABOP_copy, copy_ops, GRANT_PAGES);
        uint64_t t4 = rdtsc();
        if (!batch_status("copy", rc, c))
            return false;
        add(&map, t1 - t0);
        add(&unmap, t3 - t2);
        add(&copy, t4 - t3);
    }
    uint64_t n = (uint64_t)calls * GRANT_PAGES;
    printf("mini: bench gnttab batch=%u calls=%lu map_ns_per_op=%lu unmap_ns_per_op=%lu "
           "copy_4k_ns_per_op=%lu\n", GRANT_PAGES, calls,
           (unsigned long)(tsc_to_ns(map.total) / n), (unsigned long)(tsc_to_ns(unmap.total) / n),
           (unsigned long)(tsc_to_ns(copy.total) / n));
    return true;
}

static void mapper(domid_t peer)
{
    unsigned long rounds = option_number("mini.calls", ROUNDS);
    unsigned long calls = option_number("mini.batches", BATCHES);
    long rc = evtchn_pair_connect(true, peer, &port);

    if (rc) {
        printf("mini: bench gnttab mapper setup failed: %ld\n", rc);
        return;
    }
    bool ok = wait_for_granter(peer) && rounds && calls &&
              single_map_unmap(peer, GRANT_PAGES) &&        /* warm */
              single_map_unmap(peer, rounds) && single_copies(peer, rounds) &&
              batches(peer, calls);
    printf("mini: bench gnttab %s\n", ok ? "done" : "FAILED");
    evtchn_send(port);              /* the granter may go */
}

/* role: the rest of the command line from mini.pair's value on. */
void bench_gnttab(const char *role)
{
    domid_t peer = (domid_t)option_number("mini.peer", 0);
    bool one_letter = role && role[0] && (role[1] == ' ' || !role[1]);

    if (one_letter && role[0] == 'a')
        mapper(peer);
    else if (one_letter && role[0] == 'b')
        granter(peer);
    else
        printf("mini: bench gnttab needs mini.pair=a|b and mini.peer=<domid>\n");
}
