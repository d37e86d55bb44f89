/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU timer queues: a list sorted by expiry, so the hardware is always
 * programmed for the head. A timer may be set from any CPU; if it becomes the
 * new head of another CPU's queue, that CPU is kicked to reprogram.
 */
#include <asm/spinlock.h>
#include <tessera/arch.h>
#include <tessera/lib.h>
#include <tessera/time.h>
#include <tessera/timer.h>

#define TIMER_MAX_CPUS 256

struct timer_queue {
    spinlock_t lock;
    struct timer *head;
    struct timer *running;          /* whose function runs now, for timer_kill */
};

static struct timer_queue queues[TIMER_MAX_CPUS];

void timers_cpu_init(unsigned int cpu)
{
    BUG_ON(cpu >= TIMER_MAX_CPUS);
    queues[cpu] = (struct timer_queue){ .lock = SPINLOCK_INIT };
}

void timer_init(struct timer *t, void (*fn)(void *), void *data, unsigned int cpu)
{
    BUG_ON(cpu >= TIMER_MAX_CPUS);
    *t = (struct timer){ .fn = fn, .data = data, .cpu = cpu };
}

/* Caller holds the queue lock. Returns true if t was the head. */
static bool unlink(struct timer_queue *q, struct timer *t)
{
    bool was_head = q->head == t;

    for (struct timer **pp = &q->head; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->next = NULL;
    t->queued = false;
    return was_head;
}

static void reprogram(const struct timer_queue *q, unsigned int cpu)
{
    if (cpu == arch_cpu_id())
        arch_timer_program(q->head ? MAX(q->head->expires_ns, 1ULL) : 0);
    else
        arch_cpu_kick(cpu);
}

void timer_set(struct timer *t, uint64_t expires_ns)
{
    struct timer_queue *q = &queues[t->cpu];
    unsigned long flags = arch_irq_save();

    spin_lock(&q->lock);
    if (t->queued)
        unlink(q, t);
    t->expires_ns = expires_ns;
    struct timer **pp = &q->head;
    while (*pp && (*pp)->expires_ns <= expires_ns)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
    t->queued = true;
    bool new_head = q->head == t;
    spin_unlock(&q->lock);
    if (new_head)
        reprogram(q, t->cpu);
    arch_irq_restore(flags);
}

void timer_stop(struct timer *t)
{
    struct timer_queue *q = &queues[t->cpu];
    unsigned long flags = arch_irq_save();

    spin_lock(&q->lock);
    if (t->queued)
        unlink(q, t);
    spin_unlock(&q->lock);
    arch_irq_restore(flags);
}

void timer_kill(struct timer *t)
{
    struct timer_queue *q = &queues[t->cpu];

    for (;;) {
        unsigned long flags = arch_irq_save();
        spin_lock(&q->lock);
        if (t->queued)
            unlink(q, t);
        bool running = q->running == t;
        spin_unlock(&q->lock);
        arch_irq_restore(flags);
        if (!running)
            return;
        /* Its function runs on t->cpu (and may re-arm it): wait, then
         * unlink again. */
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
}

/* Runs every expired timer of this CPU, then arms the hardware for the next. */
void timer_interrupt(void)
{
    unsigned int cpu = arch_cpu_id();
    struct timer_queue *q = &queues[cpu];

    spin_lock(&q->lock);
    while (q->head && q->head->expires_ns <= time_now_ns()) {
        struct timer *t = q->head;
        unlink(q, t);
        q->running = t;
        spin_unlock(&q->lock);
        t->fn(t->data);         /* may re-arm t */
        spin_lock(&q->lock);
        q->running = NULL;
    }
    arch_timer_program(q->head ? q->head->expires_ns : 0);
    spin_unlock(&q->lock);
}

void timer_rearm_local(void)
{
    struct timer_queue *q = &queues[arch_cpu_id()];

    spin_lock(&q->lock);
    arch_timer_program(q->head ? MAX(q->head->expires_ns, 1ULL) : 0);
    spin_unlock(&q->lock);
}

static void poll_tick(void *data)
{
}

bool wait_for_flag(const volatile bool *flag, uint64_t timeout_ns)
{
    struct timer tick;
    uint64_t end = time_now_ns() + timeout_ns;

    timer_init(&tick, poll_tick, NULL, arch_cpu_id());
    while (!*flag) {
        uint64_t now = time_now_ns();
        if (now >= end)
            break;
        /* Interrupts off until the halt: sti;hlt then cannot miss the tick. */
        arch_irq_save();
        timer_set(&tick, MIN(end, now + 20 * NSEC_PER_USEC));
        arch_halt_enable_irq();
    }
    timer_stop(&tick);
    return *flag;
}
