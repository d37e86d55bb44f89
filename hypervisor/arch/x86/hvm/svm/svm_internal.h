/* SPDX-License-Identifier: GPL-2.0-only */
/* The SVM backend's per-vCPU state. */
#ifndef SVM_INTERNAL_H
#define SVM_INTERNAL_H

#include <asm/svm.h>

struct svm_vcpu {
    struct vmcb *vmcb;
    paddr_t vmcb_pa;
    uint32_t asid;
    int asid_cpu;               /* CPU the ASID belongs to, -1: none yet */
    uint64_t asid_generation;
    bool flush;                 /* the p2m lost a mapping: flush the ASID */
    /* NMI blocking, which SVM leaves to us (svm.c, svm_nmi_blocked). */
    bool nmi_masked;            /* an injected NMI's handler has not IRETed */
    bool iret_seen;             /* ... its IRET exited at iret_rip */
    uint64_t iret_rip;
    bool intr_window, nmi_window;   /* who wants the VINTR exit */
    int virq;                   /* vector offered through V_IRQ, or -1 */
};

#endif
