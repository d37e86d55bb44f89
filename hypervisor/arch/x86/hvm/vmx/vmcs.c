/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Filling the VMCS: execution controls and host state (SDM vol. 3 ch. 25),
 * the guest state a vCPU starts from (checked by VM entry, 27.3.1), and
 * the text of VM-instruction errors and the dump for crash reports.
 */
#include <asm/boot.h>
#include <asm/desc.h>
#include <asm/dom0_io.h>
#include <asm/p2m.h>
#include <asm/processor.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>

#include "vmx_internal.h"

paddr_t vmx_current_vmcs[MAX_CPUS];
static bool write_failed[MAX_CPUS];     /* a VMWRITE failed on this CPU */

void vmw(unsigned long field, uint64_t value)
{
    unsigned int cpu = smp_processor_id();

    if (!vmwrite(field, value)) {
        if (!write_failed[cpu])
            printk(LOG_ERR "vmx: VMWRITE of field %#lx failed (error %u)\n", field,
                   (unsigned int)vmread(VM_INSTRUCTION_ERROR));
        write_failed[cpu] = true;
    }
}

bool vmcs_write_failed(void)
{
    unsigned int cpu = smp_processor_id();
    bool f = write_failed[cpu];

    write_failed[cpu] = false;
    return f;
}

bool vmcs_borrow(struct vcpu *v, struct vmcs_ctx *c)
{
    struct vmx_vcpu *s = vmx(v);
    unsigned int cpu = smp_processor_id();

    c->prev = vmx_current_vmcs[cpu];
    c->switched = false;
    if (c->prev == s->vmcs_pa)
        return true;
    if (s->cpu >= 0 && s->cpu != (int)cpu)
        return false;
    if (!vmptrld(s->vmcs_pa))
        return false;
    vmx_current_vmcs[cpu] = s->vmcs_pa;
    c->switched = true;
    return true;
}

/* A borrowed VMCS that was not active here before is VMCLEARed again, so
 * it stays active nowhere (its launch state becomes clear, 31.3 VMCLEAR);
 * the previous one, still active on this CPU, keeps its launch state when
 * it is made current again. */
void vmcs_release(struct vcpu *v, struct vmcs_ctx *c)
{
    struct vmx_vcpu *s = vmx(v);
    unsigned int cpu = smp_processor_id();

    if (!c->switched)
        return;
    if (s->cpu != (int)cpu) {
        vmclear(s->vmcs_pa);
        s->launched = false;
        vmx_current_vmcs[cpu] = 0;
    }
    if (c->prev && vmptrld(c->prev))
        vmx_current_vmcs[cpu] = c->prev;
}

/* Unrestricted guest lifts the CR0.PE and CR0.PG requirements of
 * IA32_VMX_CR0_FIXED0 for the guest (App. A.7, 27.3.1.1). */
static uint64_t cr0_fixed0_guest(void)
{
    return vmx_caps.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);
}

uint64_t vmx_adjust_cr0(uint64_t cr0)
{
    return (cr0 | cr0_fixed0_guest()) & vmx_caps.cr0_fixed1;
}

