/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vcpu_op (public/vcpu.h): bringing up secondary vCPUs. A guest gives a
 * vCPU its first register state with VCPUOP_initialise (the state's format
 * is the arch's: arch_vcpu_initialise), then starts it with VCPUOP_up.
 * VCPUOP_register_vcpu_info moves a vCPU's vcpu_info.
 */
#include <tessera/arch.h>
#include <tessera/p2m.h>
#include <public/xen/errno.h>
#include <public/xen/vcpu.h>
#include <public/xen/xen.h>
#include <tessera/domain.h>
#include <tessera/guest_mem.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>
#include <tessera/pv_time.h>
#include <tessera/page_alloc.h>

/*
 * Moves t's vcpu_info into a RAM page of the guest, once (Xen refuses a
 * second move too). What the old one held is carried over, and every
 * event is marked possibly pending so none is lost in the move
 * (public/vcpu.h VCPUOP_register_vcpu_info). The page is the domain's
 * until it ends, so the hypervisor may keep writing it even if the guest
 * later maps something else at that gfn.
 */
static long register_vcpu_info(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
    struct vcpu_register_vcpu_info r;
    struct domain *d = v->domain;
    struct vcpu_info *vi;
    enum p2m_type type;
    uint64_t mfn;
    unsigned long flags;

    if (copy_from_guest_obj(v, &r, arg))
        return -XEN_EFAULT;
    if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info) || r.mfn >> P2M_GFN_BITS)
        return -XEN_EINVAL;
    if (p2m_lookup(d->p2m, r.mfn, &mfn, &type, NULL) || type != P2M_RAM_RW ||
        mfn == virt_to_phys(d->shared_info) >> PAGE_SHIFT)
        return -XEN_EINVAL;
    flags = spin_lock_irqsave(&d->lock);
    if (t->vcpu_info_registered) {
        spin_unlock_irqrestore(&d->lock, flags);
        return -XEN_EINVAL;
    }
    vi = (struct vcpu_info *)((uintptr_t)phys_to_virt(mfn << PAGE_SHIFT) + r.offset);
    if (t->vcpu_info)
        memcpy(vi, t->vcpu_info, sizeof(*vi));
    else
        memset(vi, 0, sizeof(*vi));
    __atomic_store_n(&vi->evtchn_pending_sel, ~0ull, __ATOMIC_RELAXED);
    __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_RELEASE);
    t->vcpu_info = vi;
    t->vcpu_info_registered = true;
    spin_unlock_irqrestore(&d->lock, flags);
    vcpu_kick(t);
    return 0;
}

long do_vcpu_op(struct vcpu *v, uint64_t arg[6])
{
    struct domain *d = v->domain;
    uint64_t cmd = arg[0], id = arg[1];
    struct vcpu *t;
    unsigned long flags;
    bool claimed;
    long rc;

    if (id >= d->nr_vcpus)
        return -XEN_ENOENT;
    t = d->vcpus[id];
    switch (cmd) {
    case VCPUOP_initialise:
        /* One caller at a time may give t its state (another vCPU's
         * VCPUOP_initialise, a SIPI): the arch state is not shared. */
        flags = spin_lock_irqsave(&d->lock);
        claimed = !t->initialised && !t->state_claimed;
        if (claimed)
            t->state_claimed = true;
        spin_unlock_irqrestore(&d->lock, flags);
        if (!claimed)
            return -XEN_EEXIST;
        rc = arch_vcpu_initialise(v, t, arg[2]);
        if (rc) {
            __atomic_store_n(&t->state_claimed, false, __ATOMIC_RELEASE);
            return rc;
        }
        __atomic_store_n(&t->initialised, true, __ATOMIC_RELEASE);
        return 0;
    case VCPUOP_up:
        if (!t->initialised)
            return -XEN_EINVAL;
        if (t->up)
            return 0;
        t->up = true;
        vcpu_wake(t);
        return 0;
    case VCPUOP_is_up:
        return t->up;
    case VCPUOP_set_periodic_timer:
    case VCPUOP_stop_periodic_timer:
    case VCPUOP_set_singleshot_timer:
    case VCPUOP_stop_singleshot_timer:
        return pv_timer_vcpu_op(v, t, cmd, arg[2]);
    case VCPUOP_get_runstate_info:
        return copy_to_guest_obj(v, arg[2], &t->runstate) ? -XEN_EFAULT : 0;
    case VCPUOP_register_runstate_memory_area:
        return runstate_register(v, t, arg[2]);
    case VCPUOP_register_vcpu_info:
        return register_vcpu_info(v, t, arg[2]);
    }
    return -XEN_ENOSYS;
}
