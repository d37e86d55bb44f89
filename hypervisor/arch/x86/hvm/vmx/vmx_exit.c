/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VM exits translated into struct hvm_exit (basic exit reasons: SDM vol. 3
 * appendix C; exit qualifications: 28.2.1). Control-register accesses are
 * the backend's own business (the guest only sees its read shadows) and
 * are finished here; everything else goes to the shared exit code.
 */
#include "../backend.h"
#include <asm/processor.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/lib.h>

#include "vmx_internal.h"

#define VEC_GP      13

/* The guest's view: its own bits, and the read shadow where we own them. */
uint64_t vmx_guest_cr0(void)
{
    uint64_t mask = vmread(CR0_GUEST_HOST_MASK);

    return (vmread(GUEST_CR0) & ~mask) | (vmread(CR0_READ_SHADOW) & mask);
}

uint64_t vmx_guest_cr4(void)
{
    uint64_t mask = vmread(CR4_GUEST_HOST_MASK);

    return (vmread(GUEST_CR4) & ~mask) | (vmread(CR4_READ_SHADOW) & mask);
}

/* GPR numbering of the exit qualifications (table 28-3): rax rcx rdx rbx
 * rsp rbp rsi rdi r8..r15. RSP is in the VMCS. */
static uint64_t *gpr(struct vcpu *v, unsigned int n)
{
    struct guest_regs *r = &v->arch.regs;
    uint64_t *const map[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, NULL, &r->rbp, &r->rsi, &r->rdi,
        &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };
    return map[n & 15];
}

static uint64_t get_gpr(struct vcpu *v, unsigned int n)
{
    uint64_t *p = gpr(v, n);

    return p ? *p : vmread(GUEST_RSP);
}

static void set_gpr(struct vcpu *v, unsigned int n, uint64_t val)
{
    uint64_t *p = gpr(v, n);

    if (p)
        *p = val;
    else
        vmw(GUEST_RSP, val);
}

static bool long_mode(void)
{
    return vmread(GUEST_IA32_EFER) & EFER_LMA;
}

static void inject_gp(struct vcpu *v)
{
    hvm->inject_exception(v, VEC_GP, true, 0);
}

/*
 * MOV to CR0 that changes a bit we own (in practice CR0.NE, which VMX
 * forces on). Done as the CPU would (SDM vol. 3 2.5, 9.8.5): the checks
 * that give #GP, and the switch in or out of IA-32e mode when PG changes
 * with EFER.LME set, which the hardware did not do because it exited.
 */
static bool guest_write_cr0(struct vcpu *v, uint64_t val)
{
    uint64_t old = vmx_guest_cr0(), cr4 = vmx_guest_cr4();
    uint64_t efer = vmread(GUEST_IA32_EFER);
    uint32_t entry = (uint32_t)vmread(ENTRY_CTLS);

    if (!long_mode())
        val = (uint32_t)val;
    if ((val >> 32) || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
        ((val & X86_CR0_NW) && !(val & X86_CR0_CD)) || (val & ~vmx_caps.cr0_fixed1))
        return false;
    if (!(old & X86_CR0_PG) && (val & X86_CR0_PG) && (efer & EFER_LME)) {
        if (!(cr4 & X86_CR4_PAE))
            return false;
        efer |= EFER_LMA;
        entry |= ENTRY_IA32E_GUEST;
    } else if ((old & X86_CR0_PG) && !(val & X86_CR0_PG) && (efer & EFER_LMA)) {
        efer &= ~EFER_LMA;
        entry &= ~ENTRY_IA32E_GUEST;
    }
    vmw(GUEST_CR0, vmx_adjust_cr0(val));
    vmw(CR0_READ_SHADOW, val);
    vmw(GUEST_IA32_EFER, efer);
    vmw(ENTRY_CTLS, entry);
    if ((val & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & EFER_LMA) &&
        vmx_load_pdptes(v, vmread(GUEST_CR3)))
        return false;
    vmx(v)->flush = true;
    return true;
}

