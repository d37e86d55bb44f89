/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What VT-x this CPU offers, read from the capability MSRs (SDM vol. 3
 * appendix A) rather than assumed, and the VM-execution, exit and entry
 * controls every VMCS starts from.
 */
#include "../backend.h"
#include <asm/p2m.h>
#include <asm/processor.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

#include "vmx_internal.h"

struct vmx_caps vmx_caps;

/*
 * A control MSR's low half has a 1 for every bit that must be 1 (allowed-0
 * settings), its high half a 0 for every bit that must be 0 (allowed-1)
 * (App. A.3-A.5). The result is what we want, within what is allowed;
 * -ENODEV if a required bit is not allowed.
 */
static int adjust(const char *what, uint32_t msr, uint32_t required, uint32_t optional,
                  uint32_t *out)
{
    uint64_t cap = rdmsr(msr);
    uint32_t must = (uint32_t)cap, may = (uint32_t)(cap >> 32);

    if (required & ~may) {
        printk(LOG_WARN "vmx: %s controls: required bits %#x not supported "
               "(allowed %#x)\n", what, required & ~may, may);
        return -ENODEV;
    }
    *out = ((required | optional) & may) | must;
    return 0;
}

/*
 * Bits of the old (non-"true") control MSRs that are reported as default1
 * may be cleared through the TRUE_* MSRs when VMX_BASIC[55] says they
 * exist (App. A.2); CR3-load/store exiting is the one that matters here.
 */
static uint32_t ctl_msr(const struct vmx_caps *c, uint32_t true_msr, uint32_t msr)
{
    return (c->basic & VMX_BASIC_TRUE_CTLS) ? true_msr : msr;
}

/* The bits of a control MSR that must be 1 (its low half, App. A.3-A.5). */
static uint32_t must_be_one(uint32_t msr)
{
    return (uint32_t)rdmsr(msr);
}

static int probe_enabled(struct vmx_caps *c)
{
    uint32_t a, b, cx, d;
    uint64_t fc;

    cpuid(1, &a, &b, &cx, &d);
    if (!(cx & (1u << 5)))
        return -ENODEV;

    /* Firmware decides whether VMXON is allowed; unlocked, we decide
     * (SDM vol. 3 24.7). The per-CPU lock is done in vmx_cpu_init(). */
    fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
    if ((fc & FEATURE_CONTROL_LOCK) && !(fc & FEATURE_CONTROL_VMXON)) {
        printk(LOG_WARN "vmx: disabled by firmware (IA32_FEATURE_CONTROL %#llx)\n",
               (unsigned long long)fc);
        return -ENODEV;
    }
    return 0;
}

static int probe_basic(struct vmx_caps *c)
{
    c->basic = rdmsr(MSR_IA32_VMX_BASIC);
    c->revision = VMX_BASIC_REVISION(c->basic);
    if (VMX_BASIC_SIZE(c->basic) > PAGE_SIZE || VMX_BASIC_MEMTYPE(c->basic) != 6) {
        printk(LOG_WARN "vmx: VMCS of %u bytes, memory type %u: not supported\n",
               VMX_BASIC_SIZE(c->basic), VMX_BASIC_MEMTYPE(c->basic));
        return -ENODEV;
    }
    if (c->basic & VMX_BASIC_32BIT_ADDR) {
        printk(LOG_WARN "vmx: VMX structures limited to 32-bit addresses: not supported\n");
        return -ENODEV;
    }
    return 0;
}

/*
 * Physical interrupts and NMIs belong to the host and always exit; the
 * interrupt is not acknowledged on exit, so it is taken through the host
 * IDT as soon as the run loop enables interrupts.
 */
static int probe_pin(struct vmx_caps *c)
{
    uint32_t msr = ctl_msr(c, MSR_IA32_VMX_TRUE_PINBASED, MSR_IA32_VMX_PINBASED_CTLS);
    int rc;

    rc = adjust("pin-based", msr, PIN_EXT_INTR_EXIT | PIN_NMI_EXIT,
                PIN_VIRTUAL_NMIS | PIN_PREEMPT_TIMER, &c->pin);
    if (rc)
        return rc;
    /* The VMX-preemption timer, where there is one, is off until vmx_run()
     * arms it for an entry; it counts down once every 2^VMX_MISC[4:0] TSC
     * ticks (25.5.1). */
    if ((c->pin & PIN_PREEMPT_TIMER) && !(must_be_one(msr) & PIN_PREEMPT_TIMER)) {
        c->preempt_timer = true;
        c->preempt_shift = (unsigned int)(rdmsr(MSR_IA32_VMX_MISC) & 0x1f);
        c->pin &= ~PIN_PREEMPT_TIMER;
    }
    return 0;
}

/*
 * Interrupt-window exiting must exist (interrupt injection asks for it
 * while the guest has IF clear) but is off until then; so is NMI-window
 * exiting. Guest NMIs need both it and virtual NMIs, with which the CPU
 * tracks the guest's NMI blocking (25.3, 26.7.1); without them a guest's
 * NMIs stay pending.
 */
