/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The FIFO ABI (semantics of Xen's event_fifo.c; public/event_channel.h).
 *
 * Each port has a 32-bit event word in guest pages the domain hands over
 * one at a time (EVTCHNOP_expand_array): PENDING, MASKED, LINKED, BUSY and
 * a 17-bit LINK to the next port of its queue. Each vCPU registers a
 * control block (EVTCHNOP_init_control) with a ready bit and a head per
 * priority. The hypervisor appends a raised, unmasked, unlinked port to
 * the tail of its vCPU's queue; the guest consumes from the heads.
 *
 * The guest writes these words at any time, so every update is an atomic
 * operation or a bounded compare-and-exchange on the word, and nothing the
 * guest wrote is followed: the hypervisor keeps each queue's tail itself
 * and never walks LINKs, so a LINK pointing anywhere or forming a cycle
 * only confuses the guest's own consumer. The guest may only set or clear
 * MASKED, clear PENDING and clear LINKED on a linked word; the hypervisor
 * sets BUSY on a tail it links onto so the guest's unmask (which waits for
 * BUSY to clear) cannot race it forever.
 *
 * The pages are the domain's own RAM (P2M_RAM_RW when registered), used
 * through the identity map: a domain's RAM is only freed with the domain,
 * after its event channels are gone.
 */
#include <tessera/p2m.h>
#include <public/xen/errno.h>
#include <tessera/heap.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include "private.h"

#define W_PENDING   (1u << EVTCHN_FIFO_PENDING)
#define W_MASKED    (1u << EVTCHN_FIFO_MASKED)
#define W_LINKED    (1u << EVTCHN_FIFO_LINKED)
#define W_BUSY      (1u << EVTCHN_FIFO_BUSY)
#define LINK_TRIES  4

static event_word_t *word_of(struct domain *d, evtchn_port_t port)
{
    struct evtchn_fifo *f = evd(d)->fifo;
    unsigned int page = port / EVTCHN_FIFO_WORDS_PER_PAGE;

    if (!f || page >= f->nr_pages)
        return NULL;
    return &f->pages[page][port % EVTCHN_FIFO_WORDS_PER_PAGE];
}

/* The hypervisor's view of guest frame gfn, if it is the domain's RAM. */
static void *guest_ram_page(struct domain *d, uint64_t gfn)
{
    uint64_t mfn;
    enum p2m_type type;

    if (gfn >> P2M_GFN_BITS || p2m_lookup(d->p2m, gfn, &mfn, &type, NULL) ||
        type != P2M_RAM_RW)
        return NULL;
    return phys_to_virt(mfn << PAGE_SHIFT);
}

/* Points a linked tail word at link. False if the guest has already
 * unlinked it (the queue is empty). */
static bool set_link(event_word_t *word, evtchn_port_t link)
{
    event_word_t w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    bool busy = false;

    for (unsigned int i = 0; i <= LINK_TRIES; i++) {
        if (!(w & W_LINKED)) {
            if (busy)
                bit_clear32(word, EVTCHN_FIFO_BUSY);
            return false;
        }
        event_word_t n = (w & ~(W_BUSY | EVTCHN_FIFO_LINK_MASK)) | link;
        if (__atomic_compare_exchange_n(word, &w, n, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST))
            return true;
        /* The guest changed it: hold off its unmasking and retry; with
         * BUSY set it can only clear PENDING, LINKED or toggle MASKED. */
        if (!busy) {
            bit_test_and_set32(word, EVTCHN_FIFO_BUSY);
            busy = true;
            w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
        }
    }
    /* A guest flipping MASKED as fast as it can: treat as linked (Xen does
     * the same); the event may be lost, to that guest only. */
    bit_clear32(word, EVTCHN_FIFO_BUSY);
    return true;
}

