/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vCPU timers (public/vcpu.h VCPUOP_*_timer, public/xen.h
 * set_timer_op): a singleshot and a periodic timer per vCPU, each raising
 * VIRQ_TIMER on it; and the timeout of a SCHEDOP_poll, which ends the
 * poll. They are hypervisor timers (timer.c) queued on the CPU
 * the vCPU last ran on, and follow it when it is picked elsewhere
 * (pv_time_update).
 *
 * Xen's rules, kept: a periodic period below 1 ms or above 2^62 ns is
 * -EINVAL; set_periodic fires at once if a period has passed since it
 * last fired; the singleshot timer is the caller's own only (-EINVAL for
 * another vCPU), a past deadline fires at once, or is -ETIME with
 * VCPU_SSHOTTMR_future; set_timer_op(0) stops it, and a deadline that is
 * negative or more than 2^50 ns away becomes 100 ms from now (Linux's old
 * jiffies wrap, Xen's common/sched/core.c).
 *
 * Races: a timer function may be running on the old CPU while the timer is
 * being moved or re-armed. Every function therefore takes the vCPU's lock
 * and re-checks the state (armed, due, domain alive) before acting, so a
 * stale run does nothing. Once the domain is shutting down, `dead` stops
 * every re-arm; a function already running finishes inside its interrupt,
 * before its CPU's next quiescent point, so before the vCPU is freed.
 */
#include <public/xen/errno.h>
#include <public/xen/vcpu.h>
#include <public/xen/xen.h>
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/event.h>
#include <tessera/guest_mem.h>
#include <tessera/lib.h>
#include <tessera/pv_time.h>
#include <tessera/time.h>
#include "private.h"

#define PERIOD_MIN_NS       NSEC_PER_MSEC
#define PERIOD_MAX_NS       (~0ull >> 2)        /* Xen's STIME_DELTA_MAX */
#define HUGE_TIMEOUT_NS     (1ull << 50)
#define HUGE_TIMEOUT_NEW_NS (100 * NSEC_PER_MSEC)

static void fire(struct vcpu *v)
{
    v->pvtime.nr_timer_events++;
    pv_time_publish(v);
    /* A vCPU that is not up takes no interrupt; Xen leaves such a VIRQ
     * pending, and so would the event code, but it must not be woken. */
    if (v->up && v->domain->state == DOM_RUNNING)
        evtchn_send_virq(v, VIRQ_TIMER);
}

/* A one-off timer's function: true (once) if it is armed and due, both
 * read under the lock; it is disarmed, and a copy a move may have queued
 * elsewhere is stopped. */
static bool take_if_due(struct pv_time_vcpu *p, bool *armed, const uint64_t *at,
                        struct timer *t)
{
    bool due = false;
    unsigned long flags = spin_lock_irqsave(&p->lock);

    if (!p->dead && *armed && time_now_ns() >= *at) {
        *armed = false;
        timer_stop(t);
        due = true;
    }
    spin_unlock_irqrestore(&p->lock, flags);
    return due;
}

static void singleshot_fn(void *data)
{
    struct vcpu *v = data;
    struct pv_time_vcpu *p = &v->pvtime;

    if (take_if_due(p, &p->singleshot_armed, &p->singleshot_at, &p->singleshot))
        fire(v);
}

/* Fires if a period has passed and re-arms for the next. Lock held. */
static bool periodic_work_locked(struct pv_time_vcpu *p)
{
    uint64_t now = time_now_ns(), next = p->periodic_last + p->period_ns;
    bool due = now >= next;

    if (due) {
        p->periodic_last = now;
        next = now + p->period_ns;
    }
    timer_set(&p->periodic, next);
    return due;
}

static void periodic_fn(void *data)
{
    struct vcpu *v = data;
    struct pv_time_vcpu *p = &v->pvtime;
    bool send = false;
    unsigned long flags = spin_lock_irqsave(&p->lock);

    if (!p->dead && p->period_ns)
        send = periodic_work_locked(p);
    spin_unlock_irqrestore(&p->lock, flags);
    if (send)
        fire(v);
}

static void poll_fn(void *data)
{
    struct vcpu *v = data;
    struct pv_time_vcpu *p = &v->pvtime;

    if (take_if_due(p, &p->poll_armed, &p->poll_at, &p->poll))
        evtchn_poll_timed_out(v);
}

static void ensure_ready_locked(struct vcpu *v, unsigned int cpu)
{
    struct pv_time_vcpu *p = &v->pvtime;

    if (p->timers_ready)
        return;
    timer_init(&p->singleshot, singleshot_fn, v, cpu);
    timer_init(&p->periodic, periodic_fn, v, cpu);
    timer_init(&p->poll, poll_fn, v, cpu);
    p->timers_ready = true;
}

void pv_timers_follow_locked(struct vcpu *v, unsigned int cpu)
{
    struct pv_time_vcpu *p = &v->pvtime;

    if (!p->timers_ready || p->dead || p->singleshot.cpu == cpu)
        return;
    timer_stop(&p->singleshot);
    timer_stop(&p->periodic);
    timer_stop(&p->poll);
    p->singleshot.cpu = cpu;
    p->periodic.cpu = cpu;
    p->poll.cpu = cpu;
    if (p->singleshot_armed)
        timer_set(&p->singleshot, p->singleshot_at);
    if (p->poll_armed)
        timer_set(&p->poll, p->poll_at);
    if (p->period_ns)
        timer_set(&p->periodic, p->periodic_last + p->period_ns);
}

/* Arms a one-off timer of the calling vCPU, on this CPU. Lock held. */
static void arm_locked(struct vcpu *v, bool *armed, uint64_t *at_field, struct timer *t,
                       uint64_t at)
{
    unsigned int cpu = arch_cpu_id();

    ensure_ready_locked(v, cpu);
    pv_timers_follow_locked(v, cpu);
    *armed = true;
    *at_field = at;
    /* A past deadline: the timer is due at once and fires from this
     * CPU's timer interrupt. */
    timer_set(t, at);
}

/* Arms (at != 0) or stops the singleshot timer of the calling vCPU. */
static long set_singleshot(struct vcpu *v, bool arm, uint64_t at)
{
    struct pv_time_vcpu *p = &v->pvtime;
    unsigned long flags = spin_lock_irqsave(&p->lock);

    /* Linux BUG()s on an error here, so a domain that is ending (dead)
     * gets 0 and no timer: none of its vCPUs will run again. */
    if (!arm || p->dead) {
        p->singleshot_armed = false;
        if (p->timers_ready)
            timer_stop(&p->singleshot);
    } else {
        arm_locked(v, &p->singleshot_armed, &p->singleshot_at, &p->singleshot, at);
    }
    spin_unlock_irqrestore(&p->lock, flags);
    return 0;
}

void pv_poll_timer_set(struct vcpu *v, uint64_t at)
{
    struct pv_time_vcpu *p = &v->pvtime;
    unsigned long flags = spin_lock_irqsave(&p->lock);

    if (!p->dead)
        arm_locked(v, &p->poll_armed, &p->poll_at, &p->poll, at);
    spin_unlock_irqrestore(&p->lock, flags);
}

void pv_poll_timer_stop(struct vcpu *v)
{
    struct pv_time_vcpu *p = &v->pvtime;

    /* Only the vCPU itself arms it: a clear flag read here stays clear. */
    if (!__atomic_load_n(&p->poll_armed, __ATOMIC_RELAXED))
        return;
    unsigned long flags = spin_lock_irqsave(&p->lock);

    p->poll_armed = false;
    if (p->timers_ready)
        timer_stop(&p->poll);
    spin_unlock_irqrestore(&p->lock, flags);
}

static long set_periodic(struct vcpu *v, struct vcpu *t, uint64_t period)
{
    struct pv_time_vcpu *p = &t->pvtime;
    unsigned long flags = spin_lock_irqsave(&p->lock);
    bool send = false;

    if (p->dead) {
        spin_unlock_irqrestore(&p->lock, flags);
        return 0;
    }
    if (p->timers_ready)
        timer_stop(&p->periodic);
    p->period_ns = period;
    if (period) {
        /* Queued here until t is next picked (it may never have run). */
        ensure_ready_locked(t, p->timers_ready ? p->singleshot.cpu : arch_cpu_id());
        send = periodic_work_locked(p);
    }
    spin_unlock_irqrestore(&p->lock, flags);
    if (send)
        fire(t);
    return 0;
}

long pv_timer_vcpu_op(struct vcpu *v, struct vcpu *t, uint64_t cmd, uint64_t arg)
{
    struct vcpu_set_singleshot_timer ss;
    struct vcpu_set_periodic_timer pt;

    switch (cmd) {
    case VCPUOP_set_periodic_timer:
        if (copy_from_guest_obj(v, &pt, arg))
            return -XEN_EFAULT;
        if (pt.period_ns < PERIOD_MIN_NS || pt.period_ns > PERIOD_MAX_NS)
            return -XEN_EINVAL;
        return set_periodic(v, t, pt.period_ns);
    case VCPUOP_stop_periodic_timer:
        return set_periodic(v, t, 0);
    case VCPUOP_set_singleshot_timer:
        if (t != v)
            return -XEN_EINVAL;
        if (copy_from_guest_obj(v, &ss, arg))
            return -XEN_EFAULT;
        if ((ss.flags & VCPU_SSHOTTMR_future) && ss.timeout_abs_ns < time_now_ns())
            return -XEN_ETIME;
        return set_singleshot(v, true, ss.timeout_abs_ns);
    case VCPUOP_stop_singleshot_timer:
        if (t != v)
            return -XEN_EINVAL;
        return set_singleshot(v, false, 0);
    }
    return -XEN_ENOSYS;
}

long do_set_timer_op(struct vcpu *v, uint64_t arg[6])
{
    uint64_t timeout = arg[0];
    uint64_t now = time_now_ns();

    /* From 32-bit code the 64-bit time comes as two halves, low first. */
    if (v->hypercall_compat)
        timeout = (uint32_t)arg[0] | ((uint64_t)(uint32_t)arg[1] << 32);
    if (timeout == 0)
        return set_singleshot(v, false, 0);
    if ((int64_t)timeout < 0 || (timeout > now && timeout - now > HUGE_TIMEOUT_NS))
        timeout = now + HUGE_TIMEOUT_NEW_NS;
    return set_singleshot(v, true, timeout);
}

void pv_time_domain_shutdown(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct pv_time_vcpu *p = &d->vcpus[i]->pvtime;
        unsigned long flags = spin_lock_irqsave(&p->lock);

        p->dead = true;
        p->singleshot_armed = false;
        p->poll_armed = false;
        p->period_ns = 0;
        if (p->timers_ready) {
            timer_stop(&p->singleshot);
            timer_stop(&p->periodic);
            timer_stop(&p->poll);
        }
        spin_unlock_irqrestore(&p->lock, flags);
    }
}
