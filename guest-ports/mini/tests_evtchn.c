/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels, 2-level ABI, in one domain: a loopback interdomain pair
 * (alloc_unbound + bind_interdomain to ourselves), pending/selector/upcall
 * bits, masking, IPIs and VIRQs on vCPUs, the upcall vector, close/status,
 * and hostile arguments. Runs on vCPU 0 before tests_upcall (it maps
 * shared_info over its own page and reads vCPU 0's slot there), and ends
 * with EVTCHNOP_reset and every bit it touched cleared.
 */
#include <public/xen/errno.h>
#include <public/xen/sched.h>
#include "evtchn.h"
#include "hypercall.h"

#define EVTCHN_POLL_PORTS   128     /* the most SCHEDOP_poll takes (Xen's limit) */

static struct vcpu_info *vi(unsigned int vcpu)
{
    return &ev_shared->vcpu_info[vcpu];
}

static void clear_vcpu_bits(unsigned int vcpu)
{
    vi(vcpu)->evtchn_pending_sel = 0;
    vi(vcpu)->evtchn_upcall_pending = 0;
}

static bool sel_bit(unsigned int vcpu, evtchn_port_t port)
{
    return vi(vcpu)->evtchn_pending_sel & (1ull << (port / 64));
}

static void test_loopback(evtchn_port_t *pa, evtchn_port_t *pb)
{
    struct evtchn_status st;
    long rc;

    rc = evtchn_alloc_unbound(DOMID_SELF, pa);
    CHECK("evtchn.alloc_unbound", rc == 0 && *pa > 0, "rc %ld port %u", rc, *pa);
    rc = evtchn_status(*pa, &st);
    CHECK("evtchn.status_unbound", rc == 0 && st.status == EVTCHNSTAT_unbound &&
          st.vcpu == 0, "rc %ld status %u vcpu %u", rc, st.status, st.vcpu);
    rc = evtchn_bind_interdomain(DOMID_SELF, *pa, pb);
    CHECK("evtchn.bind_interdomain_self", rc == 0 && *pb != *pa && *pb > 0,
          "rc %ld ports %u %u", rc, *pa, *pb);
    /* Binding says "look" on the new port, as Xen does. */
    CHECK("evtchn.bind_notifies", ev_pending(*pb) && sel_bit(0, *pb) &&
          vi(0)->evtchn_upcall_pending, "pending %d", ev_pending(*pb));
    rc = evtchn_status(*pa, &st);
    CHECK("evtchn.status_interdomain", rc == 0 && st.status == EVTCHNSTAT_interdomain &&
          st.u.interdomain.port == *pb, "rc %ld status %u peer %u", rc, st.status,
          st.u.interdomain.port);
    ev_clear_pending(*pb);
    clear_vcpu_bits(0);

    rc = evtchn_send(*pb);
    CHECK("evtchn.send_sets_pending", rc == 0 && ev_pending(*pa) && !ev_pending(*pb) &&
          sel_bit(0, *pa) && vi(0)->evtchn_upcall_pending,
          "rc %ld pending a %d b %d sel %#lx up %u", rc, ev_pending(*pa), ev_pending(*pb),
          (unsigned long)vi(0)->evtchn_pending_sel, vi(0)->evtchn_upcall_pending);
    /* Already pending: nothing more is signalled. */
    clear_vcpu_bits(0);
    rc = evtchn_send(*pb);
    CHECK("evtchn.send_again_no_new_signal", rc == 0 && vi(0)->evtchn_pending_sel == 0 &&
          !vi(0)->evtchn_upcall_pending, "sel %#lx", (unsigned long)vi(0)->evtchn_pending_sel);
    ev_clear_pending(*pa);
}

static void test_masking(evtchn_port_t pa, evtchn_port_t pb)
{
    struct evtchn_unmask um = { .port = pa };
    long rc;

    ev_set_mask(pa, true);
    clear_vcpu_bits(0);
    rc = evtchn_send(pb);
    CHECK("evtchn.masked_pending_only", rc == 0 && ev_pending(pa) && !sel_bit(0, pa) &&
          !vi(0)->evtchn_upcall_pending, "pending %d sel %#lx", ev_pending(pa),
          (unsigned long)vi(0)->evtchn_pending_sel);
    rc = evtchn_op(EVTCHNOP_unmask, &um);
    CHECK("evtchn.unmask_reraises", rc == 0 && sel_bit(0, pa) &&
          vi(0)->evtchn_upcall_pending && !(ev_shared->evtchn_mask[pa / 64] & (1ull << (pa % 64))),
          "rc %ld sel %#lx up %u", rc, (unsigned long)vi(0)->evtchn_pending_sel,
          vi(0)->evtchn_upcall_pending);
    ev_clear_pending(pa);
    clear_vcpu_bits(0);
    rc = evtchn_op(EVTCHNOP_unmask, &um);
    CHECK("evtchn.unmask_idle_quiet", rc == 0 && !vi(0)->evtchn_upcall_pending, "rc %ld", rc);
}

static void test_upcall(evtchn_port_t pa, evtchn_port_t pb)
{
    unsigned int before;
    long rc;

    irq_disable();
    clear_vcpu_bits(0);
    rc = evtchn_callback(true);
    before = ev_upcalls;
    evtchn_send(pb);
    CHECK("evtchn.upcall_waits_for_if", rc == 0 && ev_upcalls == before, "rc %ld", rc);
    irq_enable();
    __asm__ volatile("nop");
    CHECK("evtchn.upcall_delivered", ev_upcalls == before + 1 && ev_pending(pa),
          "upcalls %u->%u", before, ev_upcalls);
    ev_clear_pending(pa);
    clear_vcpu_bits(0);
    /* With interrupts on, straight from the send's return. */
    evtchn_send(pb);
    __asm__ volatile("nop");
    CHECK("evtchn.upcall_on_send", ev_upcalls == before + 2, "upcalls %u", ev_upcalls);
    irq_disable();
    evtchn_callback(false);
    ev_clear_pending(pa);
    clear_vcpu_bits(0);
}

static void test_ipi_and_bind_vcpu(evtchn_port_t pa, evtchn_port_t pb)
{
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    struct evtchn_status st;
    long rc;

    rc = evtchn_op(EVTCHNOP_bind_ipi, &ipi);
    CHECK("evtchn.bind_ipi", rc == 0 && ipi.port > 0, "rc %ld", rc);
    rc = evtchn_send(ipi.port);
    CHECK("evtchn.ipi_self", rc == 0 && ev_pending(ipi.port) && sel_bit(0, ipi.port),
          "rc %ld", rc);
    rc = evtchn_status(ipi.port, &st);
    CHECK("evtchn.status_ipi", rc == 0 && st.status == EVTCHNSTAT_ipi && st.vcpu == 0,
          "rc %ld status %u", rc, st.status);
    struct evtchn_bind_vcpu bv = { .port = ipi.port, .vcpu = 0 };
    rc = evtchn_op(EVTCHNOP_bind_vcpu, &bv);
    CHECK("evtchn.bind_vcpu_ipi_refused", rc == -XEN_EINVAL, "rc %ld", rc);
    evtchn_close(ipi.port);
    clear_vcpu_bits(0);
    ipi.vcpu = 999;
    rc = evtchn_op(EVTCHNOP_bind_ipi, &ipi);
    CHECK("evtchn.bind_ipi_no_vcpu", rc == -XEN_ENOENT, "rc %ld", rc);
    if (nr_vcpus < 2)
        return;

    /* To vCPU 1 (it need not run: its slot in shared_info shows it). */
    ipi.vcpu = 1;
    rc = evtchn_op(EVTCHNOP_bind_ipi, &ipi);
    clear_vcpu_bits(1);
    long rc2 = evtchn_send(ipi.port);
    CHECK("evtchn.ipi_other_vcpu", rc == 0 && rc2 == 0 && sel_bit(1, ipi.port) &&
          vi(1)->evtchn_upcall_pending && !vi(0)->evtchn_upcall_pending,
          "rc %ld/%ld sel1 %#lx", rc, rc2, (unsigned long)vi(1)->evtchn_pending_sel);
    evtchn_close(ipi.port);
    clear_vcpu_bits(1);

    bv = (struct evtchn_bind_vcpu){ .port = pa, .vcpu = 1 };
    rc = evtchn_op(EVTCHNOP_bind_vcpu, &bv);
    rc2 = evtchn_send(pb);
    CHECK("evtchn.bind_vcpu_moves", rc == 0 && rc2 == 0 && sel_bit(1, pa) &&
          !vi(0)->evtchn_upcall_pending, "rc %ld/%ld", rc, rc2);
    rc = evtchn_status(pa, &st);
    CHECK("evtchn.status_vcpu", rc == 0 && st.vcpu == 1, "rc %ld vcpu %u", rc, st.vcpu);
    bv.vcpu = 0;
    evtchn_op(EVTCHNOP_bind_vcpu, &bv);
    bv.vcpu = 64;
    rc = evtchn_op(EVTCHNOP_bind_vcpu, &bv);
    CHECK("evtchn.bind_vcpu_no_vcpu", rc == -XEN_ENOENT, "rc %ld", rc);
    ev_clear_pending(pa);
    clear_vcpu_bits(1);
}

static void test_virq(void)
{
    struct evtchn_bind_virq b = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct evtchn_status st;
    long rc;

    rc = evtchn_op(EVTCHNOP_bind_virq, &b);
    CHECK("evtchn.bind_virq_timer", rc == 0 && b.port > 0, "rc %ld", rc);
    evtchn_port_t port = b.port;
    rc = evtchn_op(EVTCHNOP_bind_virq, &b);
    CHECK("evtchn.bind_virq_twice", rc == -XEN_EEXIST, "rc %ld", rc);
    rc = evtchn_status(port, &st);
    CHECK("evtchn.status_virq", rc == 0 && st.status == EVTCHNSTAT_virq &&
          st.u.virq == VIRQ_TIMER, "rc %ld status %u", rc, st.status);
    rc = evtchn_send(port);
    CHECK("evtchn.send_virq_refused", rc == -XEN_EINVAL, "rc %ld", rc);
    struct evtchn_bind_vcpu bv = { .port = port, .vcpu = 0 };
    rc = evtchn_op(EVTCHNOP_bind_vcpu, &bv);
    CHECK("evtchn.bind_vcpu_per_vcpu_virq_refused", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = evtchn_close(port);
    long rc2 = evtchn_op(EVTCHNOP_bind_virq, &b);
    CHECK("evtchn.virq_rebind_after_close", rc == 0 && rc2 == 0, "rc %ld/%ld", rc, rc2);
    evtchn_close(b.port);

    static const struct { const char *name; uint32_t virq, vcpu; long want; } bad[] = {
        { "evtchn.bind_virq_out_of_range", NR_VIRQS, 0, -XEN_EINVAL },
        { "evtchn.bind_virq_huge", 0xffffffff, 0, -XEN_EINVAL },
        { "evtchn.bind_global_virq_on_vcpu1", VIRQ_CONSOLE, 1, -XEN_EINVAL },
        { "evtchn.bind_virq_no_vcpu", VIRQ_TIMER, 999, -XEN_ENOENT },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        b = (struct evtchn_bind_virq){ .virq = bad[i].virq, .vcpu = bad[i].vcpu };
        rc = evtchn_op(EVTCHNOP_bind_virq, &b);
        CHECK(bad[i].name, rc == bad[i].want, "rc %ld", rc);
    }
    /* A global VIRQ may move. */
    b = (struct evtchn_bind_virq){ .virq = VIRQ_CONSOLE, .vcpu = 0 };
    rc = evtchn_op(EVTCHNOP_bind_virq, &b);
    bv = (struct evtchn_bind_vcpu){ .port = b.port, .vcpu = nr_vcpus - 1 };
    rc2 = evtchn_op(EVTCHNOP_bind_vcpu, &bv);
    CHECK("evtchn.global_virq_moves", rc == 0 && rc2 == 0, "rc %ld/%ld", rc, rc2);
    rc = evtchn_close(b.port);
    rc2 = evtchn_op(EVTCHNOP_bind_virq, &b);
    CHECK("evtchn.moved_global_virq_rebinds", rc == 0 && rc2 == 0, "rc %ld/%ld", rc, rc2);
    evtchn_close(b.port);
}

static long poll(const evtchn_port_t *ports, uint32_t nr, uint64_t timeout)
{
    struct sched_poll p = { .ports = { (uintptr_t)ports }, .nr_ports = nr, .timeout = timeout };
    return HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_poll, &p, 0);
}

/* The sleeping side is in the two-domain test (tests_evtchn_pair.c). */
static void test_poll(evtchn_port_t pa, evtchn_port_t pb)
{
    static evtchn_port_t many[EVTCHN_POLL_PORTS + 1];
    evtchn_port_t set[2] = { pb, pa };
    long rc;

    ev_set_mask(pa, true);
    evtchn_send(pb);
    rc = poll(set, 2, 0);
    CHECK("evtchn.poll_pending_masked_returns", rc == 0, "rc %ld", rc);
    ev_clear_pending(pa);
    ev_set_mask(pa, false);
    clear_vcpu_bits(0);
    rc = poll(set, 2, 1);
    CHECK("evtchn.poll_timeout_returns", rc == 0, "rc %ld", rc);
    set[0] = 0xffffffff;
    rc = poll(set, 2, 0);
    CHECK("evtchn.poll_bad_port", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = poll(many, EVTCHN_POLL_PORTS + 1, 0);
    CHECK("evtchn.poll_too_many_ports", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = poll((const evtchn_port_t *)ram_hole(), 1, 0);
    CHECK("evtchn.poll_ports_in_hole", rc == -XEN_EFAULT, "rc %ld", rc);
    rc = HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_poll, ram_hole(), 0);
    CHECK("evtchn.poll_arg_in_hole", rc == -XEN_EFAULT, "rc %ld", rc);
}

static void test_close_and_hostile(evtchn_port_t pa, evtchn_port_t pb)
{
    struct evtchn_status st;
    long rc;

    rc = evtchn_close(pa);
    long rc2 = evtchn_status(pb, &st);
    CHECK("evtchn.close_unbinds_peer", rc == 0 && rc2 == 0 &&
          st.status == EVTCHNSTAT_unbound, "rc %ld/%ld status %u", rc, rc2, st.status);
    rc = evtchn_close(pa);
    CHECK("evtchn.close_twice", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = evtchn_status(pa, &st);
    CHECK("evtchn.status_closed", rc == 0 && st.status == EVTCHNSTAT_closed, "rc %ld", rc);
    rc = evtchn_send(pb);
    CHECK("evtchn.send_unbound_dropped", rc == 0 && !ev_pending(pa), "rc %ld", rc);
    rc = evtchn_send(pa);
    CHECK("evtchn.send_closed", rc == -XEN_EINVAL, "rc %ld", rc);
    evtchn_close(pb);

    static const evtchn_port_t bad_ports[] = { 0, 4095, 4096, 131072, 0x7fffffff, 0xffffffff };
    for (unsigned int i = 0; i < ARRAY_SIZE(bad_ports); i++) {
        evtchn_port_t p = bad_ports[i];
        struct evtchn_unmask um = { .port = p };
        struct evtchn_bind_vcpu bv = { .port = p, .vcpu = 0 };
        long c = evtchn_close(p), s = evtchn_send(p), u = evtchn_op(EVTCHNOP_unmask, &um);
        long b = evtchn_op(EVTCHNOP_bind_vcpu, &bv), q = evtchn_status(p, &st);
        /* Port 0 and ports in the table read as closed; beyond it, -EINVAL. */
        bool status_ok = q == -XEN_EINVAL || (q == 0 && st.status == EVTCHNSTAT_closed);
        CHECK("evtchn.bad_port", c == -XEN_EINVAL && s == -XEN_EINVAL && b == -XEN_EINVAL &&
              (u == 0 || u == -XEN_EINVAL) && status_ok,
              "port %#x close %ld send %ld unmask %ld bind_vcpu %ld status %ld", p, c, s, u, b, q);
    }

    evtchn_port_t p;
    rc = evtchn_bind_interdomain(0x7000, 1, &p);
    CHECK("evtchn.bind_no_such_domain", rc == -XEN_ESRCH, "rc %ld", rc);
    rc = evtchn_bind_interdomain(DOMID_SELF, 0xffffffff, &p);
    CHECK("evtchn.bind_bad_remote_port", rc == -XEN_EINVAL, "rc %ld", rc);
    evtchn_port_t other;
    evtchn_alloc_unbound(0x7000, &other);       /* meant for another domain */
    rc = evtchn_bind_interdomain(DOMID_SELF, other, &p);
    CHECK("evtchn.bind_port_meant_for_other", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = evtchn_bind_interdomain(DOMID_SELF, 0, &p);
    CHECK("evtchn.bind_reserved_port", rc == -XEN_EINVAL, "rc %ld", rc);
    evtchn_close(other);
    struct evtchn_alloc_unbound au = { .dom = 0x7000, .remote_dom = DOMID_SELF };
    rc = evtchn_op(EVTCHNOP_alloc_unbound, &au);
    CHECK("evtchn.alloc_for_no_such_domain", rc == -XEN_ESRCH, "rc %ld", rc);
    st = (struct evtchn_status){ .dom = 0x7000, .port = 1 };
    rc = evtchn_op(EVTCHNOP_status, &st);
    CHECK("evtchn.status_no_such_domain", rc == -XEN_ESRCH, "rc %ld", rc);
    struct evtchn_bind_pirq bp = { .pirq = 1 };
    rc = evtchn_op(EVTCHNOP_bind_pirq, &bp);
    CHECK("evtchn.bind_pirq_unsupported", rc == -XEN_ENOSYS, "rc %ld", rc);
    rc = evtchn_op(99, &bp);
    CHECK("evtchn.unknown_cmd", rc == -XEN_ENOSYS, "rc %ld", rc);
    rc = evtchn_op(EVTCHNOP_send, (void *)ram_hole());
    CHECK("evtchn.arg_in_hole", rc == -XEN_EFAULT, "rc %ld", rc);
    struct evtchn_set_priority sp = { .port = 1, .priority = 1 };
    rc = evtchn_op(EVTCHNOP_set_priority, &sp);
    CHECK("evtchn.set_priority_2level", rc == -XEN_ENOSYS, "rc %ld", rc);
    struct evtchn_expand_array ea = { .array_gfn = 0 };
    rc = evtchn_op(EVTCHNOP_expand_array, &ea);
    CHECK("evtchn.expand_array_2level", rc == -XEN_EOPNOTSUPP, "rc %ld", rc);
}

/* Whether the console ring's port is the hypervisor's (it serves the ring:
 * interdomain, remote port 0), which reset leaves; a ring dom0 serves has
 * an ordinary port, which reset frees as Xen's does. */
static bool console_port_is_hypervisors(void)
{
    struct evtchn_status st;
    evtchn_port_t port = console_evtchn_port();

    return port && !evtchn_status(port, &st) && st.status == EVTCHNSTAT_interdomain &&
           st.u.interdomain.port == 0;
}

/* Every port the 2-level ABI has (or the domain's budget, docs/limits.md:
 * -ENOMEM at the end of a 128-port bucket below it), then reset frees them
 * all. */
static void test_exhaust_and_reset(void)
{
    evtchn_port_t p, last;
    long rc;
    bool console_kept = console_port_is_hypervisors() && console_evtchn_port() == 1;
    unsigned int n = evtchn_alloc_until_refused(5000, &last, &rc);

    if (rc == -XEN_ENOMEM)
        CHECK("evtchn.exhaust_budget", last < 4095 && last % 128 == 127,
              "rc %ld after %u, last %u", rc, n, last);
    else
        CHECK("evtchn.exhaust_2level", rc == -XEN_ENOSPC && last == 4095,
              "rc %ld after %u, last %u", rc, n, last);
    struct evtchn_reset r = { .dom = DOMID_SELF };
    rc = evtchn_op(EVTCHNOP_reset, &r);
    long rc2 = evtchn_alloc_unbound(DOMID_SELF, &p);
    /* Every port of ours is free again; the console ring's, when bound to
     * the hypervisor at build, stays, as reset leaves it. */
    evtchn_port_t expect = console_kept ? 2 : 1;
    CHECK("evtchn.reset_frees", rc == 0 && rc2 == 0 && p == expect, "rc %ld/%ld port %u", rc,
          rc2, p);
    evtchn_close(p);
    r.dom = 0x7000;
    rc = evtchn_op(EVTCHNOP_reset, &r);
    CHECK("evtchn.reset_other_domain", rc == -XEN_ESRCH, "rc %ld", rc);
}

static void test_compat(void)
{
    struct evtchn_op op = { .cmd = EVTCHNOP_alloc_unbound };
    long rc;

    op.u.alloc_unbound = (struct evtchn_alloc_unbound){ .dom = DOMID_SELF,
                                                        .remote_dom = DOMID_SELF };
    rc = HYPERCALL(__HYPERVISOR_event_channel_op_compat, &op, 0, 0);
    CHECK("evtchn.compat_alloc", rc == 0 && op.u.alloc_unbound.port > 0, "rc %ld", rc);
    op.cmd = EVTCHNOP_close;
    op.u.close.port = op.u.alloc_unbound.port;
    rc = HYPERCALL(__HYPERVISOR_event_channel_op_compat, &op, 0, 0);
    CHECK("evtchn.compat_close", rc == 0, "rc %ld", rc);
    op.cmd = EVTCHNOP_init_control;
    rc = HYPERCALL(__HYPERVISOR_event_channel_op_compat, &op, 0, 0);
    CHECK("evtchn.compat_no_fifo", rc == -XEN_ENOSYS, "rc %ld", rc);
}

void tests_evtchn(void)
{
    evtchn_port_t pa = 0, pb = 0;
    long rc = evtchn_map_shared_info();

    CHECK("evtchn.map_shared_info", rc == 0, "rc %ld", rc);
    if (rc)
        return;
    test_loopback(&pa, &pb);
    test_masking(pa, pb);
    test_upcall(pa, pb);
    test_ipi_and_bind_vcpu(pa, pb);
    test_virq();
    test_poll(pa, pb);
    test_close_and_hostile(pa, pb);
    test_compat();
    test_exhaust_and_reset();
    tests_evtchn_fifo();

    /* Leave nothing behind for tests_upcall. */
    struct evtchn_reset r = { .dom = DOMID_SELF };
    evtchn_op(EVTCHNOP_reset, &r);
    memset(ev_shared->evtchn_pending, 0, sizeof(ev_shared->evtchn_pending));
    memset(ev_shared->evtchn_mask, 0, sizeof(ev_shared->evtchn_mask));
    for (unsigned int i = 0; i < nr_vcpus && i < XEN_LEGACY_MAX_VCPUS; i++)
        clear_vcpu_bits(i);
}