static struct vcpu *evtchn_fifo_set_pending(struct domain *d, struct vcpu *v, struct evtchn *chn,
                                            evtchn_port_t port)
{
    struct evtchn_domain *ed = evd(d);
    struct evtchn_fifo_queues *q = &ed->vcpus[v->id].fifo;
    event_word_t *word = word_of(d, port);
    unsigned int prio = chn->priority;
    bool linked = true;

    if (!word) {
        chn->early_pending = true;      /* raised once its page arrives */
        return NULL;
    }
    /* No control block: the guest may not have unmasked it yet (Xen drops
     * the event too). */
    if (!q->cb)
        return NULL;
    bit_test_and_set32(word, EVTCHN_FIFO_PENDING);
    if (!bit_test32(word, EVTCHN_FIFO_MASKED) &&
        !bit_test_and_set32(word, EVTCHN_FIFO_LINKED)) {
        struct evtchn_fifo_queues *old = &ed->vcpus[chn->last_vcpu].fifo;
        /* It was the tail of its last queue: that queue is empty now, and
         * must not link onto it while it sits in another one. */
        if (old->tail[chn->last_priority] == port)
            old->tail[chn->last_priority] = 0;
        chn->last_vcpu = (uint8_t)v->id;
        chn->last_priority = (uint8_t)prio;
        linked = false;
        if (q->tail[prio]) {
            event_word_t *tail = word_of(d, q->tail[prio]);
            linked = tail && set_link(tail, port);
        }
        if (!linked)
            __atomic_store_n(&q->cb->head[prio], port, __ATOMIC_SEQ_CST);
        q->tail[prio] = port;
    }
    if (!linked && !bit_test_and_set32(&q->cb->ready, prio))
        return evtchn_mark_upcall(v);
    return NULL;
}

static struct vcpu *evtchn_fifo_unmask(struct domain *d, struct vcpu *v, struct evtchn *chn,
                                       evtchn_port_t port)
{
    event_word_t *word = word_of(d, port);

    if (!word)
        return NULL;
    bit_clear32(word, EVTCHN_FIFO_MASKED);
    if (bit_test32(word, EVTCHN_FIFO_PENDING))
        return evtchn_fifo_set_pending(d, v, chn, port);
    return NULL;
}

static void evtchn_fifo_clear_pending(struct domain *d, evtchn_port_t port)
{
    event_word_t *word = word_of(d, port);

    if (word)
        bit_clear32(word, EVTCHN_FIFO_PENDING);
}

/* A closed port still linked in a guest queue is not reused until the
 * guest has taken it off (Xen's evtchn_port_is_busy). */
static bool evtchn_fifo_is_busy(struct domain *d, evtchn_port_t port)
{
    event_word_t *word = word_of(d, port);

    return word && bit_test32(word, EVTCHN_FIFO_LINKED);
}

static bool evtchn_fifo_is_pending(struct domain *d, evtchn_port_t port)
{
    event_word_t *word = word_of(d, port);

    return word && bit_test32(word, EVTCHN_FIFO_PENDING);
}

/* From 2-level: keeps every bound port, pending if its 2-level bit was. */
static void convert_ports(struct domain *d)
{
    struct evtchn_domain *ed = evd(d);

    for (evtchn_port_t p = 1; p < ed->nr_ports; p++) {
        struct evtchn *chn = evtchn_lookup(d, p);
        if (chn->state == ECS_FREE || chn->state == ECS_RESERVED)
            continue;
        chn->early_pending = p < EVTCHN_2L_NR_CHANNELS &&
            bit_test64(&d->shared_info->evtchn_pending[p / 64], p % 64);
        chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
        chn->last_vcpu = chn->vcpu;
        chn->last_priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
    }
}

long evtchn_fifo_init_control(struct vcpu *caller, struct evtchn_init_control *ic)
{
    struct domain *d = caller->domain;
    struct evtchn_domain *ed = evd(d);
    long rc = 0;

    if (ic->vcpu >= d->nr_vcpus)
        return -XEN_ENOENT;
    if ((ic->offset & 7) || ic->offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block))
        return -XEN_EINVAL;
    uint8_t *page = guest_ram_page(d, ic->control_gfn);
    if (!page)
        return -XEN_EINVAL;
    /* Whether the domain is still on 2-level is only known under the lock:
     * allocated in case, freed if not used. */
    struct evtchn_fifo *fresh = xzalloc(sizeof(*fresh));
    if (!fresh)
        return -XEN_ENOMEM;

    unsigned long flags = spin_lock_irqsave(&ed->lock);
    struct evtchn_fifo_queues *q = ed->dead || ed->closing ? NULL : &ed->vcpus[ic->vcpu].fifo;
    if (!q) {
        rc = -XEN_ESRCH;
    } else if (q->cb) {
        rc = -XEN_EINVAL;           /* one control block per vCPU, as in Xen */
    } else {
        if (ed->ops != &evtchn_fifo_ops) {
            /* The switch: under ed->lock, as every call through ed->ops
             * is (private.h), so no raise sees half of it. */
            ed->fifo = fresh;
            fresh = NULL;
            convert_ports(d);
            ed->ops = &evtchn_fifo_ops;
            ed->max_ports = ed->fifo_max_ports;
        }
        memset(q->tail, 0, sizeof(q->tail));
        q->cb = (struct evtchn_fifo_control_block *)(page + ic->offset);
    }
    spin_unlock_irqrestore(&ed->lock, flags);
    xfree(fresh);
    ic->link_bits = EVTCHN_FIFO_LINK_BITS;
    return rc;
}

