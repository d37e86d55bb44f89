/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What happens on each VM exit, whichever backend reported it. A guest
 * that does something the hypervisor does not allow gets the exception
 * real hardware would give it (#GP, #UD); one whose state makes no sense
 * any more (unmapped memory, triple fault, failed entry) is crashed, with
 * a report on the console. Never the hypervisor.
 */
#include "backend.h"
#include <asm/dom0_io.h>
#include <asm/hvm_ioport.h>
#include <asm/hvm_mmio.h>
#include <asm/insn_decode.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/guest_mem.h>
#include <asm/hvm_policy.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>

#define VEC_UD  6
#define VEC_GP  13

/*
 * The decoder asks for an instruction a few bytes at a time; each guest
 * read walks the guest's page tables. So the bytes up to the longest
 * instruction (15, SDM vol. 2 2.3.11) or the end of RIP's page, whichever
 * is first, are read at once, and only a fetch past them (an instruction
 * that crosses the page) reads the guest again.
 */
struct insn_fetch {
    struct vcpu *v;
    uint64_t la;                    /* linear address of the instruction */
    unsigned int have;              /* bytes of it in buf */
    uint8_t buf[15];
};

static int fetch_insn(void *ctx, uint64_t offset, uint8_t *buf, unsigned int len)
{
    struct insn_fetch *f = ctx;
    uint64_t la = f->la + offset;

    if (offset + len <= f->have) {
        memcpy(buf, &f->buf[offset], len);
        return 0;
    }
    if (hvm->mode(f->v) != HVM_MODE_LONG64)
        la = (uint32_t)la;
    return copy_from_guest(f->v, buf, la, len);
}

static void fetch_start(struct insn_fetch *f, struct vcpu *v)
{
    f->v = v;
    f->la = hvm->cs_base(v) + hvm->get_rip(v);
    if (hvm->mode(v) != HVM_MODE_LONG64)
        f->la = (uint32_t)f->la;
    f->have = MIN(sizeof(f->buf), PAGE_SIZE - (f->la & (PAGE_SIZE - 1)));
    if (copy_from_guest(v, f->buf, f->la, f->have))
        f->have = 0;
}

static enum insn_mode decode_mode(struct vcpu *v)
{
    switch (hvm->mode(v)) {
    case HVM_MODE_LONG64: return INSN_MODE_LONG64;
    case HVM_MODE_PROT32: return INSN_MODE_PROT32;
    case HVM_MODE_PROT16: return INSN_MODE_PROT16;
    default:              return INSN_MODE_REAL;
    }
}

int hvm_decode_current_insn(struct vcpu *v, struct insn *insn)
{
    struct insn_fetch f;

    fetch_start(&f, v);
    return insn_decode(insn, decode_mode(v), 0, fetch_insn, &f);
}

/*
 * Moves RIP past the instruction that exited. Without a length from the
 * hardware (SVM without NRIP-save, as QEMU emulates it) the instruction is
 * decoded from guest memory and must be the one the exit says it was
 * (opcode, or opcode2 where an exit stands for two): anything else means
 * the guest changed its code under us, and it is crashed rather than
 * resumed at a guessed address.
 */
static bool skip_insn2(struct vcpu *v, enum insn_map map, uint8_t opcode, uint8_t opcode2)
{
    unsigned int len = hvm->exit_insn_len(v);
    struct insn insn;

    if (!len) {
        int rc = hvm_decode_current_insn(v, &insn);
        if (rc || insn.map != map || (insn.opcode != opcode && insn.opcode != opcode2)) {
            domain_crash(v->domain, "vcpu %u: cannot decode the exiting instruction at "
                         "%#llx (%d)", v->id, (unsigned long long)hvm->get_rip(v), rc);
            return false;
        }
        len = insn.len;
    }
    hvm->set_rip(v, hvm->get_rip(v) + len);
    return true;
}

static bool skip_insn(struct vcpu *v, enum insn_map map, uint8_t opcode)
{
    return skip_insn2(v, map, opcode, opcode);
}

static void do_cpuid(struct vcpu *v)
{
    uint32_t out[4];

    if (!skip_insn(v, INSN_MAP_0F, 0xa2))
        return;
    cpuid_policy(v, (uint32_t)v->arch.regs.rax, (uint32_t)v->arch.regs.rcx, out);
    v->arch.regs.rax = out[0];
    v->arch.regs.rbx = out[1];
    v->arch.regs.rcx = out[2];
    v->arch.regs.rdx = out[3];
}

static void do_msr(struct vcpu *v, const struct hvm_exit *e)
{
    bool write = e->reason == HVM_EXIT_MSR_WRITE;
    uint64_t val = 0;
    int rc;

    if (write)
        rc = msr_write(v, e->msr, (v->arch.regs.rdx << 32) | (uint32_t)v->arch.regs.rax);
    else
        rc = msr_read(v, e->msr, &val);
    if (rc) {
        hvm->inject_exception(v, VEC_GP, true, 0);
        return;
    }
    if (!skip_insn(v, INSN_MAP_0F, write ? 0x30 : 0x32))
        return;
    if (!write) {
        v->arch.regs.rax = (uint32_t)val;
        v->arch.regs.rdx = val >> 32;
    }
}

/*
 * Port I/O: the hardware domain's ports the hypervisor mediates go to
 * dom0_io.c (its other exits are ports denied or emulated for it); a
 * claimed port goes to its device model (asm/hvm_ioport.h); other reads
 * give all ones (what a PC gives for an unclaimed port) and writes are
 * dropped, except port 0xe9, the debug console Xen and Bochs offer HVM
 * guests. String I/O is refused with #GP.
 */
static void do_io(struct vcpu *v, const struct hvm_exit *e)
{
    const struct hvm_ioport_range *r = hvm_ioport_find(v->domain, e->io.port);
    uint64_t ones = (1ull << (e->io.size * 8)) - 1;
    uint32_t dom0_val = (uint32_t)(v->arch.regs.rax & ones);

    hvm_io_stats_count(&v->arch.io_stats, e->io.port, e->io.in);
    if (e->io.string) {
        hvm->inject_exception(v, VEC_GP, true, 0);
        return;
    }
    if (v->domain->is_hardware &&
        dom0_io_mediate(v, e->io.port, e->io.size, e->io.in, &dom0_val)) {
        if (e->io.in)
            v->arch.regs.rax = (v->arch.regs.rax & ~ones) | (dom0_val & ones);
    } else if (r) {
        uint32_t val = (uint32_t)ones;
        int rc = e->io.in ? r->ops->read(v, e->io.port, e->io.size, &val)
                          : r->ops->write(v, e->io.port, e->io.size,
                                          (uint32_t)(v->arch.regs.rax & ones));
        if (rc < 0) {
            domain_crash(v->domain, "vcpu %u: %s port %#x: error %d", v->id, r->ops->name,
                         e->io.port, rc);
            return;
        }
        if (e->io.in)
            v->arch.regs.rax = (v->arch.regs.rax & ~ones) | (val & ones);
    } else if (e->io.in) {
        v->arch.regs.rax = (v->arch.regs.rax & ~ones) | ones;
    } else if (e->io.port == 0xe9) {
        char c = (char)v->arch.regs.rax;
        guest_console_write(v->domain, &c, 1);     /* rate-limited */
    }
    if (e->io.next_rip) {
        hvm->set_rip(v, e->io.next_rip);
        return;
    }
    /* IN/OUT: E4-E7 (imm8 port), EC-EF (DX) */
    uint8_t op = e->io.port_in_dx ? 0xec : 0xe4;
    op |= (e->io.in ? 0 : 2) | (e->io.size > 1 ? 1 : 0);
    skip_insn(v, INSN_MAP_1BYTE, op);
}

static void do_hypercall(struct vcpu *v)
{
    /* VMMCALL and VMCALL are both 0F 01 with a ModRM byte (D9, C1). */
    if (!skip_insn(v, INSN_MAP_0F, 0x01))
        return;
    hvm_hypercall(v);
}

static const char *const exit_names[HVM_EXIT_NR_REASONS] = {
    [HVM_EXIT_NONE] = "none", [HVM_EXIT_CPUID] = "cpuid", [HVM_EXIT_MSR_READ] = "rdmsr",
    [HVM_EXIT_MSR_WRITE] = "wrmsr", [HVM_EXIT_IO] = "io", [HVM_EXIT_HLT] = "hlt",
    [HVM_EXIT_HYPERCALL] = "hypercall", [HVM_EXIT_NPF] = "npf",
    [HVM_EXIT_TRIPLE_FAULT] = "triple-fault", [HVM_EXIT_FORBIDDEN] = "forbidden",
    [HVM_EXIT_PAUSE] = "pause", [HVM_EXIT_ENTRY_FAILED] = "entry-failed",
    [HVM_EXIT_UNHANDLED] = "unhandled", [HVM_EXIT_INTR] = "interrupt",
    [HVM_EXIT_INTR_WINDOW] = "intr-window", [HVM_EXIT_DR_ACCESS] = "dr-access",
    [HVM_EXIT_CACHE_FLUSH] = "cache-flush", [HVM_EXIT_RDPMC] = "rdpmc",
};

void arch_vcpu_print_stats(const struct vcpu *v)
{
    char buf[256];
    size_t n = 0;

    for (unsigned int r = 0; r < HVM_EXIT_NR_REASONS && n < sizeof(buf); r++)
        if (v->arch.exits_by_reason[r])
            n += (size_t)snprintf(buf + n, sizeof(buf) - n, " %s=%llu", exit_names[r],
                                  (unsigned long long)v->arch.exits_by_reason[r]);
    buf[n < sizeof(buf) ? n : sizeof(buf) - 1] = '\0';
    printk("dom %s id=%u: vcpu %u: %llu exits%s\n", v->domain->name, v->domain->id, v->id,
           (unsigned long long)v->arch.nr_exits, buf);
    hvm_io_stats_print(v);
}

void arch_vcpu_exit_counts(const struct vcpu *v, uint64_t *all, uint64_t *intr)
{
    /* NONE: VMX's external interrupts and NMIs, handled before the exit
     * is reported (vmx_exit.c); INTR: SVM's. */
    *all = __atomic_load_n(&v->arch.nr_exits, __ATOMIC_RELAXED);
    *intr = __atomic_load_n(&v->arch.exits_by_reason[HVM_EXIT_INTR], __ATOMIC_RELAXED) +
            __atomic_load_n(&v->arch.exits_by_reason[HVM_EXIT_NONE], __ATOMIC_RELAXED);
}

void hvm_handle_exit(struct vcpu *v, const struct hvm_exit *e)
{
    struct domain *d = v->domain;

    v->arch.nr_exits++;
    if (e->reason < HVM_EXIT_NR_REASONS)
        v->arch.exits_by_reason[e->reason]++;
    switch (e->reason) {
    case HVM_EXIT_NONE:
    case HVM_EXIT_INTR:
    case HVM_EXIT_PAUSE:
    case HVM_EXIT_INTR_WINDOW:      /* the next entry injects */
    case HVM_EXIT_DR_ACCESS:        /* the MOV DR runs again, natively */
        break;
    case HVM_EXIT_CACHE_FLUSH:
        /* A domain without cache-flush permission (none has it: no device
         * is passed through) has WBINVD and INVD skipped, as in Xen: a
         * guest loop of them would stall the shared caches for everyone. */
        /* WBINVD is 0F 09, INVD 0F 08: one exit reason, as QEMU's TCG
         * (7.2) reports INVD under SVM as a WBINVD exit. */
        skip_insn2(v, INSN_MAP_0F, 0x09, 0x08);
        break;
    case HVM_EXIT_RDPMC:
        /* No vPMU (CPUID leaf 0xa reports none): no counter index is
         * valid, and RDPMC with an invalid one is #GP(0) (SDM vol. 2B
         * RDPMC). The host's counters are never read. */
        hvm->inject_exception(v, VEC_GP, true, 0);
        break;
    case HVM_EXIT_CPUID:
        do_cpuid(v);
        break;
    case HVM_EXIT_MSR_READ:
    case HVM_EXIT_MSR_WRITE:
        do_msr(v, e);
        break;
    case HVM_EXIT_IO:
        do_io(v, e);
        break;
    case HVM_EXIT_HLT:
        if (!skip_insn(v, INSN_MAP_1BYTE, 0xf4))
            break;
        if (hvm->get_rflags(v) & X86_EFLAGS_IF)
            vcpu_block(v);
        else
            vcpu_down(v);
        break;
    case HVM_EXIT_HYPERCALL:
        do_hypercall(v);
        break;
    case HVM_EXIT_FORBIDDEN:
        hvm->inject_exception(v, VEC_UD, false, 0);
        break;
    case HVM_EXIT_NPF:
        if (hvm_mmio_handle(v, e))
            break;
        if (d->is_hardware && dom0_mmio_fault(v, e))
            break;
        domain_crash(d, "vcpu %u: %s of guest-physical %#llx (%s) at rip %#llx",
                     v->id, e->npf.fetch ? "fetch" : e->npf.write ? "write" : "read",
                     (unsigned long long)e->npf.gpa,
                     e->npf.present ? "not allowed" : "nothing mapped there",
                     (unsigned long long)hvm->get_rip(v));
        break;
    case HVM_EXIT_TRIPLE_FAULT:
        printk(LOG_ERR "dom %s: vcpu %u: triple fault; its state:\n", d->name, v->id);
        hvm->dump(v);
        domain_crash(d, "vcpu %u: triple fault at rip %#llx", v->id,
                     (unsigned long long)hvm->get_rip(v));
        break;
    case HVM_EXIT_ENTRY_FAILED:
        printk(LOG_ERR "dom %s: vcpu %u: the CPU refused its state:\n", d->name, v->id);
        hvm->dump(v);
        domain_crash(d, "vcpu %u: VM entry failed", v->id);
        break;
    case HVM_EXIT_UNHANDLED:
    case HVM_EXIT_NR_REASONS:
        printk(LOG_ERR "dom %s: vcpu %u: unexpected exit %#llx\n", d->name, v->id,
               (unsigned long long)e->raw);
        hvm->dump(v);
        domain_crash(d, "vcpu %u: unexpected exit %#llx", v->id,
                     (unsigned long long)e->raw);
        break;
    }
}
