/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A vCPU's local APIC (asm/vlapic.h): the register model of vlapic_regs.c
 * behind IA32_APIC_BASE, the x2APIC MSRs and the xAPIC page, plus what
 * reaches other vCPUs: IPIs, NMIs, INIT and start-up IPIs, and the APIC
 * timer on the hypervisor's timers. Section numbers: Intel SDM vol. 3.
 */
#include "backend.h"
#include <asm/hvm_intr.h>
#include <asm/hvm_mmio.h>
#include <asm/percpu.h>
#include <asm/vioapic.h>
#include <asm/vlapic.h>
#include <asm/acpi_tables.h>
#include <asm/x86-defns.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/time.h>

/* ---- timer ---- */

/* Interrupt context, on the timer's CPU. */
static void timer_fire(void *data)
{
    struct vcpu *v = data;
    struct vlapic *s = &v->arch.vlapic;
    uint32_t lvt = s->lvt[LVT_IDX(APIC_REG_LVT_TIMER)];

    if (!(lvt & LVT_MASKED) && vlapic_sw_enabled(s))
        vlapic_deliver_fixed(v, lvt & 0xff, false);
    if (vlapic_timer_periodic(s)) {
        s->timer_next_ns = vlapic_timer_next_expiry(s, s->timer_next_ns, time_now_ns());
        timer_set(&s->timer, s->timer_next_ns);
    } else {
        s->timer_next_ns = 0;
    }
}

/*
 * From the vCPU, after its count was loaded (loaded) or its LVT mode or
 * enable state changed: stops the running timer and arms the new expiry on
 * this CPU.
 */
static void timer_update(struct vcpu *v, bool loaded)
{
    struct vlapic *s = &v->arch.vlapic;
    uint64_t now = time_now_ns(), when = vlapic_timer_first_expiry(s);
    unsigned int cpu = smp_processor_id();

    timer_kill(&s->timer);
    if (!loaded && when && when <= now) {
        /* Already expired once: a one-shot stays done, a periodic one
         * continues in phase. */
        when = vlapic_timer_periodic(s) ? vlapic_timer_next_expiry(s, when, now) : 0;
    }
    if (vlapic_mode(s) == VLAPIC_DISABLED)
        when = 0;
    if (s->timer.cpu != cpu)
        timer_init(&s->timer, timer_fire, v, cpu);
    s->timer_next_ns = when;
    if (when)
        timer_set(&s->timer, when);
}

/* ---- delivery to other vCPUs ---- */

static void kick_if_up(struct vcpu *t)
{
    /* A vCPU that is not up must not be woken: it has no state to run. */
    if (t->up)
        vcpu_kick(t);
}

void vlapic_deliver_fixed(struct vcpu *v, uint8_t vec, bool level)
{
    if (vlapic_set_irr(&v->arch.vlapic, vec, level))
        kick_if_up(v);
}

/* INIT (9.4.4): a vCPU that is not up waits for a start-up IPI. One that
 * is up is left alone: resetting a running vCPU is not supported. */
static void do_init(struct vcpu *t)
{
    struct domain *d = t->domain;
    unsigned long flags = spin_lock_irqsave(&d->lock);

    if (!t->up && t->arch.vlapic.run_state != VLAPIC_RS_STARTED) {
        vlapic_init_regs(&t->arch.vlapic);
        t->arch.vlapic.run_state = VLAPIC_RS_WAIT_SIPI;
    }
    spin_unlock_irqrestore(&d->lock, flags);
}

/* Start-up IPI (9.4.4, 11.6.1): a vCPU waiting for one starts in real
 * mode at vector * 4 KiB, CS = vector << 8, IP = 0. Any other SIPI is
 * ignored, as by a processor that is not in wait-for-SIPI. */
static void do_sipi(struct vcpu *t, uint8_t vec)
{
    struct domain *d = t->domain;
    struct hvm_initial_state st;
    unsigned long flags = spin_lock_irqsave(&d->lock);
    bool go = !t->up && !t->state_claimed && t->arch.vlapic.run_state == VLAPIC_RS_WAIT_SIPI;

    if (go) {
        t->arch.vlapic.run_state = VLAPIC_RS_STARTED;
        t->state_claimed = true;
    }
    spin_unlock_irqrestore(&d->lock, flags);
    if (!go)
        return;

    memset(&st, 0, sizeof(st));
    st.real_cs = (uint16_t)(vec << 8);
    st.rip = 0;
    st.rflags = 2;
    st.cr0 = X86_CR0_ET;
    if (hvm->set_initial_state(t, &st)) {
        domain_crash(d, "vcpu %u: cannot start vcpu %u at SIPI vector %#x", t->id, t->id,
                     vec);
        return;
    }
    t->arch.vlapic.sipi_vector = vec;
    t->initialised = true;
    t->up = true;
    vcpu_wake(t);
}

