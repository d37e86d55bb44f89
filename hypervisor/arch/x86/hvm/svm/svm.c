/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD-V (SVM) backend: one VMCB per vCPU, nested paging, every I/O port
 * and every MSR not switched by VMLOAD/VMSAVE intercepted. References are
 * to the AMD64 APM vol. 2, chapter 15.
 */
#include "../backend.h"
#include <asm/hvm_intr.h>
#include <asm/p2m.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/svm.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/heap.h>
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
static bool has_nrips;
static paddr_t iopm_pa, msrpm_pa;   /* shared by every vCPU */

void svm_enter(paddr_t vmcb_pa, struct guest_regs *regs, paddr_t host_area_pa);

static inline struct svm_vcpu *svm(struct vcpu *v) { return v->arch.hw; }

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
    has_nrips = d & SVM_FEAT_NRIPS;
    return 0;
}

/* MSRPM: two bits (read, write) per MSR in three 2 KiB ranges (APM2 15.11). */
static void msrpm_allow(uint8_t *pm, uint32_t msr)
{
    uint32_t base;

    if (msr < 0x2000)
        base = 0;
    else if (msr - 0xc0000000u < 0x2000)
        base = 0x800, msr -= 0xc0000000u;
    else
        return;
    pm[base + msr / 4] &= (uint8_t)~(3u << ((msr % 4) * 2));
}

static int svm_global_init(void)
{
    /* IOPM: 12 KiB, MSRPM: 8 KiB; every bit set means every access exits. */
    iopm_pa = alloc_pages(2, 0);
    msrpm_pa = alloc_pages(1, 0);
    if (!iopm_pa || !msrpm_pa)
        return -ENOMEM;
    memset(phys_to_virt(iopm_pa), 0xff, 4 * PAGE_SIZE);
    memset(phys_to_virt(msrpm_pa), 0xff, 2 * PAGE_SIZE);
    /* State VMLOAD/VMSAVE switch (APM2 15.5.2): the guest may own it. */
    static const uint32_t passthrough[] = {
        MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, 0xc0000081 /* STAR */,
        0xc0000082 /* LSTAR */, 0xc0000083 /* CSTAR */, 0xc0000084 /* SFMASK */,
        0x174, 0x175, 0x176 /* SYSENTER_CS/ESP/EIP */,
    };
    for (size_t i = 0; i < ARRAY_SIZE(passthrough); i++)
        msrpm_allow(phys_to_virt(msrpm_pa), passthrough[i]);
    printk("svm: %u ASIDs, %s\n", nr_asids,
           has_nrips ? "NRIP-save" : "no NRIP-save: instruction lengths decoded");
    return 0;
}

