/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels: the per-domain port table, delivery to the ABI in use,
 * and a domain's end (tessera/event.h).
 *
 * Ports live in buckets of EVTCHN_BUCKET_PORTS, allocated as the domain
 * needs them, up to the ABI's limit. Port 0 is reserved, as in Xen, so 0
 * can mean "none" (in the VIRQ table, in FIFO links).
 */
#include <public/xen/errno.h>
#include <tessera/arch.h>
#include <tessera/heap.h>
#include <tessera/lib.h>
#include "private.h"

uint32_t evtchn_fifo_port_limit = EVTCHN_FIFO_MAX_PORTS;

struct evtchn *evtchn_lookup(struct domain *d, evtchn_port_t port)
{
    struct evtchn_domain *ed = evd(d);

    if (ed->dead || port >= ed->nr_ports)
        return NULL;
    return &ed->buckets[port / EVTCHN_BUCKET_PORTS][port % EVTCHN_BUCKET_PORTS];
}

static void init_slot(struct evtchn *chn)
{
    memset(chn, 0, sizeof(*chn));
    chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
    chn->last_priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
}

long evtchn_find_free(struct domain *d)
{
    struct evtchn_domain *ed = evd(d);

    if (ed->closing || ed->dead)
        return -XEN_ESRCH;
    for (evtchn_port_t p = 1; p < ed->nr_ports && p < ed->max_ports; p++) {
        struct evtchn *chn = evtchn_lookup(d, p);
        if (chn->state == ECS_FREE && !evtchn_port_busy(d, p)) {
            init_slot(chn);
            return p;
        }
    }
    return ed->nr_ports >= ed->max_ports ? -XEN_ENOSPC : EVTCHN_NEED_GROW;
}

long evtchn_grow(struct domain *d)
{
    struct evtchn_domain *ed = evd(d);
    if (budget_charge(&d->budget, BUDGET_EVTCHN_PORTS, EVTCHN_BUCKET_PORTS))
        return -XEN_ENOMEM;
    struct evtchn *bucket = xzalloc(EVTCHN_BUCKET_PORTS * sizeof(*bucket));

    if (!bucket) {
        budget_uncharge(&d->budget, BUDGET_EVTCHN_PORTS, EVTCHN_BUCKET_PORTS);
        return -XEN_ENOMEM;
    }
    for (unsigned int i = 0; i < EVTCHN_BUCKET_PORTS; i++)
        init_slot(&bucket[i]);
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    if (!ed->closing && !ed->dead && ed->nr_ports < ed->max_ports) {
        ed->buckets[ed->nr_ports / EVTCHN_BUCKET_PORTS] = bucket;
        ed->nr_ports += EVTCHN_BUCKET_PORTS;
        bucket = NULL;
    }
    spin_unlock_irqrestore(&ed->lock, flags);
    if (bucket)
        budget_uncharge(&d->budget, BUDGET_EVTCHN_PORTS, EVTCHN_BUCKET_PORTS);
    xfree(bucket);
    return 0;
}

long evtchn_get_free(struct domain *d, unsigned long *flags)
{
    struct evtchn_domain *ed = evd(d);

    for (;;) {
        long p = evtchn_find_free(d);
        if (p != EVTCHN_NEED_GROW)
            return p;
        spin_unlock_irqrestore(&ed->lock, *flags);
        long rc = evtchn_grow(d);
        *flags = spin_lock_irqsave(&ed->lock);
        if (rc)
            return rc;
    }
}

void evtchn_release(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn = evtchn_lookup(d, port);

    if (!chn)
        return;
    init_slot(chn);
    evd(d)->ops->clear_pending(d, port);
}

bool evtchn_port_busy(struct domain *d, evtchn_port_t port)
{
    return evd(d)->ops->is_busy(d, port);
}

/* The port's slot and the vCPU it notifies, or NULL. */
static struct evtchn *target(struct domain *d, evtchn_port_t port, struct vcpu **v)
{
    struct evtchn *chn = evtchn_lookup(d, port);

