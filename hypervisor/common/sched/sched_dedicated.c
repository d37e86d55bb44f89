/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dedicated scheduler: partitioning. Each unit is bound, when it is
 * inserted, to a CPU of the pool that no other unit holds, and only ever runs
 * there. A decision never asks for a timer (no slice, no tick while the vCPU
 * runs); the CPU idles (halts) while its unit is blocked, and a wake-up kicks
 * exactly that CPU. Nothing here depends on the number of units.
 */
#include <tessera/lib.h>
#include <tessera/sched.h>
#include "private.h"

struct ded_pool {
    struct sched_unit *owner[SCHED_MAX_CPUS];
};

struct ded_unit {
    unsigned int cpu;
};

static int ded_pool_init(struct sched_pool *p)
{
    p->priv = sched_zalloc(sizeof(struct ded_pool));
    return p->priv ? 0 : -ENOMEM;
}

static void ded_pool_free(struct sched_pool *p)
{
    sched_free(p->priv);
}

static int ded_insert(struct sched_pool *p, struct sched_unit *u)
{
    struct ded_pool *dp = p->priv;
    struct ded_unit *du;
    cpumask_t free, allowed;
    unsigned int cpu;

    cpumask_clear(&free);
    for_each_cpu(cpu, &p->cpus)
        if (!dp->owner[cpu])
            cpumask_set(cpu, &free);
    cpumask_and(&allowed, &free, &u->affinity);
    cpu = cpumask_first(&allowed);
    if (cpu >= SCHED_MAX_CPUS) {
        if (cpumask_empty(&free))
            printk(LOG_ERR "sched: pool '%s' has no free CPU for d%uv%u: all %u are "
                   "taken (a dedicated pool runs one vCPU per CPU)\n", p->name,
                   u->domid, u->vcpu_id, cpumask_weight(&p->cpus));
        else
            printk(LOG_ERR "sched: pool '%s' has no free CPU for d%uv%u within its "
                   "affinity (%u free CPUs outside it)\n", p->name, u->domid,
                   u->vcpu_id, cpumask_weight(&free));
        return -EBUSY;
    }
    du = sched_zalloc(sizeof(*du));
    if (!du)
        return -ENOMEM;
    du->cpu = cpu;
    dp->owner[cpu] = u;
    u->priv = du;
    return 0;
}

static void ded_remove(struct sched_pool *p, struct sched_unit *u)
{
    struct ded_pool *dp = p->priv;
    struct ded_unit *du = u->priv;

    if (du && dp->owner[du->cpu] == u)
        dp->owner[du->cpu] = NULL;
    sched_free(du);
}

static int ded_wake(struct sched_pool *p, struct sched_unit *u, uint64_t now)
{
    struct ded_unit *du = u->priv;

    /* Its CPU runs nothing else, so it is idle (or about to pick): kick it. */
    return (int)du->cpu;
}

static void ded_sleep(struct sched_pool *p, struct sched_unit *u, uint64_t now)
{
}

static int ded_check_affinity(struct sched_pool *p, struct sched_unit *u, const cpumask_t *mask)
{
    struct ded_unit *du = u->priv;

    if (cpumask_test(du->cpu, mask))
        return 0;
    printk(LOG_ERR "sched: d%uv%u owns CPU %u of dedicated pool '%s' and cannot move\n",
           u->domid, u->vcpu_id, du->cpu, p->name);
    return -EINVAL;
}

static int ded_check_cpu_remove(struct sched_pool *p, unsigned int cpu)
{
    struct ded_pool *dp = p->priv;
    struct sched_unit *u = dp->owner[cpu];

    if (!u)
        return 0;
    printk(LOG_ERR "sched: CPU %u of dedicated pool '%s' is d%uv%u's\n", cpu, p->name,
           u->domid, u->vcpu_id);
    return -EBUSY;
}

static struct sched_decision ded_pick(struct sched_pool *p, unsigned int cpu,
                                      struct sched_unit *prev, uint64_t now)
{
    struct ded_pool *dp = p->priv;
    struct sched_unit *u = dp->owner[cpu];
    struct sched_decision d = { .unit = NULL, .timer_ns = 0, .kick = -1 };

    if (u && (u->state == SCHED_RUNNABLE || (u == prev && u->state == SCHED_RUNNING)))
        d.unit = u;
    return d;
}

const struct sched_ops sched_dedicated_ops = {
    .pool_init = ded_pool_init,
    .pool_free = ded_pool_free,
    .insert = ded_insert,
    .remove = ded_remove,
    .wake = ded_wake,
    .sleep = ded_sleep,
    .check_cpu_remove = ded_check_cpu_remove,
    .check_affinity = ded_check_affinity,
    .pick = ded_pick,
};
