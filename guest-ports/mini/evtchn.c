/* SPDX-License-Identifier: GPL-2.0-only */
/* mini's event-channel helpers (evtchn.h). */
#include <public/xen/hvm/hvm_op.h>
#include <public/xen/hvm/params.h>
#include <public/xen/memory.h>
#include <public/xen/sched.h>
#include "evtchn.h"
#include "hypercall.h"

static uint8_t shared_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
struct shared_info *ev_shared;
volatile unsigned int ev_upcalls;
volatile uint64_t ev_upcall_tsc;
void (*volatile ev_upcall_hook)(void);

long evtchn_op(unsigned int cmd, void *arg)
{
    return HYPERCALL(__HYPERVISOR_event_channel_op, cmd, arg, 0);
}

long evtchn_map_shared_info(void)
{
    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
                                    .gpfn = (uintptr_t)shared_page / PAGE_SIZE };
    long rc = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x, 0);

    if (!rc)
        ev_shared = (struct shared_info *)shared_page;
    return rc;
}

static unsigned int this_vcpu(void)
{
    uint32_t r[4];

    cpuid(0x40000004, 0, r);
    return r[1];
}

static void upcall(unsigned int vector)
{
    (void)vector;
    struct vcpu_info *vi = &ev_shared->vcpu_info[this_vcpu()];

    ev_upcall_tsc = rdtsc();
    ev_upcalls++;
    /* As a guest's handler does first: take the selector; the pending bits
     * stay for the test to look at (and clear). */
    vi->evtchn_upcall_pending = 0;
    __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    if (ev_upcall_hook)
        ev_upcall_hook();
}

long evtchn_callback(bool on)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ };

    if (on) {
        irq_set_handler(EVTCHN_VECTOR, upcall);
        p.value = ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | EVTCHN_VECTOR;
    }
    return HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_set_param, &p, 0);
}

long evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = remote };
    long rc = evtchn_op(EVTCHNOP_alloc_unbound, &a);

    *port = a.port;
    return rc;
}

unsigned int evtchn_alloc_until_refused(unsigned int max, evtchn_port_t *last, long *rc)
{
    evtchn_port_t p;
    unsigned int n = 0;

    *last = 0;
    while ((*rc = evtchn_alloc_unbound(DOMID_SELF, &p)) == 0 && n < max) {
        *last = p;
        n++;
    }
    return n;
}

long evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *port)
{
    struct evtchn_bind_interdomain b = { .remote_dom = remote, .remote_port = remote_port };
    long rc = evtchn_op(EVTCHNOP_bind_interdomain, &b);

    *port = b.local_port;
    return rc;
}

long evtchn_send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };
    return evtchn_op(EVTCHNOP_send, &s);
}

long evtchn_close(evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };
    return evtchn_op(EVTCHNOP_close, &c);
}

long evtchn_status(evtchn_port_t port, struct evtchn_status *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = DOMID_SELF;
    st->port = port;
    return evtchn_op(EVTCHNOP_status, st);
}

bool ev_pending(evtchn_port_t port)
{
    return __atomic_load_n(&ev_shared->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) &
           (1ull << (port % 64));
}

void ev_clear_pending(evtchn_port_t port)
{
    __atomic_fetch_and(&ev_shared->evtchn_pending[port / 64], ~(1ull << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

void ev_set_mask(evtchn_port_t port, bool masked)
{
    if (masked)
        __atomic_fetch_or(&ev_shared->evtchn_mask[port / 64], 1ull << (port % 64),
                          __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&ev_shared->evtchn_mask[port / 64], ~(1ull << (port % 64)),
                           __ATOMIC_SEQ_CST);
}

bool ev_wait(bool (*cond)(void), unsigned long ms)
{
    uint64_t end = rdtsc() + ms * tsc_khz();

    while (!cond()) {
        if (rdtsc() > end)
            return false;
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    }
    return true;
}

evtchn_port_t console_evtchn_port(void)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CONSOLE_EVTCHN };

    return HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_get_param, &p, 0) ? 0 : (evtchn_port_t)p.value;
}
