/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables (grant_table_op, XENMEM_add_to_physmap of table frames).
 * tests_gnttab() runs the single-domain cases; gnttab_peer_run() one side
 * of the two-domain case (mini.gnttab=grant|grant-leave|map|map-crash|map-hold,
 * mini.peer=<the other domain's id>), synchronised through the shared page.
 * The layout (GNT_BASE, MAP_AT) and the one-op helpers are in gnttab.h.
 */
#include <public/xen/errno.h>
#include <public/xen/memory.h>
#include <public/xen/sched.h>
#include "gnttab.h"

#define PEER_REF            20
#define MAGIC_READY         0x4752414e54524459ul    /* granter: pattern is in place */
#define MAGIC_DONE          0x4d41505045524f4bul    /* mapper: read and wrote back */
#define SPIN_SECONDS        30
/* map-hold: how long the mapper keeps its mapping waiting for the test's
 * word. Generous, for a loaded host; a bound all the same, so a
 * hypervisor that never reaps the granter fails the test, not hangs it. */
#define HOLD_SECONDS        150


static uint8_t page[PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t buf[PAGE_SIZE] __attribute__((aligned(4096)));

static void test_sizes_and_versions(void)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    long rc = GNT(GNTTABOP_query_size, &q, 1);
    CHECK("gnttab.query_size", rc == 0 && q.status == 0 && q.nr_frames >= 1 &&
          q.max_nr_frames == 32, "rc %ld st %d %u/%u", rc, q.status, q.nr_frames, q.max_nr_frames);
    q = (struct gnttab_query_size){ .dom = 0x7fee };
    rc = GNT(GNTTABOP_query_size, &q, 1);
    CHECK("gnttab.query_size_bad_domain", rc == 0 && q.status == GNTST_bad_domain, "rc %ld st %d",
          rc, q.status);
    rc = GNT(GNTTABOP_query_size, &q, 2);
    CHECK("gnttab.query_size_count_2", rc == -XEN_EINVAL, "rc %ld", rc);

    uint64_t frames[4] = { 1, 1, 1, 1 };
    struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 2 };
    s.frame_list.p = (uintptr_t)frames;
    rc = GNT(GNTTABOP_setup_table, &s, 1);
    CHECK("gnttab.setup_table_grows_unplaced", rc == 0 && s.status == 0 && frames[0] == ~0ul &&
          frames[1] == ~0ul && frames[2] == 1, "rc %ld st %d %#lx", rc, s.status, frames[0]);
    s.nr_frames = 33;
    rc = GNT(GNTTABOP_setup_table, &s, 1);
    CHECK("gnttab.setup_table_too_many", rc == 0 && s.status == GNTST_general_error, "st %d",
          s.status);
    s.nr_frames = 1;
    s.frame_list.p = GNT_BASE + 0x100000;
    rc = GNT(GNTTABOP_setup_table, &s, 1);
    CHECK("gnttab.setup_table_bad_list", rc == 0 && s.status == GNTST_bad_virt_addr, "st %d",
          s.status);

    struct gnttab_get_version g = { .dom = DOMID_SELF };
    rc = GNT(GNTTABOP_get_version, &g, 1);
    CHECK("gnttab.get_version", rc == 0 && g.version == 1, "rc %ld v %u", rc, g.version);
    g.dom = 0x7fee;
    rc = GNT(GNTTABOP_get_version, &g, 1);
    CHECK("gnttab.get_version_bad_domain", rc == -XEN_ESRCH, "rc %ld", rc);
    struct gnttab_set_version sv = { 1 };
    rc = GNT(GNTTABOP_set_version, &sv, 1);
    CHECK("gnttab.set_version_1", rc == 0 && sv.version == 1, "rc %ld", rc);
    sv.version = 2;
    rc = GNT(GNTTABOP_set_version, &sv, 1);
    CHECK("gnttab.set_version_2_unavailable", rc == -XEN_ENOSYS && sv.version == 1, "rc %ld v %u",
          rc, sv.version);
    sv.version = 3;
    rc = GNT(GNTTABOP_set_version, &sv, 1);
    CHECK("gnttab.set_version_3", rc == -XEN_EINVAL, "rc %ld", rc);

    rc = GNT(GNTTABOP_transfer, &sv, 1);
    long rc2 = GNT(99, &sv, 1), rc3 = GNT(GNTTABOP_copy | (1u << 12), &sv, 1);
    long rc4 = GNT(GNTTABOP_map_grant_ref, &sv, 0x80000000u);
    CHECK("gnttab.unimplemented_and_bad_cmds", rc == -XEN_ENOSYS && rc2 == -XEN_ENOSYS &&
          rc3 == -XEN_EINVAL && rc4 == -XEN_EINVAL, "%ld %ld %ld %ld", rc, rc2, rc3, rc4);
}

