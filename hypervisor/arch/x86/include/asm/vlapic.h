/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The emulated local APIC of a vCPU (Intel SDM vol. 3 ch. 11 "Advanced
 * Programmable Interrupt Controller", AMD APM vol. 2 ch. 16).
 *
 * vlapic_regs.c is the register model: pure functions of struct vlapic and
 * a time in nanoseconds, compiled into host unit tests as well. vlapic.c
 * connects it to the vCPU: IA32_APIC_BASE and the x2APIC MSRs, the xAPIC
 * page at 0xfee00000, IPIs between vCPUs, INIT/SIPI, the timer, and the
 * interrupt-injection hooks.
 *
 * Ownership: everything is read and written by the owning vCPU only, except
 * irr[] and tmr[] (set atomically by any sender: IPIs, the timer callback)
 * and, while the vCPU is not up, the INIT/SIPI state (under the domain lock).
 */
#ifndef ASM_VLAPIC_H
#define ASM_VLAPIC_H

#include <tessera/timer.h>
#include <tessera/types.h>

#define VLAPIC_DEFAULT_BASE     0xfee00000ull
#define VLAPIC_MMIO_SIZE        0x1000

/* IA32_APIC_BASE (SDM vol. 3 11.4.4, 11.12.1) */
#define APIC_BASE_BSP           (1ull << 8)
#define APIC_BASE_EXTD          (1ull << 10)
#define APIC_BASE_EN            (1ull << 11)
#define APIC_BASE_ADDR_MASK     0x000ffffffffff000ull   /* MAXPHYADDR 52 at most */

/* Version: 0x14, six LVT entries (max LVT index 5), no directed-EOI
 * support (bit 24 clear), the value Xen's vlapic reports. */
#define VLAPIC_VERSION          0x00050014u

/* Register index = xAPIC offset >> 4 = x2APIC MSR - 0x800 (SDM table 11-6). */
#define APIC_REG_ID         0x02
#define APIC_REG_VER        0x03
#define APIC_REG_TPR        0x08
#define APIC_REG_APR        0x09
#define APIC_REG_PPR        0x0a
#define APIC_REG_EOI        0x0b
#define APIC_REG_RRD        0x0c
#define APIC_REG_LDR        0x0d
#define APIC_REG_DFR        0x0e
#define APIC_REG_SVR        0x0f
#define APIC_REG_ISR0       0x10
#define APIC_REG_TMR0       0x18
#define APIC_REG_IRR0       0x20
#define APIC_REG_ESR        0x28
#define APIC_REG_CMCI       0x2f
#define APIC_REG_ICR        0x30
#define APIC_REG_ICR2       0x31
#define APIC_REG_LVT_TIMER  0x32
#define APIC_REG_LVT_THERM  0x33
#define APIC_REG_LVT_PERF   0x34
#define APIC_REG_LVT_LINT0  0x35
#define APIC_REG_LVT_LINT1  0x36
#define APIC_REG_LVT_ERROR  0x37
#define APIC_REG_TMICT      0x38
#define APIC_REG_TMCCT      0x39
#define APIC_REG_TDCR       0x3e
#define APIC_REG_SELF_IPI   0x3f
#define APIC_NR_REGS        0x40

#define X2APIC_MSR_FIRST    0x800u
#define X2APIC_MSR_LAST     0x8ffu

#define VLAPIC_NR_LVT       6       /* timer, thermal, perf, LINT0, LINT1, error */
#define LVT_IDX(reg)        ((reg) - APIC_REG_LVT_TIMER)

#define LVT_MASKED     (1u << 16)
#define LVT_PERIODIC   (1u << 17)
#define APIC_SVR_ENABLE     (1u << 8)

/* ESR bits (SDM 11.5.3) */
#define APIC_ESR_SEND_ILLEGAL   (1u << 5)
#define APIC_ESR_RECV_ILLEGAL   (1u << 6)
#define APIC_ESR_ILLEGAL_REG    (1u << 7)

/* ICR fields (SDM 11.6.1) */
#define APIC_ICR_VECTOR     0xffu
#define APIC_ICR_DM_SHIFT   8
#define APIC_ICR_LOGICAL    (1u << 11)
#define APIC_ICR_BUSY       (1u << 12)
#define APIC_ICR_ASSERT     (1u << 14)
#define APIC_ICR_LEVEL      (1u << 15)
#define APIC_ICR_SH_SHIFT   18

enum vlapic_dm {
    VLAPIC_DM_FIXED = 0, VLAPIC_DM_LOWEST = 1, VLAPIC_DM_SMI = 2, VLAPIC_DM_NMI = 4,
    VLAPIC_DM_INIT = 5, VLAPIC_DM_SIPI = 6, VLAPIC_DM_EXTINT = 7,
};
enum apic_shorthand { APIC_SH_NONE = 0, APIC_SH_SELF = 1, APIC_SH_ALL = 2, APIC_SH_OTHERS = 3 };

enum vlapic_mode { VLAPIC_DISABLED, VLAPIC_XAPIC, VLAPIC_X2APIC };

/* Period of one timer input tick before the divider: a 1 GHz "bus" (as
 * Xen's vlapic). The guest calibrates against it like against any CPU. */
#define VLAPIC_TIMER_TICK_NS    1
/* A periodic timer never fires more often than this: a guest asking for a
 * faster one would otherwise keep a CPU busy in interrupt context. */
#define VLAPIC_TIMER_MIN_PERIOD_NS  100000ull

/* INIT/SIPI state of the vCPU (SDM vol. 3 9.4 "multiple-processor init"). */
enum vlapic_run_state {
    VLAPIC_RS_NONE,         /* not INIT'd: started by the PVH ABI or not at all */
    VLAPIC_RS_WAIT_SIPI,    /* INIT received while not up: a SIPI starts it */
    VLAPIC_RS_STARTED,      /* a SIPI started it: further SIPIs are ignored */
};

struct vlapic {
    uint32_t id;                    /* x2APIC ID; the xAPIC ID is its low 8 bits */
    uint64_t apic_base;             /* IA32_APIC_BASE */
    uint32_t tpr, svr, ldr, dfr;    /* ldr/dfr: xAPIC values */
    uint32_t esr;                   /* what ESR reads (latched by the last write) */
    uint32_t esr_pending;           /* errors since the last ESR write */
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[VLAPIC_NR_LVT];
    uint32_t timer_icr, timer_dcr;
    uint32_t timer_divisor;         /* of timer_dcr when the count was loaded */
    uint64_t timer_start_ns;        /* when the count was loaded */
    uint64_t timer_next_ns;         /* next expiry armed, 0: none */
    uint32_t isr[8], tmr[8];
    uint32_t irr[8];                /* set by any CPU: atomic bit operations */
    bool nmi_pending;               /* set by any CPU, taken by intr assist */
    enum vlapic_run_state run_state;
    uint8_t sipi_vector;
    struct timer timer;             /* vlapic.c */
};

/* What a register write asks the caller (vlapic.c) to do. */
#define VLAPIC_EFF_IPI      (1u << 0)   /* send the IPI now in icr_lo/icr_hi */
#define VLAPIC_EFF_TIMER    (1u << 1)   /* the timer was (re)loaded or stopped */
#define VLAPIC_EFF_EOI      (1u << 2)   /* eoi_vector was EOI'd */

struct vlapic_effect {
    unsigned int flags;
    int eoi_vector;
    bool eoi_level;                 /* its TMR bit was set: tell the IOAPIC */
};

/* A decoded interrupt command (ICR or an interrupt message). */
struct vlapic_ipi {
    uint8_t vector;
    enum vlapic_dm mode;
    enum apic_shorthand shorthand;
    bool logical;
    bool assert;                    /* level: INIT de-assert has this clear */
    bool level;                     /* trigger mode */
    bool x2apic;                    /* the sender's mode: how dest is read */
    uint32_t dest;
};

/* ---- register model (vlapic_regs.c, host-testable) ---- */

/* Power-up state: ID id, enabled in xAPIC mode at the default base. */
void vlapic_reset(struct vlapic *s, uint32_t id, bool bsp);
/* INIT (SDM 9.1.1 / 11.4.7.3): registers to power-up values; ID, base and
 * mode kept. */
void vlapic_init_regs(struct vlapic *s);
enum vlapic_mode vlapic_mode(const struct vlapic *s);
/* Hardware enabled and SVR software-enabled. */
bool vlapic_sw_enabled(const struct vlapic *s);

/* Highest set bit of a 256-bit vector register, or -1. */
int vlapic_highest_vector(const uint32_t bits[8]);
uint32_t vlapic_ppr(const struct vlapic *s);
uint32_t vlapic_apr(const struct vlapic *s);
/* The highest IRR vector whose priority class is above the PPR's, -1 if
 * none or the APIC is not software-enabled (SDM 11.8.3.1). */
int vlapic_pending_vector(const struct vlapic *s);
/* At injection: IRR -> ISR. */
void vlapic_accept(struct vlapic *s, uint8_t vec);
/* EOI: clears the highest ISR bit; returns its vector or -1. *level: its
 * TMR bit was set (and is now clear). */
int vlapic_eoi(struct vlapic *s, bool *level);

/* Sets the vector in IRR (any CPU). Vectors 0-15 are illegal: a receive
 * error instead. Returns true if IRR changed. */
bool vlapic_set_irr(struct vlapic *s, uint8_t vec, bool level);
/* Records an error (APIC_ESR_*); raises the error LVT if it is unmasked.
 * Returns true if IRR changed. */
bool vlapic_error(struct vlapic *s, uint32_t esr_bit);

/* Register access. x2APIC (msr=true): 0, or -EPERM for #GP (reserved,
 * read-only, write-only, reserved bits). xAPIC: always 0; reserved
 * registers set the illegal-register error. */
int vlapic_reg_read(struct vlapic *s, unsigned int reg, bool msr, uint64_t now_ns,
                    uint64_t *val);
int vlapic_reg_write(struct vlapic *s, unsigned int reg, bool msr, uint64_t val,
                     uint64_t now_ns, struct vlapic_effect *eff);
/* IA32_APIC_BASE write: 0, or -EPERM (reserved bits, base relocation,
 * invalid transition, SDM 11.12.5). *reset: the APIC state was reset. */
int vlapic_base_write(struct vlapic *s, uint64_t val, bool *reset);

void vlapic_decode_icr(const struct vlapic *s, struct vlapic_ipi *ipi);
/* Does target accept ipi's destination (the shorthand aside)? */
bool vlapic_match_dest(const struct vlapic *target, const struct vlapic_ipi *ipi);

/* Timer (SDM 11.5.4). */
unsigned int vlapic_timer_divisor(uint32_t dcr);
bool vlapic_timer_periodic(const struct vlapic *s);
uint64_t vlapic_timer_period_ns(const struct vlapic *s);
uint32_t vlapic_timer_current(const struct vlapic *s, uint64_t now_ns);
/* The first expiry after the count was loaded, 0 if stopped. */
uint64_t vlapic_timer_first_expiry(const struct vlapic *s);
/* The next expiry of a periodic timer that expired at last_ns, at or after
 * now_ns; missed periods are skipped. */
uint64_t vlapic_timer_next_expiry(const struct vlapic *s, uint64_t last_ns, uint64_t now_ns);

/* ---- the vCPU's APIC (vlapic.c) ---- */

struct vcpu;
struct domain;

void vlapic_vcpu_init(struct vcpu *v);          /* at vCPU creation */
void vlapic_vcpu_destroy(struct vcpu *v);       /* before it is freed */
int vlapic_domain_init(struct domain *d);       /* registers the xAPIC page */

/* From msr.c: IA32_APIC_BASE and 0x800-0x8ff. 0 or -EPERM (#GP). */
int vlapic_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
int vlapic_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);
bool vlapic_msr_owned(uint32_t msr);

/* From hvm/intr.c: the APIC as an interrupt source. */
int vlapic_intr_pending(struct vcpu *v);        /* vector, or -1 */
void vlapic_intr_accept(struct vcpu *v, uint8_t vec);
/* Takes a pending NMI (true) so the caller injects it. */
bool vlapic_take_nmi(struct vcpu *v);
bool vlapic_nmi_pending(struct vcpu *v);

/* A fixed interrupt from a device model (vIOAPIC, MSI) to vCPU v. */
void vlapic_deliver_fixed(struct vcpu *v, uint8_t vec, bool level);
/* The same for an interrupt message (IOAPIC redirection entry, MSI) to
 * d's vCPUs: dest is an 8-bit xAPIC destination (physical APIC id, or a
 * logical mask when logical), matched as an IPI's would be. */
void vlapic_deliver_to_domain(struct domain *d, uint32_t dest, bool logical, bool lowest,
                              uint8_t vec, bool level);

#endif
