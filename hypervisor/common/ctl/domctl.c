/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * __HYPERVISOR_tess_domctl (public/tessera/ctl.h): stages and create
 * (stage.c, create.c), and what the control domain does to a domain once
 * it exists: getinfo, store_ring, console_ring, pause, unpause, shutdown,
 * destroy; its vCPUs and scheduling (vcpus.c) and its pool (pools.c).
 *
 * The domain acted on is looked up with domain_by_id() and used only
 * within this call (its rules, tessera/domain.h). A domain still being
 * built by another call (BUILDING and not paused) is left alone: -EBUSY.
 * The control domain cannot pause, shut down, destroy or move itself here;
 * it may read and pin its own vCPUs and set its own weight and cap.
 */
#include <asm/percpu.h>
#include <public/xen/errno.h>
#include <public/xen/hvm/params.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/guest_mem.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>
#include <tessera/sched.h>
#include <tessera/store_ring.h>
#include <tessera/time.h>
#include "private.h"

static bool being_built(const struct domain *d)
{
    return d->state == DOM_BUILDING && !__atomic_load_n(&d->paused, __ATOMIC_SEQ_CST);
}

/*
 * Every vCPU of d is blocked in the scheduler (a wake leaves it so while
 * paused, run.c), every CPU asks its scheduler again; returns once none
 * of d's vCPUs is on a CPU or still a CPU's current unit, so its CPU time
 * stands still from here. Its vCPUs cannot be waiting for this CPU: it is
 * not in guest mode, and takes interrupts.
 */
void ctl_pause(struct domain *d)
{
    __atomic_store_n(&d->paused, true, __ATOMIC_SEQ_CST);
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        sched_block(&d->vcpus[i]->unit, time_now_ns());
    for (unsigned int c = 0; c < nr_cpus_online; c++)
        cpu_resched((int)c);
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        while (__atomic_load_n(&d->vcpus[i]->run_cpu, __ATOMIC_ACQUIRE) >= 0 ||
               sched_unit_cpu(&d->vcpus[i]->unit) >= 0)
            cpu_relax();
}

/* Clears paused, then wakes each vCPU that is up and not blocked (the
 * other half of vcpu_wake()'s check); a domain created paused starts. */
long ctl_unpause(struct domain *d)
{
    if (d->state == DOM_BUILDING) {
        __atomic_store_n(&d->paused, false, __ATOMIC_SEQ_CST);
        return domain_start(d) ? -XEN_EINVAL : 0;
    }
    __atomic_store_n(&d->paused, false, __ATOMIC_SEQ_CST);
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *t = d->vcpus[i];
        if (t->up && !__atomic_load_n(&t->blocked, __ATOMIC_SEQ_CST))
            vcpu_wake(t);
    }
    return 0;
}

/* Reading: any live domain, the caller too. */
static long read_domain(struct vcpu *v, struct domain *d, struct tess_domctl *op)
{
    switch (op->cmd) {
    case TESS_DOMCTL_getinfo:
        ctl_dominfo(d, &op->u.getinfo);
        return 0;
    case TESS_DOMCTL_vcpu_list:
        return ctl_vcpu_list(v, d, &op->u.vcpu_list);
    case TESS_DOMCTL_sched_get:
        return ctl_sched_get(d, &op->u.sched);
    case TESS_DOMCTL_store_ring:
        return store_ring_info(d, &op->u.store_ring);
    case TESS_DOMCTL_console_ring:
        /* Read-only, so also while it is built or kept after its end. */
        if (!d->console_dom0)
            return -XEN_ENOENT;
        op->u.console_ring = (struct tess_console_ring){
            .gfn = d->params[HVM_PARAM_CONSOLE_PFN],
            .port = (uint32_t)d->params[HVM_PARAM_CONSOLE_EVTCHN],
        };
        return 0;
    }
    return -XEN_ENOSYS;
}