long evtchn_fifo_expand_array(struct vcpu *caller, const struct evtchn_expand_array *ea)
{
    struct domain *d = caller->domain;
    struct evtchn_domain *ed = evd(d);
    uint64_t kick = 0;
    long rc = 0;

    event_word_t *page = guest_ram_page(d, ea->array_gfn);
    if (!page)
        return -XEN_EINVAL;
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    struct evtchn_fifo *f = ed->fifo;
    if (ed->dead || ed->closing) {
        rc = -XEN_ESRCH;
    } else if (ed->ops != &evtchn_fifo_ops) {
        rc = -XEN_EOPNOTSUPP;
    } else if (f->nr_pages >= ed->fifo_max_ports / EVTCHN_FIFO_WORDS_PER_PAGE) {
        rc = -XEN_ENOSPC;
    } else {
        evtchn_port_t first = f->nr_pages * EVTCHN_FIFO_WORDS_PER_PAGE;
        f->pages[f->nr_pages++] = page;
        /* Ports raised before they had a word: raise them now. */
        for (evtchn_port_t p = first; p < first + EVTCHN_FIFO_WORDS_PER_PAGE &&
                                      p < ed->nr_ports; p++) {
            struct evtchn *chn = evtchn_lookup(d, p);
            if (!chn->early_pending)
                continue;
            chn->early_pending = false;
            struct vcpu *v = evtchn_raise(d, p);
            if (v)
                kick |= 1ull << v->id;
        }
    }
    spin_unlock_irqrestore(&ed->lock, flags);
    for (unsigned int i = 0; kick && i < d->nr_vcpus; i++)
        if (kick & (1ull << i))
            evtchn_kick(d->vcpus[i]);
    return rc;
}

long evtchn_fifo_set_priority(struct domain *d, const struct evtchn_set_priority *sp)
{
    struct evtchn_domain *ed = evd(d);
    long rc = 0;

    if (sp->priority > EVTCHN_FIFO_PRIORITY_MIN)
        return -XEN_EINVAL;
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    struct evtchn *chn = evtchn_lookup(d, sp->port);
    if (ed->ops != &evtchn_fifo_ops)
        rc = -XEN_ENOSYS;
    else if (!chn)
        rc = -XEN_EINVAL;
    else
        chn->priority = (uint8_t)sp->priority;    /* applies from its next linking */
    spin_unlock_irqrestore(&ed->lock, flags);
    return rc;
}

static void evtchn_fifo_destroy(struct domain *d)
{
    struct evtchn_domain *ed = evd(d);

    xfree(ed->fifo);
    ed->fifo = NULL;
    if (ed->vcpus)
        for (unsigned int i = 0; i < d->nr_vcpus; i++)
            memset(&ed->vcpus[i].fifo, 0, sizeof(ed->vcpus[i].fifo));
    ed->ops = &evtchn_2l_ops;
    ed->max_ports = EVTCHN_2L_MAX_PORTS;
}

const struct evtchn_port_ops evtchn_fifo_ops = {
    .set_pending = evtchn_fifo_set_pending,
    .unmask = evtchn_fifo_unmask,
    .clear_pending = evtchn_fifo_clear_pending,
    .is_pending = evtchn_fifo_is_pending,
    .is_busy = evtchn_fifo_is_busy,
    .destroy = evtchn_fifo_destroy,
};