static void settle_vnmi(struct vmx_caps *c)
{
    c->vnmi = (c->pin & PIN_VIRTUAL_NMIS) && (c->cpu & CPU_NMI_WINDOW_EXIT);
    if (!c->vnmi)
        c->pin &= ~PIN_VIRTUAL_NMIS | must_be_one(ctl_msr(c, MSR_IA32_VMX_TRUE_PINBASED,
                                                          MSR_IA32_VMX_PINBASED_CTLS));
    c->cpu &= ~(CPU_INTR_WINDOW_EXIT | CPU_NMI_WINDOW_EXIT);
}

/*
 * CR8 accesses exit: without a TPR shadow a 64-bit guest's MOV to CR8
 * would write the physical APIC's TPR (SDM vol. 3 27.3, 29.1). MOV DR
 * exits until the vCPU uses its debug registers (vmx.c), RDPMC always:
 * the counters are the host's (docs/vcpu-state.md).
 */
static int probe_primary(struct vmx_caps *c)
{
    int rc;

    rc = adjust("processor-based",
                ctl_msr(c, MSR_IA32_VMX_TRUE_PROCBASED, MSR_IA32_VMX_PROCBASED_CTLS),
                CPU_HLT_EXIT | CPU_IO_BITMAPS | CPU_MSR_BITMAPS | CPU_SECONDARY_CTLS |
                    CPU_CR8_LOAD_EXIT | CPU_CR8_STORE_EXIT | CPU_MWAIT_EXIT | CPU_MONITOR_EXIT |
                    CPU_INTR_WINDOW_EXIT | CPU_MOV_DR_EXIT | CPU_RDPMC_EXIT,
                CPU_NMI_WINDOW_EXIT, &c->cpu);
    if (rc)
        return rc;
    settle_vnmi(c);
    return 0;
}

/*
 * EPT-violation #VE stays off: our EPT entries leave "suppress #VE" clear
 * (p2m_ept.c). RDTSCP and INVPCID give #UD unless enabled (25.6.2):
 * INVPCID's feature bit is passed through, so it is enabled where the CPU
 * allows; RDTSCP is hidden (cpuid.c: IA32_TSC_AUX is not switched), so it
 * stays #UD, as under SVM. WBINVD exits where the CPU can make it (INVD
 * always does, 26.1.2).
 */
static int probe_secondary(struct vmx_caps *c)
{
    return adjust("secondary", MSR_IA32_VMX_PROCBASED_CTLS2, CPU2_EPT | CPU2_UNRESTRICTED_GUEST,
                  CPU2_VPID | CPU2_INVPCID | CPU2_WBINVD_EXIT, &c->cpu2);
}

/*
 * DR7 and DEBUGCTL are the guest's only with the debug controls, which the
 * TRUE_* MSRs may allow clear (App. A.4, A.5; docs/vcpu-state.md).
 */
static int probe_exit(struct vmx_caps *c)
{
    return adjust("VM-exit", ctl_msr(c, MSR_IA32_VMX_TRUE_EXIT, MSR_IA32_VMX_EXIT_CTLS),
                  EXIT_HOST_64BIT | EXIT_LOAD_EFER | EXIT_SAVE_EFER | EXIT_SAVE_DEBUG,
                  EXIT_LOAD_PAT | EXIT_SAVE_PAT, &c->exit);
}

/* Both halves or neither: a guest PAT loaded but not saved would be lost. */
static void settle_pat(struct vmx_caps *c)
{
    c->pat = (c->entry & ENTRY_LOAD_PAT) && (c->exit & EXIT_LOAD_PAT) &&
             (c->exit & EXIT_SAVE_PAT);
    if (c->pat)
        return;
    c->entry &= ~ENTRY_LOAD_PAT |
                must_be_one(ctl_msr(c, MSR_IA32_VMX_TRUE_ENTRY, MSR_IA32_VMX_ENTRY_CTLS));
    c->exit &= ~(EXIT_LOAD_PAT | EXIT_SAVE_PAT) |
               must_be_one(ctl_msr(c, MSR_IA32_VMX_TRUE_EXIT, MSR_IA32_VMX_EXIT_CTLS));
}

static int probe_entry(struct vmx_caps *c)
{
    int rc;

    rc = adjust("VM-entry", ctl_msr(c, MSR_IA32_VMX_TRUE_ENTRY, MSR_IA32_VMX_ENTRY_CTLS),
                ENTRY_LOAD_EFER | ENTRY_LOAD_DEBUG, ENTRY_LOAD_PAT, &c->entry);
    if (rc)
        return rc;
    if (c->entry & (ENTRY_IA32E_GUEST | ENTRY_SMM | ENTRY_DEACT_DUAL_MONITOR)) {
        printk(LOG_WARN "vmx: VM-entry controls %#x forced on\n", c->entry);
        return -ENODEV;
    }
    settle_pat(c);
    return 0;
}

