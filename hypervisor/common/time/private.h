/* SPDX-License-Identifier: GPL-2.0-only */
/* Between pv_time.c and vcpu_timer.c. */
#ifndef COMMON_TIME_PRIVATE_H
#define COMMON_TIME_PRIVATE_H

struct vcpu;

/* Moves v's timers to cpu (and catches up its periodic timer). Caller holds
 * v->pvtime.lock. */
void pv_timers_follow_locked(struct vcpu *v, unsigned int cpu);

#endif
