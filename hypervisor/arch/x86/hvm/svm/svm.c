/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD-V (SVM) backend: one VMCB per vCPU, nested paging, every I/O port
 * and every MSR not switched by VMLOAD/VMSAVE intercepted. This file holds
 * the backend's ops table, the probe, per-CPU set-up, ASIDs, the run loop
 * and event injection; the VMCB's set-up is vmcb.c, exit translation
 * svm_exit.c. References are to the AMD64 APM vol. 2, chapter 15.
 */
#include <asm/hvm.h>
#include <asm/hvm_intr.h>
#include <asm/p2m.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/svm.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>

#include "svm_internal.h"

struct svm_cpu {
    paddr_t hsave_pa;           /* MSR_VM_HSAVE_PA: VMRUN's host save area */
    paddr_t host_area_pa;       /* host FS/GS/TR/... via VMSAVE/VMLOAD */
    uint32_t next_asid;
    uint64_t asid_generation;
};

static struct svm_cpu svm_cpus[MAX_CPUS];
static uint32_t nr_asids;
bool svm_has_nrips;
static bool global_done;    /* the IOPM and MSRPM are built */

void svm_enter(paddr_t vmcb_pa, struct guest_regs *regs, paddr_t host_area_pa);

int svm_probe(void)
{
    uint32_t a, b, c, d;

    cpuid(0x80000000, &a, &b, &c, &d);
    if (a < 0x8000000a)
        return -ENODEV;
    cpuid(0x80000001, &a, &b, &c, &d);
    if (!(c & (1u << 2)))
        return -ENODEV;
    if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
        printk(LOG_WARN "svm: disabled by firmware (VM_CR.SVMDIS)\n");
        return -ENODEV;
    }
    cpuid(0x8000000a, &a, &b, &c, &d);
    if (!(d & SVM_FEAT_NPT)) {
        printk(LOG_WARN "svm: no nested paging\n");
        return -ENODEV;
    }
    nr_asids = b;
    svm_has_nrips = d & SVM_FEAT_NRIPS;
    return 0;
}

static int svm_global_init(void)
{
    int rc = svm_vmcb_global_init();

    if (rc)
        return rc;
    printk("svm: %u ASIDs, %s\n", nr_asids,
           svm_has_nrips ? "NRIP-save" : "no NRIP-save: instruction lengths decoded");
    global_done = true;
    return 0;
}

static int svm_cpu_init(void)
{
    struct svm_cpu *sc = &svm_cpus[smp_processor_id()];

    if (!global_done) {         /* the boot CPU comes first */
        int rc = svm_global_init();
        if (rc)
            return rc;
    }
    if (!sc->hsave_pa) {
        sc->hsave_pa = alloc_pages(0, PA_ZERO);
        sc->host_area_pa = alloc_pages(0, PA_ZERO);
        if (!sc->hsave_pa || !sc->host_area_pa)
            return -ENOMEM;
    }
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, sc->hsave_pa);
    /* The host's FS/GS/TR/LDTR/syscall state, loaded back after each exit
     * (entry.S). GS base and TR are already this CPU's. */
    __asm__ volatile("vmsave %%rax" :: "a"(sc->host_area_pa) : "memory");
    sc->next_asid = 1;
    sc->asid_generation = 1;
    return 0;
}

/* ASIDs are handed out per CPU; when they run out every CPU's generation
 * moves on and the whole TLB is flushed (APM2 15.16). */
static void assign_asid(struct svm_vcpu *s, struct vmcb *vmcb)
{
    unsigned int cpu = smp_processor_id();
    struct svm_cpu *sc = &svm_cpus[cpu];

    /* Exchanged, not tested and cleared: domain_p2m_flush() may set it
     * from another CPU at any moment (run.c). */
    bool flush = __atomic_exchange_n(&s->flush, false, __ATOMIC_SEQ_CST);

    if (s->asid_cpu == (int)cpu && s->asid_generation == sc->asid_generation) {
        vmcb->tlb_control = flush ? TLB_CONTROL_FLUSH_ASID : TLB_CONTROL_NOTHING;
        return;
    }
    if (sc->next_asid >= nr_asids) {
        sc->asid_generation++;
        sc->next_asid = 1;
        vmcb->tlb_control = 1;      /* flush every ASID */
    } else {
        vmcb->tlb_control = TLB_CONTROL_FLUSH_ASID;
    }
    s->asid = sc->next_asid++;
    s->asid_cpu = cpu;
    s->asid_generation = sc->asid_generation;
    vmcb->asid = s->asid;
}

