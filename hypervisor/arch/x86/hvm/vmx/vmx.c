/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intel VT-x (VMX) backend: VMXON on every CPU, one VMCS per vCPU, EPT and
 * unrestricted guest, every I/O port and every MSR not switched with the
 * guest state intercepted. References are to the Intel SDM vol. 3C
 * (chapters 24-31 and appendices A-C; numbering of recent editions).
 */
#include "../backend.h"
#include <asm/hvm_intr.h>
#include <asm/p2m.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/heap.h>
#include <tessera/lib.h>
#include <tessera/time.h>
#include <tessera/page_alloc.h>

#include "vmx_internal.h"

struct vmx_cpu {
    paddr_t vmxon_pa;
    bool on;
};

static struct vmx_cpu vmx_cpus[MAX_CPUS];
paddr_t vmx_io_bitmap_pa, vmx_msr_bitmap_pa;   /* shared by every vCPU */
static uint32_t next_vpid = 1;

/*
 * SYSCALL state and KERNEL_GS_BASE are not part of the VMCS guest state
 * (25.4) and the host never uses them: the guest owns the MSRs while its
 * VMCS is on the CPU; they are saved in vmx_vcpu_put() and loaded when it
 * comes back. FS/GS base and SYSENTER are in the VMCS.
 */
static const uint32_t switched_msrs[5] = {
    MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK, MSR_KERNEL_GS_BASE,
};

/* MSR bitmap (25.6.9): read-low, read-high, write-low, write-high, 1 KiB
 * each, low = 0..1fff, high = c0000000..c0001fff; a clear bit lets the
 * access through. */
static void msr_allow(uint8_t *bm, uint32_t msr)
{
    unsigned int base;

    if (msr < 0x2000)
        base = 0;
    else if (msr - 0xc0000000u < 0x2000)
        base = 0x400, msr -= 0xc0000000u;
    else
        return;
    bm[base + msr / 8] &= (uint8_t)~(1u << (msr % 8));
    bm[base + 0x800 + msr / 8] &= (uint8_t)~(1u << (msr % 8));
}

static int vmx_global_init(void)
{
    static const uint32_t passthrough[] = {
        MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
        MSR_SFMASK, MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
    };

    /* I/O bitmaps A and B (25.6.4): every port exits. */
    vmx_io_bitmap_pa = alloc_pages(1, 0);
    vmx_msr_bitmap_pa = alloc_pages(0, 0);
    if (!vmx_io_bitmap_pa || !vmx_msr_bitmap_pa)
        return -ENOMEM;
    memset(phys_to_virt(vmx_io_bitmap_pa), 0xff, 2 * PAGE_SIZE);
    memset(phys_to_virt(vmx_msr_bitmap_pa), 0xff, PAGE_SIZE);
    for (size_t i = 0; i < ARRAY_SIZE(passthrough); i++)
        msr_allow(phys_to_virt(vmx_msr_bitmap_pa), passthrough[i]);
    vmx_print_caps();
    return 0;
}

/*
 * VMXON (24.7, 24.8): IA32_FEATURE_CONTROL locked with VMXON allowed
 * outside SMX, CR0 and CR4 within IA32_VMX_CR{0,4}_FIXED{0,1} (which
 * include CR4.VMXE), and a VMXON region that starts with the VMCS revision.
 */
static int vmx_cpu_init(void)
{
    unsigned int cpu = smp_processor_id();
    struct vmx_cpu *vc = &vmx_cpus[cpu];
    const struct vmx_caps *c = &vmx_caps;
    uint64_t fc;

    if (!vmx_io_bitmap_pa) {
        int rc = vmx_global_init();
        if (rc)
            return rc;
    }
    if (vc->on)
        return 0;
    fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
    if (!(fc & FEATURE_CONTROL_LOCK)) {
        fc |= FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMXON;
        wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
    }
    if (!(fc & FEATURE_CONTROL_VMXON)) {
        printk(LOG_ERR "vmx: CPU %u: VMXON not allowed by IA32_FEATURE_CONTROL (%#llx)\n",
               cpu, (unsigned long long)fc);
        return -ENODEV;
    }
    if (!vc->vmxon_pa) {
        vc->vmxon_pa = alloc_pages(0, PA_ZERO);
        if (!vc->vmxon_pa)
            return -ENOMEM;
    }
    *(uint32_t *)phys_to_virt(vc->vmxon_pa) = c->revision;
    write_cr0((read_cr0() | c->cr0_fixed0) & c->cr0_fixed1);
    write_cr4((read_cr4() | c->cr4_fixed0 | X86_CR4_VMXE) & c->cr4_fixed1);
    if (!vmxon(vc->vmxon_pa)) {
        printk(LOG_ERR "vmx: CPU %u: VMXON failed\n", cpu);
        write_cr4(read_cr4() & ~X86_CR4_VMXE);
        return -EIO;
    }
    vc->on = true;
    vmx_current_vmcs[cpu] = 0;
    /* Nothing cached from before VMXON may be used for our guests. */
    if (c->ept_vpid & EPT_CAP_INVEPT_ALL)
        invept(INVEPT_ALL, 0);
    if (c->vpid && (c->ept_vpid & VPID_CAP_INVVPID_ALL))
        invvpid(INVVPID_ALL, 0);
    printk("vmx: CPU %u in VMX root operation\n", cpu);
    return 0;
}

