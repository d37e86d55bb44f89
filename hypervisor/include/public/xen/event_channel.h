/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels (Xen's public/event_channel.h and the VIRQ numbers of
 * public/xen.h): a guest's ports, bound to another domain's port, a virtual
 * IRQ, an IPI between its own vCPUs, or the hypervisor. Two ABIs report
 * pending ports: the 2-level bitmaps in shared_info, and FIFO queues in
 * guest pages registered with EVTCHNOP_init_control/expand_array.
 */
#ifndef PUBLIC_XEN_EVENT_CHANNEL_H
#define PUBLIC_XEN_EVENT_CHANNEL_H

#include <stdint.h>
#include <public/xen/xen.h>

/* Virtual IRQs. Per-vCPU ones are bound on, and raised for, one vCPU; the
 * others are bound on vCPU 0 and may be moved with EVTCHNOP_bind_vcpu. */
#define VIRQ_TIMER      0       /* per vCPU: its timer fired */
#define VIRQ_DEBUG      1       /* per vCPU */
#define VIRQ_CONSOLE    2
#define VIRQ_DOM_EXC    3
#define VIRQ_TBUF       4
#define VIRQ_DEBUGGER   6
#define VIRQ_XENOPROF   7       /* per vCPU */
#define VIRQ_CON_RING   8
#define VIRQ_PCPU_STATE 9
#define VIRQ_MEM_EVENT  10
#define VIRQ_ARGO       11
#define VIRQ_ENOMEM     12
#define VIRQ_XENPMU     13      /* per vCPU */
#define VIRQ_ARCH_0     16
#define VIRQ_ARCH_1     17
#define VIRQ_ARCH_2     18
#define VIRQ_ARCH_3     19
#define VIRQ_ARCH_4     20
#define VIRQ_ARCH_5     21
#define VIRQ_ARCH_6     22
#define VIRQ_ARCH_7     23
#define NR_VIRQS        24

/* event_channel_op(cmd, struct *) commands. */
#define EVTCHNOP_bind_interdomain   0
#define EVTCHNOP_bind_virq          1
#define EVTCHNOP_bind_pirq          2
#define EVTCHNOP_close              3
#define EVTCHNOP_send               4
#define EVTCHNOP_status             5
#define EVTCHNOP_alloc_unbound      6
#define EVTCHNOP_bind_ipi           7
#define EVTCHNOP_bind_vcpu          8
#define EVTCHNOP_unmask             9
#define EVTCHNOP_reset              10
#define EVTCHNOP_init_control       11
#define EVTCHNOP_expand_array       12
#define EVTCHNOP_set_priority       13
#define EVTCHNOP_reset_cont         14

typedef uint32_t evtchn_port_t;

/* A new port of `dom` that `remote_dom` may bind to; port is the output. */
struct evtchn_alloc_unbound {
    domid_t dom, remote_dom;
    evtchn_port_t port;
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;

/* Connects a new local port to remote_dom's unbound port remote_port. */
struct evtchn_bind_interdomain {
    domid_t remote_dom;
    evtchn_port_t remote_port;
    evtchn_port_t local_port;           /* out */
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;

struct evtchn_bind_virq {
    uint32_t virq;
    uint32_t vcpu;
    evtchn_port_t port;                 /* out */
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;

#define BIND_PIRQ__WILL_SHARE 1
struct evtchn_bind_pirq {
    uint32_t pirq;
    uint32_t flags;
    evtchn_port_t port;                 /* out */
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;

struct evtchn_bind_ipi {
    uint32_t vcpu;
    evtchn_port_t port;                 /* out */
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;

struct evtchn_close {
    evtchn_port_t port;
};
typedef struct evtchn_close evtchn_close_t;

struct evtchn_send {
    evtchn_port_t port;
};
typedef struct evtchn_send evtchn_send_t;

#define EVTCHNSTAT_closed       0
#define EVTCHNSTAT_unbound      1
#define EVTCHNSTAT_interdomain  2
#define EVTCHNSTAT_pirq         3
#define EVTCHNSTAT_virq         4
#define EVTCHNSTAT_ipi          5

struct evtchn_status {
    domid_t dom;
    evtchn_port_t port;
    uint32_t status;                    /* out: EVTCHNSTAT_* */
    uint32_t vcpu;                      /* out: the vCPU it notifies */
    union {
        struct {
            domid_t dom;
        } unbound;
        struct {
            domid_t dom;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};
typedef struct evtchn_status evtchn_status_t;

struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t vcpu;
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;

struct evtchn_unmask {
    evtchn_port_t port;
};
typedef struct evtchn_unmask evtchn_unmask_t;

struct evtchn_reset {
    domid_t dom;
};
typedef struct evtchn_reset evtchn_reset_t;

/* FIFO ABI: vcpu's control block at byte offset (8-aligned) of control_gfn. */
struct evtchn_init_control {
    uint64_t control_gfn;
    uint32_t offset;
    uint32_t vcpu;
    uint8_t link_bits;                  /* out */
    uint8_t _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;

/* FIFO ABI: one more page of event words (the domain's array grows by one). */
struct evtchn_expand_array {
    uint64_t array_gfn;
};
typedef struct evtchn_expand_array evtchn_expand_array_t;

struct evtchn_set_priority {
    evtchn_port_t port;
    uint32_t priority;
};
typedef struct evtchn_set_priority evtchn_set_priority_t;

/* The old single-argument form (__HYPERVISOR_event_channel_op_compat). */
struct evtchn_op {
    uint32_t cmd;
    union {
        evtchn_alloc_unbound_t alloc_unbound;
        evtchn_bind_interdomain_t bind_interdomain;
        evtchn_bind_virq_t bind_virq;
        evtchn_bind_pirq_t bind_pirq;
        evtchn_bind_ipi_t bind_ipi;
        evtchn_close_t close;
        evtchn_send_t send;
        evtchn_status_t status;
        evtchn_bind_vcpu_t bind_vcpu;
        evtchn_unmask_t unmask;
    } u;
};
typedef struct evtchn_op evtchn_op_t;

/* 2-level ABI: one pending and one mask bit per port in shared_info. */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/* FIFO ABI. Each port has a 32-bit event word in the event array. */
#define EVTCHN_FIFO_PRIORITY_MAX        0
#define EVTCHN_FIFO_PRIORITY_DEFAULT    7
#define EVTCHN_FIFO_PRIORITY_MIN        15
#define EVTCHN_FIFO_MAX_QUEUES          (EVTCHN_FIFO_PRIORITY_MIN + 1)

typedef uint32_t event_word_t;

#define EVTCHN_FIFO_PENDING     31
#define EVTCHN_FIFO_MASKED      30
#define EVTCHN_FIFO_LINKED      29
#define EVTCHN_FIFO_BUSY        28      /* the hypervisor is linking onto it */

#define EVTCHN_FIFO_LINK_BITS   17
#define EVTCHN_FIFO_LINK_MASK   ((1 << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS (1 << EVTCHN_FIFO_LINK_BITS)

/* Per vCPU: which queues are non-empty (bit per priority) and their heads. */
struct evtchn_fifo_control_block {
    uint32_t ready;
    uint32_t _rsvd;
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};
typedef struct evtchn_fifo_control_block evtchn_fifo_control_block_t;

#endif