/*
 * Debug registers. DR6 and DR7 are in the VMCB and switched by VMRUN and
 * #VMEXIT, which also disables the host's breakpoints (APM2 15.5, 15.6);
 * DR0-3 are not switched at all. Every MOV DR is intercepted until the
 * vCPU first uses one: then its DR0-3 are loaded, the intercept is
 * dropped and the instruction runs again, natively. When the vCPU leaves
 * the CPU (svm_vcpu_put) they are saved and the intercept is back, so a
 * vCPU never reads what another left there, and one that never touched
 * them costs nothing. A vCPU that armed a breakpoint in DR7 gets its
 * DR0-3 back at its next entry, before the CPU can match on them.
 */
static void svm_dr_load(struct svm_vcpu *s)
{
    load_dr0_3(s->dr);
    s->vmcb->intercept_dr = 0;
    s->dr_live = true;
}

static void svm_vcpu_put(struct vcpu *v)
{
    struct svm_vcpu *s = svm(v);

    if (!s->dr_live)
        return;
    save_dr0_3(s->dr);
    s->vmcb->intercept_dr = INTERCEPT_DR_ALL;
    s->dr_live = false;
}

static void svm_iret_exit(struct svm_vcpu *s, struct vmcb *vmcb);

/*
 * An open bug (docs/vcpu-state.md, "Known bug"): a vCPU now and then starts
 * with the host's own state, RIP just past svm_enter's VMRUN and the host's
 * CR3, which is what VMRUN does when the VMCB it is given is the CPU's
 * host-save page (APM2 15.5.1; QEMU saves there, then loads from RAX). Says
 * which of the two ways in it is, once, if it is caught before the entry:
 * the VMCB is the host-save page, or the VMCB already holds host state.
 */
static void check_entry(struct vcpu *v, const struct svm_vcpu *s)
{
    static bool reported;
    const struct svm_cpu *sc = &svm_cpus[smp_processor_id()];
    bool is_hsave = s->vmcb_pa == sc->hsave_pa || s->vmcb_pa == sc->host_area_pa;

    if (reported || (!is_hsave && s->vmcb->cr3 != read_cr3()))
        return;
    reported = true;
    printk(LOG_ERR "svm: dom %u vcpu %u: VMCB %#llx %s (CPU %u host-save %#llx)\n",
           v->domain->id, v->id, (unsigned long long)s->vmcb_pa,
           is_hsave ? "is this CPU's host-save or host-state page" : "holds the host's CR3",
           smp_processor_id(), (unsigned long long)sc->hsave_pa);
}

static void svm_run(struct vcpu *v, struct hvm_exit *e)
{
    struct svm_vcpu *s = svm(v);
    struct vmcb *vmcb = s->vmcb;

    if (!s->dr_live && (vmcb->dr7 & X86_DR7_ENABLED))
        svm_dr_load(s);
    assign_asid(s, vmcb);
    hvm_intr_assist(v);
    vmcb->rax = v->arch.regs.rax;
    check_entry(v, s);
    svm_enter(s->vmcb_pa, &v->arch.regs, svm_cpus[smp_processor_id()].host_area_pa);
    v->arch.regs.rax = vmcb->rax;
    /* An event being delivered when the exit happened is re-injected
     * (APM2 15.7.2), else it would be lost. */
    if (vmcb->exitintinfo & EVENT_VALID)
        vmcb->eventinj = vmcb->exitintinfo;
    else
        vmcb->eventinj = 0;
    if (vmcb->exitcode == VMEXIT_IRET)
        svm_iret_exit(s, vmcb);
    if (vmcb->exitcode - VMEXIT_DR_READ_BASE < 0x20)
        svm_dr_load(s);
    svm_translate_exit(v, vmcb, e);
}

static uint64_t svm_get_rip(struct vcpu *v) { return svm(v)->vmcb->rip; }
static void svm_set_rip(struct vcpu *v, uint64_t rip) { svm(v)->vmcb->rip = rip; }
static uint64_t svm_get_rsp(struct vcpu *v) { return svm(v)->vmcb->rsp; }
static uint64_t svm_get_rflags(struct vcpu *v) { return svm(v)->vmcb->rflags; }
static uint64_t svm_cs_base(struct vcpu *v) { return svm(v)->vmcb->cs.base; }
static unsigned int svm_cpl(struct vcpu *v) { return svm(v)->vmcb->cpl; }

static enum hvm_mode svm_mode(struct vcpu *v)
{
    struct vmcb *vmcb = svm(v)->vmcb;

    if (!(vmcb->cr0 & X86_CR0_PE))
        return HVM_MODE_REAL;
    if ((vmcb->efer & EFER_LMA) && (vmcb->cs.attr & (1u << 9)))
        return HVM_MODE_LONG64;
    return (vmcb->cs.attr & (1u << 10)) ? HVM_MODE_PROT32 : HVM_MODE_PROT16;
}

