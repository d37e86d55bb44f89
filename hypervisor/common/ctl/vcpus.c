/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TESS_DOMCTL_vcpu_list, vcpu_pin, sched_get and sched_set: a domain's
 * vCPUs as the scheduler sees them, their hard affinity, and the weight
 * and cap of its vCPUs (docs/control.md). Called by domctl.c with d live.
 */
#include <public/xen/errno.h>
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/guest_mem.h>
#include <tessera/lib.h>
#include <tessera/sched.h>
#include <tessera/time.h>
#include "private.h"

long ctl_vcpu_list(struct vcpu *caller, const struct domain *d, struct tess_vcpu_list *l)
{
    uint64_t now = time_now_ns();
    struct tess_vcpuinfo info;
    cpumask_t affinity;

    l->nr = 0;
    if (l->max > DOMAIN_MAX_VCPUS)
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < d->nr_vcpus && l->nr < l->max; i++) {
        const struct vcpu *t = d->vcpus[i];
        memset(&info, 0, sizeof(info));
        info.vcpu = i;
        info.cpu = sched_unit_cpu(&t->unit);
        info.flags = (t->up ? TESS_VCPU_up : 0) | (info.cpu >= 0 ? TESS_VCPU_running : 0) |
                     (t->blocked ? TESS_VCPU_blocked : 0);
        info.cpu_time_ns = sched_unit_runtime(&t->unit, now);
        arch_vcpu_exit_counts(t, &info.nr_exits, &info.nr_intr_exits);
        sched_unit_affinity(&t->unit, &affinity);
        ctl_mask_to_words(&affinity, info.affinity);
        if (copy_to_guest_obj(caller, l->buffer + (uint64_t)l->nr * sizeof(info), &info))
            return -XEN_EFAULT;
        l->nr++;
    }
    return 0;
}

/* Only online CPUs of d's pool, at least one. */
long ctl_vcpu_pin(struct domain *d, const struct tess_vcpu_pin *pin)
{
    cpumask_t mask, pool_cpus;
    int rc;

    if (pin->vcpu >= d->nr_vcpus || pin->pad)
        return -XEN_EINVAL;
    cpumask_clear(&mask);
    for (unsigned int cpu = 0; cpu < TESS_CPU_WORDS * 64; cpu++)
        if (pin->cpus[cpu / 64] & (1ull << (cpu % 64)))
            cpumask_set(cpu, &mask);
    sched_pool_cpus(d->pool, &pool_cpus);
    if (cpumask_empty(&mask) || !cpumask_subset(&mask, &pool_cpus))
        return -XEN_EINVAL;
    rc = sched_unit_set_affinity(&d->vcpus[pin->vcpu]->unit, &mask, time_now_ns());
    if (rc < -1)
        return rc;
    cpu_resched(rc);            /* it runs where it may no longer */
    return 0;
}

long ctl_sched_get(const struct domain *d, struct tess_sched *s)
{
    s->weight = d->vcpus[0]->unit.weight;
    s->cap = d->vcpus[0]->unit.cap;
    return 0;
}

/* Applies from each vCPU's next accounting on; a dedicated pool keeps
 * them for when the domain moves to a shared one. */
long ctl_sched_set(struct domain *d, const struct tess_sched *s)
{
    if (s->weight < SCHED_MIN_WEIGHT || s->weight > SCHED_MAX_WEIGHT || s->cap > SCHED_MAX_CAP)
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        sched_unit_set_params(&d->vcpus[i]->unit, s->weight, s->cap);
    return 0;
}
