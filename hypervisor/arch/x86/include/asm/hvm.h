/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The interface between the shared vCPU run loop (hvm/) and a hardware
 * virtualization backend (hvm/svm or hvm/vmx). Nothing outside the backend
 * directories knows which one is active: exits are translated into
 * struct hvm_exit, guest state is read and written through the ops.
 */
#ifndef ASM_HVM_H
#define ASM_HVM_H

#include <asm/guest_regs_asm.h>
#include <tessera/types.h>

struct vcpu;
struct p2m;

/* General-purpose registers the backend does not keep in its control
 * structure. The order is fixed: the VM-entry assembly indexes it
 * (asm/guest_regs_asm.h). */
struct guest_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};
_Static_assert(__builtin_offsetof(struct guest_regs, rdi) == GREG_RDI, "guest_regs rdi");
_Static_assert(__builtin_offsetof(struct guest_regs, r8) == GREG_R8, "guest_regs r8");
_Static_assert(__builtin_offsetof(struct guest_regs, r15) == GREG_R15, "guest_regs r15");

enum hvm_exit_reason {
    HVM_EXIT_NONE,          /* handled (external interrupt, NMI): just re-enter */
    HVM_EXIT_CPUID,
    HVM_EXIT_MSR_READ,
    HVM_EXIT_MSR_WRITE,
    HVM_EXIT_IO,
    HVM_EXIT_HLT,
    HVM_EXIT_HYPERCALL,
    HVM_EXIT_NPF,           /* second-stage page fault */
    HVM_EXIT_TRIPLE_FAULT,
    HVM_EXIT_FORBIDDEN,     /* an instruction the guest may not use: #UD */
    HVM_EXIT_PAUSE,
    HVM_EXIT_ENTRY_FAILED,  /* the CPU refused the guest state */
    HVM_EXIT_UNHANDLED,
    HVM_EXIT_INTR,          /* an external interrupt, NMI, SMI or INIT took the CPU back */
    HVM_EXIT_INTR_WINDOW,   /* the guest can take an interrupt now (as asked) */
    HVM_EXIT_DR_ACCESS,     /* first MOV DR: the backend gave the vCPU its debug
                             * registers, the instruction runs again natively */
    HVM_EXIT_CACHE_FLUSH,   /* WBINVD or INVD: skipped (docs/vcpu-state.md) */
    HVM_EXIT_RDPMC,         /* no vPMU: #GP(0) */
    HVM_EXIT_NR_REASONS
};

struct hvm_exit {
    enum hvm_exit_reason reason;
    uint64_t raw;                   /* backend's own exit code, for logs */
    union {
        uint32_t msr;
        struct {
            uint16_t port;
            uint8_t size;           /* 1, 2, 4 */
            bool in, string, rep;
            bool port_in_dx;        /* else an immediate (for decoding) */
            uint64_t next_rip;      /* 0 if the backend does not know */
        } io;
        struct {
            uint64_t gpa;
            bool write, fetch, present;
        } npf;
    };
};

/* The guest's execution mode, for hypercall and instruction decoding. */
enum hvm_mode { HVM_MODE_REAL, HVM_MODE_PROT16, HVM_MODE_PROT32, HVM_MODE_LONG64 };

/* Initial register state of a vCPU (PVH boot, VCPUOP_initialise, SIPI).
 * With CR0.PE clear the vCPU starts in real mode with CS = real_cs (base
 * real_cs << 4) and every other segment 0, limits 0xffff, as after a
 * start-up IPI (SDM vol. 3 10.4.4.1 / 9.1.1). */
struct hvm_initial_state {
    bool long_mode;                 /* else 32-bit flat protected mode */
    uint16_t real_cs;
    uint64_t rip, rsp, rflags;
    uint64_t cr0, cr3, cr4, efer;
    struct guest_regs regs;
};

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

int hvm_init(void);         /* boot CPU: choose the backend and init it */
int hvm_cpu_init(void);     /* other CPUs */

#endif