/*
 * An unrestricted guest switches in and out of long mode itself; the CPU
 * must then keep "IA-32e mode guest" in step with EFER.LMA on exit (App.
 * A.6: always so when unrestricted guest is supported).
 */
static int probe_misc(struct vmx_caps *c)
{
    if (!(rdmsr(MSR_IA32_VMX_MISC) & VMX_MISC_LMA_IN_ENTRY_CTL)) {
        printk(LOG_WARN "vmx: VM exits do not store EFER.LMA: not supported\n");
        return -ENODEV;
    }
    c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
    c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
    c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
    c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
    return 0;
}

/* VPID only with an INVVPID we can use to flush a vCPU's tags. */
static void settle_vpid(struct vmx_caps *c)
{
    c->vpid = false;
    if ((c->cpu2 & CPU2_VPID) && (c->ept_vpid & VPID_CAP_INVVPID) &&
        (c->ept_vpid & (VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL))) {
        c->vpid = true;
        c->invvpid_type = (c->ept_vpid & VPID_CAP_INVVPID_SINGLE) ? INVVPID_SINGLE
                                                                  : INVVPID_ALL;
    } else {
        c->cpu2 &= ~CPU2_VPID;
    }
}

/*
 * EPT (App. A.10): the EPTP p2m_eptp() builds asks for a 4-level walk with
 * write-back paging structures; p2m_ept.c uses WB and UC leaves.
 */
static int probe_ept_vpid(struct vmx_caps *c)
{
    c->ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
    if (!(c->ept_vpid & EPT_CAP_WALK_4) || !(c->ept_vpid & EPT_CAP_WB)) {
        printk(LOG_WARN "vmx: EPT without 4-level walks or WB structures (cap %#llx)\n",
               (unsigned long long)c->ept_vpid);
        return -ENODEV;
    }
    if (!(c->ept_vpid & EPT_CAP_INVEPT) ||
        !(c->ept_vpid & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL))) {
        printk(LOG_WARN "vmx: no usable INVEPT (cap %#llx)\n", (unsigned long long)c->ept_vpid);
        return -ENODEV;
    }
    c->invept_type = (c->ept_vpid & EPT_CAP_INVEPT_SINGLE) ? INVEPT_SINGLE : INVEPT_ALL;
    c->max_order = (c->ept_vpid & EPT_CAP_1G) ? P2M_ORDER_1G
                 : (c->ept_vpid & EPT_CAP_2M) ? P2M_ORDER_2M : P2M_ORDER_4K;
    settle_vpid(c);
    return 0;
}

/* In this order: each step may rely on the ones before it. */
static int (*const probes[])(struct vmx_caps *c) = {
    probe_enabled, probe_basic, probe_pin,  probe_primary,  probe_secondary,
    probe_exit,    probe_entry, probe_misc, probe_ept_vpid,
};

int vmx_probe(void)
{
    unsigned int i;
    int rc;

    for (i = 0; i < ARRAY_SIZE(probes); i++) {
        rc = probes[i](&vmx_caps);
        if (rc)
            return rc;
    }
    return 0;
}

void vmx_print_caps(void)
{
    const struct vmx_caps *c = &vmx_caps;

    printk("vmx: VMCS revision %#x, %u bytes, %s controls; EPT 4-level WB%s%s, "
           "INVEPT %s; %s%s; unrestricted guest%s%s\n",
           c->revision, VMX_BASIC_SIZE(c->basic),
           (c->basic & VMX_BASIC_TRUE_CTLS) ? "true" : "default1",
           (c->ept_vpid & EPT_CAP_2M) ? ", 2M" : "", (c->ept_vpid & EPT_CAP_1G) ? ", 1G" : "",
           c->invept_type == INVEPT_SINGLE ? "single-context" : "all-context",
           c->vpid ? "VPID, INVVPID " : "no VPID (INVEPT on every entry)",
           !c->vpid ? "" : c->invvpid_type == INVVPID_SINGLE ? "single-context"
                                                             : "all-context",
           c->pat ? ", guest PAT" : "", c->preempt_timer ? ", preemption timer" : "");
    if (!c->vnmi)
        printk(LOG_WARN "vmx: no virtual NMIs: guests' NMIs are not delivered\n");
    if (!(c->cpu2 & CPU2_WBINVD_EXIT))
        printk(LOG_WARN "vmx: no WBINVD exiting: guests' WBINVD reaches the caches\n");
    printk("vmx: controls pin %#x cpu %#x cpu2 %#x exit %#x entry %#x; "
           "CR0 fixed %#llx/%#llx CR4 fixed %#llx/%#llx\n",
           c->pin, c->cpu, c->cpu2, c->exit, c->entry,
           (unsigned long long)c->cr0_fixed0, (unsigned long long)c->cr0_fixed1,
           (unsigned long long)c->cr4_fixed0, (unsigned long long)c->cr4_fixed1);
}
