/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SVM exit codes (APM2 appendix C) translated into struct hvm_exit for the
 * shared exit code, and what that code asks about the exit afterwards.
 */
#include <asm/hvm.h>
#include <asm/svm.h>
#include <tessera/domain.h>
#include <tessera/lib.h>

#include "svm_internal.h"

void svm_translate_exit(struct vcpu *v, struct vmcb *vmcb, struct hvm_exit *e)
{
    uint64_t code = vmcb->exitcode, info1 = vmcb->exitinfo1;

    memset(e, 0, sizeof(*e));
    e->raw = code;
    switch (code) {
    case VMEXIT_INTR:
    case VMEXIT_NMI:
    case VMEXIT_SMI:
    case VMEXIT_INIT:
    case VMEXIT_EXCP_BASE + 18:
        e->reason = HVM_EXIT_INTR;
        break;
    case VMEXIT_CPUID:
        e->reason = HVM_EXIT_CPUID;
        break;
    case VMEXIT_MSR:
        e->reason = info1 ? HVM_EXIT_MSR_WRITE : HVM_EXIT_MSR_READ;
        e->msr = (uint32_t)v->arch.regs.rcx;
        break;
    case VMEXIT_IOIO:
        e->reason = HVM_EXIT_IO;
        e->io.port = (uint16_t)(info1 >> 16);
        e->io.size = (info1 & IOIO_SZ32) ? 4 : (info1 & IOIO_SZ16) ? 2 : 1;
        e->io.in = info1 & IOIO_IN;
        e->io.string = info1 & IOIO_STR;
        e->io.rep = info1 & IOIO_REP;
        e->io.next_rip = vmcb->exitinfo2;   /* APM2 15.10.2: rIP of the next insn */
        break;
    case VMEXIT_HLT:
        e->reason = HVM_EXIT_HLT;
        break;
    case VMEXIT_DR_READ_BASE ... VMEXIT_DR_WRITE_BASE + 15:    /* svm_run() gave them */
        e->reason = HVM_EXIT_DR_ACCESS;
        break;
    case VMEXIT_INVD:
    case VMEXIT_WBINVD:
        e->reason = HVM_EXIT_CACHE_FLUSH;
        break;
    case VMEXIT_RDPMC:
        e->reason = HVM_EXIT_RDPMC;
        break;
    case VMEXIT_VINTR:
    case VMEXIT_IRET:       /* svm_run() noted it; the next entry may inject */
        e->reason = HVM_EXIT_INTR_WINDOW;
        break;
    case VMEXIT_VMMCALL:
        e->reason = HVM_EXIT_HYPERCALL;
        break;
    case VMEXIT_NPF:
        e->reason = HVM_EXIT_NPF;
        e->npf.gpa = vmcb->exitinfo2;
        e->npf.present = info1 & NPF_PRESENT;
        e->npf.write = info1 & NPF_WRITE;
        e->npf.fetch = info1 & NPF_FETCH;
        break;
    case VMEXIT_SHUTDOWN:
        e->reason = HVM_EXIT_TRIPLE_FAULT;
        break;
    case VMEXIT_RDTSCP:     /* hidden (cpuid.c): IA32_TSC_AUX is the host's */
    case VMEXIT_VMRUN: case VMEXIT_VMLOAD: case VMEXIT_VMSAVE: case VMEXIT_STGI:
    case VMEXIT_CLGI: case VMEXIT_SKINIT: case VMEXIT_INVLPGA: case VMEXIT_MONITOR:
    case VMEXIT_MWAIT: case VMEXIT_XSETBV: case VMEXIT_RSM:
        e->reason = HVM_EXIT_FORBIDDEN;
        break;
    case VMEXIT_INVALID:
        e->reason = HVM_EXIT_ENTRY_FAILED;
        break;
    default:
        e->reason = HVM_EXIT_UNHANDLED;
        break;
    }
}

unsigned int svm_exit_insn_len(struct vcpu *v)
{
    struct vmcb *vmcb = svm(v)->vmcb;

    if (!svm_has_nrips || vmcb->next_rip <= vmcb->rip || vmcb->next_rip - vmcb->rip > 15)
        return 0;
    return (unsigned int)(vmcb->next_rip - vmcb->rip);
}
