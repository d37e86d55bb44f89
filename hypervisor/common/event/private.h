/* SPDX-License-Identifier: GPL-2.0-only */
/* Event channels: what the files of common/event/ share (tessera/event.h). */
#ifndef EVENT_PRIVATE_H
#define EVENT_PRIVATE_H

#include <tessera/domain.h>
#include <tessera/event.h>

enum evtchn_state {
    ECS_FREE = 0,
    ECS_RESERVED,           /* port 0: never bound (as in Xen) */
    ECS_UNBOUND,            /* waiting for u.remote_domid to bind */
    ECS_INTERDOMAIN,        /* connected to u.peer */
    ECS_VIRQ,
    ECS_IPI,
    ECS_XEN,                /* other end in the hypervisor (u.xen) */
};

struct evtchn {
    uint8_t state;
    uint8_t vcpu;           /* the vCPU it notifies */
    uint8_t priority;       /* FIFO */
    uint8_t last_vcpu;      /* FIFO: the queue it was last linked on */
    uint8_t last_priority;
    bool early_pending;     /* FIFO: raised before its event word existed */
    union {
        domid_t remote_domid;
        struct {
            struct domain *d;
            evtchn_port_t port;
        } peer;
        uint32_t virq;
        struct {
            evtchn_xen_fn fn;
            void *data;
            domid_t remote;
        } xen;
    } u;
};

#define EVTCHN_BUCKET_PORTS     128u
#define EVTCHN_MAX_BUCKETS      (EVTCHN_FIFO_MAX_PORTS / EVTCHN_BUCKET_PORTS)

/* FIFO state (fifo.c): per vCPU, the guest's control block and each
 * priority's tail (0: none); per domain, the event array pages. */
struct evtchn_fifo_queues {
    struct evtchn_fifo_control_block *cb;
    evtchn_port_t tail[EVTCHN_FIFO_MAX_QUEUES];
};

#define EVTCHN_FIFO_WORDS_PER_PAGE  (PAGE_SIZE / sizeof(event_word_t))
#define EVTCHN_FIFO_MAX_PAGES       (EVTCHN_FIFO_MAX_PORTS / EVTCHN_FIFO_WORDS_PER_PAGE)

struct evtchn_fifo {
    event_word_t *pages[EVTCHN_FIFO_MAX_PAGES];
    unsigned int nr_pages;
};

struct evtchn_vcpu {
    evtchn_port_t virq[NR_VIRQS];   /* bound port, 0: none */
    bool polling;                   /* in SCHEDOP_poll (poll.c) */
    struct evtchn_fifo_queues fifo;
};

/* Atomic bit operations on words the guest writes at the same time. */
static inline bool bit_test_and_set64(volatile uint64_t *w, unsigned int bit)
{
    return __atomic_fetch_or(w, 1ull << bit, __ATOMIC_SEQ_CST) & (1ull << bit);
}
static inline bool bit_test_and_clear64(volatile uint64_t *w, unsigned int bit)
{
    return __atomic_fetch_and(w, ~(1ull << bit), __ATOMIC_SEQ_CST) & (1ull << bit);
}
static inline bool bit_test64(const volatile uint64_t *w, unsigned int bit)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST) & (1ull << bit);
}
static inline bool bit_test_and_set32(volatile uint32_t *w, unsigned int bit)
{
    return __atomic_fetch_or(w, 1u << bit, __ATOMIC_SEQ_CST) & (1u << bit);
}
static inline void bit_clear32(volatile uint32_t *w, unsigned int bit)
{
    __atomic_fetch_and(w, ~(1u << bit), __ATOMIC_SEQ_CST);
}
static inline bool bit_test32(const volatile uint32_t *w, unsigned int bit)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST) & (1u << bit);
}

/* Sets the vCPU's evtchn_upcall_pending; returns it to kick if that is new
 * (Xen's vcpu_mark_events_pending). No vcpu_info yet: nothing to signal. */
struct vcpu *evtchn_mark_upcall(struct vcpu *v);

/* ports.c. All with ed->lock held. */
static inline struct evtchn_domain *evd(struct domain *d)
{
    return &d->evtchn;
}
/* The port's slot if it is within the table, else NULL. */
struct evtchn *evtchn_lookup(struct domain *d, evtchn_port_t port);
/* A free port (state still ECS_FREE, vcpu 0, default priority) or a negated
 * Xen errno. May drop and retake the lock to grow the table: *flags. */
