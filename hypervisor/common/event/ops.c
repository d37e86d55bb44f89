/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * event_channel_op (public/event_channel.h), on the calling domain's ports.
 * Errors follow Xen: -EINVAL for a port out of range or in the wrong state,
 * -ENOENT for a vCPU the domain does not have, -ESRCH for a domain that
 * does not exist (or is ending), -EPERM for another existing domain's
 * ports (but the hardware domain's alloc_unbound and status, which may name
 * any domain), -ENOSPC when the port table is full. pirqs are not supported (no
 * XENFEAT_hvm_pirqs): bind_pirq is -ENOSYS.
 */
#include <public/xen/errno.h>
#include <tessera/guest_mem.h>
#include <tessera/lib.h>
#include "private.h"

static domid_t resolve(struct domain *d, domid_t id)
{
    return id == DOMID_SELF ? d->id : id;
}

/* Only the caller's own ports: another domain that exists is -EPERM. */
static long own_domain(struct domain *d, domid_t id)
{
    if (resolve(d, id) == d->id)
        return 0;
    return domain_by_id(id) ? -XEN_EPERM : -XEN_ESRCH;
}

/* The domain whose ports a call names: the caller's own, or for the
 * hardware domain (the toolstack's, as Xen's XSM default lets dom0) any
 * live one, e.g. a backend's port in a new guest (alloc_unbound, status). */
static long subject_domain(struct vcpu *v, domid_t id, struct domain **out)
{
    struct domain *d = v->domain;
    long rc = own_domain(d, id);

    *out = d;
    if (rc == -XEN_EPERM && d->is_hardware) {
        *out = domain_by_id(id);
        rc = 0;
    }
    return rc;
}

/* A port bound to something, with the domain's lock held. */
static long bind_new(struct domain *d, uint8_t state, unsigned int vcpu, uint32_t virq,
                     domid_t remote)
{
    struct evtchn_domain *ed = evd(d);
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    long p;

    if (state == ECS_VIRQ && ed->vcpus && ed->vcpus[vcpu].virq[virq]) {
        p = -XEN_EEXIST;
        goto out;
    }
    p = evtchn_get_free(d, &flags);
    if (p < 0)
        goto out;
    /* Looked again: the lock may have been dropped to grow the table. */
    if (state == ECS_VIRQ && ed->vcpus[vcpu].virq[virq]) {
        p = -XEN_EEXIST;
        goto out;
    }
    struct evtchn *chn = evtchn_lookup(d, (evtchn_port_t)p);
    chn->state = state;
    chn->vcpu = (uint8_t)vcpu;
    chn->last_vcpu = (uint8_t)vcpu;
    if (state == ECS_VIRQ) {
        chn->u.virq = virq;
        ed->vcpus[vcpu].virq[virq] = (evtchn_port_t)p;
    } else if (state == ECS_UNBOUND) {
        chn->u.remote_domid = remote;
    }
out:
    spin_unlock_irqrestore(&ed->lock, flags);
    return p;
}

static long op_alloc_unbound(struct vcpu *v, struct evtchn_alloc_unbound *a)
{
    struct domain *d;
    long rc = subject_domain(v, a->dom, &d);

    if (rc)
        return rc;
    /* DOMID_SELF as the remote is the caller, as in Xen. */
    rc = bind_new(d, ECS_UNBOUND, 0, 0, resolve(v->domain, a->remote_dom));
    if (rc < 0)
        return rc;
    a->port = (evtchn_port_t)rc;
    return 0;
}

int evtchn_alloc_unbound_port(struct domain *d, domid_t remote, evtchn_port_t *out)
{
    long p = bind_new(d, ECS_UNBOUND, 0, 0, remote);

    if (p >= 0)
        *out = (evtchn_port_t)p;
    return p >= 0 ? 0 : p == -XEN_ENOSPC ? -ENOSPC : p == -XEN_ENOMEM ? -ENOMEM : -ESRCH;
}