static void test_add_to_physmap(void)
{
    long rc = gnttab_place_table();
    uint64_t frame = ~0ul;
    struct gnttab_setup_table s = { .dom = DOMID_SELF, .nr_frames = 1 };
    s.frame_list.p = (uintptr_t)&frame;
    GNT(GNTTABOP_setup_table, &s, 1);
    CHECK("gnttab.add_to_physmap_frame0", rc == 0 && frame == GNT_BASE >> 12 &&
          gnt_table[0].flags == 0, "rc %ld frame %#lx", rc, frame);

    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table,
                                    .idx = XENMAPIDX_grant_table_status, .gpfn = frame + 1 };
    long a = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x, 0);
    x.idx = 32;
    long b = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x, 0);
    x.idx = 1; x.gpfn = 1ul << 40;
    long c = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x, 0);
    x.gpfn = frame + 1; x.domid = 0x7fee;
    long d = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x, 0);
    x.domid = DOMID_SELF; x.space = XENMAPSPACE_gmfn_foreign;
    long e = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x, 0);
    CHECK("gnttab.add_to_physmap_refused", a == -XEN_EINVAL && b == -XEN_EINVAL &&
          c == -XEN_EINVAL && d == -XEN_ESRCH && e == -XEN_ENOSYS, "%ld %ld %ld %ld %ld",
          a, b, c, d, e);
}

static void test_self_map(void)
{
    uint16_t me = gnttab_my_domid();
    uint32_t h = 0, h2;
    volatile uint64_t *mapped = (volatile uint64_t *)(uintptr_t)MAP_AT(0);

    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
        ((uint64_t *)page)[i] = 0x1111000000000000ul + i;
    gnttab_grant(10, me, (uintptr_t)page, GTF_permit_access);
    int16_t st = gnttab_map(DOMID_SELF, 10, MAP_AT(0), GNTMAP_host_map, &h);
    bool same = st == 0 && mapped[7] == 0x1111000000000007ul;
    if (same) {
        mapped[8] = 42;
        same = ((uint64_t *)page)[8] == 42;
    }
    CHECK("gnttab.map_self", same, "status %d", st);
    uint16_t f = gnt_table[10].flags;
    CHECK("gnttab.map_marks_entry", f == (GTF_permit_access | GTF_reading | GTF_writing), "%#x", f);

    CHECK("gnttab.map_same_addr_twice",
          gnttab_map(DOMID_SELF, 10, MAP_AT(0), GNTMAP_host_map, &h2) == GNTST_general_error, " ");
    CHECK("gnttab.map_over_ram", gnttab_map(DOMID_SELF, 10, (uintptr_t)buf, GNTMAP_host_map, &h2) ==
          GNTST_general_error, " ");
    CHECK("gnttab.unmap_wrong_addr", gnttab_unmap(MAP_AT(1), h) == GNTST_general_error, " ");
    CHECK("gnttab.unmap", gnttab_unmap(MAP_AT(0), h) == 0, " ");
    f = gnt_table[10].flags;
    CHECK("gnttab.unmap_clears_entry", f == GTF_permit_access, "%#x", f);
    CHECK("gnttab.unmap_twice", gnttab_unmap(MAP_AT(0), h) == GNTST_bad_handle, " ");
    CHECK("gnttab.unmap_bad_handle",
          gnttab_unmap(MAP_AT(0), 0xffffffffu) == GNTST_bad_handle, " ");
    /* Touching the gfn now would crash us (nothing mapped); copy says it is a hole. */
    int16_t gone = gnttab_copy(0, MAP_AT(0) >> 12, DOMID_SELF, 0, (uintptr_t)buf >> 12,
                               DOMID_SELF, 0, 8);
    CHECK("gnttab.map_gone_after_unmap", gone == GNTST_bad_page, "status %d", gone);

    st = gnttab_map(DOMID_SELF, 10, MAP_AT(2), GNTMAP_host_map | GNTMAP_readonly, &h);
    CHECK("gnttab.map_readonly",
          st == 0 && gnt_table[10].flags == (GTF_permit_access | GTF_reading),
          "st %d flags %#x", st, gnt_table[10].flags);
    gnttab_unmap(MAP_AT(2), h);
    gnttab_grant(11, me, (uintptr_t)page, GTF_permit_access | GTF_readonly);
    st = gnttab_map(DOMID_SELF, 11, MAP_AT(3), GNTMAP_host_map, &h);
    CHECK("gnttab.map_rw_of_readonly_grant", st == GNTST_general_error, "st %d", st);
}

