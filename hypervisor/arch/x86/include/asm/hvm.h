/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What arch/x86 outside hvm/ knows of hardware virtualization: the guest's
 * registers and execution mode, exits as the shared handler sees them, and
 * the hvm_* calls. Which backend is active (hvm/svm or hvm/vmx) and its ops
 * table are private to hvm/ (hvm/backend.h).
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

/* Gives v its initial register state (before it first runs): 0, or
 * -EINVAL for a state the hardware refuses. */
int hvm_set_initial_state(struct vcpu *v, const struct hvm_initial_state *s);


/* A VMMCALL/VMCALL exit, the instruction already skipped: decodes the
 * call from the guest's registers, runs it (common/hypercall.c) and puts
 * the result in RAX (hvm/hypercall.c). */
void hvm_hypercall(struct vcpu *v);
/* Every exit, translated by the backend (hvm/exit.c). */
void hvm_handle_exit(struct vcpu *v, const struct hvm_exit *e);

int hvm_init(void);         /* boot CPU: choose the backend and init it */
int hvm_cpu_init(void);     /* other CPUs */

#endif
