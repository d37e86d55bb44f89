/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VCPUOP_initialise's x86 half: a PVH guest gives a secondary vCPU its
 * first register state as a struct vcpu_hvm_context (public/hvm/
 * hvm_vcpu.h), checked here and handed to the backend as the vCPU's
 * initial state.
 */
#include "backend.h"
#include <asm/x86-defns.h>
#include <public/xen/errno.h>
#include <public/xen/hvm/hvm_vcpu.h>
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/guest_mem.h>
#include <tessera/lib.h>

/* Bits a guest may set (SDM vol. 3 2.5; no VMX, SMX, PKS, CET for guests). */
#define CR0_ALLOWED 0xe005003full
#define CR4_ALLOWED 0x005f07ffull
#define EFER_ALLOWED (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

/* The segment state is the ABI's flat one for both modes; a 32-bit
 * context with other bases or limits is refused rather than half-honoured. */
static int context_to_state(const struct vcpu_hvm_context *c, struct hvm_initial_state *s)
{
    memset(s, 0, sizeof(*s));
    if (c->mode == VCPU_HVM_MODE_64B) {
        const struct vcpu_hvm_x86_64 *r = &c->cpu_regs.x86_64;
        if ((r->cr0 & (X86_CR0_PE | X86_CR0_PG)) != (X86_CR0_PE | X86_CR0_PG) ||
            !(r->cr4 & X86_CR4_PAE) || !(r->efer & EFER_LME))
            return -XEN_EINVAL;
        s->long_mode = true;
        s->rip = r->rip; s->rsp = r->rsp; s->rflags = r->rflags;
        s->cr0 = r->cr0; s->cr3 = r->cr3; s->cr4 = r->cr4;
        s->efer = r->efer | EFER_LMA;
        s->regs.rax = r->rax; s->regs.rbx = r->rbx; s->regs.rcx = r->rcx;
        s->regs.rdx = r->rdx; s->regs.rsi = r->rsi; s->regs.rdi = r->rdi;
        s->regs.rbp = r->rbp;
    } else if (c->mode == VCPU_HVM_MODE_32B) {
        const struct vcpu_hvm_x86_32 *r = &c->cpu_regs.x86_32;
        if (r->cs_base || r->ds_base || r->ss_base || r->es_base || !(r->cr0 & X86_CR0_PE))
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
    s->cr0 |= X86_CR0_ET;
    s->rflags = (s->rflags & 0x3f7fd7ull) | 2;     /* defined flag bits only */
    return 0;
}

long arch_vcpu_initialise(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
    struct vcpu_hvm_context ctx;
    struct hvm_initial_state st;
    int rc;

    if (copy_from_guest_obj(v, &ctx, arg))
        return -XEN_EFAULT;
    rc = context_to_state(&ctx, &st);
    if (rc)
        return rc;
    return hvm_set_initial_state(t, &st) ? -XEN_EINVAL : 0;
}