static void test_hostile_maps(void)
{
    uint16_t me = gnttab_my_domid();

    gnttab_grant(12, me ^ 1, (uintptr_t)page, GTF_permit_access);         /* someone else's */
    gnttab_grant(13, me, GNT_BASE + 0x200000, GTF_permit_access);         /* a hole */
    gnttab_grant(14, me, GNT_BASE, GTF_permit_access);                    /* our table frame */
    gnttab_grant(15, me, 0xfee00000, GTF_permit_access);                  /* local APIC MMIO */
    gnttab_grant(16, me, MAP_AT(0), GTF_permit_access);                   /* granted nothing */
    struct { const char *name; uint16_t dom; grant_ref_t ref; uint64_t at; uint32_t flags;
             int16_t want; } cases[] = {
        { "gnttab.map_bad_ref", DOMID_SELF, 1u << 30, MAP_AT(4), GNTMAP_host_map, GNTST_bad_gntref },
        { "gnttab.map_ref_past_table", DOMID_SELF, 2 * 512, MAP_AT(4), GNTMAP_host_map, GNTST_bad_gntref },
        { "gnttab.map_bad_domain", 0x7fee, 10, MAP_AT(4), GNTMAP_host_map, GNTST_bad_domain },
        { "gnttab.map_no_flags", DOMID_SELF, 10, MAP_AT(4), 0, GNTST_bad_gntref },
        { "gnttab.map_contains_pte", DOMID_SELF, 10, MAP_AT(4), GNTMAP_host_map | GNTMAP_contains_pte, GNTST_general_error },
        { "gnttab.map_huge_addr", DOMID_SELF, 10, 1ul << 62, GNTMAP_host_map, GNTST_general_error },
        { "gnttab.map_other_domains_grant", DOMID_SELF, 12, MAP_AT(4), GNTMAP_host_map, GNTST_general_error },
        { "gnttab.map_granted_hole", DOMID_SELF, 13, MAP_AT(4), GNTMAP_host_map, GNTST_bad_page },
        { "gnttab.map_granted_table_frame", DOMID_SELF, 14, MAP_AT(4), GNTMAP_host_map, GNTST_bad_page },
        { "gnttab.map_granted_mmio", DOMID_SELF, 15, MAP_AT(4), GNTMAP_host_map, GNTST_bad_page },
        { "gnttab.map_unused_entry", DOMID_SELF, 17, MAP_AT(4), GNTMAP_host_map, GNTST_general_error },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        uint32_t h;
        int16_t st = gnttab_map(cases[i].dom, cases[i].ref, cases[i].at, cases[i].flags, &h);
        CHECK(cases[i].name, st == cases[i].want, "status %d, want %d", st, cases[i].want);
        if (st == 0)
            gnttab_unmap(cases[i].at, h);
    }

    /* A long batch of bad ops goes through continuations, each op failing. */
    static struct gnttab_map_grant_ref ops[100];
    memset(ops, 0, sizeof(ops));
    for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++)
        ops[i].status = 77;
    long rc = GNT(GNTTABOP_map_grant_ref, ops, ARRAY_SIZE(ops));
    bool all = rc == 0;
    for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++)
        all = all && ops[i].status == GNTST_bad_gntref;
    CHECK("gnttab.map_batch_of_100", all, "rc %ld, last status %d", rc, ops[99].status);
    rc = GNT(GNTTABOP_map_grant_ref, GNT_BASE - 2 * sizeof(ops[0]), 100000);
    CHECK("gnttab.map_batch_into_hole", rc == -XEN_EFAULT, "rc %ld", rc);
}