static int vmx_vcpu_init(struct vcpu *v)
{
    struct vmx_vcpu *s;
    struct vmcs_ctx ctx;
    int rc;

    s = xzalloc(sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->vmcs_pa = alloc_pages(0, PA_ZERO);
    if (!s->vmcs_pa) {
        xfree(s);
        return -ENOMEM;
    }
    /* Revision identifier, bit 31 clear: an ordinary VMCS (25.2). */
    *(uint32_t *)phys_to_virt(s->vmcs_pa) = vmx_caps.revision;
    s->cpu = -1;
    s->last_cpu = -1;
    s->eptp = p2m_eptp(v->domain->p2m);
    if (vmx_caps.vpid) {
        uint32_t id = __atomic_fetch_add(&next_vpid, 1, __ATOMIC_RELAXED);
        /* VPIDs are never reused; past 65535 vCPUs go without one. */
        s->vpid = id <= 0xffff ? (uint16_t)id : 0;
    }
    v->arch.hw = s;

    /* VMCLEAR initialises the region and makes its launch state clear. */
    if (!vmclear(s->vmcs_pa) || !vmcs_borrow(v, &ctx)) {
        rc = -EIO;
    } else {
        rc = vmcs_setup(v);
        vmcs_release(v, &ctx);
    }
    if (rc) {
        printk(LOG_ERR "vmx: dom %s vcpu %u: VMCS setup failed\n", v->domain->name, v->id);
        free_pages(s->vmcs_pa, 0);
        xfree(s);
        v->arch.hw = NULL;
    }
    return rc;
}

static void vmx_vcpu_destroy(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx(v);

    if (!s)
        return;
    /* Not running anywhere (domain.c frees after every CPU passed a
     * quiescent point), so vmx_vcpu_put() has VMCLEARed it. */
    free_pages(s->vmcs_pa, 0);
    xfree(s);
    v->arch.hw = NULL;
}

static int vmx_set_initial_state(struct vcpu *v, const struct hvm_initial_state *st)
{
    struct vmcs_ctx ctx;
    int rc;

    if (!vmcs_borrow(v, &ctx))
        return -EBUSY;
    rc = vmcs_set_guest_state(v, st);
    vmcs_release(v, &ctx);
    return rc;
}

/*
 * Debug registers. DR7 is in the VMCS (loaded at entry, saved at exit,
 * which also sets the host's DR7 to 0x400: SDM vol. 3 28.3.1, 28.5.1);
 * DR0-3 and DR6 are not switched at all. MOV DR exits until the vCPU
 * first uses one: then its DR0-3 and DR6 are loaded, MOV-DR exiting is
 * turned off and the instruction runs again, natively. When the vCPU
 * leaves the CPU (vmx_vcpu_put) they are saved, and vmcs_load() turns
 * the exiting back on wherever it runs next, so a vCPU never reads what
 * another left there and one that never touched them costs nothing. A
 * vCPU that armed a breakpoint in DR7 gets them back in vmcs_load().
 */
static void vmx_dr_intercept(bool on)
{
    uint32_t ctl = (uint32_t)vmread(CPU_BASED_CTLS);

    vmw(CPU_BASED_CTLS, on ? ctl | CPU_MOV_DR_EXIT : ctl & ~CPU_MOV_DR_EXIT);
}

static void vmx_dr_load(struct vmx_vcpu *s)
{
    load_dr0_3(s->dr);
    write_dr6(s->dr6);
    vmx_dr_intercept(false);
    s->dr_live = true;
}

/* The vCPU leaves this CPU (run.c): its VMCS is flushed to memory and
 * made inactive, so it may be loaded on any CPU next time (25.11.1). */
static void vmx_vcpu_put(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx(v);
    unsigned int cpu = smp_processor_id();

    if (s->cpu != (int)cpu)
        return;
    for (unsigned int i = 0; i < ARRAY_SIZE(switched_msrs); i++)
        s->syscall_msrs[i] = rdmsr(switched_msrs[i]);
    if (s->dr_live) {
        save_dr0_3(s->dr);
        s->dr6 = read_dr6();
        s->dr_live = false;
    }
    vmclear(s->vmcs_pa);
    if (vmx_current_vmcs[cpu] == s->vmcs_pa)
        vmx_current_vmcs[cpu] = 0;
    s->cpu = -1;
    s->launched = false;
}

/* The VMCS becomes active and current on this CPU. */
static void vmcs_load(struct vmx_vcpu *s, unsigned int cpu)
{
    vmptrld(s->vmcs_pa);
    vmx_current_vmcs[cpu] = s->vmcs_pa;
    s->cpu = (int)cpu;
    vmcs_write_host_cpu_state();
    for (unsigned int i = 0; i < ARRAY_SIZE(switched_msrs); i++)
        wrmsr(switched_msrs[i], s->syscall_msrs[i]);
    /* Not live since vmx_vcpu_put(); DR7 cannot change until they are. */
    if (vmread(GUEST_DR7) & X86_DR7_ENABLED)
        vmx_dr_load(s);
    else
        vmx_dr_intercept(true);
    /* Translations this vCPU left on the CPU it comes from are gone from
     * here, but the ones it left here earlier may be stale now. */
    if (s->last_cpu != (int)cpu)
        s->flush = true;
    s->last_cpu = (int)cpu;
}

/*
 * TLBs (29.4.3): EPT-derived translations are tagged with the EPTP and
 * survive VM entries and exits; linear ones are tagged with the VPID.
 * Without VPID every entry and exit already drops VPID 0's linear and
 * combined mappings (29.4.3.3), and we also INVEPT on every entry.
 */
static void flush_tlbs(struct vmx_vcpu *s)
{
    /* Exchanged, not tested and cleared: domain_p2m_flush() may set it
     * from another CPU at any moment (run.c). */
    bool flush = __atomic_exchange_n(&s->flush, false, __ATOMIC_SEQ_CST);

    if (!s->vpid || flush) {
        invept(vmx_caps.invept_type, s->eptp);
        if (s->vpid)
            invvpid(vmx_caps.invvpid_type, s->vpid);
    }
}

/* An event whose delivery the exit interrupted is delivered again on the
 * next entry, with its error code and, for software events, the
 * instruction length (28.2.4, 27.6.1.1). */
static void reinject_idt_vectoring(struct vmx_vcpu *s)
{
    uint32_t info = s->idt_vec_info;

    if (!(info & INTR_INFO_VALID))
        return;
    vmw(ENTRY_INTR_INFO, info & (INTR_INFO_VALID | 0xfffu));  /* 30:12 reserved */
    if (info & INTR_INFO_ERROR_VALID)
        vmw(ENTRY_EXCEPTION_ERROR_CODE, vmread(IDT_VECTORING_ERROR_CODE));
    switch (info & INTR_INFO_TYPE_MASK) {
    case INTR_TYPE_NMI:
        /* Entry refuses an NMI under NMI blocking (27.3.1.5); this one was
         * not delivered, so it blocks nothing yet. */
        vmw(GUEST_INTERRUPTIBILITY,
            vmread(GUEST_INTERRUPTIBILITY) & ~(uint64_t)INTERRUPTIBILITY_NMI);
        break;
    case INTR_TYPE_SW_INTR:
    case INTR_TYPE_PRIV_SW_EXCEPTION:
    case INTR_TYPE_SW_EXCEPTION:
        vmw(ENTRY_INSTRUCTION_LEN, s->insn_len);
        break;
    }
}

/*
 * A fault in the guest's IRET (an exception or EPT violation that exits)
 * has already ended its NMI blocking, but the IRET will run again: bit 12
 * of the exit's interruption information / qualification says so, and the
 * blocking is put back (SDM vol. 3 28.2.2, 28.2.3).
 */
static void restore_nmi_blocking(struct vmx_vcpu *s)
{
    const uint32_t unblocked_by_iret = 1u << 12;
    uint32_t reason = s->exit_reason & 0xffff;
    bool iret;

    if (!vmx_caps.vnmi || (s->idt_vec_info & INTR_INFO_VALID))
        return;
    if (reason == EXIT_REASON_EXCEPTION_NMI)
        iret = (s->exit_intr_info & INTR_INFO_VALID) && (s->exit_intr_info & unblocked_by_iret) &&
               (s->exit_intr_info & INTR_INFO_VECTOR_MASK) != 8;
    else
        iret = reason == EXIT_REASON_EPT_VIOLATION && (s->exit_qual & unblocked_by_iret);
    if (iret)
        vmw(GUEST_INTERRUPTIBILITY, vmread(GUEST_INTERRUPTIBILITY) | INTERRUPTIBILITY_NMI);
}

/*
 * External-interrupt exiting makes a host interrupt end the guest's run
 * whatever its RFLAGS.IF (SDM vol. 3 26.2), and so the run loop gets the
 * CPU back for the slice timer and kicks. Bochs 2.7 loads the guest's
 * RFLAGS at VM entry before it counts as in the guest, and so with IF
 * clear at entry keeps host interrupts masked until the guest itself
 * changes IF: a vCPU spinning with interrupts off (Linux's secondary CPU
 * waiting for the boot CPU in wait_for_master_cpu) then holds the CPU for
 * good, and the vCPU it waits for never runs. Such an entry gets the
 * VMX-preemption timer (25.5.1) too, set to PREEMPT_US: on hardware that
 * delivers its interrupts it costs at most one exit per PREEMPT_US while
 * a guest keeps interrupts off.
 */
#define PREEMPT_US  1000

static void preempt_timer_arm(struct vmx_vcpu *s)
{
    bool on = !(vmread(GUEST_RFLAGS) & X86_EFLAGS_IF);

    if (on) {
        uint64_t ticks = (time_tsc_khz() * PREEMPT_US / 1000) >> vmx_caps.preempt_shift;

        vmw(GUEST_PREEMPT_TIMER, (uint32_t)MAX(MIN(ticks, 0xffffffffull), 1ull));
    }
    if (on != s->preempt_on) {
        vmw(PIN_BASED_CTLS, vmx_caps.pin | (on ? PIN_PREEMPT_TIMER : 0));
        s->preempt_on = on;
    }
}

static void vmx_run(struct vcpu *v, struct hvm_exit *e)
{
    struct vmx_vcpu *s = vmx(v);
    unsigned int cpu = smp_processor_id();
    int fail;

    if (s->cpu != (int)cpu)
        vmcs_load(s, cpu);
    else if (vmx_current_vmcs[cpu] != s->vmcs_pa) {
        vmptrld(s->vmcs_pa);
        vmx_current_vmcs[cpu] = s->vmcs_pa;
    }
    flush_tlbs(s);
    hvm_intr_assist(v);
    if (vmx_caps.preempt_timer)
        preempt_timer_arm(s);
    if (read_cr2() != s->cr2)
        write_cr2(s->cr2);

    fail = vmx_enter(&v->arch.regs, s->launched);

    s->cr2 = read_cr2();
    if (fail) {
        s->exit_reason = 0;
        s->exit_qual = 0;
        s->insn_len = s->exit_intr_info = s->idt_vec_info = 0;
        memset(e, 0, sizeof(*e));
        vmx_report_entry_fail(v, fail);
        e->reason = HVM_EXIT_ENTRY_FAILED;
        e->raw = ~0ull;
        return;
    }
    s->exit_reason = (uint32_t)vmread(EXIT_REASON);
    s->exit_qual = vmread(EXIT_QUALIFICATION);
    s->insn_len = (uint32_t)vmread(EXIT_INSTRUCTION_LEN);
    s->exit_intr_info = (uint32_t)vmread(EXIT_INTR_INFO);
    s->idt_vec_info = (uint32_t)vmread(IDT_VECTORING_INFO);
    if (!(s->exit_reason & EXIT_REASON_ENTRY_FAILURE)) {
        s->launched = true;
        if ((s->exit_reason & 0xffff) == EXIT_REASON_DR_ACCESS)
            vmx_dr_load(s);
        reinject_idt_vectoring(s);
        restore_nmi_blocking(s);
    }
    vmx_translate_exit(v, e);
}

static uint64_t vmx_get_rip(struct vcpu *v) { return vmread(GUEST_RIP); }
static uint64_t vmx_get_rsp(struct vcpu *v) { return vmread(GUEST_RSP); }
static uint64_t vmx_get_rflags(struct vcpu *v) { return vmread(GUEST_RFLAGS); }
static uint64_t vmx_cs_base(struct vcpu *v) { return vmread(GUEST_CS_BASE); }

/* Moving past an instruction ends the STI / MOV SS shadow it may have
 * started (25.4.2), as executing it would have. */
static void vmx_set_rip(struct vcpu *v, uint64_t rip)
{
    uint64_t intr = vmread(GUEST_INTERRUPTIBILITY);

    vmw(GUEST_RIP, rip);
    if (intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
        vmw(GUEST_INTERRUPTIBILITY,
            intr & ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

/* CPL is SS.DPL (25.4.1). */
static unsigned int vmx_cpl(struct vcpu *v)
{
    return (vmread(GUEST_SS_AR) >> 5) & 3;
}

static enum hvm_mode vmx_mode(struct vcpu *v)
{
    uint64_t cs_ar = vmread(GUEST_CS_AR);

    if (!(vmread(GUEST_CR0) & 1))
        return HVM_MODE_REAL;
    if ((vmread(GUEST_IA32_EFER) & (1u << 10)) && (cs_ar & (1u << 13)))
        return HVM_MODE_LONG64;
    return (cs_ar & (1u << 14)) ? HVM_MODE_PROT32 : HVM_MODE_PROT16;
}

static void vmx_paging_state(struct vcpu *v, uint64_t *cr0, uint64_t *cr3, uint64_t *cr4,
                             uint64_t *efer)
{
    *cr0 = vmx_guest_cr0();
    *cr3 = vmread(GUEST_CR3);
    *cr4 = vmx_guest_cr4();
    *efer = vmread(GUEST_IA32_EFER);
}

/* LMA is the CPU's to set; LME may not change while paging is on
 * (SDM vol. 3 2.2.1, 10.8.5). */
static int vmx_set_efer(struct vcpu *v, uint64_t efer)
{
    const uint64_t lme = 1u << 8, lma = 1u << 10;
    uint64_t old = vmread(GUEST_IA32_EFER);

    if ((vmx_guest_cr0() & (1ull << 31)) && ((efer ^ old) & lme))
        return -EPERM;
    vmw(GUEST_IA32_EFER, (efer & ~lma) | (old & lma));
    return vmcs_write_failed() ? -EIO : 0;
}

/* GUEST_IA32_PAT is loaded on entry and saved on exit only with those
 * controls (SDM vol. 3 25.7.1, 26.3.2.1). */
static int vmx_get_pat(struct vcpu *v, uint64_t *pat)
{
    if (!vmx_caps.pat)
        return -EPERM;
    *pat = vmread(GUEST_IA32_PAT);
    return 0;
}

static int vmx_set_pat(struct vcpu *v, uint64_t pat)
{
    if (!vmx_caps.pat)
        return -EPERM;
    vmw(GUEST_IA32_PAT, pat);
    return vmcs_write_failed() ? -EIO : 0;
}

/* VM-entry event injection (25.8.3). A guest with CR0.PE clear takes
 * exceptions without error codes; entry refuses one then (27.2.1.3). */
static void vmx_inject_exception(struct vcpu *v, unsigned int vector, bool has_error,
                                 uint32_t error)
{
    uint32_t info = (vector & 0xff) | INTR_TYPE_HW_EXCEPTION | INTR_INFO_VALID;

    if (has_error && (vmread(GUEST_CR0) & 1)) {
        info |= INTR_INFO_ERROR_VALID;
        vmw(ENTRY_EXCEPTION_ERROR_CODE, error);
    }
    vmw(ENTRY_INTR_INFO, info);
}

/* The VM-exit instruction-length field (28.2.5), valid for the exits
 * caused by instructions that the shared code skips. */
static unsigned int vmx_exit_insn_len(struct vcpu *v)
{
    unsigned int len = vmx(v)->insn_len;

    return len >= 1 && len <= 15 ? len : 0;
}

static void vmx_p2m_changed(struct vcpu *v)
{
    __atomic_store_n(&vmx(v)->flush, true, __ATOMIC_SEQ_CST);
}

/* SDM vol. 3 26.3.1.5 / 27.2: interruptibility bits 0-1 are blocking by
 * STI and by MOV SS; a valid VM-entry interruption field is an event
 * already queued (exits clear it, so it is ours from this exit). */
static bool vmx_intr_blocked(struct vcpu *v)
{
    (void)v;
    return !(vmread(GUEST_RFLAGS) & (1u << 9)) || (vmread(GUEST_INTERRUPTIBILITY) & 3) ||
           (vmread(ENTRY_INTR_INFO) & INTR_INFO_VALID);
}

/* VM entry delivers it (SDM vol. 3 27.6), or the exit during its
 * delivery reports it for re-injection as already taken. */
static bool vmx_inject_intr(struct vcpu *v, uint8_t vector)
{
    (void)v;
    vmw(ENTRY_INTR_INFO, vector | INTR_TYPE_EXT_INTR | INTR_INFO_VALID);
    return true;
}

static void vmx_intr_window(struct vcpu *v, bool on)
{
    uint32_t ctl = (uint32_t)vmread(CPU_BASED_CTLS);

    (void)v;
    ctl = on ? ctl | CPU_INTR_WINDOW_EXIT : ctl & ~CPU_INTR_WINDOW_EXIT;
    vmw(CPU_BASED_CTLS, ctl);
}

/*
 * NMIs, with virtual NMIs (SDM vol. 3 25.3, 26.7.1): the CPU sets
 * blocking by NMI in the interruptibility state when it delivers one and
 * clears it at the guest's IRET; NMI-window exiting exits once neither it
 * nor an STI/MOV SS shadow blocks. Entry refuses an NMI under those
 * (27.3.1.5).
 */
static bool vmx_nmi_blocked(struct vcpu *v)
{
    (void)v;
    if (!vmx_caps.vnmi)
        return true;
    return (vmread(GUEST_INTERRUPTIBILITY) &
            (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS | INTERRUPTIBILITY_NMI)) ||
           (vmread(ENTRY_INTR_INFO) & INTR_INFO_VALID);
}

static void vmx_inject_nmi(struct vcpu *v)
{
    (void)v;
    vmw(ENTRY_INTR_INFO, 2 | INTR_TYPE_NMI | INTR_INFO_VALID);
}

static void vmx_nmi_window(struct vcpu *v, bool on)
{
    uint32_t ctl = (uint32_t)vmread(CPU_BASED_CTLS);

    (void)v;
    if (!vmx_caps.vnmi)
        return;
    ctl = on ? ctl | CPU_NMI_WINDOW_EXIT : ctl & ~CPU_NMI_WINDOW_EXIT;
    vmw(CPU_BASED_CTLS, ctl);
}

static unsigned int vmx_p2m_max_order(void) { return vmx_caps.max_order; }

const struct hvm_backend vmx_backend = {
    .name = "vmx",
    .p2m_format = P2M_EPT,
    .hypercall_insn = { 0x0f, 0x01, 0xc1 },    /* VMCALL */
    .cpu_init = vmx_cpu_init,
    .vcpu_init = vmx_vcpu_init,
    .vcpu_destroy = vmx_vcpu_destroy,
    .vcpu_put = vmx_vcpu_put,
    .set_initial_state = vmx_set_initial_state,
    .run = vmx_run,
    .get_rip = vmx_get_rip,
    .set_rip = vmx_set_rip,
    .get_rsp = vmx_get_rsp,
    .get_rflags = vmx_get_rflags,
    .mode = vmx_mode,
    .cs_base = vmx_cs_base,
    .paging_state = vmx_paging_state,
    .cpl = vmx_cpl,
    .set_efer = vmx_set_efer,
    .get_pat = vmx_get_pat,
    .set_pat = vmx_set_pat,
    .inject_exception = vmx_inject_exception,
    .intr_blocked = vmx_intr_blocked,
    .inject_intr = vmx_inject_intr,
    .intr_window = vmx_intr_window,
    .nmi_blocked = vmx_nmi_blocked,
    .inject_nmi = vmx_inject_nmi,
    .nmi_window = vmx_nmi_window,
    .exit_insn_len = vmx_exit_insn_len,
    .p2m_changed = vmx_p2m_changed,
    .p2m_max_order = vmx_p2m_max_order,
    .dump = vmcs_dump,
};
