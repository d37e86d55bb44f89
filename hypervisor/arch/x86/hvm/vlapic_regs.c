/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The local APIC's registers, as a pure model (asm/vlapic.h): no vCPU, no
 * clock but the one passed in, so host unit tests run it as it is.
 * Section numbers are Intel SDM vol. 3 (ch. 11 APIC, 9.4 MP init).
 */
#include <asm/vlapic.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

/* Bits software may set in each LVT (SDM figure 11-8). The timer's mode
 * field is one bit: TSC-deadline mode is not offered. */
static const uint32_t lvt_writable[VLAPIC_NR_LVT] = {
    [LVT_IDX(APIC_REG_LVT_TIMER)] = 0x300ff,
    [LVT_IDX(APIC_REG_LVT_THERM)] = 0x107ff,
    [LVT_IDX(APIC_REG_LVT_PERF)]  = 0x107ff,
    [LVT_IDX(APIC_REG_LVT_LINT0)] = 0x1a7ff,
    [LVT_IDX(APIC_REG_LVT_LINT1)] = 0x1a7ff,
    [LVT_IDX(APIC_REG_LVT_ERROR)] = 0x100ff,
};

/* SVR: vector, APIC enable, focus-processor checking (no EOI-broadcast
 * suppression: the version register does not offer it). */
#define SVR_WRITABLE        0x3ffu
#define TDCR_WRITABLE       0xbu
/* x2APIC ICR bits that are not reserved (SDM 11.12.9): vector, delivery
 * mode, destination mode, level, trigger, shorthand, destination. */
#define X2APIC_ICR_VALID    0xffffffff000ccfffull

enum vlapic_mode vlapic_mode(const struct vlapic *s)
{
    if (!(s->apic_base & APIC_BASE_EN))
        return VLAPIC_DISABLED;
    return (s->apic_base & APIC_BASE_EXTD) ? VLAPIC_X2APIC : VLAPIC_XAPIC;
}

bool vlapic_sw_enabled(const struct vlapic *s)
{
    return vlapic_mode(s) != VLAPIC_DISABLED && (s->svr & APIC_SVR_ENABLE);
}

static uint32_t x2apic_ldr(uint32_t id)
{
    return ((id >> 4) << 16) | (1u << (id & 0xf));   /* SDM 11.12.10.2 */
}

void vlapic_init_regs(struct vlapic *s)
{
    s->tpr = 0;
    s->svr = 0xff;
    s->ldr = vlapic_mode(s) == VLAPIC_X2APIC ? x2apic_ldr(s->id) : 0;
    s->dfr = 0xffffffffu;
    s->esr = s->esr_pending = 0;
    s->icr_lo = s->icr_hi = 0;
    for (unsigned int i = 0; i < VLAPIC_NR_LVT; i++)
        s->lvt[i] = LVT_MASKED;
    s->timer_icr = s->timer_dcr = 0;
    s->timer_divisor = vlapic_timer_divisor(0);
    s->timer_start_ns = s->timer_next_ns = 0;
    for (unsigned int i = 0; i < 8; i++) {
        __atomic_store_n(&s->irr[i], 0, __ATOMIC_RELAXED);
        __atomic_store_n(&s->tmr[i], 0, __ATOMIC_RELAXED);
        s->isr[i] = 0;
    }
    s->nmi_pending = false;
}

void vlapic_reset(struct vlapic *s, uint32_t id, bool bsp)
{
    s->id = id;
    s->apic_base = VLAPIC_DEFAULT_BASE | APIC_BASE_EN | (bsp ? APIC_BASE_BSP : 0);
    vlapic_init_regs(s);
    s->run_state = VLAPIC_RS_NONE;
    s->sipi_vector = 0;
}

int vlapic_highest_vector(const uint32_t bits[8])
{
    for (int i = 7; i >= 0; i--) {
        uint32_t w = __atomic_load_n(&bits[i], __ATOMIC_RELAXED);
        if (w)
            return i * 32 + 31 - __builtin_clz(w);
    }
    return -1;
}

