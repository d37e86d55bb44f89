/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The x86 half of a hypercall (Xen ABI, public/xen.h): RAX holds the
 * number; arguments come in RDI, RSI, RDX, R10, R8, R9 from 64-bit code
 * and in EBX, ECX, EDX, ESI, EDI, EBP from 32-bit code; the result goes to
 * RAX. Only the guest kernel (CPL 0) may call. The number and arguments are
 * handed to common/hypercall.c, which validates and dispatches them.
 */
#include "backend.h"
#include <public/xen/errno.h>
#include <tessera/domain.h>
#include <tessera/hypercall.h>

static void set_args(struct guest_regs *r, bool compat, const uint64_t arg[6])
{
    if (!compat) {
        r->rdi = arg[0]; r->rsi = arg[1]; r->rdx = arg[2];
        r->r10 = arg[3]; r->r8 = arg[4];  r->r9 = arg[5];
    } else {
        r->rbx = (uint32_t)arg[0]; r->rcx = (uint32_t)arg[1]; r->rdx = (uint32_t)arg[2];
        r->rsi = (uint32_t)arg[3]; r->rdi = (uint32_t)arg[4]; r->rbp = (uint32_t)arg[5];
    }
}

static void get_args(const struct guest_regs *r, bool compat, uint64_t arg[6])
{
    if (!compat) {
        arg[0] = r->rdi; arg[1] = r->rsi; arg[2] = r->rdx;
        arg[3] = r->r10; arg[4] = r->r8;  arg[5] = r->r9;
    } else {
        arg[0] = (uint32_t)r->rbx; arg[1] = (uint32_t)r->rcx; arg[2] = (uint32_t)r->rdx;
        arg[3] = (uint32_t)r->rsi; arg[4] = (uint32_t)r->rdi; arg[5] = (uint32_t)r->rbp;
    }
}

/* After the VMMCALL/VMCALL has been skipped. */
void hvm_hypercall(struct vcpu *v)
{
    struct guest_regs *r = &v->arch.regs;
    enum hvm_mode mode = hvm->mode(v);
    uint64_t nr = r->rax, arg[6];
    long ret;

    v->nr_hypercalls++;
    if (hvm->cpl(v) != 0) {
        r->rax = (uint64_t)-XEN_EPERM;
        return;
    }
    if (mode != HVM_MODE_LONG64 && mode != HVM_MODE_PROT32) {
        r->rax = (uint64_t)-XEN_ENOSYS;    /* none from real or 16-bit mode */
        return;
    }
    v->hypercall_compat = mode == HVM_MODE_PROT32;
    if (v->hypercall_compat)
        nr = (uint32_t)nr;
    get_args(r, v->hypercall_compat, arg);
    ret = hypercall_call(v, nr, arg);
    if (ret == HYPERCALL_CONTINUE) {
        set_args(r, v->hypercall_compat, arg);
        /* Back onto the 3-byte VMMCALL/VMCALL: the guest calls again. */
        hvm->set_rip(v, hvm->get_rip(v) - 3);
        return;
    }
    r->rax = (uint64_t)ret;
}
