/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emulated MMIO (asm/hvm_mmio.h): decode the instruction that faulted on a
 * registered range and perform its access through the range's handlers.
 *
 * Only the MOV family is emulated (MOV to or from memory, MOV of an
 * immediate, MOVZX, MOVSX): what device registers are accessed with in
 * practice, and all that Linux's APIC accessors use. String, ALU and
 * locked forms would need the guest's RFLAGS and multi-element loops; they
 * crash the domain with the instruction's bytes in the log instead of
 * being half-done.
 */
#include "backend.h"
#include <asm/hvm_mmio.h>
#include <asm/insn_decode.h>
#include <tessera/console.h>
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

int hvm_mmio_register(struct domain *d, uint64_t gpa, uint64_t len,
                      const struct hvm_mmio_ops *ops)
{
    if (!len || gpa + len < gpa || !ops || !ops->read || !ops->write)
        return -EINVAL;
    for (unsigned int i = 0; i < d->arch.nr_mmio; i++)
        if (gpa < d->arch.mmio[i].gpa + d->arch.mmio[i].len && d->arch.mmio[i].gpa < gpa + len)
            return -EINVAL;
    if (d->arch.nr_mmio == HVM_MMIO_MAX_RANGES)
        return -ENOSPC;
    d->arch.mmio[d->arch.nr_mmio] = (struct hvm_mmio_range){ .gpa = gpa, .len = len, .ops = ops };
    __atomic_store_n(&d->arch.nr_mmio, d->arch.nr_mmio + 1, __ATOMIC_RELEASE);
    return 0;
}

static const struct hvm_mmio_range *find_range(struct domain *d, uint64_t gpa)
{
    unsigned int n = __atomic_load_n(&d->arch.nr_mmio, __ATOMIC_ACQUIRE);

    for (unsigned int i = 0; i < n; i++)
        if (gpa >= d->arch.mmio[i].gpa && gpa - d->arch.mmio[i].gpa < d->arch.mmio[i].len)
            return &d->arch.mmio[i];
    return NULL;
}

/* struct guest_regs slots in the ModRM encoding order rAX, rCX, rDX, rBX,
 * rSP, rBP, rSI, rDI, r8-r15; rSP lives in the backend's state (-1). */
static uint64_t *gpr(struct vcpu *v, int reg)
{
    struct guest_regs *r = &v->arch.regs;
    uint64_t *const map[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, NULL, &r->rbp, &r->rsi, &r->rdi,
        &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };
    return reg >= 0 && reg < 16 ? map[reg] : NULL;
}

static uint64_t mask_of(unsigned int bytes)
{
    return bytes >= 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
}

/* A register write of `bytes` (SDM vol. 1 3.4.1.1: 32-bit results
 * zero-extend to 64 bits, 8- and 16-bit ones leave the rest alone). */
static void reg_write(uint64_t *reg, bool high8, unsigned int bytes, uint64_t val)
{
    if (high8)
        *reg = (*reg & ~0xff00ull) | ((val & 0xff) << 8);
    else if (bytes == 4)
        *reg = (uint32_t)val;
    else
        *reg = (*reg & ~mask_of(bytes)) | (val & mask_of(bytes));
}

static int do_access(struct vcpu *v, const struct hvm_mmio_range *r, uint64_t gpa,
                     const struct insn_mmio *m)
{
    uint64_t *reg = gpr(v, m->reg);
    uint64_t val;
    int rc;

    if (m->string || m->lock || (m->op != INSN_MMIO_MOV && m->op != INSN_MMIO_MOVZX &&
                                 m->op != INSN_MMIO_MOVSX))
        return -EOPNOTSUPP;
    if (m->is_write) {
        if (m->src == INSN_MMIO_SRC_IMM)
            val = m->imm;
        else if (reg)
            val = m->reg_high8 ? *reg >> 8 : *reg;
        else
            return -EOPNOTSUPP;     /* a store of rSP */
        return r->ops->write(v, gpa, m->size, val & mask_of(m->size));
    }
    if (!reg)
        return -EOPNOTSUPP;         /* a load into rSP */
    rc = r->ops->read(v, gpa, m->size, &val);
    if (rc)
        return rc;
    val &= mask_of(m->size);
    if (m->op == INSN_MMIO_MOVSX && m->size < 8 && (val >> (m->size * 8 - 1)) & 1)
        val |= ~mask_of(m->size);
    reg_write(reg, m->reg_high8, m->op == INSN_MMIO_MOV ? m->size : m->reg_bytes, val);
    return 0;
}

bool hvm_mmio_handle(struct vcpu *v, const struct hvm_exit *e)
{
    const struct hvm_mmio_range *r = find_range(v->domain, e->npf.gpa);

    if (!r)
        return false;
    hvm_mmio_emulate(v, e, r);
    return true;
}

void hvm_mmio_emulate(struct vcpu *v, const struct hvm_exit *e, const struct hvm_mmio_range *r)
{
    struct domain *d = v->domain;
    struct insn insn = { 0 };
    struct insn_mmio m;
    int rc;

    if (e->npf.fetch) {
        domain_crash(d, "vcpu %u: instruction fetch from %s at %#llx", v->id, r->ops->name,
                     (unsigned long long)e->npf.gpa);
        return;
    }
    rc = hvm_decode_current_insn(v, &insn);
    if (!rc)
        rc = insn_mmio_decode(&insn, &m);
    if (!rc && (e->npf.gpa + m.size - 1 < e->npf.gpa ||
                e->npf.gpa + m.size - r->gpa > r->len))
        rc = -ERANGE;
    if (!rc)
        rc = do_access(v, r, e->npf.gpa, &m);
    if (rc) {
        domain_crash(d, "vcpu %u: cannot emulate the access to %s at %#llx by the instruction "
                     "at rip %#llx (%d, %u bytes: %02x %02x %02x %02x)", v->id, r->ops->name,
                     (unsigned long long)e->npf.gpa, (unsigned long long)hvm->get_rip(v), rc,
                     insn.len, insn.bytes[0], insn.bytes[1], insn.bytes[2], insn.bytes[3]);
        return;
    }
    hvm->set_rip(v, hvm->get_rip(v) + insn.len);
}

/* What a PC gives for an address no device decodes. */
static int absent_read(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *val)
{
    *val = mask_of(size);
    return 0;
}

static int absent_write(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t val)
{
    return 0;
}

const struct hvm_mmio_ops hvm_mmio_absent_ops = {
    .name = "an absent device", .read = absent_read, .write = absent_write,
};

bool arch_gfn_emulated(const struct domain *d, uint64_t gfn)
{
    uint64_t gpa = gfn << PAGE_SHIFT;

    for (unsigned int i = 0; i < d->arch.nr_mmio; i++)
        if (gpa + PAGE_SIZE > d->arch.mmio[i].gpa &&
            gpa < d->arch.mmio[i].gpa + d->arch.mmio[i].len)
            return true;
    return false;
}
