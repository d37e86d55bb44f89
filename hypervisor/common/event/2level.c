/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 2-level ABI (Xen's event_2l.c semantics): shared_info holds a pending
 * and a mask bit per port; a vCPU's evtchn_pending_sel has a bit per
 * 64-port word with something pending for it, and evtchn_upcall_pending
 * says to look at all. The guest clears bits concurrently, so every update
 * is an atomic read-modify-write.
 */
#include <public/xen/xen.h>
#include "private.h"

#define BITS_PER_WORD   64u

struct vcpu *evtchn_mark_upcall(struct vcpu *v)
{
    struct vcpu_info *vi = v->vcpu_info;

    if (!vi || __atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        return NULL;
    return v;
}

/* Selector bit, then upcall, for a pending unmasked port (Xen's order). */
static struct vcpu *signal(struct vcpu *v, evtchn_port_t port)
{
    struct vcpu_info *vi = v->vcpu_info;

    if (!vi || bit_test_and_set64(&vi->evtchn_pending_sel, port / BITS_PER_WORD))
        return NULL;
    return evtchn_mark_upcall(v);
}

static struct vcpu *evtchn_2l_set_pending(struct domain *d, struct vcpu *v, struct evtchn *chn,
                                          evtchn_port_t port)
{
    struct shared_info *s = d->shared_info;

    if (port >= EVTCHN_2L_NR_CHANNELS)
        return NULL;
    if (bit_test_and_set64(&s->evtchn_pending[port / BITS_PER_WORD], port % BITS_PER_WORD))
        return NULL;
    if (bit_test64(&s->evtchn_mask[port / BITS_PER_WORD], port % BITS_PER_WORD))
        return NULL;
    return signal(v, port);
}

static struct vcpu *evtchn_2l_unmask(struct domain *d, struct vcpu *v, struct evtchn *chn,
                                     evtchn_port_t port)
{
    struct shared_info *s = d->shared_info;

    if (port >= EVTCHN_2L_NR_CHANNELS)
        return NULL;
    if (bit_test_and_clear64(&s->evtchn_mask[port / BITS_PER_WORD], port % BITS_PER_WORD) &&
        bit_test64(&s->evtchn_pending[port / BITS_PER_WORD], port % BITS_PER_WORD))
        return signal(v, port);
    return NULL;
}

static void evtchn_2l_clear_pending(struct domain *d, evtchn_port_t port)
{
    if (port < EVTCHN_2L_NR_CHANNELS)
        bit_test_and_clear64(&d->shared_info->evtchn_pending[port / BITS_PER_WORD],
                             port % BITS_PER_WORD);
}

static bool evtchn_2l_is_pending(struct domain *d, evtchn_port_t port)
{
    return port < EVTCHN_2L_NR_CHANNELS &&
           bit_test64(&d->shared_info->evtchn_pending[port / BITS_PER_WORD], port % BITS_PER_WORD);
}

/* A closed port's bits were cleared by clear_pending: free at once. */
static bool evtchn_2l_is_busy(struct domain *d, evtchn_port_t port)
{
    return false;
}

/* The state lives in shared_info, which outlives the ABI: nothing to drop. */
static void evtchn_2l_destroy(struct domain *d)
{
}

const struct evtchn_port_ops evtchn_2l_ops = {
    .set_pending = evtchn_2l_set_pending,
    .unmask = evtchn_2l_unmask,
    .clear_pending = evtchn_2l_clear_pending,
    .is_pending = evtchn_2l_is_pending,
    .is_busy = evtchn_2l_is_busy,
    .destroy = evtchn_2l_destroy,
};
