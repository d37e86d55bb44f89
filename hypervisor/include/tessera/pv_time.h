/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PV time for Xen-ABI guests: each vCPU's vcpu_time_info (system time and
 * the TSC scale), the domain's wall clock in shared_info, and the vCPU
 * timers of vcpu_op and set_timer_op, which raise VIRQ_TIMER.
 */
#ifndef TESSERA_PV_TIME_H
#define TESSERA_PV_TIME_H

#include <asm/spinlock.h>
#include <tessera/timer.h>
#include <tessera/types.h>

struct vcpu;
struct domain;

/* Per-vCPU state, embedded in struct vcpu (zeroed at creation). */
struct pv_time_vcpu {
    spinlock_t lock;
    uint32_t version;               /* ours; the guest's copy is not trusted */
    bool wallclock_done;            /* vCPU 0: shared_info's wc_* written */
    bool timers_ready;              /* timer_init done */
    bool dead;                      /* domain ending: never arm again */
    bool singleshot_armed;
    uint64_t singleshot_at;         /* system time (ns) */
    uint64_t period_ns;             /* 0: periodic timer off */
    uint64_t periodic_last;         /* when it last fired */
    bool poll_armed;                /* a SCHEDOP_poll timeout */
    uint64_t poll_at;               /* system time (ns) */
    struct timer singleshot, periodic, poll;
    uint64_t nr_timer_events;
};

/* After the TSC is calibrated (arch setup): the scale, and whether guests
 * may be told the TSC is stable (invariant and one time base for every
 * CPU, which the hypervisor's own clock already assumes). */
void pv_time_init(bool tsc_invariant);

/* The run loop calls this each time it picks v, on the CPU it will run v
 * on: refreshes v's vcpu_time_info (and, the first time for vCPU 0, the
 * wall clock) and moves v's timers to this CPU. */
void pv_time_update(struct vcpu *v);
/* Refreshes v's vcpu_time_info only (from any CPU). */
void pv_time_publish(struct vcpu *v);

/* vcpu_op's timer commands for target t (v is the caller). */
long pv_timer_vcpu_op(struct vcpu *v, struct vcpu *t, uint64_t cmd, uint64_t arg);
/* __HYPERVISOR_set_timer_op. */
long do_set_timer_op(struct vcpu *v, uint64_t arg[6]);

/* SCHEDOP_poll's timeout for v, the caller: at `at` (system time, ns)
 * evtchn_poll_timed_out(v) runs unless pv_poll_timer_stop(v) came first. */
void pv_poll_timer_set(struct vcpu *v, uint64_t at);
void pv_poll_timer_stop(struct vcpu *v);

/* From domain_shutdown(): stops d's vCPU timers for good. */
void pv_time_domain_shutdown(struct domain *d);

/* The hypervisor's system time as the guest sees it (ns since boot). */
uint64_t pv_time_now(void);

#endif