static void svm_paging_state(struct vcpu *v, uint64_t *cr0, uint64_t *cr3, uint64_t *cr4,
                             uint64_t *efer)
{
    struct vmcb *vmcb = svm(v)->vmcb;

    *cr0 = vmcb->cr0;
    *cr3 = vmcb->cr3;
    *cr4 = vmcb->cr4;
    *efer = vmcb->efer & ~(uint64_t)EFER_SVME;
}

/* LMA is the CPU's to set; LME may not change while paging is on
 * (APM2 14.6.1); SVME stays set under the guest (APM2 15.5.1). */
static int svm_set_efer(struct vcpu *v, uint64_t efer)
{
    struct vmcb *vmcb = svm(v)->vmcb;

    if ((vmcb->cr0 & X86_CR0_PG) && ((efer ^ vmcb->efer) & EFER_LME))
        return -EPERM;
    vmcb->efer = (efer & ~EFER_LMA) | (vmcb->efer & EFER_LMA) | EFER_SVME;
    return 0;
}

/* With nested paging the VMCB's G_PAT is the guest's PAT (APM2 15.25.8). */
static int svm_get_pat(struct vcpu *v, uint64_t *pat)
{
    *pat = svm(v)->vmcb->g_pat;
    return 0;
}

static int svm_set_pat(struct vcpu *v, uint64_t pat)
{
    svm(v)->vmcb->g_pat = pat;
    return 0;
}

static void svm_inject_exception(struct vcpu *v, unsigned int vector, bool has_error,
                                 uint32_t error)
{
    uint64_t ev = vector | EVENT_TYPE_EXCEPTION | EVENT_VALID;

    if (has_error)
        ev |= EVENT_ERR_VALID | ((uint64_t)error << 32);
    svm(v)->vmcb->eventinj = ev;
}

static void svm_p2m_changed(struct vcpu *v)
{
    __atomic_store_n(&svm(v)->flush, true, __ATOMIC_SEQ_CST);
}

/* APM2 15.20/15.21: INTERRUPT_SHADOW bit 0 is the STI/MOV SS shadow. */
static bool svm_intr_blocked(struct vcpu *v)
{
    struct vmcb *vmcb = svm(v)->vmcb;

    return !(vmcb->rflags & X86_EFLAGS_IF) || (vmcb->interrupt_shadow & 1) ||
           (vmcb->eventinj & EVENT_VALID);
}

/*
 * Interrupts reach the guest as virtual interrupts (APM2 15.21.4): V_IRQ
 * with the vector, V_IGN_TPR (the TPR is the vLAPIC's, emulated), and no
 * VINTR intercept, so the CPU delivers it as soon as RFLAGS.IF and the
 * interrupt shadow allow, and clears V_IRQ; the next exit tells whether
 * it did (svm_intr_taken). While the guest cannot take one, V_IRQ with the VINTR
 * intercept is the interrupt window instead: the CPU exits just when it
 * could, and nothing is delivered.
 *
 * EVENTINJ is left to exceptions, NMIs, re-injection and an interrupt
 * while an NMI waits for its window. Under QEMU's TCG (7.2) with -icount,
 * interrupts injected through EVENTINJ sometimes reached a Linux guest a
 * second time, inside its own upcall handler with RFLAGS.IF clear, though
 * no VMRUN injected one with IF clear and no exit reported an interrupted
 * delivery; Linux then took a runqueue lock it already held and both its
 * vCPUs deadlocked. QEMU's helper_vmrun leaves the injected vector as the
 * CPU's pending exception index, which its CPU loop may deliver again;
 * virtual interrupts are delivered another way (docs/linux-guest.md).
 */
/* The VMCB's virtual interrupt control (APM2 table B-1, offset 0x60). */
#define VINTR_V_IRQ         (1ull << 8)
#define VINTR_V_IGN_TPR     (1ull << 20)
#define VINTR_V_PRIO_SHIFT  16
#define VINTR_V_VECTOR_SHIFT 32
#define VINTR_OURS          (VINTR_V_IRQ | VINTR_V_IGN_TPR | (0xfull << VINTR_V_PRIO_SHIFT) | \
                             (0xffull << VINTR_V_VECTOR_SHIFT))

static void update_vintr(struct svm_vcpu *s)
{
    struct vmcb *vmcb = s->vmcb;

    vmcb->vintr &= ~VINTR_OURS;
    vmcb->intercept_misc1 &= ~INTERCEPT_VINTR;
    if (s->virq >= 0) {
        vmcb->vintr |= VINTR_V_IRQ | VINTR_V_IGN_TPR |
                       ((uint64_t)(s->virq >> 4) << VINTR_V_PRIO_SHIFT) |
                       ((uint64_t)s->virq << VINTR_V_VECTOR_SHIFT);
    } else if (s->intr_window || s->nmi_window) {
        vmcb->vintr |= VINTR_V_IRQ | VINTR_V_IGN_TPR | (0xfull << VINTR_V_PRIO_SHIFT);
        vmcb->intercept_misc1 |= INTERCEPT_VINTR;
    }
}