static long op_bind_interdomain(struct vcpu *v, struct evtchn_bind_interdomain *b)
{
    struct domain *d = v->domain;
    domid_t rid = resolve(d, b->remote_dom);
    struct domain *rd = rid == d->id ? d : domain_by_id(rid);
    struct vcpu *kick = NULL;
    long rc;

    if (!rd)
        return -XEN_ESRCH;
    for (;;) {
        unsigned long flags = evtchn_lock_pair(d, rd);
        struct evtchn *rchn = evtchn_lookup(rd, b->remote_port);
        if (evd(rd)->closing || evd(rd)->dead) {
            rc = -XEN_ESRCH;
        } else if (!rchn || rchn->state != ECS_UNBOUND || rchn->u.remote_domid != d->id) {
            rc = -XEN_EINVAL;
        } else {
            rc = evtchn_find_free(d);
            if (rc >= 0) {
                evtchn_port_t lp = (evtchn_port_t)rc;
                struct evtchn *lchn = evtchn_lookup(d, lp);
                lchn->state = ECS_INTERDOMAIN;
                lchn->u.peer.d = rd;
                lchn->u.peer.port = b->remote_port;
                rchn->state = ECS_INTERDOMAIN;
                rchn->u.peer.d = d;
                rchn->u.peer.port = lp;
                b->local_port = lp;
                /* The other end may have sent while unbound: those sends
                 * were dropped, so say "look" once (as Xen does). */
                kick = evtchn_raise(d, lp);
                rc = 0;
            }
        }
        evtchn_unlock_pair(d, rd, flags);
        if (rc != EVTCHN_NEED_GROW)
            break;
        rc = evtchn_grow(d);
        if (rc)
            break;
    }
    evtchn_kick(kick);
    return rc;
}

static long op_bind_virq(struct vcpu *v, struct evtchn_bind_virq *b)
{
    struct domain *d = v->domain;
    long rc;

    if (b->virq >= NR_VIRQS)
        return -XEN_EINVAL;
    if (evtchn_virq_is_global(b->virq) && b->vcpu != 0)
        return -XEN_EINVAL;
    if (b->vcpu >= d->nr_vcpus)
        return -XEN_ENOENT;
    rc = bind_new(d, ECS_VIRQ, b->vcpu, b->virq, 0);
    if (rc < 0)
        return rc;
    b->port = (evtchn_port_t)rc;
    return 0;
}

static long op_bind_ipi(struct vcpu *v, struct evtchn_bind_ipi *b)
{
    long rc;

    if (b->vcpu >= v->domain->nr_vcpus)
        return -XEN_ENOENT;
    rc = bind_new(v->domain, ECS_IPI, b->vcpu, 0, 0);
    if (rc < 0)
        return rc;
    b->port = (evtchn_port_t)rc;
    return 0;
}

static long op_close(struct vcpu *v, const struct evtchn_close *c)
{
    struct evtchn_domain *ed = evd(v->domain);
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    long rc = evtchn_close_port(v->domain, c->port, &flags, true);

    spin_unlock_irqrestore(&ed->lock, flags);
    return rc;
}

static long op_send(struct vcpu *v, const struct evtchn_send *s)
{
    struct domain *d = v->domain, *rd;
    struct evtchn_domain *ed = evd(d);
    struct vcpu *kick = NULL;
    evtchn_xen_fn fn = NULL;
    void *data = NULL;
    long rc = 0;

    unsigned long flags = spin_lock_irqsave(&ed->lock);
    struct evtchn *chn = evtchn_lookup(d, s->port);
    if (!chn) {
        spin_unlock_irqrestore(&ed->lock, flags);
        return -XEN_EINVAL;
    }
    switch (chn->state) {
    case ECS_UNBOUND:
        break;                      /* nobody to tell: dropped, as in Xen */
    case ECS_IPI:
        kick = evtchn_raise(d, s->port);
        break;
    case ECS_XEN:
        fn = chn->u.xen.fn;
        data = chn->u.xen.data;
        break;
    case ECS_INTERDOMAIN:
        rd = chn->u.peer.d;
        if (rd == d) {
            kick = evtchn_raise(d, chn->u.peer.port);
            break;
        }
        /* The peer's lock too; rd stays allocated until this CPU's next
         * quiescent point, and if the port changed meanwhile it was closed
         * (by either end): then the send is dropped like an unbound one. */
        spin_unlock_irqrestore(&ed->lock, flags);
        flags = evtchn_lock_pair(d, rd);
        chn = evtchn_lookup(d, s->port);
        if (chn && chn->state == ECS_INTERDOMAIN && chn->u.peer.d == rd)
            kick = evtchn_raise(rd, chn->u.peer.port);
        else if (!chn || chn->state == ECS_FREE)
            rc = -XEN_EINVAL;
        evtchn_unlock_pair(d, rd, flags);
        evtchn_kick(kick);
        return rc;
    default:
        rc = -XEN_EINVAL;
    }
    spin_unlock_irqrestore(&ed->lock, flags);
    evtchn_kick(kick);
    if (fn)
        fn(d, s->port, data);
    return rc;
}