void vlapic_deliver_to_domain(struct domain *d, uint32_t dest, bool logical, bool lowest,
                              uint8_t vec, bool level)
{
    struct vlapic_ipi ipi = {
        .vector = vec,
        .mode = lowest ? VLAPIC_DM_LOWEST : VLAPIC_DM_FIXED,
        .logical = logical,
        .level = level,
        .assert = true,
        .x2apic = false,
        .dest = dest,
    };

    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *t = d->vcpus[i];
        if (!t || !vlapic_match_dest(&t->arch.vlapic, &ipi))
            continue;
        vlapic_deliver_fixed(t, vec, level);
        /* Lowest priority (SDM 11.6.2.4) goes to one of the matches; the
         * first is as good as any for a model without priorities. */
        if (lowest)
            return;
    }
}

static void deliver(struct vcpu *t, const struct vlapic_ipi *ipi)
{
    switch (ipi->mode) {
    case VLAPIC_DM_FIXED:
    case VLAPIC_DM_LOWEST:
        vlapic_deliver_fixed(t, ipi->vector, false);
        break;
    case VLAPIC_DM_NMI:
        __atomic_store_n(&t->arch.vlapic.nmi_pending, true, __ATOMIC_SEQ_CST);
        kick_if_up(t);
        break;
    case VLAPIC_DM_INIT:
        if (ipi->assert || !ipi->level)
            do_init(t);
        /* else INIT level de-assert: only re-synchronises arbitration IDs */
        break;
    case VLAPIC_DM_SIPI:
        do_sipi(t, ipi->vector);
        break;
    default:
        break;
    }
}

static bool targeted(struct vcpu *src, struct vcpu *t, const struct vlapic_ipi *ipi)
{
    switch (ipi->shorthand) {
    case APIC_SH_SELF:
        return t == src;
    case APIC_SH_ALL:
        return vlapic_mode(&t->arch.vlapic) != VLAPIC_DISABLED;
    case APIC_SH_OTHERS:
        return t != src && vlapic_mode(&t->arch.vlapic) != VLAPIC_DISABLED;
    default:
        return vlapic_match_dest(&t->arch.vlapic, ipi);
    }
}

/* The ICR was written (11.6.1). Delivery is done before the write returns. */
static void send_ipi(struct vcpu *src)
{
    struct domain *d = src->domain;
    struct vlapic_ipi ipi;

    vlapic_decode_icr(&src->arch.vlapic, &ipi);
    switch (ipi.mode) {
    case VLAPIC_DM_FIXED:
    case VLAPIC_DM_LOWEST:
        if (ipi.vector < 16) {
            vlapic_error(&src->arch.vlapic, APIC_ESR_SEND_ILLEGAL);
            return;
        }
        break;
    case VLAPIC_DM_NMI:
        break;
    case VLAPIC_DM_INIT:
    case VLAPIC_DM_SIPI:
        /* Not valid with the self and all-including-self shorthands
         * (table 11-3): dropped, so a vCPU never INITs itself. */
        if (ipi.shorthand == APIC_SH_SELF || ipi.shorthand == APIC_SH_ALL)
            return;
        break;
    default:
        return;                 /* SMI, ExtINT and reserved modes: not emulated */
    }
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *t = d->vcpus[i];
        if (!targeted(src, t, &ipi))
            continue;
        deliver(t, &ipi);
        /* Lowest priority goes to one target: the first that matches. */
        if (ipi.mode == VLAPIC_DM_LOWEST)
            break;
    }
}

static void apply(struct vcpu *v, unsigned int reg, const struct vlapic_effect *eff)
{
    if (eff->flags & VLAPIC_EFF_TIMER)
        timer_update(v, reg == APIC_REG_TMICT);
    if (eff->flags & VLAPIC_EFF_IPI)
        send_ipi(v);
    /* A level-triggered vector's EOI reaches the IOAPICs (SDM 11.8.5). */
    if ((eff->flags & VLAPIC_EFF_EOI) && eff->eoi_level)
        vioapic_eoi_vector(v->domain, (uint8_t)eff->eoi_vector);
}

/* ---- MSRs ---- */