static bool test_vec(const uint32_t bits[8], unsigned int vec)
{
    return __atomic_load_n(&bits[vec / 32], __ATOMIC_RELAXED) & (1u << (vec % 32));
}

static void set_vec(uint32_t bits[8], unsigned int vec)
{
    __atomic_fetch_or(&bits[vec / 32], 1u << (vec % 32), __ATOMIC_SEQ_CST);
}

static void clear_vec(uint32_t bits[8], unsigned int vec)
{
    __atomic_fetch_and(&bits[vec / 32], ~(1u << (vec % 32)), __ATOMIC_SEQ_CST);
}

/* SDM 11.8.3.1: PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4]:0. */
uint32_t vlapic_ppr(const struct vlapic *s)
{
    int isrv = vlapic_highest_vector(s->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

    return (s->tpr & 0xf0) >= isr_class ? s->tpr & 0xff : isr_class;
}

/* SDM 11.8.3.1 (arbitration priority): like the PPR, with the highest of
 * IRR and ISR in place of the ISR. */
uint32_t vlapic_apr(const struct vlapic *s)
{
    int irrv = vlapic_highest_vector(s->irr), isrv = vlapic_highest_vector(s->isr);
    uint32_t cls = (uint32_t)MAX(MAX(irrv, isrv), 0) & 0xf0;

    return (s->tpr & 0xf0) >= cls ? s->tpr & 0xff : cls;
}

int vlapic_pending_vector(const struct vlapic *s)
{
    int vec;

    if (!vlapic_sw_enabled(s))
        return -1;
    vec = vlapic_highest_vector(s->irr);
    if (vec < 0 || ((uint32_t)vec & 0xf0) <= (vlapic_ppr(s) & 0xf0))
        return -1;
    return vec;
}

void vlapic_accept(struct vlapic *s, uint8_t vec)
{
    clear_vec(s->irr, vec);
    set_vec(s->isr, vec);
}

int vlapic_eoi(struct vlapic *s, bool *level)
{
    int vec = vlapic_highest_vector(s->isr);

    *level = false;
    if (vec < 0)
        return -1;
    clear_vec(s->isr, (unsigned int)vec);
    if (test_vec(s->tmr, (unsigned int)vec)) {
        clear_vec(s->tmr, (unsigned int)vec);
        *level = true;
    }
    return vec;
}

bool vlapic_error(struct vlapic *s, uint32_t esr_bit)
{
    uint32_t lvt = s->lvt[LVT_IDX(APIC_REG_LVT_ERROR)];
    uint8_t vec = lvt & 0xff;

    __atomic_fetch_or(&s->esr_pending, esr_bit, __ATOMIC_SEQ_CST);
    /* An illegal error vector would only raise another error (11.5.3). */
    if ((lvt & LVT_MASKED) || vec < 16 || !vlapic_sw_enabled(s))
        return false;
    set_vec(s->irr, vec);
    return true;
}

bool vlapic_set_irr(struct vlapic *s, uint8_t vec, bool level)
{
    if (vec < 16)
        return vlapic_error(s, APIC_ESR_RECV_ILLEGAL);
    if (level)
        set_vec(s->tmr, vec);
    else
        clear_vec(s->tmr, vec);
    set_vec(s->irr, vec);
    return true;
}

/* ---- timer (SDM 11.5.4) ---- */

/* TDCR bits 3,1:0: 000 /2, 001 /4, 010 /8, 011 /16, 100 /32, 101 /64,
 * 110 /128, 111 /1 (figure 11-10). */
unsigned int vlapic_timer_divisor(uint32_t dcr)
{
    unsigned int v = (dcr & 3) | ((dcr >> 1) & 4);

    return 1u << ((v + 1) & 7);
}

bool vlapic_timer_periodic(const struct vlapic *s)
{
    return s->lvt[LVT_IDX(APIC_REG_LVT_TIMER)] & LVT_PERIODIC;
}

static uint64_t tick_ns(const struct vlapic *s)
{
    return (uint64_t)s->timer_divisor * VLAPIC_TIMER_TICK_NS;
}

uint64_t vlapic_timer_period_ns(const struct vlapic *s)
{
    return (uint64_t)s->timer_icr * tick_ns(s);
}

uint32_t vlapic_timer_current(const struct vlapic *s, uint64_t now_ns)
{
    uint64_t ticks;

    if (!s->timer_icr || now_ns < s->timer_start_ns)
        return s->timer_icr;
    ticks = (now_ns - s->timer_start_ns) / tick_ns(s);
    if (vlapic_timer_periodic(s))
        return s->timer_icr - (uint32_t)(ticks % s->timer_icr);
    return ticks >= s->timer_icr ? 0 : s->timer_icr - (uint32_t)ticks;
}

static uint64_t fire_period(const struct vlapic *s)
{
    uint64_t p = vlapic_timer_period_ns(s);

    return vlapic_timer_periodic(s) ? MAX(p, VLAPIC_TIMER_MIN_PERIOD_NS) : p;
}

uint64_t vlapic_timer_first_expiry(const struct vlapic *s)
{
    if (!s->timer_icr)
        return 0;
    return s->timer_start_ns + fire_period(s);
}

uint64_t vlapic_timer_next_expiry(const struct vlapic *s, uint64_t last_ns, uint64_t now_ns)
{
    uint64_t p = fire_period(s), next = last_ns + p;

    if (next <= now_ns)
        next += ((now_ns - next) / p + 1) * p;
    return next;
}

/* ---- register access (SDM table 11-1 for xAPIC, 11-6 for x2APIC) ---- */

static uint32_t read_bits(const uint32_t bits[8], unsigned int i)
{
    return __atomic_load_n(&bits[i], __ATOMIC_RELAXED);
}

int vlapic_reg_read(struct vlapic *s, unsigned int reg, bool msr, uint64_t now_ns,
                    uint64_t *val)
{
    *val = 0;
    switch (reg) {
    case APIC_REG_ID:
        *val = msr ? s->id : (s->id & 0xff) << 24;
        return 0;
    case APIC_REG_VER:
        *val = VLAPIC_VERSION;
        return 0;
    case APIC_REG_TPR:
        *val = s->tpr;
        return 0;
    case APIC_REG_APR:
    case APIC_REG_RRD:
    case APIC_REG_DFR:
    case APIC_REG_ICR2:
        if (msr)
            return -EPERM;          /* not in x2APIC mode */
        *val = reg == APIC_REG_APR ? vlapic_apr(s) : reg == APIC_REG_DFR ? s->dfr :
               reg == APIC_REG_ICR2 ? s->icr_hi : 0;
        return 0;
    case APIC_REG_PPR:
        *val = vlapic_ppr(s);
        return 0;
    case APIC_REG_EOI:
        return msr ? -EPERM : 0;    /* write-only */
    case APIC_REG_LDR:
        *val = s->ldr;
        return 0;
    case APIC_REG_SVR:
        *val = s->svr;
        return 0;
    case APIC_REG_ISR0 ... APIC_REG_ISR0 + 7:
        *val = s->isr[reg - APIC_REG_ISR0];
        return 0;
    case APIC_REG_TMR0 ... APIC_REG_TMR0 + 7:
        *val = read_bits(s->tmr, reg - APIC_REG_TMR0);
        return 0;
    case APIC_REG_IRR0 ... APIC_REG_IRR0 + 7:
        *val = read_bits(s->irr, reg - APIC_REG_IRR0);
        return 0;
    case APIC_REG_ESR:
        *val = s->esr;
        return 0;
    case APIC_REG_ICR:
        /* Delivery is immediate: the busy bit never reads set. */
        *val = msr ? ((uint64_t)s->icr_hi << 32) | s->icr_lo : s->icr_lo;
        return 0;
    case APIC_REG_LVT_TIMER ... APIC_REG_LVT_ERROR:
        *val = s->lvt[LVT_IDX(reg)];
        return 0;
    case APIC_REG_TMICT:
        *val = s->timer_icr;
        return 0;
    case APIC_REG_TMCCT:
        *val = vlapic_timer_current(s, now_ns);
        return 0;
    case APIC_REG_TDCR:
        *val = s->timer_dcr;
        return 0;
    case APIC_REG_SELF_IPI:
        return msr ? -EPERM : (vlapic_error(s, APIC_ESR_ILLEGAL_REG), 0);
    }
    if (msr)
        return -EPERM;
    vlapic_error(s, APIC_ESR_ILLEGAL_REG);
    return 0;
}

/* Reserved bits of a write: #GP in x2APIC mode, dropped in xAPIC mode. */
static int check_bits(bool msr, uint64_t *val, uint64_t writable)
{
    if (msr && (*val & ~writable))
        return -EPERM;
    *val &= writable;
    return 0;
}

static int write_svr(struct vlapic *s, bool msr, uint64_t val)
{
    if (check_bits(msr, &val, SVR_WRITABLE))
        return -EPERM;
    s->svr = (uint32_t)val;
    /* Software-disabled: every LVT masked, and kept so (11.4.7.2). */
    if (!(val & APIC_SVR_ENABLE))
        for (unsigned int i = 0; i < VLAPIC_NR_LVT; i++)
            s->lvt[i] |= LVT_MASKED;
    return 0;
}

static int write_eoi(struct vlapic *s, bool msr, uint64_t val, struct vlapic_effect *eff)
{
    /* x2APIC: a non-zero EOI write is a #GP (11.12.1.2). */
    if (msr && val)
        return -EPERM;
    eff->eoi_vector = vlapic_eoi(s, &eff->eoi_level);
    if (eff->eoi_vector >= 0)
        eff->flags |= VLAPIC_EFF_EOI;
    return 0;
}

static int write_esr(struct vlapic *s, bool msr, uint64_t val)
{
    /* Write-then-read (11.5.3); x2APIC requires the write to be 0. */
    if (msr && val)
        return -EPERM;
    s->esr = __atomic_exchange_n(&s->esr_pending, 0, __ATOMIC_SEQ_CST);
    return 0;
}

/* The logical destination registers: LDR and DFR. */
static int write_logical_dest(struct vlapic *s, unsigned int reg, bool msr, uint64_t val)
{
    if (msr)
        return -EPERM; /* LDR read-only, DFR absent in x2APIC mode */
    if (reg == APIC_REG_LDR)
        s->ldr = (uint32_t)val & 0xff000000u;
    else
        s->dfr = ((uint32_t)val & 0xf0000000u) | 0x0fffffffu;
    return 0;
}

/* ICR and its high half ICR2, which x2APIC mode folds into one 64-bit MSR. */
static int write_icr(struct vlapic *s, unsigned int reg, bool msr, uint64_t val,
                     struct vlapic_effect *eff)
{
    if (reg == APIC_REG_ICR2) {
        if (msr)
            return -EPERM;
        s->icr_hi = (uint32_t)val & 0xff000000u;
        return 0;
    }
    if (msr) {
        if (val & ~X2APIC_ICR_VALID)
            return -EPERM;
        s->icr_hi = (uint32_t)(val >> 32);
    }
    s->icr_lo = (uint32_t)val & ~APIC_ICR_BUSY;
    eff->flags |= VLAPIC_EFF_IPI;
    return 0;
}

static int write_lvt(struct vlapic *s, unsigned int reg, bool msr, uint64_t val,
                     struct vlapic_effect *eff)
{
    unsigned int i = LVT_IDX(reg);
    bool mode_changed;

    if (check_bits(msr, &val, lvt_writable[i]))
        return -EPERM;
    if (!(s->svr & APIC_SVR_ENABLE))
        val |= LVT_MASKED;
    mode_changed = i == LVT_IDX(APIC_REG_LVT_TIMER) &&
                   ((s->lvt[i] ^ (uint32_t)val) & LVT_PERIODIC);
    s->lvt[i] = (uint32_t)val;
    if (mode_changed)
        eff->flags |= VLAPIC_EFF_TIMER; /* the next expiry depends on it */
    return 0;
}

/* The timer's initial count (which starts it) and its divide configuration. */
static int write_timer(struct vlapic *s, unsigned int reg, bool msr, uint64_t val,
                       uint64_t now_ns, struct vlapic_effect *eff)
{
    if (reg == APIC_REG_TDCR) {
        if (check_bits(msr, &val, TDCR_WRITABLE))
            return -EPERM;
        s->timer_dcr = (uint32_t)val;
        return 0;
    }
    s->timer_icr = (uint32_t)val;
    s->timer_divisor = vlapic_timer_divisor(s->timer_dcr);
    s->timer_start_ns = now_ns;
    eff->flags |= VLAPIC_EFF_TIMER;
    return 0;
}

static int write_self_ipi(struct vlapic *s, bool msr, uint64_t val)
{
    if (!msr) {
        vlapic_error(s, APIC_ESR_ILLEGAL_REG);
        return 0;
    }
    if (val & ~0xffull)
        return -EPERM;
    if ((uint8_t)val < 16)
        vlapic_error(s, APIC_ESR_SEND_ILLEGAL);
    else
        vlapic_set_irr(s, (uint8_t)val, false);
    return 0;
}

int vlapic_reg_write(struct vlapic *s, unsigned int reg, bool msr, uint64_t val,
                     uint64_t now_ns, struct vlapic_effect *eff)
{
    eff->flags = 0;
    eff->eoi_vector = -1;
    eff->eoi_level = false;
    if (msr && reg != APIC_REG_ICR && (val >> 32))
        return -EPERM;
    switch (reg) {
    case APIC_REG_TPR:
        if (check_bits(msr, &val, 0xff))
            return -EPERM;
        s->tpr = (uint32_t)val;
        return 0;
    case APIC_REG_EOI:
        return write_eoi(s, msr, val, eff);
    case APIC_REG_LDR:
    case APIC_REG_DFR:
        return write_logical_dest(s, reg, msr, val);
    case APIC_REG_SVR:
        return write_svr(s, msr, val);
    case APIC_REG_ESR:
        return write_esr(s, msr, val);
    case APIC_REG_ICR:
    case APIC_REG_ICR2:
        return write_icr(s, reg, msr, val, eff);
    case APIC_REG_LVT_TIMER ... APIC_REG_LVT_ERROR:
        return write_lvt(s, reg, msr, val, eff);
    case APIC_REG_TMICT:
    case APIC_REG_TDCR:
        return write_timer(s, reg, msr, val, now_ns, eff);
    case APIC_REG_SELF_IPI:
        return write_self_ipi(s, msr, val);
    case APIC_REG_ID:
    case APIC_REG_VER:
    case APIC_REG_APR:
    case APIC_REG_PPR:
    case APIC_REG_RRD:
    case APIC_REG_ISR0 ... APIC_REG_IRR0 + 7:
    case APIC_REG_TMCCT:
        /* Read-only: #GP in x2APIC mode, ignored in xAPIC mode. */
        return msr ? -EPERM : 0;
    }
    if (msr)
        return -EPERM;
    vlapic_error(s, APIC_ESR_ILLEGAL_REG);
    return 0;
}

/*
 * IA32_APIC_BASE (11.4.4, 11.12.5): EN/EXTD go disabled <-> xAPIC ->
 * x2APIC -> disabled; x2APIC -> xAPIC, disabled -> x2APIC and EXTD without
 * EN are #GP. BSP is read-only; the base cannot move (the xAPIC page is
 * registered at the default address only).
 */
int vlapic_base_write(struct vlapic *s, uint64_t val, bool *reset)
{
    const uint64_t writable = APIC_BASE_ADDR_MASK | APIC_BASE_EN | APIC_BASE_EXTD |
                              APIC_BASE_BSP;
    enum vlapic_mode from = vlapic_mode(s), to;

    *reset = false;
    if ((val & ~writable) || ((val ^ s->apic_base) & APIC_BASE_BSP))
        return -EPERM;
    if ((val & APIC_BASE_ADDR_MASK) != VLAPIC_DEFAULT_BASE)
        return -EPERM;
    if ((val & (APIC_BASE_EN | APIC_BASE_EXTD)) == APIC_BASE_EXTD)
        return -EPERM;
    to = !(val & APIC_BASE_EN) ? VLAPIC_DISABLED :
         (val & APIC_BASE_EXTD) ? VLAPIC_X2APIC : VLAPIC_XAPIC;
    if ((from == VLAPIC_X2APIC && to == VLAPIC_XAPIC) ||
        (from == VLAPIC_DISABLED && to == VLAPIC_X2APIC))
        return -EPERM;
    s->apic_base = val;
    if (to == VLAPIC_DISABLED && from != VLAPIC_DISABLED) {
        /* Disabling resets the APIC to its power-up state (11.4.3). */
        vlapic_init_regs(s);
        *reset = true;
    } else if (to == VLAPIC_X2APIC && from == VLAPIC_XAPIC) {
        /* The ID stays; the LDR becomes the x2APIC one (11.12.5.1). */
        s->ldr = x2apic_ldr(s->id);
    }
    return 0;
}

/* ---- interrupt commands and destinations (11.6) ---- */

void vlapic_decode_icr(const struct vlapic *s, struct vlapic_ipi *ipi)
{
    uint32_t lo = s->icr_lo;

    ipi->vector = lo & APIC_ICR_VECTOR;
    ipi->mode = (enum vlapic_dm)((lo >> APIC_ICR_DM_SHIFT) & 7);
    ipi->logical = lo & APIC_ICR_LOGICAL;
    ipi->assert = lo & APIC_ICR_ASSERT;
    ipi->level = lo & APIC_ICR_LEVEL;
    ipi->shorthand = (enum apic_shorthand)((lo >> APIC_ICR_SH_SHIFT) & 3);
    ipi->x2apic = vlapic_mode(s) == VLAPIC_X2APIC;
    ipi->dest = ipi->x2apic ? s->icr_hi : s->icr_hi >> 24;
}

static bool match_logical_xapic(const struct vlapic *t, uint8_t dest)
{
    uint8_t ldr = (uint8_t)(t->ldr >> 24);

    if ((t->dfr >> 28) == 0xf)                          /* flat model */
        return dest & ldr;
    /* Cluster model: high nibble the cluster (0xf: all), low nibble a
     * bitmap of the four members (11.6.2.2). */
    return ((dest >> 4) == (ldr >> 4) || (dest >> 4) == 0xf) && (dest & ldr & 0xf);
}

bool vlapic_match_dest(const struct vlapic *t, const struct vlapic_ipi *ipi)
{
    uint32_t bcast = ipi->x2apic ? 0xffffffffu : 0xffu;

    if (vlapic_mode(t) == VLAPIC_DISABLED)
        return false;
    if (ipi->dest == bcast)
        return true;
    if (!ipi->logical) {
        if (vlapic_mode(t) == VLAPIC_X2APIC)
            return ipi->dest == t->id;
        return (ipi->dest & 0xff) == (t->id & 0xff);
    }
    if (vlapic_mode(t) == VLAPIC_X2APIC)
        return (ipi->dest >> 16) == (t->ldr >> 16) && (ipi->dest & t->ldr & 0xffff);
    return match_logical_xapic(t, (uint8_t)ipi->dest);
}