static long op_status(struct vcpu *v, struct evtchn_status *st)
{
    struct domain *d;
    long rc = subject_domain(v, st->dom, &d);

    if (rc)
        return rc;
    struct evtchn_domain *ed = evd(d);
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    struct evtchn *chn = evtchn_lookup(d, st->port);
    memset(&st->u, 0, sizeof(st->u));
    if (ed->closing || ed->dead) {
        rc = -XEN_ESRCH;            /* a domain ending since it was found */
    } else if (!chn) {
        rc = -XEN_EINVAL;
    }
    if (rc)
        goto out;
    st->vcpu = chn->vcpu;
    switch (chn->state) {
    case ECS_UNBOUND:
        st->status = EVTCHNSTAT_unbound;
        st->u.unbound.dom = chn->u.remote_domid;
        break;
    case ECS_INTERDOMAIN:
        st->status = EVTCHNSTAT_interdomain;
        st->u.interdomain.dom = chn->u.peer.d->id;
        st->u.interdomain.port = chn->u.peer.port;
        break;
    case ECS_XEN:
        st->status = EVTCHNSTAT_interdomain;
        st->u.interdomain.dom = chn->u.xen.remote;
        break;
    case ECS_VIRQ:
        st->status = EVTCHNSTAT_virq;
        st->u.virq = chn->u.virq;
        break;
    case ECS_IPI:
        st->status = EVTCHNSTAT_ipi;
        break;
    default:
        st->status = EVTCHNSTAT_closed;
    }
out:
    spin_unlock_irqrestore(&ed->lock, flags);
    return rc;
}

static long op_bind_vcpu(struct vcpu *v, const struct evtchn_bind_vcpu *b)
{
    struct domain *d = v->domain;
    struct evtchn_domain *ed = evd(d);
    long rc = 0;

    if (b->vcpu >= d->nr_vcpus)
        return -XEN_ENOENT;
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    struct evtchn *chn = evtchn_lookup(d, b->port);
    if (!chn)
        rc = -XEN_EINVAL;
    else if (chn->state == ECS_UNBOUND || chn->state == ECS_INTERDOMAIN ||
             chn->state == ECS_XEN ||
             (chn->state == ECS_VIRQ && evtchn_virq_is_global(chn->u.virq)))
        chn->vcpu = (uint8_t)b->vcpu;
    else
        rc = -XEN_EINVAL;           /* per-vCPU VIRQs and IPIs stay put */
    spin_unlock_irqrestore(&ed->lock, flags);
    return rc;
}

static long op_unmask(struct vcpu *v, const struct evtchn_unmask *u)
{
    struct evtchn_domain *ed = evd(v->domain);
    struct vcpu *kick = NULL;
    long rc = 0;

    unsigned long flags = spin_lock_irqsave(&ed->lock);
    if (!evtchn_lookup(v->domain, u->port))
        rc = -XEN_EINVAL;
    else
        kick = evtchn_do_unmask(v->domain, u->port);
    spin_unlock_irqrestore(&ed->lock, flags);
    evtchn_kick(kick);
    return rc;
}

/* Every port but the hypervisor's own closed, back to 2-level. */
static long op_reset(struct vcpu *v, const struct evtchn_reset *r)
{
    struct domain *d = v->domain;
    struct evtchn_domain *ed = evd(d);
    long rc = own_domain(d, r->dom);

    if (rc)
        return rc;
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    for (evtchn_port_t p = 1; p < ed->nr_ports; p++) {
        struct evtchn *chn = evtchn_lookup(d, p);
        if (chn && chn->state != ECS_FREE && chn->state != ECS_XEN)
            evtchn_close_port(d, p, &flags, true);
    }
    if (!ed->dead)
        ed->ops->destroy(d);        /* back to 2-level */
    spin_unlock_irqrestore(&ed->lock, flags);
    return 0;
}

