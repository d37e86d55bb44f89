/* SPDX-License-Identifier: GPL-2.0-only */
/* sched_op (public/sched.h): yield, block, poll, and shutdown with its reasons. */
#include <public/xen/errno.h>
#include <public/xen/sched.h>
#include <public/xen/xen.h>
#include <tessera/domain.h>
#include <tessera/event.h>
#include <tessera/guest_mem.h>
#include <tessera/hypercall.h>

/* Xen refuses more than 128 ports, as here. */
static long sched_poll(struct vcpu *v, uint64_t arg)
{
    evtchn_port_t ports[EVTCHN_POLL_MAX_PORTS];
    struct sched_poll p;

    if (copy_from_guest_obj(v, &p, arg))
        return -XEN_EFAULT;
    if (p.nr_ports > EVTCHN_POLL_MAX_PORTS)
        return -XEN_EINVAL;
    if (copy_from_guest_array(v, ports, p.ports.p, p.nr_ports))
        return -XEN_EFAULT;
    return evtchn_poll(v, ports, p.nr_ports, p.timeout);
}

long do_sched_op(struct vcpu *v, uint64_t arg[6])
{
    struct sched_shutdown sd;

    switch (arg[0]) {
    case SCHEDOP_yield:
        vcpu_yield(v);
        return 0;
    case SCHEDOP_block:
        /* Enables event delivery, then sleeps until an interrupt source
         * is pending (public/sched.h), at once if one already is. */
        if (v->vcpu_info)
            __atomic_store_n(&v->vcpu_info->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
        vcpu_block(v);
        return 0;
    case SCHEDOP_poll:
        return sched_poll(v, arg[1]);
    case SCHEDOP_shutdown:
        if (copy_from_guest_obj(v, &sd, arg[1]))
            return -XEN_EFAULT;
        switch (sd.reason) {
        case SHUTDOWN_poweroff:
        case SHUTDOWN_reboot:
        case SHUTDOWN_suspend:
        case SHUTDOWN_crash:
        case SHUTDOWN_watchdog:
            domain_shutdown(v->domain, (enum domain_end)sd.reason);
            return 0;
        case SHUTDOWN_soft_reset:
            return -XEN_EOPNOTSUPP;
        }
        return -XEN_EINVAL;
    }
    return -XEN_ENOSYS;
}
