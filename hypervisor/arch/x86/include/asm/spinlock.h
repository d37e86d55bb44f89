/* SPDX-License-Identifier: GPL-2.0-only */
/* Ticket spinlocks: FIFO fairness so no CPU starves under contention. */
#ifndef ASM_SPINLOCK_H
#define ASM_SPINLOCK_H

#include <asm/processor.h>

typedef struct {
    volatile uint16_t head;     /* ticket being served */
    volatile uint16_t tail;     /* next ticket to hand out */
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(spinlock_t *l)
{
    uint16_t me = __atomic_fetch_add(&l->tail, 1, __ATOMIC_ACQUIRE);
    while (__atomic_load_n(&l->head, __ATOMIC_ACQUIRE) != me)
        cpu_relax();
}

static inline bool spin_trylock(spinlock_t *l)
{
    uint16_t head = __atomic_load_n(&l->head, __ATOMIC_RELAXED);
    uint16_t expect = head;
    /* Only take a ticket if it would be served at once. */
    return __atomic_compare_exchange_n(&l->tail, &expect, (uint16_t)(head + 1), false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->head, (uint16_t)(l->head + 1), __ATOMIC_RELEASE);
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
    unsigned long f = local_irq_save();
    spin_lock(l);
    return f;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long f)
{
    spin_unlock(l);
    local_irq_restore(f);
}

/* An irqsave lock taken and released by different functions (a subsystem's
 * lock()/unlock()): the holder's saved flags live beside the lock, and only
 * the holder touches them. */
typedef struct {
    spinlock_t lock;
    unsigned long flags;
} irqsave_lock_t;

#define IRQSAVE_LOCK_INIT { SPINLOCK_INIT, 0 }

static inline void irqsave_lock(irqsave_lock_t *l)
{
    unsigned long flags = spin_lock_irqsave(&l->lock);
    l->flags = flags;
}

static inline void irqsave_unlock(irqsave_lock_t *l)
{
    spin_unlock_irqrestore(&l->lock, l->flags);
}

#endif