/* The argument size of each command, 0 for none we take. */
static const uint8_t arg_size[] = {
    [EVTCHNOP_bind_interdomain] = sizeof(struct evtchn_bind_interdomain),
    [EVTCHNOP_bind_virq] = sizeof(struct evtchn_bind_virq),
    [EVTCHNOP_close] = sizeof(struct evtchn_close),
    [EVTCHNOP_send] = sizeof(struct evtchn_send),
    [EVTCHNOP_status] = sizeof(struct evtchn_status),
    [EVTCHNOP_alloc_unbound] = sizeof(struct evtchn_alloc_unbound),
    [EVTCHNOP_bind_ipi] = sizeof(struct evtchn_bind_ipi),
    [EVTCHNOP_bind_vcpu] = sizeof(struct evtchn_bind_vcpu),
    [EVTCHNOP_unmask] = sizeof(struct evtchn_unmask),
    [EVTCHNOP_reset] = sizeof(struct evtchn_reset),
    [EVTCHNOP_init_control] = sizeof(struct evtchn_init_control),
    [EVTCHNOP_expand_array] = sizeof(struct evtchn_expand_array),
    [EVTCHNOP_set_priority] = sizeof(struct evtchn_set_priority),
};

union evtchn_args {
    struct evtchn_op compat;
    struct evtchn_init_control init_control;
    struct evtchn_expand_array expand_array;
    struct evtchn_set_priority set_priority;
    struct evtchn_reset reset;
};

/* Does cmd on buf (a copy of the guest's argument); *out: copy it back. */
static long evtchn_op(struct vcpu *v, unsigned int cmd, void *buf, bool *out)
{
    *out = false;
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        *out = true;
        return op_alloc_unbound(v, buf);
    case EVTCHNOP_bind_interdomain:
        *out = true;
        return op_bind_interdomain(v, buf);
    case EVTCHNOP_bind_virq:
        *out = true;
        return op_bind_virq(v, buf);
    case EVTCHNOP_bind_ipi:
        *out = true;
        return op_bind_ipi(v, buf);
    case EVTCHNOP_close:
        return op_close(v, buf);
    case EVTCHNOP_send:
        return op_send(v, buf);
    case EVTCHNOP_status:
        *out = true;
        return op_status(v, buf);
    case EVTCHNOP_bind_vcpu:
        return op_bind_vcpu(v, buf);
    case EVTCHNOP_unmask:
        return op_unmask(v, buf);
    case EVTCHNOP_reset:
        return op_reset(v, buf);
    case EVTCHNOP_init_control:
        *out = true;
        return evtchn_fifo_init_control(v, buf);
    case EVTCHNOP_expand_array:
        return evtchn_fifo_expand_array(v, buf);
    case EVTCHNOP_set_priority:
        return evtchn_fifo_set_priority(v->domain, buf);
    }
    return -XEN_ENOSYS;
}

long do_event_channel_op(struct vcpu *v, uint64_t arg[6])
{
    union evtchn_args buf;
    uint64_t cmd = arg[0];
    bool out;

    if (cmd >= ARRAY_SIZE(arg_size) || !arg_size[cmd])
        return -XEN_ENOSYS;
    if (copy_from_guest(v, &buf, arg[1], arg_size[cmd]))
        return -XEN_EFAULT;
    long rc = evtchn_op(v, (unsigned int)cmd, &buf, &out);
    if (out && rc == 0 && copy_to_guest(v, arg[1], &buf, arg_size[cmd]))
        return -XEN_EFAULT;
    return rc;
}

/* The old form: one struct evtchn_op { cmd; union } for the commands that
 * existed then (Xen's compat path refuses the FIFO ones too). */
long do_event_channel_op_compat(struct vcpu *v, uint64_t arg[6])
{
    union evtchn_args buf;
    bool out;

    if (copy_from_guest_obj(v, &buf.compat, arg[0]))
        return -XEN_EFAULT;
    if (buf.compat.cmd > EVTCHNOP_unmask || buf.compat.cmd == EVTCHNOP_bind_pirq)
        return -XEN_ENOSYS;
    long rc = evtchn_op(v, buf.compat.cmd, &buf.compat.u, &out);
    if (out && rc == 0 && copy_to_guest_obj(v, arg[0], &buf.compat))
        return -XEN_EFAULT;
    return rc;
}
