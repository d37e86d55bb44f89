/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vcpu_op (public/vcpu.h): bringing up secondary vCPUs. A PVH guest gives
 * a vCPU its first register state with VCPUOP_initialise and a
 * struct vcpu_hvm_context (public/hvm/hvm_vcpu.h), then starts it with
 * VCPUOP_up. VCPUOP_register_vcpu_info moves a vCPU's vcpu_info.
 */
#include <asm/hvm.h>
#include <asm/hvm_intr.h>
#include <asm/p2m.h>
#include <public/xen/errno.h>
#include <public/xen/hvm/hvm_vcpu.h>
#include <public/xen/vcpu.h>
#include <public/xen/xen.h>
#include <tessera/domain.h>
#include <tessera/guest_mem.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>
#include <tessera/pv_time.h>
#include <tessera/page_alloc.h>

#define CR0_PE      (1ull << 0)
#define CR0_ET      (1ull << 4)
#define CR0_PG      (1ull << 31)
#define CR4_PAE     (1ull << 5)
#define GUEST_EFER_LME    (1ull << 8)
#define GUEST_EFER_LMA    (1ull << 10)
/* Bits a guest may set (SDM vol. 3 2.5; no VMX, SMX, PKS, CET for guests). */
#define CR0_ALLOWED 0xe005003full
#define CR4_ALLOWED 0x005f07ffull
#define EFER_ALLOWED ((1ull << 0) | GUEST_EFER_LME | GUEST_EFER_LMA | (1ull << 11))

/* The segment state is the ABI's flat one for both modes; a 32-bit
 * context with other bases or limits is refused rather than half-honoured. */
static int context_to_state(const struct vcpu_hvm_context *c, struct hvm_initial_state *s)
{
    memset(s, 0, sizeof(*s));
    if (c->mode == VCPU_HVM_MODE_64B) {
        const struct vcpu_hvm_x86_64 *r = &c->cpu_regs.x86_64;
        if ((r->cr0 & (CR0_PE | CR0_PG)) != (CR0_PE | CR0_PG) || !(r->cr4 & CR4_PAE) ||
            !(r->efer & GUEST_EFER_LME))
            return -XEN_EINVAL;
        s->long_mode = true;
        s->rip = r->rip; s->rsp = r->rsp; s->rflags = r->rflags;
        s->cr0 = r->cr0; s->cr3 = r->cr3; s->cr4 = r->cr4;
        s->efer = r->efer | GUEST_EFER_LMA;
        s->regs.rax = r->rax; s->regs.rbx = r->rbx; s->regs.rcx = r->rcx;
        s->regs.rdx = r->rdx; s->regs.rsi = r->rsi; s->regs.rdi = r->rdi;
        s->regs.rbp = r->rbp;
    } else if (c->mode == VCPU_HVM_MODE_32B) {
        const struct vcpu_hvm_x86_32 *r = &c->cpu_regs.x86_32;
        if (r->cs_base || r->ds_base || r->ss_base || r->es_base || !(r->cr0 & CR0_PE))
            return -XEN_EINVAL;
        s->rip = r->eip; s->rsp = r->esp; s->rflags = r->eflags;
        s->cr0 = r->cr0; s->cr3 = r->cr3; s->cr4 = r->cr4; s->efer = r->efer;
        s->regs.rax = r->eax; s->regs.rbx = r->ebx; s->regs.rcx = r->ecx;
        s->regs.rdx = r->edx; s->regs.rsi = r->esi; s->regs.rdi = r->edi;
        s->regs.rbp = r->ebp;
    } else {
        return -XEN_EINVAL;
    }
    if ((s->cr0 & ~CR0_ALLOWED) || (s->cr4 & ~CR4_ALLOWED) || (s->efer & ~EFER_ALLOWED))
        return -XEN_EINVAL;
    s->cr0 |= CR0_ET;
    s->rflags = (s->rflags & 0x3f7fd7ull) | 2;     /* defined flag bits only */
    return 0;
}

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

    if (copy_from_guest(v, &r, arg, sizeof(r)))
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
    struct vcpu_hvm_context ctx;
    struct hvm_initial_state st;
    struct vcpu *t;
    unsigned long flags;
    bool claimed;
    int rc;

    if (id >= d->nr_vcpus)
        return -XEN_ENOENT;
    t = d->vcpus[id];
    switch (cmd) {
    case VCPUOP_initialise:
        if (copy_from_guest(v, &ctx, arg[2], sizeof(ctx)))
            return -XEN_EFAULT;
        rc = context_to_state(&ctx, &st);
        if (rc)
            return rc;
        /* One caller at a time may give t its state (another vCPU's
         * VCPUOP_initialise, a SIPI): the backend state is not shared. */
        flags = spin_lock_irqsave(&d->lock);
        claimed = !t->initialised && !t->state_claimed;
        if (claimed)
            t->state_claimed = true;
        spin_unlock_irqrestore(&d->lock, flags);
        if (!claimed)
            return -XEN_EEXIST;
        rc = hvm->set_initial_state(t, &st);
        if (rc) {
            __atomic_store_n(&t->state_claimed, false, __ATOMIC_RELEASE);
            return -XEN_EINVAL;
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
        return copy_to_guest(v, arg[2], &t->runstate, sizeof(t->runstate)) ? -XEN_EFAULT : 0;
    case VCPUOP_register_runstate_memory_area:
        return runstate_register(v, t, arg[2]);
    case VCPUOP_register_vcpu_info:
        return register_vcpu_info(v, t, arg[2]);
    }
    return -XEN_ENOSYS;
}