static void test_copy(void)
{
    uint16_t me = gnttab_my_domid();
    uint64_t pfn = (uintptr_t)page >> 12, bfn = (uintptr_t)buf >> 12;

    gnttab_grant(10, me, (uintptr_t)page, GTF_permit_access);
    memset(buf, 0x5a, 64);
    int16_t st = gnttab_copy(GNTCOPY_dest_gref, bfn, DOMID_SELF, 0, 10, DOMID_SELF, 100, 64);
    bool ok = st == 0 && page[100] == 0x5a && page[163] == 0x5a && page[164] != 0x5a;
    CHECK("gnttab.copy_to_gref", ok, "status %d", st);
    page[200] = 0x77;
    st = gnttab_copy(GNTCOPY_source_gref, 10, DOMID_SELF, 200, bfn, DOMID_SELF, 4095, 1);
    CHECK("gnttab.copy_from_gref", st == 0 && buf[4095] == 0x77, "status %d", st);
    CHECK("gnttab.copy_entry_released", gnt_table[10].flags == GTF_permit_access, "%#x",
          gnt_table[10].flags);
    struct { const char *name; uint16_t flags; uint64_t src; uint16_t sdom; uint16_t soff;
             uint16_t doff; uint16_t len; int16_t want; } cases[] = {
        { "gnttab.copy_len_over_page", GNTCOPY_source_gref, 10, DOMID_SELF, 0, 0, 4097, GNTST_bad_copy_arg },
        { "gnttab.copy_offset_plus_len", GNTCOPY_source_gref, 10, DOMID_SELF, 4000, 0, 200, GNTST_bad_copy_arg },
        { "gnttab.copy_dest_offset", GNTCOPY_source_gref, 10, DOMID_SELF, 0, 4096, 0, GNTST_bad_copy_arg },
        { "gnttab.copy_bad_ref", GNTCOPY_source_gref, 1u << 20, DOMID_SELF, 0, 0, 8, GNTST_bad_gntref },
        { "gnttab.copy_bad_domain", GNTCOPY_source_gref, 10, 0x7fee, 0, 0, 8, GNTST_bad_domain },
        { "gnttab.copy_gmfn_not_self", 0, pfn, me, 0, 0, 8, GNTST_permission_denied },
        { "gnttab.copy_gmfn_hole", 0, GNT_BASE >> 12 | 0x100, DOMID_SELF, 0, 0, 8, GNTST_bad_page },
        { "gnttab.copy_gmfn_huge", 0, ~0ul, DOMID_SELF, 0, 0, 8, GNTST_bad_page },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        st = gnttab_copy(cases[i].flags, cases[i].src, cases[i].sdom, cases[i].soff, bfn, DOMID_SELF,
                  cases[i].doff, cases[i].len);
        CHECK(cases[i].name, st == cases[i].want, "status %d, want %d", st, cases[i].want);
    }
    gnttab_grant(11, me, (uintptr_t)page, GTF_permit_access | GTF_readonly);
    st = gnttab_copy(GNTCOPY_dest_gref, bfn, DOMID_SELF, 0, 11, DOMID_SELF, 0, 8);
    CHECK("gnttab.copy_into_readonly_grant", st == GNTST_general_error, "status %d", st);
}

void tests_gnttab(void)
{
    test_sizes_and_versions();
    test_add_to_physmap();
    test_self_map();
    test_hostile_maps();
    test_copy();
    for (unsigned int r = 10; r < 20; r++)
        gnt_table[r].flags = 0;
}

/* ---- two domains ---- */

static bool wait_until(volatile uint64_t *p, uint64_t v)
{
    uint64_t end = rdtsc() + tsc_khz() * 1000 * SPIN_SECONDS;
    while (__atomic_load_n(p, __ATOMIC_ACQUIRE) != v) {
        if (rdtsc() > end)
            return false;
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    }
    return true;
}