    if (!chn || chn->vcpu >= d->nr_vcpus)
        return NULL;
    *v = d->vcpus[chn->vcpu];
    return chn;
}

struct vcpu *evtchn_raise(struct domain *d, evtchn_port_t port)
{
    struct vcpu *v;
    struct evtchn *chn = target(d, port, &v);

    if (!chn)
        return NULL;
    struct vcpu *kick = evd(d)->ops->set_pending(d, v, chn, port);
    evtchn_wake_pollers(d);
    return kick;
}

struct vcpu *evtchn_do_unmask(struct domain *d, evtchn_port_t port)
{
    struct vcpu *v;
    struct evtchn *chn = target(d, port, &v);

    if (!chn)
        return NULL;
    return evd(d)->ops->unmask(d, v, chn, port);
}

void evtchn_kick(struct vcpu *v)
{
    if (v)
        vcpu_kick(v);
}

/* Per Xen's virq_is_global: these four are per vCPU; x86's arch VIRQs
 * (VIRQ_MCA) are global. */
bool evtchn_virq_is_global(unsigned int virq)
{
    return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != VIRQ_XENOPROF &&
           virq != VIRQ_XENPMU;
}

unsigned long evtchn_lock_pair(struct domain *a, struct domain *b)
{
    unsigned long flags;

    if (a == b)
        return spin_lock_irqsave(&evd(a)->lock);
    if ((uintptr_t)a > (uintptr_t)b) {
        struct domain *t = a;
        a = b;
        b = t;
    }
    flags = spin_lock_irqsave(&evd(a)->lock);
    spin_lock(&evd(b)->lock);
    return flags;
}

void evtchn_unlock_pair(struct domain *a, struct domain *b, unsigned long flags)
{
    if (a != b)
        spin_unlock(&evd(b)->lock);
    spin_unlock_irqrestore(&evd(a)->lock, flags);
}

/* The peer's port back to unbound, waiting for d again (Xen's close). */
static void unbind_peer(struct domain *d, struct evtchn *chn)
{
    struct domain *rd = chn->u.peer.d;
    struct evtchn *rchn = evtchn_lookup(rd, chn->u.peer.port);

    if (rchn && rchn->state == ECS_INTERDOMAIN && rchn->u.peer.d == d) {
        rchn->state = ECS_UNBOUND;
        rchn->u.remote_domid = d->id;
    }
}

long evtchn_close_port(struct domain *d, evtchn_port_t port, unsigned long *flags,
                       bool by_guest)
{
    struct evtchn_domain *ed = evd(d);

    /* An interdomain port needs the peer's lock as well, taken in order:
     * drop ours, take both, and look again (the port may have changed). */
    for (;;) {
        struct evtchn *chn = evtchn_lookup(d, port);
        if (!chn || chn->state == ECS_FREE || chn->state == ECS_RESERVED)
            return -XEN_EINVAL;
        if (chn->state == ECS_XEN && by_guest)
            return -XEN_EINVAL;
        if (chn->state != ECS_INTERDOMAIN) {
            if (chn->state == ECS_VIRQ) {
                /* Global VIRQs sit in vCPU 0's table wherever they point;
                 * per-vCPU ones never move. */
                unsigned int t = evtchn_virq_is_global(chn->u.virq) ? 0 : chn->vcpu;
                if (ed->vcpus[t].virq[chn->u.virq] == port)
                    ed->vcpus[t].virq[chn->u.virq] = 0;
            }
            evtchn_release(d, port);
            return 0;
        }
        struct domain *rd = chn->u.peer.d;
        if (rd == d) {
            unbind_peer(d, chn);
            evtchn_release(d, port);
            return 0;
        }
        spin_unlock_irqrestore(&ed->lock, *flags);
        /* rd cannot be freed under us: we are inside a hypercall or the
         * domain's end, before this CPU's next quiescent point. */
        unsigned long pf = evtchn_lock_pair(d, rd);
        chn = evtchn_lookup(d, port);
        bool same = chn && chn->state == ECS_INTERDOMAIN && chn->u.peer.d == rd;
        if (same) {
            unbind_peer(d, chn);
            evtchn_release(d, port);
        }
        evtchn_unlock_pair(d, rd, pf);
        *flags = spin_lock_irqsave(&ed->lock);
        if (same)
            return 0;
    }
}

