/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The privileged calls a dom0's /dev/xen/evtchn, gntdev and privcmd make
 * (docs/hypercalls.md, docs/event-channels.md), two domains at once:
 * mini.ctl=priv on dom0 (mini-dom0.elf) is the toolstack and backend,
 * mini.ctl=peer|peer-crash on a domU (mini.peer=0) the guest it serves.
 *
 * The peer grants dom0 page A (pattern, and its pages C and D's gfns) and
 * page B read-only, checks its own privileged calls are refused, waits for
 * the port dom0 made in it and answers its notification, then ends (or
 * crashes) once dom0 writes MAGIC_DONE into A. dom0 makes and binds that
 * port, maps and copies the grants, foreign-maps C and D, then sees the
 * peer end through VIRQ_DOM_EXC and C's frame stay until it unmaps it; D it
 * leaves mapped for its own end to release.
 */
#include <public/xen/errno.h>
#include <public/xen/memory.h>
#include <public/xen/sched.h>
#include "evtchn.h"
#include "gnttab.h"

#define REF_A           1
#define REF_B           2
#define MAGIC_READY     0x4354524c52445921ul
#define MAGIC_DONE      0x4354524c444f4e45ul
#define SPIN_SECONDS    60
#define BAD_DOMID       0x7fee
#define FOREIGN_AT(i)   (GNT_BASE + (128 + (i)) * PAGE_SIZE)
#define HIGH_GPA        0x140000000ul       /* 5 GiB: a hole in dom0's map */
#define LAPIC_GPA       0xfee00000ul        /* emulated */
#define LONG_BATCH      150

static uint8_t page_a[PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t page_b[PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t page_c[PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t page_d[PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t buf[PAGE_SIZE] __attribute__((aligned(4096)));

/* What ev_wait() waits for: a word's value, or a port pending. */
static volatile uint64_t *want_word;
static uint64_t want_value;
static evtchn_port_t want_port;

static bool word_is(void)
{
    return __atomic_load_n(want_word, __ATOMIC_ACQUIRE) == want_value;
}

static bool port_pending(void)
{
    return ev_pending(want_port);
}

static bool wait_word(volatile uint64_t *p, uint64_t v)
{
    want_word = p;
    want_value = v;
    return ev_wait(word_is, SPIN_SECONDS * 1000);
}

static bool wait_pending(evtchn_port_t port)
{
    want_port = port;
    if (!ev_wait(port_pending, SPIN_SECONDS * 1000))
        return false;
    ev_clear_pending(port);
    return true;
}

static long alloc_in(domid_t dom, domid_t remote, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
    long rc = evtchn_op(EVTCHNOP_alloc_unbound, &a);

    *port = a.port;
    return rc;
}

static long status_in(domid_t dom, evtchn_port_t port, struct evtchn_status *st)
{
    *st = (struct evtchn_status){ .dom = dom, .port = port };
    return evtchn_op(EVTCHNOP_status, st);
}

static long bind_to(domid_t remote, evtchn_port_t rport, evtchn_port_t *port)
{
    struct evtchn_bind_interdomain b = { .remote_dom = remote, .remote_port = rport };
    long rc = evtchn_op(EVTCHNOP_bind_interdomain, &b);

    *port = b.local_port;
    return rc;
}

static long foreign_batch(domid_t fdom, uint16_t space, uint16_t n, const uint64_t *idxs,
                          const uint64_t *gpfns, int *errs)
{
    struct xen_add_to_physmap_batch b = { .domid = DOMID_SELF, .space = space, .size = n,
                                          .u.foreign_domid = fdom };
    b.idxs.p = (uintptr_t)idxs;
    b.gpfns.p = (uintptr_t)gpfns;
    b.errs.p = (uintptr_t)errs;
    return HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, &b, 0);
}

static long remove_at(uint64_t gpa)
{
    struct xen_remove_from_physmap r = { .domid = DOMID_SELF, .gpfn = gpa >> 12 };

    return HYPERCALL(__HYPERVISOR_memory_op, XENMEM_remove_from_physmap, &r, 0);
}

static bool pattern_ok(volatile const uint64_t *w, uint64_t base, unsigned int from,
                       unsigned int to)
{
    for (unsigned int i = from; i < to; i++)
        if (w[i] != base + i)
            return false;
    return true;
}

/* ---- the domU ---- */

static void fill(uint8_t *p, uint64_t base)
{
    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
        ((uint64_t *)p)[i] = base + i;
}

/* The port dom0 bound to in us: interdomain, to dom 0, with a real port
 * on its side (the console's port is the hypervisor's: port 0). */
static evtchn_port_t find_dom0_port(void)
{
    uint64_t end = rdtsc() + tsc_khz() * 1000 * SPIN_SECONDS;

    while (rdtsc() < end) {
        for (evtchn_port_t p = 1; p < 64; p++) {
            struct evtchn_status st;
            if (!status_in(DOMID_SELF, p, &st) && st.status == EVTCHNSTAT_interdomain &&
                st.u.interdomain.dom == 0 && st.u.interdomain.port)
                return p;
        }
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    }
    return 0;
}

static void peer(bool crash)
{
    volatile uint64_t *a = (volatile uint64_t *)page_a;
    evtchn_port_t port;
    struct evtchn_status st;
    int err = 0;
    uint64_t idx = (uintptr_t)page_c >> 12, gpfn = FOREIGN_AT(0) >> 12;
    long rc;

    /* Nothing privileged for a domU. */
    rc = alloc_in(0, DOMID_SELF, &port);
    CHECK("ctl.domu_alloc_unbound_in_dom0", rc == -XEN_EPERM, "rc %ld", rc);
    rc = alloc_in(BAD_DOMID, DOMID_SELF, &port);
    CHECK("ctl.domu_alloc_unbound_no_domain", rc == -XEN_ESRCH, "rc %ld", rc);
    rc = status_in(0, 1, &st);
    CHECK("ctl.domu_status_of_dom0", rc == -XEN_EPERM, "rc %ld", rc);
    rc = foreign_batch(0, XENMAPSPACE_gmfn_foreign, 1, &idx, &gpfn, &err);
    CHECK("ctl.domu_foreign_map", rc == -XEN_EPERM, "rc %ld", rc);
    rc = remove_at(FOREIGN_AT(0));
    CHECK("ctl.domu_remove_nothing", rc == -XEN_EINVAL, "rc %ld", rc);

    rc = evtchn_map_shared_info();
    CHECK("ctl.domu_shared_info", rc == 0, "rc %ld", rc);
    CHECK("ctl.domu_grant_table", gnttab_place_table() == 0, " ");
    fill(page_a, 0xa000);
    fill(page_b, 0xb000);
    fill(page_c, 0xc000);
    fill(page_d, 0xd000);
    a[256] = (uintptr_t)page_c >> 12;
    a[257] = (uintptr_t)page_d >> 12;
    a[300] = 0;
    gnttab_grant(REF_B, 0, (uintptr_t)page_b, GTF_permit_access | GTF_readonly);
    gnttab_grant(REF_A, 0, (uintptr_t)page_a, GTF_permit_access);
    __atomic_store_n(&a[0], MAGIC_READY, __ATOMIC_RELEASE);

    port = find_dom0_port();
    CHECK("ctl.domu_sees_dom0s_port", port != 0, " ");
    if (port) {
        CHECK("ctl.domu_notified_by_dom0", wait_pending(port), "port %u", port);
        CHECK("ctl.domu_notifies_dom0", evtchn_send(port) == 0, " ");
    }
    bool done = wait_word(&a[300], MAGIC_DONE);
    CHECK("ctl.domu_dom0_done", done, "word %#lx", a[300]);
    CHECK("ctl.domu_dom0_copied_in", a[400] == 0x5151515151515151ul, "%#lx", a[400]);
    if (crash)
        printf("mini: peer crashing while dom0 maps its frames\n");
}

/* ---- dom0 ---- */

static void priv_events(domid_t peer_id, evtchn_port_t *peer_port)
{
    evtchn_port_t pu = 0, p0 = 0, l1 = 0, l2 = 0;
    struct evtchn_status st;
    long rc;

    rc = alloc_in(BAD_DOMID, DOMID_SELF, &pu);
    CHECK("ctl.alloc_unbound_no_domain", rc == -XEN_ESRCH, "rc %ld", rc);
    rc = status_in(BAD_DOMID, 1, &st);
    CHECK("ctl.status_no_domain", rc == -XEN_ESRCH, "rc %ld", rc);

    rc = alloc_in(peer_id, DOMID_SELF, &pu);
    CHECK("ctl.alloc_unbound_in_domu", rc == 0 && pu, "rc %ld port %u", rc, pu);
    rc = status_in(peer_id, pu, &st);
    CHECK("ctl.status_of_domu_unbound", rc == 0 && st.status == EVTCHNSTAT_unbound &&
          st.u.unbound.dom == 0, "rc %ld status %u dom %u", rc, st.status, st.u.unbound.dom);
    rc = status_in(peer_id, 5000, &st);
    CHECK("ctl.status_of_domu_bad_port", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = bind_to(peer_id, pu, &p0);
    CHECK("ctl.bind_domu_port", rc == 0 && p0, "rc %ld", rc);
    ev_clear_pending(p0);       /* bind says "look" once */
    rc = status_in(peer_id, pu, &st);
    CHECK("ctl.status_of_domu_bound", rc == 0 && st.status == EVTCHNSTAT_interdomain &&
          st.u.interdomain.dom == 0 && st.u.interdomain.port == p0,
          "rc %ld status %u dom %u port %u", rc, st.status, st.u.interdomain.dom,
          st.u.interdomain.port);
    rc = bind_to(peer_id, pu, &l1);
    CHECK("ctl.bind_domu_port_twice", rc == -XEN_EINVAL, "rc %ld", rc);
    CHECK("ctl.notify_domu", evtchn_send(p0) == 0, " ");
    CHECK("ctl.notified_by_domu", wait_pending(p0), "port %u", p0);

    /* Loopback within dom0 (xenstored's own port). */
    rc = alloc_in(DOMID_SELF, DOMID_SELF, &l1);
    bool ok = rc == 0 && bind_to(DOMID_SELF, l1, &l2) == 0;
    CHECK("ctl.loopback_bound", ok, "rc %ld", rc);
    if (ok) {
        ev_clear_pending(l2);
        evtchn_send(l2);
        bool there = ev_pending(l1);
        ev_clear_pending(l1);
        evtchn_send(l1);
        CHECK("ctl.loopback_both_ways", there && ev_pending(l2), " ");
        evtchn_close(l1);
        evtchn_close(l2);
    }
    *peer_port = pu;
}

static void priv_grants(domid_t peer_id, uint32_t *handle_a)
{
    volatile uint64_t *a = (volatile uint64_t *)(uintptr_t)MAP_AT(0);
    volatile uint64_t *b = (volatile uint64_t *)(uintptr_t)MAP_AT(1);
    uint64_t end = rdtsc() + tsc_khz() * 1000 * SPIN_SECONDS;
    uint32_t ha = 0, hb = 0, h = 0;
    int16_t st;

    while ((st = gnttab_map(peer_id, REF_A, MAP_AT(0), GNTMAP_host_map, &ha)) != 0 &&
           rdtsc() < end)
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    CHECK("ctl.grant_map", st == 0, "status %d", st);
    if (st)
        return;
    *handle_a = ha;
    CHECK("ctl.grant_pattern", wait_word(&a[0], MAGIC_READY) && pattern_ok(a, 0xa000, 1, 256),
          "word 1 %#lx", a[1]);
    st = gnttab_map(peer_id, REF_B, MAP_AT(1), GNTMAP_host_map | GNTMAP_readonly, &hb);
    CHECK("ctl.grant_map_readonly", st == 0 && pattern_ok(b, 0xb000, 0, 512), "status %d", st);
    st = gnttab_map(peer_id, REF_B, MAP_AT(2), GNTMAP_host_map, &h);
    CHECK("ctl.grant_map_readonly_as_rw", st != 0, "status %d", st);

    /* Where Linux's unpopulated pages may be: above 4 GiB. Not over our
     * own RAM, nor over an emulated device. */
    st = gnttab_map(peer_id, REF_A, HIGH_GPA, GNTMAP_host_map, &h);
    CHECK("ctl.grant_map_above_4g", st == 0, "status %d", st);
    if (!st)
        CHECK("ctl.grant_unmap_above_4g", gnttab_unmap(HIGH_GPA, h) == 0, " ");
    st = gnttab_map(peer_id, REF_A, (uintptr_t)buf, GNTMAP_host_map, &h);
    CHECK("ctl.grant_map_over_own_ram", st == GNTST_general_error, "status %d", st);
    st = gnttab_map(peer_id, REF_A, LAPIC_GPA, GNTMAP_host_map, &h);
    CHECK("ctl.grant_map_over_emulated", st == GNTST_general_error, "status %d", st);

    /* A batch of two copies, one each way. */
    struct gnttab_copy ops[2] = {
        { .len = 8, .flags = GNTCOPY_source_gref },
        { .len = 8, .flags = GNTCOPY_dest_gref },
    };
    memset(buf, 0x51, 64);
    ops[0].source.u.ref = REF_A; ops[0].source.domid = peer_id; ops[0].source.offset = 16;
    ops[0].dest.u.gmfn = (uintptr_t)buf >> 12; ops[0].dest.domid = DOMID_SELF;
    ops[0].dest.offset = 1000;
    ops[1].source.u.gmfn = (uintptr_t)buf >> 12; ops[1].source.domid = DOMID_SELF;
    ops[1].dest.u.ref = REF_A; ops[1].dest.domid = peer_id; ops[1].dest.offset = 400 * 8;
    long rc = GNT(GNTTABOP_copy, ops, 2);
    uint64_t got;
    memcpy(&got, buf + 1000, 8);
    CHECK("ctl.grant_copy_batch", rc == 0 && ops[0].status == 0 && ops[1].status == 0 &&
          got == 0xa002 && a[400] == 0x5151515151515151ul, "rc %ld st %d/%d got %#lx", rc,
          ops[0].status, ops[1].status, got);
    CHECK("ctl.grant_unmap_readonly", gnttab_unmap(MAP_AT(1), hb) == 0, " ");
}

/* Foreign maps C (at 0, unmapped later) and D (at 3, left for our end). */
static void priv_foreign(domid_t peer_id, uint64_t gfn_c, uint64_t gfn_d)
{
    volatile uint64_t *c = (volatile uint64_t *)(uintptr_t)FOREIGN_AT(0);
    volatile uint64_t *d = (volatile uint64_t *)(uintptr_t)FOREIGN_AT(3);
    uint64_t idxs[5] = { gfn_c, 1ul << 40, gfn_d, gfn_d, gfn_c };
    uint64_t gpfns[5] = { FOREIGN_AT(0) >> 12, FOREIGN_AT(1) >> 12, (uintptr_t)buf >> 12,
                          FOREIGN_AT(3) >> 12, LAPIC_GPA >> 12 };
    int errs[5] = { 7, 7, 7, 7, 7 };
    long rc;

    rc = foreign_batch(DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, idxs, gpfns, errs);
    CHECK("ctl.foreign_self", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = foreign_batch(BAD_DOMID, XENMAPSPACE_gmfn_foreign, 1, idxs, gpfns, errs);
    CHECK("ctl.foreign_no_domain", rc == -XEN_ESRCH, "rc %ld", rc);
    rc = foreign_batch(peer_id, XENMAPSPACE_gmfn_range, 1, idxs, gpfns, errs);
    CHECK("ctl.foreign_other_space", rc == -XEN_ENOSYS, "rc %ld", rc);
    rc = foreign_batch(peer_id, 99, 1, idxs, gpfns, errs);
    CHECK("ctl.foreign_bad_space", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = foreign_batch(peer_id, XENMAPSPACE_gmfn_foreign, 1, idxs, gpfns,
                       (int *)(uintptr_t)(GNT_BASE + 0x200000));
    CHECK("ctl.foreign_bad_errs", rc == -XEN_EFAULT, "rc %ld", rc);
    rc = remove_at(FOREIGN_AT(0));      /* mapped by the refused call above */
    CHECK("ctl.foreign_bad_errs_kept_map", rc == 0, "rc %ld", rc);

    rc = foreign_batch(peer_id, XENMAPSPACE_gmfn_foreign, 5, idxs, gpfns, errs);
    CHECK("ctl.foreign_batch", rc == 0 && errs[0] == 0 && errs[1] == -XEN_EINVAL &&
          errs[2] == -XEN_EBUSY && errs[3] == 0 && errs[4] == -XEN_EINVAL,
          "rc %ld errs %d %d %d %d %d", rc, errs[0], errs[1], errs[2], errs[3], errs[4]);
    CHECK("ctl.foreign_reads_domu", pattern_ok(c, 0xc000, 0, 512) && pattern_ok(d, 0xd000, 0, 512),
          "c %#lx d %#lx", c[0], d[0]);
    c[5] = 0xc005;      /* writable: the peer's own RAM */
    rc = foreign_batch(peer_id, XENMAPSPACE_gmfn_foreign, 1, idxs, gpfns, errs);
    CHECK("ctl.foreign_over_foreign", rc == 0 && errs[0] == -XEN_EBUSY, "rc %ld err %d", rc,
          errs[0]);
    rc = remove_at(FOREIGN_AT(1));
    CHECK("ctl.remove_hole", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = remove_at((uintptr_t)buf);
    CHECK("ctl.remove_own_ram_refused", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = remove_at(MAP_AT(0));
    CHECK("ctl.remove_grant_refused", rc == -XEN_EINVAL, "rc %ld", rc);
}

/* More frames than one call does (64): the batch goes on through
 * continuations; a progress the guest forged past its size is refused. */
static void priv_foreign_long(domid_t peer_id, uint64_t gfn_c)
{
    static uint64_t idxs[LONG_BATCH], gpfns[LONG_BATCH];
    static int errs[LONG_BATCH];
    struct xen_add_to_physmap_batch b = { .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign,
                                          .size = LONG_BATCH, .u.foreign_domid = peer_id };
    unsigned int bad = 0, removed = 0;

    for (unsigned int i = 0; i < LONG_BATCH; i++) {
        idxs[i] = gfn_c;
        gpfns[i] = (FOREIGN_AT(16 + i)) >> 12;
        errs[i] = 7;
    }
    b.idxs.p = (uintptr_t)idxs;
    b.gpfns.p = (uintptr_t)gpfns;
    b.errs.p = (uintptr_t)errs;
    long rc = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch | (1000ul << 6), &b, 0);
    CHECK("ctl.foreign_forged_progress", rc == -XEN_EINVAL, "rc %ld", rc);
    uint64_t t0 = rdtsc();
    rc = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, &b, 0);
    uint64_t t1 = rdtsc();
    for (unsigned int i = 0; i < LONG_BATCH; i++) {
        volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)FOREIGN_AT(16 + i);
        bad += errs[i] != 0 || w[7] != 0xc007;
    }
    CHECK("ctl.foreign_long_batch", rc == 0 && !bad, "rc %ld, %u bad", rc, bad);
    uint64_t t2 = rdtsc();
    for (unsigned int i = 0; i < LONG_BATCH; i++)
        removed += remove_at(FOREIGN_AT(16 + i)) == 0;
    uint64_t t3 = rdtsc();
    printf("mini: foreign map %u frames in one call: %lu ns a frame, remove_from_physmap %lu ns a "
           "frame\n", LONG_BATCH, (unsigned long)(tsc_to_ns(t1 - t0) / LONG_BATCH),
           (unsigned long)(tsc_to_ns(t3 - t2) / LONG_BATCH));
    CHECK("ctl.foreign_long_batch_removed", removed == LONG_BATCH, "%u", removed);
}

static void priv(domid_t peer_id)
{
    volatile uint64_t *a = (volatile uint64_t *)(uintptr_t)MAP_AT(0);
    volatile uint64_t *c = (volatile uint64_t *)(uintptr_t)FOREIGN_AT(0);
    struct evtchn_bind_virq bv = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
    struct evtchn_status st;
    evtchn_port_t pu = 0;
    uint32_t ha = 0;

    CHECK("ctl.shared_info", evtchn_map_shared_info() == 0, " ");
    long rc = evtchn_op(EVTCHNOP_bind_virq, &bv);
    CHECK("ctl.bind_dom_exc", rc == 0, "rc %ld", rc);
    ev_clear_pending(bv.port);

    priv_events(peer_id, &pu);
    priv_grants(peer_id, &ha);
    if (a[0] != MAGIC_READY)
        return;
    priv_foreign(peer_id, a[256], a[257]);
    priv_foreign_long(peer_id, a[256]);
    CHECK("ctl.no_dom_exc_yet", !ev_pending(bv.port), " ");

    /* Let the peer go, ours still mapped: its grant, then C and D. */
    __atomic_store_n(&a[300], MAGIC_DONE, __ATOMIC_RELEASE);
    CHECK("ctl.dom_exc_raised", wait_pending(bv.port), "port %u", bv.port);
    rc = status_in(peer_id, pu, &st);
    CHECK("ctl.status_of_ended_domu", rc == -XEN_ESRCH, "rc %ld", rc);
    /* The peer's RAM is freed once every CPU has moved on (a few ms);
     * wait well past that, so what follows reads a dead domain's frames. */
    uint64_t end = rdtsc() + tsc_khz() * 3000;
    while (rdtsc() < end)
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    CHECK("ctl.foreign_frame_stays", c[5] == 0xc005 && pattern_ok(c, 0xc000, 6, 512),
          "%#lx", c[6]);
    CHECK("ctl.grant_frame_stays", a[1] == 0xa001, "%#lx", a[1]);
    CHECK("ctl.grant_unmap_after_end", gnttab_unmap(MAP_AT(0), ha) == 0, " ");
    CHECK("ctl.foreign_unmap_after_end", remove_at(FOREIGN_AT(0)) == 0, " ");
    CHECK("ctl.foreign_unmap_twice", remove_at(FOREIGN_AT(0)) == -XEN_EINVAL, " ");
    printf("mini: dom0 leaves one foreign mapping for its end\n");
}

unsigned int dom0_ctl_run(const char *role, uint16_t peer_id)
{
    bool crash = !strcmp(role, "peer-crash");

    if (!strcmp(role, "priv"))
        priv(peer_id);
    else if (!strcmp(role, "create") || !strcmp(role, "bench"))
        return ctl_toolstack_run(role);
    else if (!strcmp(role, "peer") || crash)
        peer(crash);
    else
        CHECK("ctl.role", false, "unknown role %s", role);
    return crash ? SHUTDOWN_crash : SHUTDOWN_poweroff;
}