static int svm_cpu_init(void)
{
    struct svm_cpu *sc = &svm_cpus[smp_processor_id()];

    if (!iopm_pa) {             /* the boot CPU comes first */
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

static int svm_vcpu_init(struct vcpu *v)
{
    struct svm_vcpu *s;
    struct vmcb *vmcb;

    s = xzalloc(sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->vmcb_pa = alloc_pages(0, PA_ZERO);
    if (!s->vmcb_pa) {
        xfree(s);
        return -ENOMEM;
    }
    s->vmcb = vmcb = phys_to_virt(s->vmcb_pa);
    s->asid_cpu = -1;
    s->virq = -1;
    v->arch.hw = s;

    vmcb->intercept_misc1 = INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_SMI |
        INTERCEPT_INIT | INTERCEPT_CPUID | INTERCEPT_RSM | INTERCEPT_INVD |
        INTERCEPT_HLT | INTERCEPT_INVLPGA | INTERCEPT_IOIO | INTERCEPT_MSR |
        INTERCEPT_TASK_SWITCH | INTERCEPT_SHUTDOWN;
    /* VMRUN must be intercepted (APM2 15.5.1); the other SVM instructions
     * would let the guest reach the real SVM state through EFER.SVME,
     * which has to stay set in the guest's EFER. */
    vmcb->intercept_misc2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL | INTERCEPT_VMLOAD |
        INTERCEPT_VMSAVE | INTERCEPT_STGI | INTERCEPT_CLGI | INTERCEPT_SKINIT |
        INTERCEPT_MONITOR | INTERCEPT_MWAIT | INTERCEPT_XSETBV | INTERCEPT_RDTSCP;
    /* #MC belongs to the host (APM2 15.12: exit then handle it there). */
    vmcb->intercept_exceptions = 1u << 18;
    vmcb->iopm_base_pa = iopm_pa;
    vmcb->msrpm_base_pa = msrpm_pa;
    vmcb->nested_ctl = NESTED_CTL_NP_ENABLE;
    vmcb->n_cr3 = p2m_root(v->domain->p2m);
    /* V_INTR_MASKING: the guest's RFLAGS.IF masks only virtual interrupts,
     * physical ones always exit (APM2 15.21.1). */
    vmcb->vintr = 1ull << 24;
    vmcb->g_pat = 0x0007040600070406ull;    /* the power-on PAT */
    return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
    struct svm_vcpu *s = svm(v);

    if (!s)
        return;
    free_pages(s->vmcb_pa, 0);
    xfree(s);
    v->arch.hw = NULL;
}

/* Segment attributes in the VMCB's packed form (APM2 15.5.1, table B-2). */
#define SEG_ATTR(type, s, dpl, p, l, db, g) \
    ((type) | ((s) << 4) | ((dpl) << 5) | ((p) << 7) | ((l) << 9) | ((db) << 10) | ((g) << 11))

static void set_seg(struct vmcb_seg *seg, uint16_t sel, uint16_t attr, uint32_t limit)
{
    seg->sel = sel;
    seg->attr = attr;
    seg->limit = limit;
    seg->base = 0;
}

static int svm_set_initial_state(struct vcpu *v, const struct hvm_initial_state *st)
{
    struct vmcb *vmcb = svm(v)->vmcb;
    bool real = !(st->cr0 & 1);
    uint16_t code = st->long_mode ? SEG_ATTR(0xb, 1, 0, 1, 1, 0, 1)
                    : real        ? SEG_ATTR(0xb, 1, 0, 1, 0, 0, 0)
                                  : SEG_ATTR(0xb, 1, 0, 1, 0, 1, 1);
    uint16_t data = real ? SEG_ATTR(0x3, 1, 0, 1, 0, 0, 0) : SEG_ATTR(0x3, 1, 0, 1, 0, 1, 1);
    uint32_t limit = real ? 0xffff : 0xffffffff;
    uint16_t ds = real ? 0 : 0x10;

    /* Flat segments as the PVH ABI defines (xen docs/misc/pvh.pandoc), or
     * the real-mode state a start-up IPI leaves. */
    set_seg(&vmcb->cs, real ? st->real_cs : 0x8, code, limit);
    if (real)
        vmcb->cs.base = (uint64_t)st->real_cs << 4;
    set_seg(&vmcb->ds, ds, data, limit);
    set_seg(&vmcb->es, ds, data, limit);
    set_seg(&vmcb->ss, ds, data, limit);
    set_seg(&vmcb->fs, ds, data, limit);
    set_seg(&vmcb->gs, ds, data, limit);
    set_seg(&vmcb->tr, 0x18, SEG_ATTR(0xb, 0, 0, 1, 0, 0, 0), 0x67);
    set_seg(&vmcb->ldtr, 0, SEG_ATTR(0x2, 0, 0, 1, 0, 0, 0), 0xffff);
    set_seg(&vmcb->gdtr, 0, 0, 0xffff);
    set_seg(&vmcb->idtr, 0, 0, 0xffff);
    vmcb->cpl = 0;
    vmcb->cr0 = st->cr0;
    vmcb->cr3 = st->cr3;
    vmcb->cr4 = st->cr4;
    vmcb->efer = st->efer | EFER_SVME;
    vmcb->rflags = st->rflags | 2;
    vmcb->rip = st->rip;
    vmcb->rsp = st->rsp;
    vmcb->rax = st->regs.rax;
    vmcb->dr6 = 0xffff0ff0;
    vmcb->dr7 = 0x400;
    vmcb->eventinj = 0;
    vmcb->interrupt_shadow = 0;
    svm(v)->virq = -1;                  /* update_vintr() at entry */
    /* A vCPU (re)started by INIT or VCPUOP_initialise has no NMI in progress. */
    vmcb->intercept_misc1 &= ~INTERCEPT_IRET;
    svm(v)->nmi_masked = svm(v)->iret_seen = false;
    v->arch.regs = st->regs;
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

static void translate_exit(struct vcpu *v, struct vmcb *vmcb, struct hvm_exit *e)
{
    uint64_t code = vmcb->exitcode, info1 = vmcb->exitinfo1;

    memset(e, 0, sizeof(*e));
    e->raw = code;
    switch (code) {
    case VMEXIT_INTR:
    case VMEXIT_NMI:
    case VMEXIT_SMI:
    case VMEXIT_INIT:
    case VMEXIT_EXCP_BASE + 18:
        e->reason = HVM_EXIT_INTR;
        break;
    case VMEXIT_CPUID:
        e->reason = HVM_EXIT_CPUID;
        break;
    case VMEXIT_MSR:
        e->reason = info1 ? HVM_EXIT_MSR_WRITE : HVM_EXIT_MSR_READ;
        e->msr = (uint32_t)v->arch.regs.rcx;
        break;
    case VMEXIT_IOIO:
        e->reason = HVM_EXIT_IO;
        e->io.port = (uint16_t)(info1 >> 16);
        e->io.size = (info1 & IOIO_SZ32) ? 4 : (info1 & IOIO_SZ16) ? 2 : 1;
        e->io.in = info1 & IOIO_IN;
        e->io.string = info1 & IOIO_STR;
        e->io.rep = info1 & IOIO_REP;
        e->io.next_rip = vmcb->exitinfo2;   /* APM2 15.10.2: rIP of the next insn */
        break;
    case VMEXIT_HLT:
        e->reason = HVM_EXIT_HLT;
        break;
    case VMEXIT_VINTR:
    case VMEXIT_IRET:       /* svm_run() noted it; the next entry may inject */
        e->reason = HVM_EXIT_INTR_WINDOW;
        break;
    case VMEXIT_VMMCALL:
        e->reason = HVM_EXIT_HYPERCALL;
        break;
    case VMEXIT_NPF:
        e->reason = HVM_EXIT_NPF;
        e->npf.gpa = vmcb->exitinfo2;
        e->npf.present = info1 & NPF_PRESENT;
        e->npf.write = info1 & NPF_WRITE;
        e->npf.fetch = info1 & NPF_FETCH;
        break;
    case VMEXIT_SHUTDOWN:
        e->reason = HVM_EXIT_TRIPLE_FAULT;
        break;
    case VMEXIT_RDTSCP:     /* hidden (cpuid.c): IA32_TSC_AUX is the host's */
    case VMEXIT_VMRUN: case VMEXIT_VMLOAD: case VMEXIT_VMSAVE: case VMEXIT_STGI:
    case VMEXIT_CLGI: case VMEXIT_SKINIT: case VMEXIT_INVLPGA: case VMEXIT_MONITOR:
    case VMEXIT_MWAIT: case VMEXIT_XSETBV: case VMEXIT_RSM: case VMEXIT_INVD:
        e->reason = HVM_EXIT_FORBIDDEN;
        break;
    case VMEXIT_INVALID:
        e->reason = HVM_EXIT_ENTRY_FAILED;
        break;
    default:
        e->reason = HVM_EXIT_UNHANDLED;
        break;
    }
}

static void svm_iret_exit(struct svm_vcpu *s, struct vmcb *vmcb);

static void svm_run(struct vcpu *v, struct hvm_exit *e)
{
    struct svm_vcpu *s = svm(v);
    struct vmcb *vmcb = s->vmcb;

    assign_asid(s, vmcb);
    hvm_intr_assist(v);
    vmcb->rax = v->arch.regs.rax;
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
    translate_exit(v, vmcb, e);
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

    if (!(vmcb->cr0 & 1))
        return HVM_MODE_REAL;
    if ((vmcb->efer & (1u << 10)) && (vmcb->cs.attr & (1u << 9)))
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
    const uint64_t lme = 1u << 8, lma = 1u << 10;

    if ((vmcb->cr0 & (1ull << 31)) && ((efer ^ vmcb->efer) & lme))
        return -EPERM;
    vmcb->efer = (efer & ~lma) | (vmcb->efer & lma) | EFER_SVME;
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

static unsigned int svm_exit_insn_len(struct vcpu *v)
{
    struct vmcb *vmcb = svm(v)->vmcb;

    if (!has_nrips || vmcb->next_rip <= vmcb->rip || vmcb->next_rip - vmcb->rip > 15)
        return 0;
    return (unsigned int)(vmcb->next_rip - vmcb->rip);
}

static void svm_p2m_changed(struct vcpu *v)
{
    __atomic_store_n(&svm(v)->flush, true, __ATOMIC_SEQ_CST);
}

/* APM2 15.20/15.21: INTERRUPT_SHADOW bit 0 is the STI/MOV SS shadow. */
static bool svm_intr_blocked(struct vcpu *v)
{
    struct vmcb *vmcb = svm(v)->vmcb;

    return !(vmcb->rflags & (1u << 9)) || (vmcb->interrupt_shadow & 1) ||
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

static void svm_dump(struct vcpu *v)
{
    struct vmcb *vmcb = svm(v)->vmcb;

    printk("  exit %#llx info1 %#llx info2 %#llx intinfo %#llx\n",
           (unsigned long long)vmcb->exitcode, (unsigned long long)vmcb->exitinfo1,
           (unsigned long long)vmcb->exitinfo2, (unsigned long long)vmcb->exitintinfo);
    printk("  rip %#llx rsp %#llx rflags %#llx cpl %u cs %#x/%#x\n",
           (unsigned long long)vmcb->rip, (unsigned long long)vmcb->rsp,
           (unsigned long long)vmcb->rflags, vmcb->cpl, vmcb->cs.sel, vmcb->cs.attr);
    printk("  cr0 %#llx cr3 %#llx cr4 %#llx efer %#llx\n",
           (unsigned long long)vmcb->cr0, (unsigned long long)vmcb->cr3,
           (unsigned long long)vmcb->cr4, (unsigned long long)vmcb->efer);
    printk("  rax %#llx rbx %#llx rcx %#llx rdx %#llx\n",
           (unsigned long long)v->arch.regs.rax, (unsigned long long)v->arch.regs.rbx,
           (unsigned long long)v->arch.regs.rcx, (unsigned long long)v->arch.regs.rdx);
    printk("  idtr %#llx/%#x gdtr %#llx/%#x vintr %#llx shadow %llu eventinj %#llx\n",
           (unsigned long long)vmcb->idtr.base, vmcb->idtr.limit,
           (unsigned long long)vmcb->gdtr.base, vmcb->gdtr.limit,
           (unsigned long long)vmcb->vintr, (unsigned long long)vmcb->interrupt_shadow,
           (unsigned long long)vmcb->eventinj);
}

const struct hvm_backend svm_backend = {
    .name = "svm",
    .p2m_format = P2M_NPT,
    .hypercall_insn = { 0x0f, 0x01, 0xd9 },    /* VMMCALL */
    .cpu_init = svm_cpu_init,
    .vcpu_init = svm_vcpu_init,
    .vcpu_destroy = svm_vcpu_destroy,
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
