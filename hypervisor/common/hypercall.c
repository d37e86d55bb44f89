/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall entry for HVM/PVH guests (Xen ABI, public/xen.h): RAX holds
 * the number; arguments come in RDI, RSI, RDX, R10, R8, R9 from 64-bit code
 * and in EBX, ECX, EDX, ESI, EDI, EBP from 32-bit code; the result goes to
 * RAX. Only the guest kernel (CPL 0) may call. Numbers without a handler
 * return -ENOSYS (docs/hypercalls.md lists them).
 */
#include <asm/hvm.h>
#include <public/xen/xen.h>
#include <public/xen/errno.h>
#include <tessera/domain.h>
#include <tessera/event.h>
#include <tessera/hypercall.h>
#include <tessera/pv_time.h>

static const hypercall_fn table[] = {
    [__HYPERVISOR_memory_op]   = do_memory_op,
    [__HYPERVISOR_xen_version] = do_xen_version,
    [__HYPERVISOR_console_io]  = do_console_io,
    [__HYPERVISOR_grant_table_op] = do_grant_table_op,
    [__HYPERVISOR_vcpu_op]     = do_vcpu_op,
    [__HYPERVISOR_sched_op]    = do_sched_op,
    [__HYPERVISOR_hvm_op]      = do_hvm_op,
    [__HYPERVISOR_set_timer_op] = do_set_timer_op,
    [__HYPERVISOR_event_channel_op] = do_event_channel_op,
    [__HYPERVISOR_event_channel_op_compat] = do_event_channel_op_compat,
};

static void set_args(struct vcpu *v, enum hvm_mode mode, const uint64_t arg[6])
{
    struct guest_regs *r = &v->regs;

    if (mode == HVM_MODE_LONG64) {
        r->rdi = arg[0]; r->rsi = arg[1]; r->rdx = arg[2];
        r->r10 = arg[3]; r->r8 = arg[4];  r->r9 = arg[5];
    } else {
        r->rbx = (uint32_t)arg[0]; r->rcx = (uint32_t)arg[1]; r->rdx = (uint32_t)arg[2];
        r->rsi = (uint32_t)arg[3]; r->rdi = (uint32_t)arg[4]; r->rbp = (uint32_t)arg[5];
    }
}

void hypercall_dispatch(struct vcpu *v)
{
    struct guest_regs *r = &v->regs;
    enum hvm_mode mode = hvm->mode(v);
    uint64_t nr = r->rax, arg[6];
    long ret;

    v->nr_hypercalls++;
    if (hvm->cpl(v) != 0) {
        ret = -XEN_EPERM;
        goto out;
    }
    if (mode == HVM_MODE_LONG64) {
        arg[0] = r->rdi; arg[1] = r->rsi; arg[2] = r->rdx;
        arg[3] = r->r10; arg[4] = r->r8;  arg[5] = r->r9;
    } else if (mode == HVM_MODE_PROT32) {
        nr = (uint32_t)nr;
        arg[0] = (uint32_t)r->rbx; arg[1] = (uint32_t)r->rcx; arg[2] = (uint32_t)r->rdx;
        arg[3] = (uint32_t)r->rsi; arg[4] = (uint32_t)r->rdi; arg[5] = (uint32_t)r->rbp;
    } else {
        ret = -XEN_ENOSYS;      /* no hypercalls from real or 16-bit mode */
        goto out;
    }
    if (nr >= sizeof(table) / sizeof(table[0]) || !table[nr]) {
        ret = -XEN_ENOSYS;
        goto out;
    }
    ret = table[nr](v, arg);
    if (ret == HYPERCALL_CONTINUE) {
        set_args(v, mode, arg);
        /* Back onto the 3-byte VMMCALL/VMCALL: the guest calls again. */
        hvm->set_rip(v, hvm->get_rip(v) - 3);
        return;
    }
out:
    r->rax = (uint64_t)ret;
}
