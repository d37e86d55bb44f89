/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupt sources of a vCPU and their injection (asm/hvm_intr.h).
 */
#include "backend.h"
#include <asm/hvm_intr.h>
#include <asm/percpu.h>
#include <asm/vlapic.h>
#include <public/xen/hvm/params.h>
#include <public/xen/xen.h>
#include <tessera/arch.h>
#include <tessera/domain.h>

#define CALLBACK_TYPE_SHIFT 56       /* public/hvm/params.h: type in bits 63:56 */

/*
 * The event-channel upcall, when the domain asked for it as a vector
 * (HVM_PARAM_CALLBACK_IRQ = HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 | vector;
 * hvm_op.c refuses other types and vectors below 0x20): pending while the
 * vCPU's vcpu_info says evtchn_upcall_pending. The guest clears that flag
 * in its handler, so the vector is level-like and needs no EOI.
 */
static int upcall_vector(struct vcpu *v)
{
    uint64_t via = v->domain->params[HVM_PARAM_CALLBACK_IRQ];
    struct vcpu_info *vi = v->vcpu_info;

    if (via >> CALLBACK_TYPE_SHIFT != HVM_PARAM_CALLBACK_TYPE_VECTOR || !vi)
        return -1;
    if (!__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_ACQUIRE))
        return -1;
    return (int)(via & 0xff);
}

/* The upcall first, then the local APIC, as Xen orders them
 * (hvm_vcpu_has_pending_irq). *lapic: the vector is the APIC's. */
static int pending_vector(struct vcpu *v, bool *lapic)
{
    int vec = upcall_vector(v);

    *lapic = false;
    if (vec >= 0)
        return vec;
    vec = vlapic_intr_pending(v);
    *lapic = vec >= 0;
    return vec;
}

bool hvm_intr_pending(struct vcpu *v)
{
    bool lapic;

    return vlapic_nmi_pending(v) || pending_vector(v, &lapic) >= 0;
}

bool hvm_intr_deliverable(struct vcpu *v)
{
    bool lapic;

    if (vlapic_nmi_pending(v) && !hvm->nmi_blocked(v))
        return true;
    return pending_vector(v, &lapic) >= 0 && !hvm->intr_blocked(v);
}

/* An NMI goes first and takes this entry's event slot; a maskable
 * interrupt then finds the slot taken and asks for its window. */
static void nmi_assist(struct vcpu *v)
{
    bool wait = false;

    if (vlapic_nmi_pending(v)) {
        if (hvm->nmi_blocked(v))
            wait = true;
        else if (vlapic_take_nmi(v))
            hvm->inject_nmi(v);
    }
    hvm->nmi_window(v, wait);
}

void hvm_intr_assist(struct vcpu *v)
{
    bool lapic;
    int vec;

    nmi_assist(v);
    vec = pending_vector(v, &lapic);

    if (vec < 0) {
        hvm->intr_window(v, false);
    } else if (hvm->intr_blocked(v)) {
        hvm->intr_window(v, true);
    } else {
        hvm->intr_window(v, false);
        bool delivered = hvm->inject_intr(v, (uint8_t)vec);
        if (lapic && delivered)
            vlapic_intr_accept(v, (uint8_t)vec);    /* IRR -> ISR */
        else if (lapic)
            v->arch.lapic_vec_offered = vec;
    }
}

void hvm_intr_after_exit(struct vcpu *v)
{
    if (!hvm->intr_taken)
        return;                     /* entry delivers: accepted at injection */
    int offered = v->arch.lapic_vec_offered, taken = hvm->intr_taken(v);

    v->arch.lapic_vec_offered = -1;
    /* Anything else it took was the upcall, which needs no accepting. */
    if (offered >= 0 && taken == offered)
        vlapic_intr_accept(v, (uint8_t)offered);
}

/*
 * Pairs with vcpu_block() (run.c): the caller made the source pending
 * before this fence, the blocking vCPU sets v->blocked before its own
 * fence and then looks at its sources again, so one of the two sees the
 * other. A vCPU in guest mode on another CPU is made to exit; the VM
 * entry after that runs hvm_intr_assist().
 */
void vcpu_kick(struct vcpu *v)
{
    int cpu;

    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!v->up)
        return;                     /* only INIT/SIPI or VCPUOP_up start it */
    if (v->blocked) {
        vcpu_wake(v);
        return;
    }
    cpu = __atomic_load_n(&v->run_cpu, __ATOMIC_ACQUIRE);
    if (cpu >= 0 && (unsigned int)cpu != smp_processor_id())
        arch_cpu_kick((unsigned int)cpu);
}
