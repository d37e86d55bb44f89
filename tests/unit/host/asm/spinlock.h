/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host stand-in for the hypervisor's asm/spinlock.h: -Itests/unit/host comes
 * first, so hypervisor files compiled for the unit tests get this one. The
 * tests run on one thread at CPL 3, where the ticket lock's cli/sti would
 * fault; instead each lock records whether it is held and panics on what
 * would deadlock or corrupt the real lock: taking it twice, releasing it
 * unheld.
 */
#ifndef ASM_SPINLOCK_H
#define ASM_SPINLOCK_H

#include <tessera/lib.h>

typedef struct {
    bool held;
} spinlock_t;

#define SPINLOCK_INIT { false }

static inline void spin_lock(spinlock_t *l)
{
    if (l->held)
        panic("host spinlock %p taken while held (deadlock)", (void *)l);
    l->held = true;
}

static inline bool spin_trylock(spinlock_t *l)
{
    if (l->held)
        return false;
    l->held = true;
    return true;
}

static inline void spin_unlock(spinlock_t *l)
{
    if (!l->held)
        panic("host spinlock %p released while not held", (void *)l);
    l->held = false;
}

/* No interrupts on the host: the saved flags are always 0. */
static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
    spin_lock(l);
    return 0;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long f)
{
    spin_unlock(l);
}

typedef spinlock_t irqsave_lock_t;
#define IRQSAVE_LOCK_INIT SPINLOCK_INIT
static inline void irqsave_lock(irqsave_lock_t *l)   { spin_lock(l); }
static inline void irqsave_unlock(irqsave_lock_t *l) { spin_unlock(l); }

#endif