uint64_t vmx_adjust_cr4(uint64_t cr4)
{
    return (cr4 | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1;
}

/* Bits the hardware forces one way: owned by the hypervisor, read from
 * the read shadow by the guest, and a guest write that changes them exits
 * (25.6.6). Everything else the guest changes without an exit. */
uint64_t vmx_cr0_mask(void)
{
    return (cr0_fixed0_guest() | ~vmx_caps.cr0_fixed1) & 0xffffffffull;
}

uint64_t vmx_cr4_mask(void)
{
    return (vmx_caps.cr4_fixed0 | ~vmx_caps.cr4_fixed1) & 0xffffffffull;
}

/* With EPT, the four PDPTEs of PAE paging come from the VMCS at VM entry
 * (27.3.2.4), so whoever changes CR0/CR3/CR4 outside the guest loads them. */
int vmx_load_pdptes(struct vcpu *v, uint64_t cr3)
{
    uint64_t pdpte[4];

    if (copy_from_gpa(v->domain, pdpte, cr3 & 0xffffffe0ull, sizeof(pdpte)))
        return -EFAULT;
    for (unsigned int i = 0; i < 4; i++)
        vmw(GUEST_PDPTE0 + 2 * i, pdpte[i]);
    return 0;
}

static uint16_t read_sel(int which)
{
    uint16_t sel = 0;

    switch (which) {
    case 0: __asm__ volatile("mov %%es, %0" : "=r"(sel)); break;
    case 1: __asm__ volatile("mov %%ss, %0" : "=r"(sel)); break;
    case 2: __asm__ volatile("mov %%ds, %0" : "=r"(sel)); break;
    case 3: __asm__ volatile("mov %%fs, %0" : "=r"(sel)); break;
    case 4: __asm__ volatile("mov %%gs, %0" : "=r"(sel)); break;
    }
    return sel & ~7;    /* host selectors need RPL 0, TI 0 (27.2.3) */
}

/* The host state that differs between CPUs or may change: written each
 * time the VMCS becomes active on a CPU (vmx_run). */
void vmcs_write_host_cpu_state(void)
{
    struct cpu *c = this_cpu();
    struct desc_ptr gdtr, idtr;

    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    __asm__ volatile("sidt %0" : "=m"(idtr));
    vmw(HOST_CR0, read_cr0());
    vmw(HOST_CR3, read_cr3());
    vmw(HOST_CR4, read_cr4());
    vmw(HOST_CS_SEL, BOOT_CS64);
    vmw(HOST_ES_SEL, read_sel(0));
    vmw(HOST_SS_SEL, read_sel(1));
    vmw(HOST_DS_SEL, read_sel(2));
    vmw(HOST_FS_SEL, read_sel(3));
    vmw(HOST_GS_SEL, read_sel(4));
    vmw(HOST_TR_SEL, GDT_TSS);
    vmw(HOST_FS_BASE, rdmsr(MSR_FS_BASE));
    vmw(HOST_GS_BASE, rdmsr(MSR_GS_BASE));
    vmw(HOST_TR_BASE, (uint64_t)(uintptr_t)&c->tss);
    vmw(HOST_GDTR_BASE, gdtr.base);
    vmw(HOST_IDTR_BASE, idtr.base);
    vmw(HOST_SYSENTER_CS, rdmsr(0x174));
    vmw(HOST_SYSENTER_ESP, rdmsr(0x175));
    vmw(HOST_SYSENTER_EIP, rdmsr(0x176));
    vmw(HOST_IA32_EFER, rdmsr(MSR_EFER));
    if (vmx_caps.pat)
        vmw(HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
}

extern paddr_t vmx_io_bitmap_pa, vmx_msr_bitmap_pa;

/* The parts of a new VMCS that never change. The VMCS is current. */
int vmcs_setup(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx(v);
    uint32_t cpu2 = vmx_caps.cpu2;

    if (!s->vpid)
        cpu2 &= ~CPU2_VPID;
    vmw(PIN_BASED_CTLS, vmx_caps.pin);
    vmx(v)->preempt_on = false;         /* vmx.c: preempt_timer_arm() */
    vmw(CPU_BASED_CTLS, vmx_caps.cpu);
    vmw(SECONDARY_CTLS, cpu2);
    vmw(EXIT_CTLS, vmx_caps.exit);
    vmw(ENTRY_CTLS, vmx_caps.entry);
    if (s->vpid)
        vmw(VMCS_VPID, s->vpid);
    /* #MC is the host's (it exits and is ignored, as under SVM). */
    vmw(EXCEPTION_BITMAP, 1u << 18);
    vmw(PF_ERROR_CODE_MASK, 0);
    vmw(PF_ERROR_CODE_MATCH, 0);
    vmw(CR3_TARGET_COUNT, 0);
    /* The hardware domain reaches most ports directly (dom0_io.c). */
    paddr_t io_bitmap = dom0_io_bitmap(v->domain) ? dom0_io_bitmap(v->domain)
                                                  : vmx_io_bitmap_pa;
    vmw(IO_BITMAP_A, io_bitmap);
    vmw(IO_BITMAP_B, io_bitmap + PAGE_SIZE);
    vmw(MSR_BITMAP, vmx_msr_bitmap_pa);
    vmw(EXIT_MSR_STORE_COUNT, 0);
    vmw(EXIT_MSR_LOAD_COUNT, 0);
    vmw(ENTRY_MSR_LOAD_COUNT, 0);
    vmw(ENTRY_INTR_INFO, 0);
    vmw(TSC_OFFSET, 0);
    vmw(EPT_POINTER, s->eptp);
    vmw(CR0_GUEST_HOST_MASK, vmx_cr0_mask());
    vmw(CR4_GUEST_HOST_MASK, vmx_cr4_mask());
    vmw(VMCS_LINK_POINTER, ~0ull);      /* required unless VMCS shadowing (27.3.1.5) */
    vmw(HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_stub);
    return vmcs_write_failed() ? -EIO : 0;
}

/* Access rights in the VMCS format (25.4.1): type 3:0, S 4, DPL 6:5, P 7,
 * AVL 12, L 13, D/B 14, G 15, unusable 16. */
#define AR(type, s, dpl, p, l, db, g) \
    ((type) | ((s) << 4) | ((dpl) << 5) | ((p) << 7) | ((l) << 13) | ((db) << 14) | ((g) << 15))

static void set_seg(unsigned int idx, uint16_t sel, uint64_t base, uint32_t limit, uint32_t ar)
{
    /* ES, CS, SS, DS, FS, GS, LDTR, TR: consecutive encodings, step 2. */
    vmw(GUEST_ES_SEL + 2 * idx, sel);
    vmw(GUEST_ES_BASE + 2 * idx, base);
    vmw(GUEST_ES_LIMIT + 2 * idx, limit);
    vmw(GUEST_ES_AR + 2 * idx, ar);
}

enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

/*
 * The three starting points: PVH's flat 32-bit protected mode (xen
 * docs/misc/pvh.pandoc), long mode with flat segments (VCPUOP_initialise)
 * and, with CR0.PE clear, real mode at 0:rip, which unrestricted guest
 * lets the CPU run directly (27.3.1.2 relaxes the segment checks then).
 */
int vmcs_set_guest_state(struct vcpu *v, const struct hvm_initial_state *st)
{
    struct vmx_vcpu *s = vmx(v);
    bool real = !(st->cr0 & X86_CR0_PE);
    uint32_t code, data, entry;
    uint32_t limit = real ? 0xffff : 0xffffffff;
    uint16_t cs = real ? st->real_cs : 0x8, ds = real ? 0 : 0x10;
    uint64_t efer = st->efer;

    if (st->long_mode) {
        code = AR(0xb, 1, 0, 1, 1, 0, 1);
        efer |= EFER_LMA;
    } else if (real) {
        code = AR(0xb, 1, 0, 1, 0, 0, 0);
        efer &= ~EFER_LMA;
    } else {
        code = AR(0xb, 1, 0, 1, 0, 1, 1);
        efer &= ~EFER_LMA;
    }
    data = real ? AR(0x3, 1, 0, 1, 0, 0, 0) : AR(0x3, 1, 0, 1, 0, 1, 1);
    /* Bits the CPU cannot run with in VMX operation: refuse, not fix up. */
    if ((st->cr0 & 0xffffffffull & ~vmx_caps.cr0_fixed1) ||
        (st->cr4 & 0xffffffffull & ~vmx_caps.cr4_fixed1) || (st->cr4 & X86_CR4_VMXE))
        return -EINVAL;

    set_seg(SEG_CS, cs, real ? (uint64_t)cs << 4 : 0, limit, code);
    set_seg(SEG_DS, ds, 0, limit, data);
    set_seg(SEG_ES, ds, 0, limit, data);
    set_seg(SEG_SS, ds, 0, limit, data);
    set_seg(SEG_FS, ds, 0, limit, data);
    set_seg(SEG_GS, ds, 0, limit, data);
    /* TR must be a usable busy TSS even in real mode (27.3.1.2). */
    set_seg(SEG_TR, real ? 0 : 0x18, 0, 0x67, AR(0xb, 0, 0, 1, 0, 0, 0));
    set_seg(SEG_LDTR, 0, 0, 0xffff, VMX_AR_UNUSABLE);
    vmw(GUEST_GDTR_BASE, 0);
    vmw(GUEST_GDTR_LIMIT, 0xffff);
    vmw(GUEST_IDTR_BASE, 0);
    vmw(GUEST_IDTR_LIMIT, 0xffff);

    vmw(GUEST_CR0, vmx_adjust_cr0(st->cr0));
    vmw(CR0_READ_SHADOW, st->cr0);
    vmw(GUEST_CR3, st->cr3);
    vmw(GUEST_CR4, vmx_adjust_cr4(st->cr4));
    vmw(CR4_READ_SHADOW, st->cr4);
    vmw(GUEST_IA32_EFER, efer);
    entry = (uint32_t)vmread(ENTRY_CTLS);
    if (efer & EFER_LMA)
        entry |= ENTRY_IA32E_GUEST;
    else
        entry &= ~ENTRY_IA32E_GUEST;
    vmw(ENTRY_CTLS, entry);
    if ((st->cr0 & X86_CR0_PG) && (st->cr4 & X86_CR4_PAE) && !(efer & EFER_LMA) &&
        vmx_load_pdptes(v, st->cr3))
        return -EINVAL;
    if (vmx_caps.pat)
        vmw(GUEST_IA32_PAT, 0x0007040600070406ull);     /* the power-on PAT */

    vmw(GUEST_RIP, st->rip);
    vmw(GUEST_RSP, st->rsp);
    vmw(GUEST_RFLAGS, st->rflags | X86_EFLAGS_FIXED);
    vmw(GUEST_DR7, X86_DR7_DEFAULT);
    memset(vmx(v)->dr, 0, sizeof(vmx(v)->dr));     /* as INIT leaves them */
    vmx(v)->dr6 = X86_DR6_DEFAULT;
    vmw(GUEST_IA32_DEBUGCTL, 0);
    vmw(GUEST_SYSENTER_CS, 0);
    vmw(GUEST_SYSENTER_ESP, 0);
    vmw(GUEST_SYSENTER_EIP, 0);
    vmw(GUEST_INTERRUPTIBILITY, 0);
    vmw(GUEST_ACTIVITY_STATE, 0);
    vmw(GUEST_PENDING_DBG, 0);
    vmw(ENTRY_INTR_INFO, 0);

    v->arch.regs = st->regs;
    s->cr2 = 0;
    s->tpr = 0;
    memset(s->syscall_msrs, 0, sizeof(s->syscall_msrs));
    return vmcs_write_failed() ? -EIO : 0;
}

/* SDM vol. 3 31.4, "VM-instruction error numbers". */
const char *vmx_insn_error_name(uint32_t err)
{
    static const char *const names[] = {
        [1] = "VMCALL executed in VMX root operation",
        [2] = "VMCLEAR with invalid physical address",
        [3] = "VMCLEAR with VMXON pointer",
        [4] = "VMLAUNCH with non-clear VMCS",
        [5] = "VMRESUME with non-launched VMCS",
        [6] = "VMRESUME after VMXOFF",
        [7] = "VM entry with invalid control field(s)",
        [8] = "VM entry with invalid host-state field(s)",
        [9] = "VMPTRLD with invalid physical address",
        [10] = "VMPTRLD with VMXON pointer",
        [11] = "VMPTRLD with incorrect VMCS revision identifier",
        [12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
        [13] = "VMWRITE to read-only VMCS component",
        [15] = "VMXON executed in VMX root operation",
        [16] = "VM entry with invalid executive-VMCS pointer",
        [17] = "VM entry with non-launched executive VMCS",
        [18] = "VM entry with executive-VMCS pointer not VMXON pointer",
        [19] = "VMCALL with non-clear VMCS",
        [20] = "VMCALL with invalid VM-exit control fields",
        [22] = "VMCALL with incorrect MSEG revision identifier",
        [23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
        [24] = "VMCALL with invalid SMM-monitor features",
        [25] = "VM entry with invalid VM-execution control fields in executive VMCS",
        [26] = "VM entry with events blocked by MOV SS",
        [28] = "invalid operand to INVEPT/INVVPID",
    };

    if (err < ARRAY_SIZE(names) && names[err])
        return names[err];
    return "unknown VM-instruction error";
}

static void dump_seg(const char *name, unsigned int idx)
{
    printk("  %-4s sel %#06llx base %#llx limit %#llx ar %#llx\n", name,
           (unsigned long long)vmread(GUEST_ES_SEL + 2 * idx),
           (unsigned long long)vmread(GUEST_ES_BASE + 2 * idx),
           (unsigned long long)vmread(GUEST_ES_LIMIT + 2 * idx),
           (unsigned long long)vmread(GUEST_ES_AR + 2 * idx));
}

#define X(f) ((unsigned long long)vmread(f))

void vmcs_dump(struct vcpu *v)
{
    struct vmx_vcpu *s = vmx(v);
    static const char *const segs[] = { "es", "cs", "ss", "ds", "fs", "gs", "ldtr", "tr" };
    struct vmcs_ctx ctx;

    if (!vmcs_borrow(v, &ctx)) {
        printk("  (VMCS active on CPU %d)\n", s->cpu);
        return;
    }
    printk("  exit reason %#x qual %#llx intr %#x idt-vec %#x len %u gpa %#llx\n",
           s->exit_reason, (unsigned long long)s->exit_qual, s->exit_intr_info,
           s->idt_vec_info, s->insn_len, X(GUEST_PHYSICAL_ADDRESS));
    printk("  rip %#llx rsp %#llx rflags %#llx intr-state %#llx activity %#llx\n",
           X(GUEST_RIP), X(GUEST_RSP), X(GUEST_RFLAGS), X(GUEST_INTERRUPTIBILITY),
           X(GUEST_ACTIVITY_STATE));
    printk("  cr0 %#llx (shadow %#llx) cr3 %#llx cr4 %#llx (shadow %#llx) efer %#llx\n",
           X(GUEST_CR0), X(CR0_READ_SHADOW), X(GUEST_CR3), X(GUEST_CR4), X(CR4_READ_SHADOW),
           X(GUEST_IA32_EFER));
    for (unsigned int i = 0; i < ARRAY_SIZE(segs); i++)
        dump_seg(segs[i], i);
    printk("  gdtr %#llx/%#llx idtr %#llx/%#llx dr7 %#llx link %#llx\n",
           X(GUEST_GDTR_BASE), X(GUEST_GDTR_LIMIT), X(GUEST_IDTR_BASE), X(GUEST_IDTR_LIMIT),
           X(GUEST_DR7), X(VMCS_LINK_POINTER));
    printk("  pdpte %#llx %#llx %#llx %#llx\n", X(GUEST_PDPTE0), X(GUEST_PDPTE1),
           X(GUEST_PDPTE2), X(GUEST_PDPTE3));
    printk("  ctls pin %#llx cpu %#llx cpu2 %#llx exit %#llx entry %#llx "
           "entry-intr %#llx eptp %#llx vpid %#llx\n",
           X(PIN_BASED_CTLS), X(CPU_BASED_CTLS), X(SECONDARY_CTLS), X(EXIT_CTLS),
           X(ENTRY_CTLS), X(ENTRY_INTR_INFO), X(EPT_POINTER), X(VMCS_VPID));
    printk("  rax %#llx rbx %#llx rcx %#llx rdx %#llx rsi %#llx rdi %#llx\n",
           (unsigned long long)v->arch.regs.rax, (unsigned long long)v->arch.regs.rbx,
           (unsigned long long)v->arch.regs.rcx, (unsigned long long)v->arch.regs.rdx,
           (unsigned long long)v->arch.regs.rsi, (unsigned long long)v->arch.regs.rdi);
    vmcs_release(v, &ctx);
}
