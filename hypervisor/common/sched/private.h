/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What sched.c shares with the schedulers (sched_*.c): the pool and per-CPU
 * structures and the ops table. Not for use outside common/sched/.
 *
 * sched.c does everything generic — states, pool membership, runtime and
 * wait accounting, per-CPU stats, locking — and calls the ops with the
 * pool's lock held. The ops only decide.
 */
#ifndef SCHED_PRIVATE_H
#define SCHED_PRIVATE_H

#include <asm/spinlock.h>
#include <tessera/lib.h>
#include <tessera/sched.h>

typedef spinlock_t sched_lock_t;
#define SCHED_LOCK_INIT SPINLOCK_INIT
/* irqsave: sched_wake runs from interrupt context (event delivery). */
static inline unsigned long sched_lock(sched_lock_t *l) { return spin_lock_irqsave(l); }
static inline void sched_unlock(sched_lock_t *l, unsigned long f) { spin_unlock_irqrestore(l, f); }

struct sched_ops;

struct sched_pool {
    char name[SCHED_POOL_NAME_MAX + 1];     /* "" = free slot */
    enum sched_kind kind;
    const struct sched_ops *ops;
    sched_lock_t lock;
    cpumask_t cpus;
    struct sched_unit *units;               /* every unit, via pool_next */
    unsigned int nr_units;
    struct sched_params params;
    void *priv;                             /* the scheduler's */
};

struct sched_cpu {
    bool online;                            /* given to sched_init */
    struct sched_pool *pool;                /* NULL: offline or free (in no pool) */
    bool leaving;                           /* taken out of pool: its next pick
                                               lets go of curr and of the pool */
    struct sched_unit *curr;                /* NULL: idle */
    bool kicked;                            /* a kick is on its way to it */
    uint64_t since_ns;                      /* when curr became current */
    struct sched_cpu_stats stats;
};

/* Pool lock held for all of them. */
struct sched_ops {
    int  (*pool_init)(struct sched_pool *p);            /* sets p->priv */
    void (*pool_free)(struct sched_pool *p);
    /* u->pool is set, u is BLOCKED: 0 or -errno (with a LOG_ERR). */
    int  (*insert)(struct sched_pool *p, struct sched_unit *u);
    /* u (any state, no longer any CPU's current) leaves; free u->priv. */
    void (*remove)(struct sched_pool *p, struct sched_unit *u);
    /* u was BLOCKED and is RUNNABLE now: queue it; return a CPU to kick or -1. */
    int  (*wake)(struct sched_pool *p, struct sched_unit *u, uint64_t now);
    /* u was RUNNABLE (queued, not current) and is BLOCKED now. */
    void (*sleep)(struct sched_pool *p, struct sched_unit *u, uint64_t now);
    /* u is running and offers its CPU. Optional. */
    void (*yield)(struct sched_pool *p, struct sched_unit *u, uint64_t now);
    /* May cpu leave p? 0 or -errno (with a LOG_ERR). Optional. */
    int  (*check_cpu_remove)(struct sched_pool *p, unsigned int cpu);
    /* May u's affinity become mask? 0 or -errno (with a LOG_ERR). Optional. */
    int  (*check_affinity)(struct sched_pool *p, struct sched_unit *u, const cpumask_t *mask);
    /* prev: cpu's current unit or NULL; RUNNING if it still wants the CPU
     * (then it must be either chosen or queued again), else BLOCKED. */
    struct sched_decision (*pick)(struct sched_pool *p, unsigned int cpu,
                                  struct sched_unit *prev, uint64_t now);
};

extern const struct sched_ops sched_dedicated_ops;
extern const struct sched_ops sched_shared_ops;

/* For the schedulers: CPU state (cpu < SCHED_MAX_CPUS). */
struct sched_cpu *sched_cpu(unsigned int cpu);

/* Scheduler-private allocations (zeroed). */
void *sched_zalloc(size_t size);
void sched_free(void *p);

#endif
