/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CPU pools at runtime (docs/control.md): TESS_SYSCTL_pool_create,
 * pool_destroy, pool_cpu_add, pool_cpu_remove, and TESS_DOMCTL_pool_migrate.
 * The scheduler (common/sched/sched.c) does each under its locks; this
 * file checks the call's fields and kicks the CPUs that must pick again.
 *
 * As with xl: a new pool is empty; a CPU taken out of a pool is free (in no
 * pool, idle) until added to one; only an empty pool (no CPU, no domain)
 * other than "default" can be destroyed; a domain moves with all its vCPUs,
 * whose affinity becomes every CPU of the new pool.
 */
#include <asm/percpu.h>
#include <public/xen/errno.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/lib.h>
#include <tessera/sched.h>
#include <tessera/time.h>
#include "private.h"

#define LEAVE_WAIT_NS   10000000    /* 10 ms for a removed CPU's next pick */

_Static_assert(SCHED_MOVE_MAX >= DOMAIN_MAX_VCPUS, "a domain's vCPUs move at once");

static long find_pool(const char *name, struct sched_pool **out)
{
    if (strnlen(name, TESS_NAME_MAX) == TESS_NAME_MAX)
        return -XEN_EINVAL;
    *out = sched_pool_find(name);
    return *out ? 0 : -XEN_ENOENT;
}

static bool valid_cpu(uint32_t cpu)
{
    return cpu < MAX_CPUS && cpu < SCHED_MAX_CPUS && cpus[cpu].online;
}

long ctl_pool_create(const struct tess_pool_op *o)
{
    long rc;

    if (strnlen(o->name, TESS_NAME_MAX) == TESS_NAME_MAX || o->dedicated > 1 || o->cpu)
        return -XEN_EINVAL;
    rc = sched_pool_create_empty(o->name, o->dedicated ? SCHED_DEDICATED : SCHED_SHARED);
    if (!rc)
        printk("ctl: pool '%s' (%s) created\n", o->name, o->dedicated ? "dedicated" : "shared");
    return rc;
}

long ctl_pool_destroy(const struct tess_pool_op *o)
{
    struct sched_pool *p;
    cpumask_t held;
    long rc = find_pool(o->name, &p);

    if (rc)
        return rc;
    if (p == sched_pool_at(0))
        return -XEN_EINVAL;
    sched_pool_cpus(p, &held);
    if (!cpumask_empty(&held)) {
        printk(LOG_ERR "ctl: pool '%s' still has %u CPUs\n", o->name, cpumask_weight(&held));
        return -XEN_EBUSY;
    }
    /* Its CPUs (one added meanwhile) would go to the default pool. */
    rc = sched_pool_destroy(p);
    if (!rc)
        printk("ctl: pool '%s' destroyed\n", o->name);
    return rc;
}

long ctl_pool_cpu_add(const struct tess_pool_op *o)
{
    struct sched_pool *p;
    long rc = find_pool(o->name, &p);

    if (rc)
        return rc;
    if (!valid_cpu(o->cpu))
        return -XEN_EINVAL;
    rc = sched_pool_cpu_add(p, o->cpu);
    if (!rc)
        cpu_resched((int)o->cpu);       /* it picks from its new pool */
    return rc;
}

/* The CPU lets go of its pool at its next pick; another CPU waits for that
 * (bounded: two control calls taking each other's CPU wait at most this
 * long), this CPU does it before its vCPU runs again. Then every CPU picks:
 * a wake-up that chose the CPU before it left is not lost. */
long ctl_pool_cpu_remove(const struct tess_pool_op *o)
{
    uint64_t until = time_now_ns() + LEAVE_WAIT_NS;
    long rc;

    if (!valid_cpu(o->cpu))
        return -XEN_EINVAL;
    rc = sched_pool_cpu_remove(o->cpu);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        cpu_resched((int)o->cpu);
        while (o->cpu != smp_processor_id() && !sched_cpu_free(o->cpu) &&
               time_now_ns() < until)
            cpu_relax();
    }
    for (unsigned int c = 0; c < nr_cpus_online; c++)
        cpu_resched((int)c);
    return 0;
}

/* Paused (its vCPUs blocked and off every CPU) while it moves; unpaused
 * after unless it was paused already. */
long ctl_pool_migrate(struct domain *d, const char *name)
{
    struct sched_unit *units[SCHED_MOVE_MAX];
    bool was_paused = __atomic_load_n(&d->paused, __ATOMIC_SEQ_CST);
    struct sched_pool *p;
    long rc = find_pool(name, &p);

    if (rc)
        return rc;
    if (p == d->pool)
        return 0;
    ctl_pause(d);
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        units[i] = &d->vcpus[i]->unit;
    rc = sched_units_move(units, d->nr_vcpus, p);
    if (!rc) {
        __atomic_store_n(&d->pool, p, __ATOMIC_RELEASE);
        printk("ctl: dom %s id=%u moved to pool '%s'\n", d->name, d->id, name);
    }
    if (!was_paused)
        ctl_unpause(d);
    return rc;
}
