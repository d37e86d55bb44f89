/* SPDX-License-Identifier: GPL-2.0-only */
/* The VMX backend's shared state: what the CPU offers, per-CPU and per-vCPU. */
#ifndef VMX_INTERNAL_H
#define VMX_INTERNAL_H

#include "../backend.h"
#include <asm/percpu.h>
#include <asm/vmx.h>
#include <tessera/domain.h>

/* What vmx_caps.c found, and the controls every VMCS starts from. */
struct vmx_caps {
    uint64_t basic;
    uint32_t revision;
    uint32_t pin, cpu, cpu2, exit, entry;   /* adjusted to the allowed settings */
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    uint64_t ept_vpid;
    bool vpid;                  /* CPU2_VPID in cpu2 */
    unsigned long invept_type;  /* INVEPT_SINGLE or INVEPT_ALL */
    unsigned long invvpid_type; /* INVVPID_SINGLE or INVVPID_ALL */
    unsigned int max_order;     /* largest EPT leaf */
    bool pat;                   /* guest IA32_PAT loaded and saved */
    bool vnmi;                  /* virtual NMIs and NMI-window exiting */
    bool preempt_timer;         /* PIN_PREEMPT_TIMER may be set (vmx.c) */
    unsigned int preempt_shift; /* the timer counts every 2^shift TSC ticks */
};

extern struct vmx_caps vmx_caps;

/* Per vCPU. The VMCS is made current on a CPU by the first run after the
 * vCPU came there and VMCLEARed by vmx_vcpu_put() when it leaves, so it is
 * never active on two CPUs (SDM vol. 3 25.11.1) and a dead vCPU's VMCS is
 * active nowhere when it is freed. */
struct vmx_vcpu {
    paddr_t vmcs_pa;
    int cpu;                    /* where the VMCS is active, -1: nowhere */
    int last_cpu;               /* where it last ran, for TLB flushes */
    bool launched;              /* VMRESUME, not VMLAUNCH */
    bool flush;                 /* INVEPT/INVVPID before the next entry */
    bool preempt_on;            /* PIN_PREEMPT_TIMER set in this VMCS */
    uint16_t vpid;              /* 0: no VPID, flush on every entry */
    uint64_t eptp;
    uint64_t cr2;               /* VMX does not switch CR2 */
    uint64_t tpr;               /* CR8, kept here: CR8 accesses exit */
    uint64_t syscall_msrs[5];   /* switched by hand, see vmx.c */
    /* Debug registers (vmx.c, vmx_dr_load): DR7 is in the VMCS; DR0-3 and
     * DR6 are the CPU's, kept here while another vCPU may be there. */
    bool dr_live;               /* on this CPU, MOV DR exiting off */
    uint64_t dr[4], dr6;
    /* The last exit, for the shared exit code and dumps. */
    uint32_t exit_reason;
    uint64_t exit_qual;
    uint32_t exit_intr_info, idt_vec_info, insn_len;
};

static inline struct vmx_vcpu *vmx(struct vcpu *v) { return v->arch.hw; }

/* Which VMCS is current on each CPU (0: none). */
extern paddr_t vmx_current_vmcs[MAX_CPUS];

/* vmx_caps.c */
void vmx_print_caps(void);

/* vmcs.c */
int vmcs_setup(struct vcpu *v);                 /* VMCS current: controls, host RIP */
void vmcs_write_host_cpu_state(void);           /* the per-CPU host fields */
int vmcs_set_guest_state(struct vcpu *v, const struct hvm_initial_state *st);
void vmcs_dump(struct vcpu *v);
const char *vmx_insn_error_name(uint32_t err);
uint64_t vmx_adjust_cr0(uint64_t cr0);
uint64_t vmx_adjust_cr4(uint64_t cr4);
uint64_t vmx_cr0_mask(void);
uint64_t vmx_cr4_mask(void);
int vmx_load_pdptes(struct vcpu *v, uint64_t cr3);
bool vmcs_write_failed(void);                   /* any vmw() failed since last call */
void vmw(unsigned long field, uint64_t value);  /* vmwrite, failures remembered */

/* Makes v's VMCS current on this CPU for a moment (a vCPU other than the
 * running one: set_initial_state, dumps); vmcs_release() puts back what
 * was current. false if v's VMCS is active on another CPU. */
struct vmcs_ctx { paddr_t prev; bool switched; };
bool vmcs_borrow(struct vcpu *v, struct vmcs_ctx *c);
void vmcs_release(struct vcpu *v, struct vmcs_ctx *c);

/* vmx_exit.c */
void vmx_translate_exit(struct vcpu *v, struct hvm_exit *e);
void vmx_report_entry_fail(struct vcpu *v, int fail);
uint64_t vmx_guest_cr0(void);
uint64_t vmx_guest_cr4(void);

/* entry.S: 0 after a VM exit, 1 VMfailInvalid, 2 VMfailValid. */
int vmx_enter(struct guest_regs *regs, int launched);
void vmx_exit_stub(void);

#endif