long evtchn_get_free(struct domain *d, unsigned long *flags);
/* The same without growing: EVTCHN_NEED_GROW if the table must grow first;
 * then evtchn_grow() (lock NOT held) and try again. */
#define EVTCHN_NEED_GROW    (-100000L)
long evtchn_find_free(struct domain *d);
long evtchn_grow(struct domain *d);
/* Back to free, its pending state cleared. */
void evtchn_release(struct domain *d, evtchn_port_t port);
bool evtchn_port_busy(struct domain *d, evtchn_port_t port);
/* Marks the port pending toward its vCPU; returns the vCPU to kick once
 * the lock is dropped, or NULL. */
struct vcpu *evtchn_raise(struct domain *d, evtchn_port_t port);
/* EVTCHNOP_unmask's work; returns the vCPU to kick or NULL. */
struct vcpu *evtchn_do_unmask(struct domain *d, evtchn_port_t port);
bool evtchn_virq_is_global(unsigned int virq);
void evtchn_kick(struct vcpu *v);

/* Both domains' event locks, in address order (a == b: one). */
unsigned long evtchn_lock_pair(struct domain *a, struct domain *b);
void evtchn_unlock_pair(struct domain *a, struct domain *b, unsigned long flags);

/* Closes port (any state but FREE/RESERVED), taking the peer's lock for an
 * interdomain one. Called with d's lock held (flags as taken); returns with
 * it held. -EAGAIN-like races are retried internally. */
long evtchn_close_port(struct domain *d, evtchn_port_t port, unsigned long *flags,
                       bool by_guest);

/* poll.c: wakes the domain's vCPUs in SCHEDOP_poll (any raise may be the
 * port they wait for; they look again). */
void evtchn_wake_pollers(struct domain *d);

/*
 * What differs between the 2-level and FIFO ABIs, one table per ABI
 * (2level.c, fifo.c); ed->ops names the one the domain uses. It is
 * 2-level from evtchn_domain_init, FIFO from the first successful
 * EVTCHNOP_init_control, 2-level again after EVTCHNOP_reset and at the
 * domain's end (destroy).
 *
 * Switching is safe because ed->ops is only written, and only called
 * through, with ed->lock held: the switch happens inside that lock, and
 * every raise (a vCPU of this domain, a peer domain's send through
 * evtchn_lock_pair, a VIRQ from a timer, the hypervisor's own ports), every
 * unmask, close and poll look takes it first. So no call ever runs on one
 * ABI's state while the other is being set up or torn down, and a port
 * pending under 2-level when FIFO starts is carried over (fifo.c).
 */
struct evtchn_port_ops {
    /* Marks the port pending toward v (chn: its slot); returns the vCPU to
     * kick once the lock is dropped, or NULL. */
    struct vcpu *(*set_pending)(struct domain *d, struct vcpu *v, struct evtchn *chn,
                                evtchn_port_t port);
    /* Clears the port's mask; if it is pending, signals it like a raise. */
    struct vcpu *(*unmask)(struct domain *d, struct vcpu *v, struct evtchn *chn,
                           evtchn_port_t port);
    void (*clear_pending)(struct domain *d, evtchn_port_t port);
    bool (*is_pending)(struct domain *d, evtchn_port_t port);
    /* The port is closed but may not be reused yet (Xen's is_busy). */
    bool (*is_busy)(struct domain *d, evtchn_port_t port);
    /* Drops the ABI's state and sets ed->ops back to 2-level. */
    void (*destroy)(struct domain *d);
};

extern const struct evtchn_port_ops evtchn_2l_ops;
extern const struct evtchn_port_ops evtchn_fifo_ops;

/* fifo.c: the FIFO hypercalls; init_control is what switches to FIFO. */
long evtchn_fifo_init_control(struct vcpu *caller, struct evtchn_init_control *ic);
long evtchn_fifo_expand_array(struct vcpu *caller, const struct evtchn_expand_array *ea);
long evtchn_fifo_set_priority(struct domain *d, const struct evtchn_set_priority *sp);

#endif
