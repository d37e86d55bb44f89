/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SVM: the VMCB's set-up. The I/O and MSR permission maps every vCPU
 * shares (the hardware domain has its own I/O map), the intercepts, and the initial guest state with its segments.
 * References are to the AMD64 APM vol. 2, chapter 15 and appendix B.
 */
#include <asm/dom0_io.h>
#include <asm/hvm.h>
#include <asm/p2m.h>
#include <asm/svm.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/heap.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>

#include "svm_internal.h"

static paddr_t iopm_pa, msrpm_pa;   /* shared by every vCPU */

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

int svm_vmcb_global_init(void)
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
        MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR,
        MSR_SFMASK, MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
    };
    for (size_t i = 0; i < ARRAY_SIZE(passthrough); i++)
        msrpm_allow(phys_to_virt(msrpm_pa), passthrough[i]);
    return 0;
}

int svm_vcpu_init(struct vcpu *v)
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
        INTERCEPT_TASK_SWITCH | INTERCEPT_SHUTDOWN | INTERCEPT_RDPMC;
    /* VMRUN must be intercepted (APM2 15.5.1); the other SVM instructions
     * would let the guest reach the real SVM state through EFER.SVME,
     * which has to stay set in the guest's EFER. */
    vmcb->intercept_misc2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL | INTERCEPT_VMLOAD |
        INTERCEPT_VMSAVE | INTERCEPT_STGI | INTERCEPT_CLGI | INTERCEPT_SKINIT |
        INTERCEPT_MONITOR | INTERCEPT_MWAIT | INTERCEPT_XSETBV | INTERCEPT_RDTSCP |
        INTERCEPT_WBINVD;
    /* DR0-3 are not in the VMCB: every MOV DR exits until the vCPU first
     * uses them (svm.c, svm_dr_load). */
    vmcb->intercept_dr = INTERCEPT_DR_ALL;
    /* #MC belongs to the host (APM2 15.12: exit then handle it there). */
    vmcb->intercept_exceptions = 1u << 18;
    /* The hardware domain reaches most ports directly (dom0_io.c). */
    vmcb->iopm_base_pa = dom0_io_bitmap(v->domain) ? dom0_io_bitmap(v->domain) : iopm_pa;
    vmcb->msrpm_base_pa = msrpm_pa;
    vmcb->nested_ctl = NESTED_CTL_NP_ENABLE;
    vmcb->n_cr3 = p2m_root(v->domain->p2m);
    /* V_INTR_MASKING: the guest's RFLAGS.IF masks only virtual interrupts,
     * physical ones always exit (APM2 15.21.1). */
    vmcb->vintr = 1ull << 24;
    vmcb->g_pat = 0x0007040600070406ull;    /* the power-on PAT */
    return 0;
}

void svm_vcpu_destroy(struct vcpu *v)
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

int svm_set_initial_state(struct vcpu *v, const struct hvm_initial_state *st)
{
    struct vmcb *vmcb = svm(v)->vmcb;
    bool real = !(st->cr0 & X86_CR0_PE);
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
    vmcb->rflags = st->rflags | X86_EFLAGS_FIXED;
    vmcb->rip = st->rip;
    vmcb->rsp = st->rsp;
    vmcb->rax = st->regs.rax;
    vmcb->dr6 = X86_DR6_DEFAULT;
    vmcb->dr7 = X86_DR7_DEFAULT;
    memset(svm(v)->dr, 0, sizeof(svm(v)->dr));   /* as INIT leaves them */
    vmcb->eventinj = 0;
    vmcb->interrupt_shadow = 0;
    svm(v)->virq = -1;                  /* update_vintr() at entry */
    /* A vCPU (re)started by INIT or VCPUOP_initialise has no NMI in progress. */
    vmcb->intercept_misc1 &= ~INTERCEPT_IRET;
    svm(v)->nmi_masked = svm(v)->iret_seen = false;
    v->arch.regs = st->regs;
    return 0;
}

void svm_dump(struct vcpu *v)
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
