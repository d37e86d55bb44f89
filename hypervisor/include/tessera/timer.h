/* SPDX-License-Identifier: GPL-2.0-only */
/* One-shot software timers, each owned by one CPU and run there in
 * interrupt context, on top of that CPU's LAPIC timer. */
#ifndef TESSERA_TIMER_H
#define TESSERA_TIMER_H

#include <tessera/types.h>

struct timer {
    struct timer *next;
    uint64_t expires_ns;            /* absolute, in time_now_ns() terms */
    void (*fn)(void *data);
    void *data;
    unsigned int cpu;
    bool queued;
};

void timer_init(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu);
void timer_set(struct timer *t, uint64_t expires_ns);
void timer_stop(struct timer *t);
/* timer_stop, and returns only once t's function is not running on its CPU
 * either: then t's data may be freed or t re-initialised. Not from t's own
 * function. */
void timer_kill(struct timer *t);
void timer_interrupt(void);         /* called by arch on its timer vector */
/* Programs this CPU's timer hardware again for the head of its queue (a
 * head already due fires at once). Interrupts off; see run.c's idle halt. */
void timer_rearm_local(void);
void timers_cpu_init(unsigned int cpu);

/* Waits until *flag is true or timeout_ns passes; returns *flag. Halts between
 * checks (every 20 us) rather than spinning, so that on emulators that run
 * virtual CPUs in turn, the CPU being waited for gets to run. Needs
 * interrupts and this CPU's timer working. */
bool wait_for_flag(const volatile bool *flag, uint64_t timeout_ns);

#endif