static long act_on(struct vcpu *v, struct tess_domctl *op)
{
    struct domain *d = op->domid <= 0xffff ? domain_by_id((uint16_t)op->domid) : NULL;

    if (!d)
        return -XEN_ESRCH;
    if (op->cmd == TESS_DOMCTL_getinfo || op->cmd == TESS_DOMCTL_vcpu_list ||
        op->cmd == TESS_DOMCTL_sched_get || op->cmd == TESS_DOMCTL_store_ring ||
        op->cmd == TESS_DOMCTL_console_ring)
        return read_domain(v, d, op);
    if (being_built(d))
        return -XEN_EBUSY;
    if (op->cmd == TESS_DOMCTL_destroy && d->state == DOM_DYING &&
        __atomic_load_n(&d->kept, __ATOMIC_SEQ_CST)) {
        printk("ctl: dom %s id=%u destroyed by the control domain after its end\n", d->name,
               d->id);
        domain_destroy(d);
        return 0;
    }
    if (d->state != DOM_BUILDING && d->state != DOM_RUNNING)
        return -XEN_ESRCH;      /* ended since the lookup */
    /* Settings the control domain may make on itself too. */
    if (op->cmd == TESS_DOMCTL_vcpu_pin)
        return ctl_vcpu_pin(d, &op->u.vcpu_pin);
    if (op->cmd == TESS_DOMCTL_sched_set)
        return ctl_sched_set(d, &op->u.sched);
    if (d == v->domain)
        return -XEN_EINVAL;
    switch (op->cmd) {
    case TESS_DOMCTL_pause:
        ctl_pause(d);
        return 0;
    case TESS_DOMCTL_unpause:
        return ctl_unpause(d);
    case TESS_DOMCTL_shutdown:
        /* The reasons SCHEDOP_shutdown takes (sched_op.c). */
        if (op->reason > DOM_END_WATCHDOG)
            return op->reason == DOM_END_SOFT_RESET ? -XEN_EOPNOTSUPP : -XEN_EINVAL;
        printk("ctl: dom %s id=%u shut down (%s) by the control domain\n", d->name, d->id,
               domain_end_name((enum domain_end)op->reason));
        domain_shutdown(d, (enum domain_end)op->reason);
        return 0;
    case TESS_DOMCTL_destroy:
        /* Its end as a poweroff: no reason it gave. Its memory returns
         * once every CPU has let go of it (domain_reap). */
        printk("ctl: dom %s id=%u destroyed by the control domain\n", d->name, d->id);
        domain_destroy(d);
        return 0;
    case TESS_DOMCTL_pool_migrate:
        return ctl_pool_migrate(d, op->u.pool);
    }
    return -XEN_ENOSYS;
}

long do_tess_domctl(struct vcpu *v, uint64_t arg[6])
{
    struct tess_domctl op;
    long rc;

    rc = ctl_copy_op(v, arg[0], &op, sizeof(op));
    if (rc)
        return rc;
    switch (op.cmd) {
    case TESS_DOMCTL_stage_alloc:
        rc = stage_alloc(v, &op.u.stage_alloc);
        if (!rc && copy_field_to_guest(v, arg[0], &op, u.stage_alloc.stage)) {
            stage_free(v, op.u.stage_alloc.stage);      /* nobody could name it */
            rc = -XEN_EFAULT;
        }
        return rc;
    case TESS_DOMCTL_stage_write:
        return stage_write(v, &op.u.stage_write);
    case TESS_DOMCTL_stage_free:
        return stage_free(v, op.u.stage_free);
    case TESS_DOMCTL_create:
        rc = ctl_create(v, &op.u.create);
        if (!rc && copy_field_to_guest(v, arg[0], &op, u.create.domid))
            rc = -XEN_EFAULT;   /* the domain exists: the list shows it */
        return rc;
    case TESS_DOMCTL_getinfo:
        rc = act_on(v, &op);
        if (!rc && copy_field_to_guest(v, arg[0], &op, u.getinfo))
            rc = -XEN_EFAULT;
        return rc;
    case TESS_DOMCTL_vcpu_list:
        rc = act_on(v, &op);
        /* How many went out, even after a fault. */
        if (copy_field_to_guest(v, arg[0], &op, u.vcpu_list.nr))
            rc = -XEN_EFAULT;
        return rc;
    case TESS_DOMCTL_sched_get:
        rc = act_on(v, &op);
        if (!rc && copy_field_to_guest(v, arg[0], &op, u.sched))
            rc = -XEN_EFAULT;
        return rc;
    case TESS_DOMCTL_store_ring:
        rc = act_on(v, &op);
        if (!rc && copy_field_to_guest(v, arg[0], &op, u.store_ring))
            rc = -XEN_EFAULT;
        return rc;
    case TESS_DOMCTL_console_ring:
        rc = act_on(v, &op);
        if (!rc && copy_field_to_guest(v, arg[0], &op, u.console_ring))
            rc = -XEN_EFAULT;
        return rc;
    case TESS_DOMCTL_pause:
    case TESS_DOMCTL_unpause:
    case TESS_DOMCTL_shutdown:
    case TESS_DOMCTL_destroy:
    case TESS_DOMCTL_vcpu_pin:
    case TESS_DOMCTL_sched_set:
    case TESS_DOMCTL_pool_migrate:
        return act_on(v, &op);
    }
    return -XEN_ENOSYS;
}
