/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SCHEDOP_poll (public/sched.h): a vCPU sleeps until one of some ports is
 * pending, masked or not; Linux's PV spinlocks wait this way on a masked
 * port. Any raise in the domain wakes its pollers, which look again.
 *
 * No wake-up can be lost: the poller marks itself polling, blocks (the
 * unit is marked blocked first, then v->blocked), then looks at its ports
 * once more under the lock; a raise sets the pending bit and then, under
 * the same lock, kicks every polling vCPU (vcpu_kick wakes it if blocked).
 * Whichever comes second sees the other. A raise on some other port that
 * lands before the poller has blocked clears its polling flag without
 * waking it; the poller finds the flag clear and does not sleep (a
 * spurious return, which callers allow), since no later raise would kick
 * it.
 *
 * A timeout (absolute system time) arms the vCPU's poll timer
 * (vcpu_timer.c), which clears the polling flag and kicks like a raise.
 * Each poll first stops a timer left armed by an earlier one that ended
 * sooner, so it cannot cut a later poll short.
 */
#include <public/xen/errno.h>
#include <tessera/arch.h>
#include <tessera/pv_time.h>
#include <tessera/time.h>
#include "private.h"

static long any_pending(struct domain *d, const evtchn_port_t *ports, unsigned int nr)
{
    for (unsigned int i = 0; i < nr; i++) {
        if (!evtchn_lookup(d, ports[i]))
            return -XEN_EINVAL;
        if (evd(d)->ops->is_pending(d, ports[i]))
            return 1;
    }
    return 0;
}

void evtchn_wake_pollers(struct domain *d)
{
    struct evtchn_domain *ed = evd(d);

    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        if (ed->vcpus[i].polling) {
            ed->vcpus[i].polling = false;
            vcpu_kick(d->vcpus[i]);
        }
}

void evtchn_poll_timed_out(struct vcpu *v)
{
    struct evtchn_domain *ed = evd(v->domain);
    unsigned long flags = spin_lock_irqsave(&ed->lock);

    if (!ed->dead && ed->vcpus[v->id].polling) {
        ed->vcpus[v->id].polling = false;
        vcpu_kick(v);
    }
    spin_unlock_irqrestore(&ed->lock, flags);
}

long evtchn_poll(struct vcpu *v, const evtchn_port_t *ports, unsigned int nr, uint64_t timeout)
{
    struct domain *d = v->domain;
    struct evtchn_domain *ed = evd(d);

    pv_poll_timer_stop(v);
    unsigned long flags = spin_lock_irqsave(&ed->lock);
    long rc = ed->dead ? -XEN_ESRCH : any_pending(d, ports, nr);

    if (rc || (timeout && timeout <= time_now_ns())) {
        spin_unlock_irqrestore(&ed->lock, flags);
        return rc < 0 ? rc : 0;
    }
    ed->vcpus[v->id].polling = true;
    spin_unlock_irqrestore(&ed->lock, flags);

    if (timeout)
        pv_poll_timer_set(v, timeout);
    vcpu_block_poll(v);

    flags = spin_lock_irqsave(&ed->lock);
    if (ed->dead || !ed->vcpus[v->id].polling || any_pending(d, ports, nr)) {
        if (!ed->dead)
            ed->vcpus[v->id].polling = false;
        vcpu_wake(v);
    }
    spin_unlock_irqrestore(&ed->lock, flags);
    return 0;
}