static bool svm_inject_intr(struct vcpu *v, uint8_t vector)
{
    struct svm_vcpu *s = svm(v);

    /* An NMI waiting for its window needs the VINTR intercept, which
     * would take the virtual interrupt's place: inject this one. */
    if (s->nmi_window) {
        s->vmcb->eventinj = vector | EVENT_TYPE_INTR | EVENT_VALID;
        return true;
    }
    s->virq = vector;
    update_vintr(s);
    return false;
}

/* After every exit (hvm_intr_after_exit): the CPU clears V_IRQ when it
 * delivers the offered vector. The offer ends here either way; the next
 * entry makes it again if the vector is still the one to give. */
static int svm_intr_taken(struct vcpu *v)
{
    struct svm_vcpu *s = svm(v);
    int taken = s->virq >= 0 && !(s->vmcb->vintr & VINTR_V_IRQ) ? s->virq : -1;

    s->virq = -1;
    return taken;
}

static void svm_intr_window(struct vcpu *v, bool on)
{
    struct svm_vcpu *s = svm(v);

    s->intr_window = on;
    s->virq = -1;
    update_vintr(s);
}

/*
 * NMIs. An NMI injected through EVENTINJ leaves no blocking state we can
 * read back, so we keep it: masked from injection until the handler's
 * IRET, which we intercept (APM2 15.20, table B-1). The intercept comes
 * before the IRET executes; NMIs are unblocked once the guest's RIP has
 * moved past it. To see that soon when another NMI waits, the VINTR exit
 * is requested: it comes when the guest next has IF set, which the IRET
 * usually restores. An STI/MOV SS shadow waits for the same exit.
 */
static void svm_iret_exit(struct svm_vcpu *s, struct vmcb *vmcb)
{
    vmcb->intercept_misc1 &= ~INTERCEPT_IRET;
    s->iret_seen = true;
    s->iret_rip = vmcb->rip;
}

static bool svm_nmi_blocked(struct vcpu *v)
{
    struct svm_vcpu *s = svm(v);
    struct vmcb *vmcb = s->vmcb;

    if (s->nmi_masked && s->iret_seen && vmcb->rip != s->iret_rip)
        s->nmi_masked = s->iret_seen = false;
    return s->nmi_masked || (vmcb->interrupt_shadow & 1) || (vmcb->eventinj & EVENT_VALID);
}

static void svm_inject_nmi(struct vcpu *v)
{
    struct svm_vcpu *s = svm(v);

    s->vmcb->eventinj = 2 | EVENT_TYPE_NMI | EVENT_VALID;
    s->vmcb->intercept_misc1 |= INTERCEPT_IRET;
    s->nmi_masked = true;
    s->iret_seen = false;
}

static void svm_nmi_window(struct vcpu *v, bool on)
{
    struct svm_vcpu *s = svm(v);

    /* Before the IRET exit the IRET intercept is the window. */
    s->nmi_window = on && !(s->nmi_masked && !s->iret_seen);
    update_vintr(s);
}

const struct hvm_backend svm_backend = {
    .name = "svm",
    .p2m_format = P2M_NPT,
    .hypercall_insn = { 0x0f, 0x01, 0xd9 },    /* VMMCALL */
    .cpu_init = svm_cpu_init,
    .vcpu_init = svm_vcpu_init,
    .vcpu_destroy = svm_vcpu_destroy,
    .vcpu_put = svm_vcpu_put,
    .set_initial_state = svm_set_initial_state,
    .run = svm_run,
    .get_rip = svm_get_rip,
    .set_rip = svm_set_rip,
    .get_rsp = svm_get_rsp,
    .get_rflags = svm_get_rflags,
    .mode = svm_mode,
    .cs_base = svm_cs_base,
    .paging_state = svm_paging_state,
    .cpl = svm_cpl,
    .set_efer = svm_set_efer,
    .get_pat = svm_get_pat,
    .set_pat = svm_set_pat,
    .inject_exception = svm_inject_exception,
    .exit_insn_len = svm_exit_insn_len,
    .p2m_changed = svm_p2m_changed,
    .intr_blocked = svm_intr_blocked,
    .inject_intr = svm_inject_intr,
    .intr_taken = svm_intr_taken,
    .intr_window = svm_intr_window,
    .nmi_blocked = svm_nmi_blocked,
    .inject_nmi = svm_inject_nmi,
    .nmi_window = svm_nmi_window,
    .dump = svm_dump,
};
