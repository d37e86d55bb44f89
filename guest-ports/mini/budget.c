/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mini.budget=<case>: a guest that asks the hypervisor for as much as it
 * will give (security-review-1 H1, docs/limits.md). Each case must end
 * with -ENOMEM (or the grant status for it) for this domain alone, within
 * its budget, while the neighbours run on; tests/integration/test_budget.py
 * checks the figures printed here against the domain's end line.
 *   p2m      XENMEM_add_to_physmap(shared_info) at gpfn 0x1000000 + i*512
 *            for i < mini.calls (the review's loop: bounded now), then grant
 *            mappings in fresh 2 MiB regions until the p2m budget says no
 *   evtchn   EVTCHNOP_alloc_unbound until the port budget says no
 *   gnttab   grant-table frames placed one by one, then maptrack: one grant
 *            mapped again and again, until either budget says no
 *   all      the three in turn
 * mini.last_domid=<n> with mini.end=reboot: reboot only while this
 * domain's id is below n (a bounded run of many domains).
 */
#include <public/xen/errno.h>
#include <public/xen/memory.h>
#include "evtchn.h"
#include "gnttab.h"

#define MOVE_BASE       0x1000000ull            /* gpfn: 64 GiB, as in the review */
#define MAP_BASE        0x4000000000ull         /* gpa: 256 GiB */
#define FAR_GPFN        0x8000000ull            /* 512 GiB: a new PDPT, PD and PT */
#define MAX_MAPS        20000u
#define SELF_REF        10

static uint8_t page[PAGE_SIZE] __attribute__((aligned(4096)));
static uint32_t handles[MAX_MAPS];

static long place_shared_info(uint64_t gpfn)
{
    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
                                    .idx = 0, .gpfn = gpfn };
    return HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x, 0);
}

static long place_table_frame(unsigned int idx, uint64_t gpfn)
{
    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table,
                                    .idx = idx, .gpfn = gpfn };
    return HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x, 0);
}

/* Maps grant SELF_REF (our own page) at at(i) for i = 0.. until a map
 * fails; returns how many succeeded, *status the failing one's. */
static unsigned int map_until_refused(uint64_t (*at)(unsigned int), int16_t *status)
{
    unsigned int n = 0;

    *status = 0;
    while (n < MAX_MAPS && !(*status = gnttab_map(DOMID_SELF, SELF_REF, at(n), GNTMAP_host_map, &handles[n])))
        n++;
    return n;
}

static unsigned int unmap_all(uint64_t (*at)(unsigned int), unsigned int n)
{
    unsigned int bad = 0;

    for (unsigned int i = 0; i < n; i++)
        bad += gnttab_unmap(at(i), handles[i]) != 0;
    return bad;
}

static uint64_t fresh_2m(unsigned int i)
{
    return MAP_BASE + (uint64_t)i * 0x200000;
}

static uint64_t next_4k(unsigned int i)
{
    return MAP_AT(i);
}

static bool grant_self(void)
{
    long rc = gnt_table ? 0 : gnttab_place_table();
    CHECK("budget.grant_table_placed", rc == 0, "rc %ld", rc);
    if (!rc)
        gnttab_grant(SELF_REF, gnttab_my_domid(), (uintptr_t)page, GTF_permit_access);
    return rc == 0;
}

