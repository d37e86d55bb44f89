/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A second vCPU hammering event channel operations while vCPU 0 runs the
 * pair protocol (tests_evtchn_pair.c, side B with vcpus=2): loopback pairs
 * made, sent on, moved between vCPUs and closed, and sends to the peer
 * domain, racing the peer's sends and, at the end, this domain's own
 * teardown (it never stops: the domain ends under it).
 */
#include "evtchn.h"
#include "hypercall.h"

static uint8_t stress_stack[STACK_SIZE] __attribute__((aligned(16)));
static volatile evtchn_port_t peer_port;
static volatile bool counting = true;
static volatile unsigned long rounds, errors;

static void count(long rc)
{
    if (rc && counting)
        __atomic_add_fetch(&errors, 1, __ATOMIC_SEQ_CST);
}

void evtchn_stress_vcpu(void);
void evtchn_stress_vcpu(void)
{
    for (unsigned int i = 0;; i++) {
        evtchn_port_t a = 0, b = 0;
        struct evtchn_status st;
        struct evtchn_bind_vcpu bv;

        count(evtchn_alloc_unbound(DOMID_SELF, &a));
        count(evtchn_bind_interdomain(DOMID_SELF, a, &b));
        count(evtchn_send(b));
        count(evtchn_send(a));
        count(evtchn_status(a, &st));
        bv = (struct evtchn_bind_vcpu){ .port = a, .vcpu = i & 1 };
        count(evtchn_op(EVTCHNOP_bind_vcpu, &bv));
        if (peer_port)
            count(evtchn_send(peer_port));
        count(evtchn_close(i & 2 ? a : b));
        count(evtchn_close(i & 2 ? b : a));
        if (counting)
            rounds++;
    }
}

__asm__(".pushsection .text\n"
        "evtchn_stress_entry:\n"
        "    call evtchn_stress_vcpu\n"
        "    ud2\n"
        ".popsection\n");

long evtchn_stress_start(evtchn_port_t to_peer)
{
    extern const char evtchn_stress_entry[];

    peer_port = to_peer;
    return mini_start_vcpu(1, evtchn_stress_entry, stress_stack + STACK_SIZE);
}

void evtchn_stress_report(void)
{
    counting = false;
    CHECK("pair.stress_second_vcpu", rounds > 0 && errors == 0, "%lu rounds, %lu errors",
          rounds, errors);
}
