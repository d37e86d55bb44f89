/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ops table between the shared vCPU code in hvm/ and a hardware
 * virtualization backend (hvm/svm or hvm/vmx), private to hvm/: nothing
 * outside it knows which one is active. Exits are translated into struct
 * hvm_exit, guest state is read and written through the ops; code outside
 * hvm/ uses the hvm_* calls of asm/hvm.h.
 */
#ifndef HVM_BACKEND_H
#define HVM_BACKEND_H

#include <asm/hvm.h>

struct hvm_backend {
    const char *name;
    unsigned int p2m_format;                    /* enum p2m_format */
    uint8_t hypercall_insn[3];                  /* VMMCALL or VMCALL */
    int (*cpu_init)(void);                      /* on every CPU */
    int (*vcpu_init)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);
    /* Optional: the vCPU leaves this CPU (end of a run-loop stint). */
    void (*vcpu_put)(struct vcpu *v);
    int (*set_initial_state)(struct vcpu *v, const struct hvm_initial_state *s);
    void (*run)(struct vcpu *v, struct hvm_exit *exit);  /* enter, return on exit */
    uint64_t (*get_rip)(struct vcpu *v);
    void (*set_rip)(struct vcpu *v, uint64_t rip);
    uint64_t (*get_rsp)(struct vcpu *v);
    uint64_t (*get_rflags)(struct vcpu *v);
    enum hvm_mode (*mode)(struct vcpu *v);
    uint64_t (*cs_base)(struct vcpu *v);
    /* Paging state for walking the guest's page tables. */
    void (*paging_state)(struct vcpu *v, uint64_t *cr0, uint64_t *cr3, uint64_t *cr4,
                         uint64_t *efer);
    unsigned int (*cpl)(struct vcpu *v);
    /* A guest WRMSR to EFER, reserved bits already refused: 0 or -EPERM. */
    int (*set_efer)(struct vcpu *v, uint64_t efer);
    /* The guest's own IA32_PAT, switched with its state; valid values only.
     * -EPERM where the hardware cannot switch it (VMX without the PAT
     * entry/exit controls). */
    int (*get_pat)(struct vcpu *v, uint64_t *pat);
    int (*set_pat)(struct vcpu *v, uint64_t pat);
    void (*inject_exception)(struct vcpu *v, unsigned int vector, bool has_error,
                             uint32_t error);
    /* External interrupts, called by hvm_intr_assist() from inside run()
     * with the vCPU's state loaded on this CPU. intr_blocked: RFLAGS.IF
     * clear, an STI/MOV SS shadow, or an event already queued for this
     * entry. intr_window: exit (HVM_EXIT_INTR_WINDOW) as soon as it is not.
     * inject_intr, when not blocked: true if this entry delivers the
     * vector; false if the CPU is left to deliver it, which it may not do
     * before the next exit: intr_taken then says, after that exit, which
     * vector the guest took since (-1: none), and must be given. */
    bool (*intr_blocked)(struct vcpu *v);
    bool (*inject_intr)(struct vcpu *v, uint8_t vector);
    int (*intr_taken)(struct vcpu *v);
    void (*intr_window)(struct vcpu *v, bool on);
    /* NMIs (SDM vol. 3 6.7.1, APM2 15.20): after one is delivered, no
     * other until the guest's handler executes IRET. nmi_blocked: that,
     * an STI/MOV SS shadow, or an event already queued for this entry.
     * nmi_window: exit (HVM_EXIT_INTR_WINDOW) once it is not. A backend
     * that cannot track the blocking keeps NMIs blocked (never injects). */
    bool (*nmi_blocked)(struct vcpu *v);
    void (*inject_nmi)(struct vcpu *v);
    void (*nmi_window)(struct vcpu *v, bool on);
    /* Length of the instruction that caused the current exit, when the
     * hardware reports it (NRIP-save, VMX exit length); 0 if it does not. */
    unsigned int (*exit_insn_len)(struct vcpu *v);
    void (*p2m_changed)(struct vcpu *v);        /* flush second-stage TLBs */
    /* Optional: the largest p2m leaf order the hardware supports. */
    unsigned int (*p2m_max_order)(void);
    /* Guest state to the console, for crash reports. */
    void (*dump)(struct vcpu *v);
};

extern const struct hvm_backend *hvm;           /* NULL: no virtualization */

extern const struct hvm_backend svm_backend;
int svm_probe(void);        /* 0 if the CPU has usable SVM with NPT */
extern const struct hvm_backend vmx_backend;
int vmx_probe(void);        /* 0 if the CPU has usable VMX with EPT */

#endif