static void case_p2m(void)
{
    unsigned long calls = option_number("mini.calls", 40000);
    unsigned long i;
    long rc = 0;

    for (i = 0; i < calls && !(rc = place_shared_info(MOVE_BASE + i * 512)); i++)
        ;
    printf("mini: budget p2m shared_info moves=%lu rc=%ld\n", i, rc);
    CHECK("budget.p2m_moves_bounded", i == calls, "rc %ld after %lu of %lu", rc, i, calls);

    if (!grant_self())
        return;
    int16_t st;
    unsigned int n = map_until_refused(fresh_2m, &st);
    printf("mini: budget p2m grant maps=%u status=%d\n", n, st);
    CHECK("budget.p2m_maps_refused", st == GNTST_general_error && n > 100 && n < MAX_MAPS,
          "status %d after %u maps", st, n);
    rc = place_shared_info(FAR_GPFN);
    CHECK("budget.p2m_full_enomem", rc == -XEN_ENOMEM, "rc %ld", rc);
    unsigned int bad = unmap_all(fresh_2m, n);
    rc = place_shared_info(FAR_GPFN);
    CHECK("budget.p2m_recovers", bad == 0 && rc == 0, "%u unmaps failed, rc %ld", bad, rc);
    n = map_until_refused(fresh_2m, &st);
    bad = unmap_all(fresh_2m, n);
    CHECK("budget.p2m_maps_again", st == GNTST_general_error && n > 100 && bad == 0,
          "status %d after %u maps, %u unmaps failed", st, n, bad);
}

static void case_evtchn(void)
{
    evtchn_port_t p, last;
    long rc;
    unsigned int n = evtchn_alloc_until_refused(200000, &last, &rc);

    printf("mini: budget evtchn ports=%u last=%u rc=%ld\n", n, last, rc);
    CHECK("budget.evtchn_enomem", rc == -XEN_ENOMEM && last % 128 == 127,
          "rc %ld after %u, last %u", rc, n, last);
    struct evtchn_reset r = { .dom = DOMID_SELF };
    rc = evtchn_op(EVTCHNOP_reset, &r);
    long rc2 = evtchn_alloc_unbound(DOMID_SELF, &p);
    CHECK("budget.evtchn_reset_frees", rc == 0 && rc2 == 0, "rc %ld/%ld", rc, rc2);
}

static void case_gnttab(void)
{
    unsigned int i;
    long rc = 0;

    for (i = 0; i < 64 && !(rc = place_table_frame(i, (GNT_BASE >> 12) + i)); i++)
        ;
    gnt_table = (struct grant_entry_v1 *)(uintptr_t)GNT_BASE;
    printf("mini: budget gnttab frames=%u rc=%ld\n", i, rc);
    /* Past the budget -ENOMEM; at the table's own size (32) -EINVAL. */
    CHECK("budget.gnttab_frames_refused", (rc == -XEN_ENOMEM && i < 32) ||
          (rc == -XEN_EINVAL && i == 32), "rc %ld after %u frames", rc, i);
    /* query_size gives the domain's own maximum, as Xen does */
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    long qrc = GNT(GNTTABOP_query_size, &q, 1);
    CHECK("budget.gnttab_query_size", qrc == 0 && q.nr_frames == i && q.max_nr_frames == i,
          "rc %ld %u/%u", qrc, q.nr_frames, q.max_nr_frames);
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = i + 1 };
    rc = GNT(GNTTABOP_setup_table, &st, 1);
    CHECK("budget.gnttab_setup_refused", rc == 0 && st.status != GNTST_okay, "rc %ld st %d",
          rc, st.status);

    if (!grant_self())
        return;
    int16_t s;
    unsigned int n = map_until_refused(next_4k, &s);
    printf("mini: budget maptrack maps=%u status=%d\n", n, s);
    /* maptrack's budget (GNTST_no_space, whole blocks of 64) or the p2m's */
    CHECK("budget.maptrack_refused", (s == GNTST_no_space && n % 64 == 0) ||
          s == GNTST_general_error, "status %d after %u maps", s, n);
    unsigned int bad = unmap_all(next_4k, n);
    CHECK("budget.maptrack_unmapped", bad == 0, "%u unmaps failed", bad);
}

void budget_run(const char *which)
{
    bool all = !strcmp(which, "all");

    if (all || !strcmp(which, "p2m"))
        case_p2m();
    if (all || !strcmp(which, "evtchn"))
        case_evtchn();
    if (all || !strcmp(which, "gnttab"))
        case_gnttab();
}

bool budget_last_round(void)
{
    unsigned long last = option_number("mini.last_domid", 0);
    return last && gnttab_my_domid() >= last;
}
