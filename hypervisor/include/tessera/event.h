/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels (common/event/, docs/event-channels.md): each domain's
 * ports and their delivery to its vCPUs through the 2-level or FIFO ABI
 * (public/xen/event_channel.h).
 *
 * Locking: one lock per domain (struct evtchn_domain.lock, irqsave) covers
 * its port table, its FIFO queues and its ABI state. An interdomain
 * operation takes both domains' locks, in address order. Vcpus are kicked
 * after the locks are dropped. Every entry point may be called from any CPU
 * and from interrupt context, except evtchn_domain_init/destroy.
 */
#ifndef TESSERA_EVENT_H
#define TESSERA_EVENT_H

#include <asm/spinlock.h>
#include <public/xen/event_channel.h>
#include <tessera/types.h>

struct domain;
struct vcpu;
struct evtchn;
struct evtchn_vcpu;
struct evtchn_fifo;
struct evtchn_port_ops;

/* Largest port count per ABI: 2-level is what shared_info's bitmaps hold;
 * FIFO what the ABI's 17-bit links name. evtchn_fifo_port_limit (a multiple
 * of 1024, at most EVTCHN_FIFO_MAX_PORTS) caps domains created after it is
 * set. */
#define EVTCHN_2L_MAX_PORTS     4096u
#define EVTCHN_FIFO_MAX_PORTS   131072u
extern uint32_t evtchn_fifo_port_limit;

/* Embedded in struct domain; lives until the domain is freed, so a peer
 * may always take the lock. Everything it points to goes at teardown. */
struct evtchn_domain {
    spinlock_t lock;
    bool closing;                   /* teardown begun: no new ports */
    bool dead;                      /* tables freed */
    const struct evtchn_port_ops *ops;  /* the ABI in use; changed under lock */
    uint32_t nr_ports;              /* port slots allocated so far */
    uint32_t max_ports;             /* the current ABI's limit */
    uint32_t fifo_max_ports;        /* this domain's FIFO limit */
    struct evtchn **buckets;        /* EVTCHN_BUCKET_PORTS ports each */
    struct evtchn_vcpu *vcpus;      /* [d->nr_vcpus] */
    struct evtchn_fifo *fifo;       /* FIFO ABI only */
};

/* At domain creation, once its vCPUs exist; 0 or -ENOMEM (nothing kept). */
int evtchn_domain_init(struct domain *d);
/* When the domain ends: closes every port (peers' interdomain ports become
 * unbound, as in Xen) and frees the tables. Idempotent. */
void evtchn_domain_destroy(struct domain *d);
/* Ports of the domain in any state but free (port 0 not counted). */
unsigned int evtchn_ports_bound(struct domain *d);

/* The hypercalls (__HYPERVISOR_event_channel_op and its _compat form). */
long do_event_channel_op(struct vcpu *v, uint64_t arg[6]);
long do_event_channel_op_compat(struct vcpu *v, uint64_t arg[6]);

/* SCHEDOP_poll with the guest's ports copied in: returns at once if one is
 * pending, else blocks v until a port of its domain is raised (callers
 * look again: the ABI allows early returns) or, with a timeout (!= 0,
 * absolute system time in ns), until then; a timeout already past returns
 * at once. */
long evtchn_poll(struct vcpu *v, const evtchn_port_t *ports, unsigned int nr, uint64_t timeout);
/* The poll timer's end (vcpu_timer.c): wakes v if it still polls. */
void evtchn_poll_timed_out(struct vcpu *v);
#define EVTCHN_POLL_MAX_PORTS   128

/* Raises the port bound to virq on v (per-vCPU VIRQs such as VIRQ_TIMER),
 * or for a global VIRQ on d, on the vCPU it is bound to. Nothing happens if
 * the guest has not bound it. */
void evtchn_send_virq(struct vcpu *v, unsigned int virq);
void evtchn_send_global_virq(struct domain *d, unsigned int virq);

/*
 * Ports whose other end is the hypervisor (a backend in the hypervisor, the
 * console say). The guest sees an interdomain port to `remote` (port 0) and
 * may move it with EVTCHNOP_bind_vcpu but not close it; its sends call
 * fn(d, port, data) on the sending CPU, without any event lock held (fn may
 * call evtchn_notify_guest). fn may still run once after
 * evtchn_free_xen_bound() returns: data must stay valid until the domain is
 * freed. evtchn_notify_guest() raises the port toward the guest.
 * Return 0 or a negative errno (-ENOSPC full, -ESRCH domain ending,
 * -EINVAL not such a port).
 */
/* A port of d waiting for remote to bind it (EVTCHNOP_alloc_unbound made
 * by the hypervisor), e.g. a ring another domain serves. 0 or -ENOSPC,
 * -ENOMEM, -ESRCH (d ending). */
int evtchn_alloc_unbound_port(struct domain *d, domid_t remote, evtchn_port_t *out);

typedef void (*evtchn_xen_fn)(struct domain *d, evtchn_port_t port, void *data);
int evtchn_alloc_xen_bound(struct domain *d, domid_t remote, evtchn_xen_fn fn, void *data,
                           evtchn_port_t *out);
int evtchn_free_xen_bound(struct domain *d, evtchn_port_t port);
/* A port of d in ECS_UNBOUND state that remote may bind (as alloc_unbound
 * by the toolstack would make it); 0 or a negative errno as above. */
int evtchn_alloc_unbound(struct domain *d, domid_t remote, evtchn_port_t *out);
int evtchn_notify_guest(struct domain *d, evtchn_port_t port);

#endif