static void granter(uint16_t peer, bool leave)
{
    volatile uint64_t *w = (volatile uint64_t *)page;
    bool ok = gnttab_place_table() == 0;

    for (unsigned int i = 1; i < 256; i++)
        w[i] = 0xa000 + i;
    gnttab_grant(PEER_REF, peer, (uintptr_t)page, GTF_permit_access);
    __atomic_store_n(&w[0], MAGIC_READY, __ATOMIC_RELEASE);
    ok = ok && wait_until(&w[300], MAGIC_DONE);
    CHECK("gnttab.peer_mapper_wrote_back", ok, "word %#lx", w[300]);
    if (leave) {
        printf("mini: granter leaving while mapped\n");
        return;
    }
    volatile uint16_t *flags = &gnt_table[PEER_REF].flags;
    uint64_t end = rdtsc() + tsc_khz() * 1000 * SPIN_SECONDS;
    while ((*flags & (GTF_reading | GTF_writing)) && rdtsc() < end)
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    uint16_t expect = GTF_permit_access;
    bool released = __atomic_compare_exchange_n(flags, &expect, 0, false, __ATOMIC_ACQ_REL,
                                                __ATOMIC_ACQUIRE);
    CHECK("gnttab.peer_revoked_unused", released, "flags %#x", *flags);
    CHECK("gnttab.peer_copy_arrived", w[400] == 0xc0c0c0c0c0c0c0c0ul, "%#lx", w[400]);
}

enum mapper_end { MAPPER_UNMAP, MAPPER_CRASH, MAPPER_HOLD };

static void mapper(uint16_t peer, enum mapper_end how)
{
    volatile uint64_t *m = (volatile uint64_t *)(uintptr_t)MAP_AT(0);
    uint64_t end = rdtsc() + tsc_khz() * 1000 * SPIN_SECONDS;
    uint32_t h = 0;
    int16_t st;

    gnttab_place_table();
    while ((st = gnttab_map(peer, PEER_REF, MAP_AT(0), GNTMAP_host_map, &h)) != 0 && rdtsc() < end)
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    CHECK("gnttab.peer_map", st == 0, "status %d", st);
    if (st)
        return;
    bool ok = wait_until(&m[0], MAGIC_READY);
    for (unsigned int i = 1; ok && i < 256; i++)
        ok = m[i] == 0xa000 + i;
    CHECK("gnttab.peer_reads_pattern", ok, "word 1 %#lx", m[1]);
    memset(buf, 0xc0, 8);
    st = gnttab_copy(GNTCOPY_dest_gref, (uintptr_t)buf >> 12, DOMID_SELF, 0, PEER_REF, peer, 400 * 8, 8);
    CHECK("gnttab.peer_copy_to_grant", st == 0 && m[400] == 0xc0c0c0c0c0c0c0c0ul, "status %d",
          st);
    st = gnttab_copy(GNTCOPY_source_gref, PEER_REF, peer, 8, (uintptr_t)buf >> 12, DOMID_SELF, 8, 8);
    CHECK("gnttab.peer_copy_from_grant", st == 0 && ((uint64_t *)buf)[1] == 0xa001, "status %d",
          st);
    __atomic_store_n(&m[300], MAGIC_DONE, __ATOMIC_RELEASE);
    if (how == MAPPER_CRASH) {
        printf("mini: mapper crashing while mapped\n");
        shutdown(SHUTDOWN_crash);
    }
    if (how == MAPPER_HOLD) {
        /* The granter (grant-leave) powers off now. No guest can see when
         * the hypervisor has reaped it and decided what to do with the RAM
         * we map, so the test, which can (its log), types a line once it
         * has: only then do we look and unmap, however slowly we run. */
        char line[16];
        printf("mini: mapper holding the mapping until a line is typed\n");
        bool told = console_read_line(line, sizeof(line), HOLD_SECONDS * 1000);
        CHECK("gnttab.peer_told_to_unmap", told && !strcmp(line, "unmap"), "told %d, line '%s'",
              told, line);
    }
    /* With map-hold the granter is gone by now: the frame must still be
     * there, with what it held. */
    CHECK("gnttab.peer_frame_stays_while_mapped", m[1] == 0xa001, "%#lx", m[1]);
    CHECK("gnttab.peer_unmap", gnttab_unmap(MAP_AT(0), h) == 0, " ");
}

void gnttab_peer_run(const char *role, uint16_t peer)
{
    if (!strcmp(role, "grant") || !strcmp(role, "grant-leave"))
        granter(peer, !strcmp(role, "grant-leave"));
    else if (!strcmp(role, "map"))
        mapper(peer, MAPPER_UNMAP);
    else if (!strcmp(role, "map-crash"))
        mapper(peer, MAPPER_CRASH);
    else if (!strcmp(role, "map-hold"))
        mapper(peer, MAPPER_HOLD);
    else
        CHECK("gnttab.peer_role", false, "unknown role %s", role);
}
