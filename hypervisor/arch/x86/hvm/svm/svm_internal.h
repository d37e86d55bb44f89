/* SPDX-License-Identifier: GPL-2.0-only */
/* The SVM backend's shared declarations: per-vCPU state and what its files call. */
#ifndef SVM_INTERNAL_H
#define SVM_INTERNAL_H

#include "../backend.h"
#include <asm/svm.h>
#include <tessera/domain.h>

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
    /* Debug registers (svm.c, svm_dr_load): DR6 and DR7 are in the VMCB;
     * DR0-3 are the CPU's, kept here while another vCPU may be there. */
    bool dr_live;               /* DR0-3 on this CPU, MOV DR not intercepted */
    uint64_t dr[4];
};

static inline struct svm_vcpu *svm(struct vcpu *v) { return v->arch.hw; }

extern bool svm_has_nrips;      /* VMCB next_rip is filled in (svm.c) */

/* vmcb.c */
int svm_vmcb_global_init(void);
int svm_vcpu_init(struct vcpu *v);
void svm_vcpu_destroy(struct vcpu *v);
int svm_set_initial_state(struct vcpu *v, const struct hvm_initial_state *st);
void svm_dump(struct vcpu *v);

/* svm_exit.c */
void svm_translate_exit(struct vcpu *v, struct vmcb *vmcb, struct hvm_exit *e);
unsigned int svm_exit_insn_len(struct vcpu *v);

#endif