bool vlapic_msr_owned(uint32_t msr)
{
    return msr == MSR_IA32_APIC_BASE || (msr >= X2APIC_MSR_FIRST && msr <= X2APIC_MSR_LAST);
}

int vlapic_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    struct vlapic *s = &v->arch.vlapic;

    if (msr == MSR_IA32_APIC_BASE) {
        *val = s->apic_base;
        return 0;
    }
    if (vlapic_mode(s) != VLAPIC_X2APIC)
        return -EPERM;          /* 11.12.1.2: #GP outside x2APIC mode */
    return vlapic_reg_read(s, msr - X2APIC_MSR_FIRST, true, time_now_ns(), val);
}

int vlapic_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    struct vlapic *s = &v->arch.vlapic;
    struct vlapic_effect eff;
    unsigned int reg = msr - X2APIC_MSR_FIRST;
    bool reset;
    int rc;

    if (msr == MSR_IA32_APIC_BASE) {
        rc = vlapic_base_write(s, val, &reset);
        if (!rc && reset)
            timer_update(v, false);
        return rc;
    }
    if (vlapic_mode(s) != VLAPIC_X2APIC)
        return -EPERM;
    rc = vlapic_reg_write(s, reg, true, val, time_now_ns(), &eff);
    if (!rc)
        apply(v, reg, &eff);
    return rc;
}

/* ---- the xAPIC page ---- */

/*
 * Software should use aligned 32-bit accesses to the first dword of each
 * 16-byte register (11.4.1). Smaller or unaligned reads return the bytes
 * of that dword they cover (the rest of the 16 bytes reads 0); any write
 * other than an aligned dword is dropped. Outside xAPIC mode the page is
 * not decoded: reads give all ones, writes are dropped (11.12.1.2).
 */
static int mmio_read(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *val)
{
    struct vlapic *s = &v->arch.vlapic;
    uint64_t off = gpa - VLAPIC_DEFAULT_BASE, dword;
    unsigned int within = off & 0xf;

    if (size > 8)
        return -EINVAL;
    if (vlapic_mode(s) != VLAPIC_XAPIC) {
        *val = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
        return 0;
    }
    vlapic_reg_read(s, (unsigned int)(off >> 4) & 0xff, false, time_now_ns(), &dword);
    dword &= 0xffffffffu;
    *val = within < 4 ? dword >> (within * 8) : 0;
    if (size < 8)
        *val &= (1ull << (size * 8)) - 1;
    return 0;
}

static int mmio_write(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t val)
{
    struct vlapic *s = &v->arch.vlapic;
    uint64_t off = gpa - VLAPIC_DEFAULT_BASE;
    unsigned int reg = (unsigned int)(off >> 4) & 0xff;
    struct vlapic_effect eff;

    if (vlapic_mode(s) != VLAPIC_XAPIC || size != 4 || (off & 0xf))
        return 0;
    vlapic_reg_write(s, reg, false, (uint32_t)val, time_now_ns(), &eff);
    apply(v, reg, &eff);
    return 0;
}

static const struct hvm_mmio_ops vlapic_mmio_ops = {
    .name = "lapic",
    .read = mmio_read,
    .write = mmio_write,
};

/* ---- life cycle and the interrupt-injection hooks ---- */

void vlapic_vcpu_init(struct vcpu *v)
{
    /* The ID the MADT and CPUID give this vCPU (2 * id, as Xen numbers them). */
    vlapic_reset(&v->arch.vlapic, acpi_vcpu_apic_id(v->id), v->id == 0);
    timer_init(&v->arch.vlapic.timer, timer_fire, v, smp_processor_id());
}

void vlapic_vcpu_destroy(struct vcpu *v)
{
    timer_kill(&v->arch.vlapic.timer);
}

int vlapic_domain_init(struct domain *d)
{
    return hvm_mmio_register(d, VLAPIC_DEFAULT_BASE, VLAPIC_MMIO_SIZE, &vlapic_mmio_ops);
}

int vlapic_intr_pending(struct vcpu *v)
{
    return vlapic_pending_vector(&v->arch.vlapic);
}

void vlapic_intr_accept(struct vcpu *v, uint8_t vec)
{
    vlapic_accept(&v->arch.vlapic, vec);
}

bool vlapic_nmi_pending(struct vcpu *v)
{
    return __atomic_load_n(&v->arch.vlapic.nmi_pending, __ATOMIC_ACQUIRE);
}

bool vlapic_take_nmi(struct vcpu *v)
{
    return __atomic_exchange_n(&v->arch.vlapic.nmi_pending, false, __ATOMIC_SEQ_CST);
}