/* A domain that ran has ended: the hardware domain's VIRQ_DOM_EXC (global,
 * public/xen.h) tells its toolstack to look (Xen raises it at shutdown). */
static void tell_hardware_domain(struct domain *d)
{
    struct domain *hw = domain_by_id(0);

    if (d->state == DOM_DYING && hw && hw != d && hw->is_hardware)
        evtchn_send_global_virq(hw, VIRQ_DOM_EXC);
}

int evtchn_domain_init(struct domain *d)
{
    struct evtchn_domain *ed = evd(d);

    ed->lock = (spinlock_t)SPINLOCK_INIT;
    ed->ops = &evtchn_2l_ops;
    ed->max_ports = EVTCHN_2L_MAX_PORTS;
    ed->fifo_max_ports = evtchn_fifo_port_limit;
    if (ed->fifo_max_ports > EVTCHN_FIFO_MAX_PORTS || ed->fifo_max_ports < EVTCHN_BUCKET_PORTS)
        ed->fifo_max_ports = EVTCHN_FIFO_MAX_PORTS;
    ed->buckets = xzalloc(EVTCHN_MAX_BUCKETS * sizeof(*ed->buckets));
    ed->vcpus = xzalloc(d->nr_vcpus * sizeof(*ed->vcpus));
    if (!ed->buckets || !ed->vcpus) {
        evtchn_domain_destroy(d);
        return -ENOMEM;
    }
    /* The first bucket, with port 0 reserved. */
    if (budget_charge(&d->budget, BUDGET_EVTCHN_PORTS, EVTCHN_BUCKET_PORTS)) {
        evtchn_domain_destroy(d);
        return -ENOMEM;
    }
    struct evtchn *first = xzalloc(EVTCHN_BUCKET_PORTS * sizeof(*first));
    if (!first) {
        budget_uncharge(&d->budget, BUDGET_EVTCHN_PORTS, EVTCHN_BUCKET_PORTS);
        evtchn_domain_destroy(d);
        return -ENOMEM;
    }
    for (unsigned int i = 0; i < EVTCHN_BUCKET_PORTS; i++)
        init_slot(&first[i]);
    first[0].state = ECS_RESERVED;
    ed->buckets[0] = first;
    ed->nr_ports = EVTCHN_BUCKET_PORTS;
    return 0;
}

unsigned int evtchn_ports_bound(struct domain *d)
{
    struct evtchn_domain *ed = evd(d);
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    unsigned int n = 0;

    for (evtchn_port_t p = 1; !ed->dead && p < ed->nr_ports; p++)
        n += evtchn_lookup(d, p)->state != ECS_FREE;
    spin_unlock_irqrestore(&ed->lock, flags);
    return n;
}

void evtchn_domain_destroy(struct domain *d)
{
    struct evtchn_domain *ed = evd(d);
    unsigned long flags = spin_lock_irqsave(&ed->lock);

    if (ed->dead) {
        spin_unlock_irqrestore(&ed->lock, flags);
        return;
    }
    ed->closing = true;
    for (evtchn_port_t p = 1; p < ed->nr_ports; p++) {
        struct evtchn *chn = evtchn_lookup(d, p);
        if (chn && chn->state != ECS_FREE)
            evtchn_close_port(d, p, &flags, false);
    }
    ed->ops->destroy(d);
    for (unsigned int b = 0; b < ed->nr_ports / EVTCHN_BUCKET_PORTS; b++)
        xfree(ed->buckets[b]);
    budget_uncharge(&d->budget, BUDGET_EVTCHN_PORTS, ed->nr_ports);
    xfree(ed->buckets);
    xfree(ed->vcpus);
    ed->buckets = NULL;
    ed->vcpus = NULL;
    ed->nr_ports = 0;
    ed->dead = true;
    spin_unlock_irqrestore(&ed->lock, flags);
    tell_hardware_domain(d);
}

void evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
    struct domain *d = v->domain;
    struct evtchn_domain *ed = evd(d);
    struct vcpu *kick = NULL;

    if (virq >= NR_VIRQS || evtchn_virq_is_global(virq))
        return;
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    if (!ed->dead && ed->vcpus[v->id].virq[virq])
        kick = evtchn_raise(d, ed->vcpus[v->id].virq[virq]);
    spin_unlock_irqrestore(&ed->lock, flags);
    evtchn_kick(kick);
}

void evtchn_send_global_virq(struct domain *d, unsigned int virq)
{
    struct evtchn_domain *ed = evd(d);
    struct vcpu *kick = NULL;

    if (virq >= NR_VIRQS || !evtchn_virq_is_global(virq))
        return;
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    /* Global VIRQs are bound in vCPU 0's table, raised where they point. */
    if (!ed->dead && ed->vcpus[0].virq[virq])
        kick = evtchn_raise(d, ed->vcpus[0].virq[virq]);
    spin_unlock_irqrestore(&ed->lock, flags);
    evtchn_kick(kick);
}

/* A free port of d set up by fill() under d's lock; 0 or a negative errno. */
static int alloc_port(struct domain *d, void (*fill)(struct evtchn *chn, const void *arg),
                      const void *arg, evtchn_port_t *out)
{
    struct evtchn_domain *ed = evd(d);
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    long p = evtchn_get_free(d, &flags);

    if (p >= 0) {
        fill(evtchn_lookup(d, (evtchn_port_t)p), arg);
        *out = (evtchn_port_t)p;
    }
    spin_unlock_irqrestore(&ed->lock, flags);
    if (p == -XEN_ENOSPC)
        return -ENOSPC;
    if (p == -XEN_ENOMEM)
        return -ENOMEM;
    return p < 0 ? -ESRCH : 0;
}

struct xen_bound_arg {
    domid_t remote;
    evtchn_xen_fn fn;
    void *data;
};

static void fill_xen_bound(struct evtchn *chn, const void *arg)
{
    const struct xen_bound_arg *a = arg;

    chn->state = ECS_XEN;
    chn->u.xen.fn = a->fn;
    chn->u.xen.data = a->data;
    chn->u.xen.remote = a->remote;
}

int evtchn_alloc_xen_bound(struct domain *d, domid_t remote, evtchn_xen_fn fn, void *data,
                           evtchn_port_t *out)
{
    struct xen_bound_arg a = { remote, fn, data };

    return alloc_port(d, fill_xen_bound, &a, out);
}

static void fill_unbound(struct evtchn *chn, const void *arg)
{
    chn->state = ECS_UNBOUND;
    chn->u.remote_domid = *(const domid_t *)arg;
}

int evtchn_alloc_unbound(struct domain *d, domid_t remote, evtchn_port_t *out)
{
    return alloc_port(d, fill_unbound, &remote, out);
}

int evtchn_free_xen_bound(struct domain *d, evtchn_port_t port)
{
    struct evtchn_domain *ed = evd(d);
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    struct evtchn *chn = evtchn_lookup(d, port);
    int rc = -EINVAL;

    if (chn && chn->state == ECS_XEN) {
        evtchn_release(d, port);
        rc = 0;
    }
    spin_unlock_irqrestore(&ed->lock, flags);
    return rc;
}

int evtchn_notify_guest(struct domain *d, evtchn_port_t port)
{
    struct evtchn_domain *ed = evd(d);
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    struct evtchn *chn = evtchn_lookup(d, port);
    struct vcpu *kick = NULL;
    int rc = -EINVAL;

    if (ed->dead || ed->closing) {
        rc = -ESRCH;
    } else if (chn && chn->state == ECS_XEN) {
        kick = evtchn_raise(d, port);
        rc = 0;
    }
    spin_unlock_irqrestore(&ed->lock, flags);
    evtchn_kick(kick);
    return rc;
}
