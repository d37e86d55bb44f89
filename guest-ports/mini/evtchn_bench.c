/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mini.bench=evtchn: how long from EVTCHNOP_send to the upcall handler,
 * in guest TSC time (the host's TSC, shared by all vCPUs and domains).
 *   one domain: a loopback pair, interrupts on; send on one end, the
 *     upcall for the other arrives as the hypercall returns.
 *   two domains (mini.pair=a|b, mini.peer=<domid>): A sends, B's handler
 *     sends back at once, A times the round trip; one way is half of it.
 * Each waits with STI;HLT, so sharing a CPU costs a switch, not a spin.
 */
#include "evtchn.h"
#include "hypercall.h"

#define ROUNDS  2000

static evtchn_port_t port_in, port_out;
static volatile unsigned int replies;

static void wait_upcalls(unsigned int target)
{
    irq_disable();
    while (ev_upcalls < target)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    irq_enable();
}

static void report(const char *what, unsigned long rounds, uint64_t total, uint64_t best)
{
    printf("mini: bench evtchn %s rounds=%lu mean_ns=%lu min_ns=%lu\n", what, rounds,
           (unsigned long)(tsc_to_ns(total) / rounds), (unsigned long)tsc_to_ns(best));
}

static void time_rounds(const char *what, unsigned long rounds)
{
    uint64_t total = 0, best = ~0ull;

    for (unsigned long i = 0; i < rounds; i++) {
        unsigned int before = ev_upcalls;
        ev_clear_pending(port_in);
        uint64_t t0 = rdtsc();
        evtchn_send(port_out);
        wait_upcalls(before + 1);
        uint64_t dt = ev_upcall_tsc - t0;
        total += dt;
        best = dt < best ? dt : best;
    }
    report(what, rounds, total, best);
}

static void reply(void)
{
    ev_clear_pending(port_in);
    evtchn_send(port_out);
    replies++;
}

void bench_evtchn(const char *role)
{
    unsigned long rounds = option_number("mini.calls", ROUNDS);
    long rc;

    if (!role) {
        rc = evtchn_map_shared_info();
        if (!rc)
            rc = evtchn_alloc_unbound(DOMID_SELF, &port_in);
        if (!rc)
            rc = evtchn_bind_interdomain(DOMID_SELF, port_in, &port_out);
        if (rc) {
            printf("mini: bench evtchn setup failed: %ld\n", rc);
            return;
        }
        evtchn_callback(true);
        irq_enable();
        time_rounds("same_domain", 10);         /* warm */
        time_rounds("same_domain", rounds);
        irq_disable();
        return;
    }
    bool a = role[0] == 'a';
    rc = evtchn_pair_connect(a, (domid_t)option_number("mini.peer", 0), &port_in);
    if (rc) {
        printf("mini: bench evtchn pair setup failed: %ld\n", rc);
        return;
    }
    port_out = port_in;
    if (a) {
        evtchn_callback(true);
        irq_enable();
        /* B is ready once its handler is in: it says so with one send. */
        wait_upcalls(1);
        time_rounds("interdomain_round_trip", rounds);
    } else {
        /* Binding marked B's port: not an event of the benchmark. */
        ev_clear_pending(port_in);
        ev_shared->vcpu_info[0].evtchn_pending_sel = 0;
        ev_shared->vcpu_info[0].evtchn_upcall_pending = 0;
        ev_upcall_hook = reply;
        evtchn_callback(true);
        irq_enable();
        evtchn_send(port_out);
        irq_disable();
        while (replies < rounds)
            __asm__ volatile("sti; hlt; cli" ::: "memory");
        irq_enable();
        printf("mini: bench evtchn replies=%u\n", replies);
    }
    irq_disable();
    evtchn_callback(false);
}
