/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Two domains over one interdomain event channel (mini.pair=a|b with
 * mini.peer=<the other's domid>). A allocates its first free port for B and waits;
 * B binds to it (retrying until A has it) and sends; A sees the event and
 * answers; B sees that, masks its port and sleeps in SCHEDOP_poll on it
 * after telling A, which waits a while and sends again: the masked port
 * must wake B. B then powers off without closing while A keeps sending on
 * the channel; A finds its port unbound again, as the peer's end must leave
 * it. With 2 vCPUs, B's second one hammers operations all along
 * (evtchn_stress.c).
 */
#include <public/xen/errno.h>
#include <public/xen/sched.h>
#include "evtchn.h"
#include "hypercall.h"

#define WAIT_MS     60000
#define POLL_DELAY_MS   50
#define UPCALL_MS       1000

static evtchn_port_t my_port;
static domid_t peer;

static bool port_pending(void)
{
    return ev_pending(my_port);
}

static bool upcall_seen(void)
{
    return ev_upcalls > 0;
}

static bool status_is(uint32_t status)
{
    struct evtchn_status st;
    return evtchn_status(my_port, &st) == 0 && st.status == status;
}

static bool peer_bound(void)
{
    return status_is(EVTCHNSTAT_interdomain);
}

static bool peer_gone(void)
{
    return status_is(EVTCHNSTAT_unbound);
}

/* A's port is its first free one: 1, or 2 where the console ring's port
 * (bound to the hypervisor at build, the same in every boot domain) took
 * 1. Our own console port tells which. */
static evtchn_port_t first_free_port(void)
{
    return console_evtchn_port() == 1 ? 2 : 1;
}

static bool bound_to_peer(void)
{
    evtchn_port_t p;

    if (evtchn_bind_interdomain(peer, first_free_port(), &p))
        return false;
    my_port = p;
    return true;
}

long evtchn_pair_connect(bool side_a, domid_t peer_id, evtchn_port_t *port)
{
    long rc = evtchn_map_shared_info();

    peer = peer_id;
    if (rc)
        return rc;
    if (side_a) {
        rc = evtchn_alloc_unbound(peer, &my_port);
        if (rc)
            return rc;
        if (my_port != first_free_port())
            return -XEN_EINVAL;         /* B binds to exactly that port */
        if (!ev_wait(peer_bound, WAIT_MS))
            return -XEN_ETIME;
    } else if (!ev_wait(bound_to_peer, WAIT_MS)) {
        return -XEN_ETIME;
    }
    *port = my_port;
    return 0;
}

void tests_evtchn_pair(const char *role)
{
    bool a = !strcmp(role, "a");
    struct evtchn_status st;
    evtchn_port_t port;
    long rc;

    rc = evtchn_pair_connect(a, (domid_t)option_number("mini.peer", 0), &port);
    CHECK("pair.connected", rc == 0, "role %s peer %u rc %ld", role, peer, rc);
    if (rc)
        return;
    evtchn_callback(true);
    irq_enable();
    if (a) {
        rc = evtchn_status(port, &st);
        CHECK("pair.status_names_peer", rc == 0 && st.u.interdomain.dom == peer,
              "rc %ld dom %u", rc, st.u.interdomain.dom);
        bool got = ev_wait(port_pending, WAIT_MS);
        /* B's CPU sets the pending bit before it injects our upcall: seeing
         * the bit first is allowed, missing the upcall after it is not. */
        ev_wait(upcall_seen, UPCALL_MS);
        CHECK("pair.event_from_b", got && ev_upcalls > 0, "pending %d upcalls %u", got,
              ev_upcalls);
        ev_clear_pending(port);
        rc = evtchn_send(port);
        CHECK("pair.send_to_b", rc == 0, "rc %ld", rc);
        /* B says it is about to poll; give it time to fall asleep. */
        got = ev_wait(port_pending, WAIT_MS);
        ev_clear_pending(port);
        uint64_t until = rdtsc() + POLL_DELAY_MS * tsc_khz();
        while (rdtsc() < until)
            HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
        rc = evtchn_send(port);
        CHECK("pair.wake_b_polling", got && rc == 0, "pending %d rc %ld", got, rc);
        /* Sends as fast as it can while B's end tears the channel down. */
        unsigned long sends = 0, errors = 0;
        uint64_t end = rdtsc() + WAIT_MS * tsc_khz();
        bool gone;
        while (!(gone = peer_gone()) && rdtsc() < end) {
            errors += evtchn_send(port) != 0;
            sends++;
        }
        /* B lingers 20 ms after its last check, so sends is rarely 0. */
        CHECK("pair.send_during_peer_end", errors == 0, "%lu of %lu sends failed", errors,
              sends);
        printf("mini: pair %lu sends while the peer ended\n", sends);
        rc = evtchn_status(port, &st);
        CHECK("pair.peer_end_unbinds", gone && rc == 0 && st.u.unbound.dom == peer,
              "status %u dom %u", st.status, st.u.unbound.dom);
        rc = evtchn_send(port);
        CHECK("pair.send_after_peer_end", rc == 0, "rc %ld", rc);
        rc = evtchn_bind_interdomain(peer, 1, &port);
        CHECK("pair.bind_to_ended_peer", rc == -XEN_ESRCH || rc == -XEN_EINVAL, "rc %ld", rc);
    } else {
        CHECK("pair.bind_notifies", ev_pending(port), "not pending");
        if (nr_vcpus > 1) {
            rc = evtchn_stress_start(port);
            CHECK("pair.stress_started", rc == 0, "rc %ld", rc);
        }
        ev_clear_pending(port);
        rc = evtchn_send(port);
        bool got = ev_wait(port_pending, WAIT_MS);
        CHECK("pair.event_from_a", rc == 0 && got, "rc %ld pending %d", rc, got);
        ev_set_mask(port, true);
        ev_clear_pending(port);
        evtchn_send(port);
        struct sched_poll poll = { .ports = { (uintptr_t)&port }, .nr_ports = 1 };
        uint64_t t0 = rdtsc(), limit = WAIT_MS * tsc_khz();
        unsigned int polls = 0;
        /* Poll may return early (an upcall pending: the stress vCPU's
         * events): callers look and poll again, as Linux does. */
        do {
            rc = HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_poll, &poll, 0);
            polls++;
        } while (rc == 0 && !ev_pending(port) && rdtsc() - t0 < limit);
        uint64_t slept_ms = tsc_to_ns(rdtsc() - t0) / 1000000;
        CHECK("pair.poll_woken_by_masked_port", rc == 0 && ev_pending(port),
              "rc %ld pending %d after %lu ms", rc, ev_pending(port), (unsigned long)slept_ms);
        printf("mini: pair poll slept %lu ms in %u calls\n", (unsigned long)slept_ms, polls);
        ev_set_mask(port, false);
        if (nr_vcpus > 1)
            evtchn_stress_report();
        uint64_t linger = rdtsc() + 20 * tsc_khz();
        while (rdtsc() < linger)
            HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    }
    irq_disable();
    evtchn_callback(false);
}
