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
};

#endif