/* MOV to CR4 changing a bit we own: VMXE (VMX is not offered to guests)
 * or one this CPU cannot have set in VMX operation. */
static bool guest_write_cr4(struct vcpu *v, uint64_t val)
{
    uint64_t cr0 = vmx_guest_cr0();

    if (!long_mode())
        val = (uint32_t)val;
    if ((val & X86_CR4_VMXE) || (val & ~vmx_caps.cr4_fixed1) ||
        (long_mode() && !(val & X86_CR4_PAE)))
        return false;
    vmw(GUEST_CR4, vmx_adjust_cr4(val));
    vmw(CR4_READ_SHADOW, val);
    if ((cr0 & X86_CR0_PG) && (val & X86_CR4_PAE) && !long_mode() &&
        vmx_load_pdptes(v, vmread(GUEST_CR3)))
        return false;
    vmx(v)->flush = true;
    return true;
}

/* CR3 exits only if the CPU cannot turn CR3 exiting off (no true
 * controls); CR8 always exits (vmx_caps.c). */
static bool guest_write_cr3(struct vcpu *v, uint64_t val)
{
    uint64_t cr0 = vmx_guest_cr0(), cr4 = vmx_guest_cr4();

    if (!long_mode())
        val = (uint32_t)val;
    vmw(GUEST_CR3, val & ~(1ull << 63));
    if ((cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !long_mode() && vmx_load_pdptes(v, val))
        return false;
    vmx(v)->flush = true;
    return true;
}

/* Exit qualification for CR accesses (table 28-3): CR number 3:0, access
 * type 5:4 (0 to CR, 1 from CR, 2 CLTS, 3 LMSW), GPR 11:8. */
static void cr_access(struct vcpu *v, uint64_t q)
{
    struct vmx_vcpu *s = vmx(v);
    unsigned int cr = q & 15, type = (q >> 4) & 3, reg = (q >> 8) & 15;
    bool ok = true;

    if (type == 0) {
        uint64_t val = get_gpr(v, reg);
        switch (cr) {
        case 0: ok = guest_write_cr0(v, val); break;
        case 3: ok = guest_write_cr3(v, val); break;
        case 4: ok = guest_write_cr4(v, val); break;
        case 8: ok = !(val & ~0xfull); if (ok) s->tpr = val; break;
        default: ok = false; break;
        }
    } else if (type == 1) {
        if (cr == 3)
            set_gpr(v, reg, vmread(GUEST_CR3));
        else if (cr == 8)
            set_gpr(v, reg, s->tpr);
        else
            ok = false;
    } else {
        /* CLTS and LMSW touch only CR0 bits 3:0, none of which we own. */
        ok = false;
    }
    if (!ok) {
        inject_gp(v);
        return;
    }
    hvm->set_rip(v, hvm->get_rip(v) + s->insn_len);
}

static const char *const entry_fail_why[] = {
    [EXIT_REASON_INVALID_STATE] = "invalid guest state",
    [EXIT_REASON_MSR_LOADING] = "MSR loading",
    [EXIT_REASON_MCE_DURING_ENTRY] = "machine-check event",
};

/* 27.8: a VM entry that fails after the checks of the controls and host
 * state looks like a VM exit with bit 31 set; the qualification says which
 * guest-state check failed (0 unspecified, 2 PDPTE loading, 3 NMI
 * injection, 4 VMCS link pointer) or which MSR entry. */
static void report_entry_failure(struct vcpu *v, uint32_t reason, uint64_t q)
{
    uint32_t basic = reason & 0xffff;
    const char *why = basic < ARRAY_SIZE(entry_fail_why) && entry_fail_why[basic]
                      ? entry_fail_why[basic] : "unknown cause";
    static const char *const quals[] = { "unspecified", "?", "PDPTE loading",
                                         "NMI injection", "VMCS link pointer" };

    printk(LOG_ERR "dom %s: vcpu %u: VM entry failed: %s (exit reason %#x, "
           "qualification %#llx%s%s)\n", v->domain->name, v->id, why, reason,
           (unsigned long long)q,
           basic == EXIT_REASON_INVALID_STATE && q < ARRAY_SIZE(quals) ? ": " : "",
           basic == EXIT_REASON_INVALID_STATE && q < ARRAY_SIZE(quals) ? quals[q] : "");
}

/* VMLAUNCH/VMRESUME did not even start (31.2): VMfailInvalid means no
 * current VMCS; VMfailValid has a VM-instruction error number. */
void vmx_report_entry_fail(struct vcpu *v, int fail)
{
    if (fail == 1) {
        printk(LOG_ERR "dom %s: vcpu %u: %s: VMfailInvalid (no current VMCS)\n",
               v->domain->name, v->id, vmx(v)->launched ? "VMRESUME" : "VMLAUNCH");
        return;
    }
    uint32_t err = (uint32_t)vmread(VM_INSTRUCTION_ERROR);
    printk(LOG_ERR "dom %s: vcpu %u: %s: VMfailValid, VM-instruction error %u: %s\n",
           v->domain->name, v->id, vmx(v)->launched ? "VMRESUME" : "VMLAUNCH", err,
           vmx_insn_error_name(err));
}

static void exception_or_nmi(struct vmx_vcpu *s, struct hvm_exit *e)
{
    uint32_t info = s->exit_intr_info;

    if ((info & INTR_INFO_VALID) && (info & INTR_INFO_TYPE_MASK) == INTR_TYPE_NMI) {
        /* The NMI exited instead of reaching the host (pin-based NMI
         * exiting, 25.2): deliver it to the host's handler now. The IRET
         * there ends the NMI blocking the exit left in place (28.5). */
        __asm__ volatile("int $2" ::: "memory");
        e->reason = HVM_EXIT_NONE;
        return;
    }
    if ((info & INTR_INFO_VALID) && (info & INTR_INFO_VECTOR_MASK) == 18) {
        e->reason = HVM_EXIT_NONE;      /* #MC: the host's, as under SVM */
        return;
    }
    e->reason = HVM_EXIT_UNHANDLED;
}

/* The exits that carry nothing but their reason. */
static enum hvm_exit_reason plain_reason(uint32_t basic)
{
    switch (basic) {
    case EXIT_REASON_EXT_INTR:
    case EXIT_REASON_PREEMPT_TIMER:     /* vmx.c: preempt_timer_arm() */
    case EXIT_REASON_INIT:
    case EXIT_REASON_SIPI:
    case EXIT_REASON_IO_SMI:
    case EXIT_REASON_OTHER_SMI:
        return HVM_EXIT_NONE;
    case EXIT_REASON_TRIPLE_FAULT:
        return HVM_EXIT_TRIPLE_FAULT;
    case EXIT_REASON_CPUID:
        return HVM_EXIT_CPUID;
    case EXIT_REASON_HLT:
        return HVM_EXIT_HLT;
    case EXIT_REASON_VMCALL:
        return HVM_EXIT_HYPERCALL;
    case EXIT_REASON_PAUSE:
        return HVM_EXIT_PAUSE;
    case EXIT_REASON_DR_ACCESS:         /* vmx_run() gave them */
        return HVM_EXIT_DR_ACCESS;
    case EXIT_REASON_INVD:
    case EXIT_REASON_WBINVD:
        return HVM_EXIT_CACHE_FLUSH;
    case EXIT_REASON_RDPMC:
        return HVM_EXIT_RDPMC;
    case EXIT_REASON_INTR_WINDOW:
    case EXIT_REASON_NMI_WINDOW:
        return HVM_EXIT_INTR_WINDOW;
    /* VMX itself, SMX, and what SVM intercepts as well: #UD. */
    case EXIT_REASON_VMCLEAR: case EXIT_REASON_VMLAUNCH: case EXIT_REASON_VMPTRLD:
    case EXIT_REASON_VMPTRST: case EXIT_REASON_VMREAD: case EXIT_REASON_VMRESUME:
    case EXIT_REASON_VMWRITE: case EXIT_REASON_VMXOFF: case EXIT_REASON_VMXON:
    case EXIT_REASON_INVEPT: case EXIT_REASON_INVVPID: case EXIT_REASON_VMFUNC:
    case EXIT_REASON_GETSEC: case EXIT_REASON_RSM:
    case EXIT_REASON_MONITOR: case EXIT_REASON_MWAIT: case EXIT_REASON_XSETBV:
    case EXIT_REASON_ENCLS: case EXIT_REASON_XSAVES: case EXIT_REASON_XRSTORS:
        return HVM_EXIT_FORBIDDEN;
    default:
        return HVM_EXIT_UNHANDLED;
    }
}

static void msr_exit(struct vcpu *v, uint32_t basic, struct hvm_exit *e)
{
    e->reason = basic == EXIT_REASON_WRMSR ? HVM_EXIT_MSR_WRITE : HVM_EXIT_MSR_READ;
    e->msr = (uint32_t)v->arch.regs.rcx;
}

static void io_exit(const struct vmx_vcpu *s, uint64_t q, struct hvm_exit *e)
{
    e->reason = HVM_EXIT_IO;
    e->io.port = IO_QUAL_PORT(q);
    e->io.size = (uint8_t)IO_QUAL_SIZE(q);
    e->io.in = q & IO_QUAL_IN;
    e->io.string = q & IO_QUAL_STRING;
    e->io.rep = q & IO_QUAL_REP;
    e->io.port_in_dx = !(q & IO_QUAL_IMM);
    e->io.next_rip = s->insn_len ? vmread(GUEST_RIP) + s->insn_len : 0;
}

static void ept_violation(uint64_t q, struct hvm_exit *e)
{
    e->reason = HVM_EXIT_NPF;
    e->npf.gpa = vmread(GUEST_PHYSICAL_ADDRESS);
    e->npf.write = q & EPT_QUAL_WRITE;
    e->npf.fetch = q & EPT_QUAL_FETCH;
    e->npf.present = q & EPT_QUAL_PERMS;
}

static void ept_misconfig(struct vcpu *v, struct hvm_exit *e)
{
    printk(LOG_ERR "dom %s: vcpu %u: EPT misconfiguration at guest-physical %#llx\n",
           v->domain->name, v->id, (unsigned long long)vmread(GUEST_PHYSICAL_ADDRESS));
    e->reason = HVM_EXIT_UNHANDLED;
}

void vmx_translate_exit(struct vcpu *v, struct hvm_exit *e)
{
    struct vmx_vcpu *s = vmx(v);
    uint32_t reason = s->exit_reason, basic = reason & 0xffff;
    uint64_t q = s->exit_qual;

    memset(e, 0, sizeof(*e));
    e->raw = reason;
    if (reason & EXIT_REASON_ENTRY_FAILURE) {
        report_entry_failure(v, reason, q);
        e->reason = HVM_EXIT_ENTRY_FAILED;
        return;
    }
    switch (basic) {
    case EXIT_REASON_EXCEPTION_NMI:
        exception_or_nmi(s, e);
        break;
    case EXIT_REASON_RDMSR:
    case EXIT_REASON_WRMSR:
        msr_exit(v, basic, e);
        break;
    case EXIT_REASON_IO:
        io_exit(s, q, e);
        break;
    case EXIT_REASON_EPT_VIOLATION:
        ept_violation(q, e);
        break;
    case EXIT_REASON_EPT_MISCONFIG:
        ept_misconfig(v, e);
        break;
    case EXIT_REASON_CR_ACCESS:
        cr_access(v, q);
        e->reason = HVM_EXIT_NONE;
        break;
    default:
        e->reason = plain_reason(basic);
        break;
    }
}
