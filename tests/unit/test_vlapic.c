/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/arch/x86/hvm/vlapic_regs.c, the local APIC
 * register model. Expected values come from the Intel SDM vol. 3 ch. 11,
 * written out here rather than taken from the code. */
#include <asm/vlapic.h>
#include <tessera/errno.h>
#include "test.h"

#define MSR true
#define MMIO false

static struct vlapic s;

static void fresh(uint32_t id)
{
    memset(&s, 0, sizeof(s));
    vlapic_reset(&s, id, id == 0);
}

static uint64_t rd(unsigned int reg, bool msr)
{
    uint64_t v = 0xdead;
    CHECK_EQ(vlapic_reg_read(&s, reg, msr, 0, &v), 0);
    return v;
}

static int wr(unsigned int reg, bool msr, uint64_t val)
{
    struct vlapic_effect eff;
    return vlapic_reg_write(&s, reg, msr, val, 0, &eff);
}

static void enable_sw(void)
{
    CHECK_EQ(wr(APIC_REG_SVR, MMIO, 0x1ff), 0);
}

static void to_x2apic(void)
{
    bool reset;
    CHECK_EQ(vlapic_base_write(&s, 0xfee00000 | APIC_BASE_EN | APIC_BASE_EXTD |
                               (s.apic_base & APIC_BASE_BSP), &reset), 0);
}

static void test_reset_state(void)
{
    fresh(0);
    CHECK_EQ(s.apic_base, 0xfee00900);          /* EN | BSP at the default base */
    CHECK_EQ(vlapic_mode(&s), VLAPIC_XAPIC);
    CHECK_EQ(rd(APIC_REG_ID, MMIO), 0);
    CHECK_EQ(rd(APIC_REG_VER, MMIO), 0x00050014);
    CHECK_EQ(rd(APIC_REG_SVR, MMIO), 0xff);     /* software-disabled */
    CHECK_EQ(rd(APIC_REG_DFR, MMIO), 0xffffffff);
    for (unsigned int r = APIC_REG_LVT_TIMER; r <= APIC_REG_LVT_ERROR; r++)
        CHECK_EQ(rd(r, MMIO), 0x10000);
    fresh(6);
    CHECK_EQ(s.apic_base, 0xfee00800);          /* not the BSP */
    CHECK_EQ(rd(APIC_REG_ID, MMIO), 6u << 24);
}

static void test_ppr(void)
{
    fresh(0);
    enable_sw();
    CHECK_EQ(vlapic_ppr(&s), 0);
    CHECK_EQ(wr(APIC_REG_TPR, MMIO, 0x35), 0);
    CHECK_EQ(vlapic_ppr(&s), 0x35);             /* TPR class >= ISR class: TPR */
    vlapic_set_irr(&s, 0x61, false);
    vlapic_accept(&s, 0x61);
    CHECK_EQ(vlapic_ppr(&s), 0x60);             /* ISR class wins, low nibble 0 */
    CHECK_EQ(wr(APIC_REG_TPR, MMIO, 0x6f), 0);
    CHECK_EQ(vlapic_ppr(&s), 0x6f);             /* equal classes: TPR */
    CHECK_EQ(rd(APIC_REG_PPR, MMIO), 0x6f);
    CHECK_EQ(wr(APIC_REG_TPR, MMIO, 0x1234), 0);    /* xAPIC: reserved bits dropped */
    CHECK_EQ(rd(APIC_REG_TPR, MMIO), 0x34);
}

static void test_pending_and_priority(void)
{
    fresh(0);
    vlapic_set_irr(&s, 0x40, false);
    CHECK_EQ(vlapic_pending_vector(&s), -1);    /* software-disabled */
    enable_sw();
    CHECK_EQ(vlapic_pending_vector(&s), 0x40);
    CHECK_EQ(wr(APIC_REG_TPR, MMIO, 0x40), 0);
    CHECK_EQ(vlapic_pending_vector(&s), -1);    /* class 4 not above PPR class 4 */
    CHECK_EQ(wr(APIC_REG_TPR, MMIO, 0x3f), 0);
    CHECK_EQ(vlapic_pending_vector(&s), 0x40);
    CHECK_EQ(wr(APIC_REG_TPR, MMIO, 0), 0);
    vlapic_set_irr(&s, 0x41, false);
    vlapic_set_irr(&s, 0xe0, false);
    CHECK_EQ(vlapic_pending_vector(&s), 0xe0);  /* highest first */
    vlapic_accept(&s, 0xe0);
    CHECK_EQ(vlapic_pending_vector(&s), -1);    /* blocked by the in-service 0xe0 */
    CHECK_EQ(rd(APIC_REG_ISR0 + 7, MMIO), 1);
    CHECK_EQ(rd(APIC_REG_IRR0 + 2, MMIO), 3);   /* 0x40, 0x41 */
    CHECK_EQ(wr(APIC_REG_EOI, MMIO, 0), 0);
    CHECK_EQ(vlapic_pending_vector(&s), 0x41);
    vlapic_accept(&s, 0x41);
    /* 0x40 is in the same class as the in-service 0x41: it waits. */
    CHECK_EQ(vlapic_pending_vector(&s), -1);
    CHECK_EQ(vlapic_apr(&s), 0x40);
}

static void test_eoi_order(void)
{
    struct vlapic_effect eff;
    bool level;

    fresh(0);
    enable_sw();
    vlapic_set_irr(&s, 0x30, false);
    vlapic_accept(&s, 0x30);
    vlapic_set_irr(&s, 0x90, true);             /* level: TMR set */
    vlapic_accept(&s, 0x90);
    CHECK_EQ(rd(APIC_REG_TMR0 + 4, MMIO), 1u << 16);
    CHECK_EQ(vlapic_reg_write(&s, APIC_REG_EOI, MMIO, 0, 0, &eff), 0);
    CHECK_EQ(eff.flags & VLAPIC_EFF_EOI, VLAPIC_EFF_EOI);
    CHECK_EQ(eff.eoi_vector, 0x90);             /* the highest in service first */
    CHECK(eff.eoi_level);
    CHECK_EQ(rd(APIC_REG_TMR0 + 4, MMIO), 0);
    CHECK_EQ(vlapic_eoi(&s, &level), 0x30);
    CHECK(!level);
    CHECK_EQ(vlapic_eoi(&s, &level), -1);       /* spurious EOI: nothing */
    CHECK_EQ(vlapic_reg_write(&s, APIC_REG_EOI, MMIO, 0, 0, &eff), 0);
    CHECK_EQ(eff.flags, 0);
}

static void test_illegal_vectors_and_esr(void)
{
    fresh(0);
    enable_sw();
    CHECK(!vlapic_set_irr(&s, 7, false));       /* error LVT masked */
    CHECK_EQ(vlapic_highest_vector(s.irr), -1);
    CHECK_EQ(rd(APIC_REG_ESR, MMIO), 0);        /* not latched yet */
    CHECK_EQ(wr(APIC_REG_ESR, MMIO, 0), 0);
    CHECK_EQ(rd(APIC_REG_ESR, MMIO), APIC_ESR_RECV_ILLEGAL);
    CHECK_EQ(wr(APIC_REG_ESR, MMIO, 0), 0);
    CHECK_EQ(rd(APIC_REG_ESR, MMIO), 0);        /* cleared by the next write */
    /* Unmasked error LVT: the error raises its vector. */
    CHECK_EQ(wr(APIC_REG_LVT_ERROR, MMIO, 0xfe), 0);
    rd(0x3a, MMIO);                             /* reserved register */
    CHECK_EQ(vlapic_pending_vector(&s), 0xfe);
    CHECK_EQ(wr(APIC_REG_ESR, MMIO, 0), 0);
    CHECK_EQ(rd(APIC_REG_ESR, MMIO), APIC_ESR_ILLEGAL_REG);
}

static void test_svr_masks_lvts(void)
{
    fresh(0);
    CHECK_EQ(wr(APIC_REG_LVT_TIMER, MMIO, 0x20), 0);
    CHECK_EQ(rd(APIC_REG_LVT_TIMER, MMIO), 0x10020);    /* cannot unmask while disabled */
    enable_sw();
    CHECK_EQ(wr(APIC_REG_LVT_TIMER, MMIO, 0xfffffff0), 0);
    CHECK_EQ(rd(APIC_REG_LVT_TIMER, MMIO), 0x300f0);    /* mode bit 17 only */
    CHECK_EQ(wr(APIC_REG_LVT_LINT0, MMIO, 0x700), 0);
    CHECK_EQ(rd(APIC_REG_LVT_LINT0, MMIO), 0x700);      /* ExtINT */
    CHECK_EQ(wr(APIC_REG_SVR, MMIO, 0xff), 0);
    CHECK_EQ(rd(APIC_REG_LVT_LINT0, MMIO), 0x10700);
    CHECK_EQ(wr(APIC_REG_SVR, MMIO, 0xfffff1ff), 0);
    CHECK_EQ(rd(APIC_REG_SVR, MMIO), 0x1ff);
}

static void test_xapic_readonly_and_reserved(void)
{
    fresh(2);
    CHECK_EQ(wr(APIC_REG_ID, MMIO, 0x55000000), 0);
    CHECK_EQ(rd(APIC_REG_ID, MMIO), 0x02000000);
    CHECK_EQ(wr(APIC_REG_VER, MMIO, 0), 0);
    CHECK_EQ(rd(APIC_REG_VER, MMIO), VLAPIC_VERSION);
    CHECK_EQ(wr(APIC_REG_LDR, MMIO, 0xffffffff), 0);
    CHECK_EQ(rd(APIC_REG_LDR, MMIO), 0xff000000);
    CHECK_EQ(wr(APIC_REG_DFR, MMIO, 0), 0);
    CHECK_EQ(rd(APIC_REG_DFR, MMIO), 0x0fffffff);
    CHECK_EQ(rd(APIC_REG_CMCI, MMIO), 0);       /* no CMCI LVT: reserved */
    CHECK_EQ(rd(APIC_REG_SELF_IPI, MMIO), 0);   /* x2APIC only */
    CHECK_EQ(wr(APIC_REG_ESR, MMIO, 0), 0);
    CHECK_EQ(rd(APIC_REG_ESR, MMIO), APIC_ESR_ILLEGAL_REG);
}

static void test_x2apic_access_rules(void)
{
    uint64_t v;

    fresh(10);
    to_x2apic();
    CHECK_EQ(rd(APIC_REG_ID, MSR), 10);
    CHECK_EQ(rd(APIC_REG_LDR, MSR), (0u << 16) | (1u << 10));
    /* read-only */
    CHECK_EQ(wr(APIC_REG_ID, MSR, 10), -EPERM);
    CHECK_EQ(wr(APIC_REG_VER, MSR, 0), -EPERM);
    CHECK_EQ(wr(APIC_REG_LDR, MSR, 0), -EPERM);
    CHECK_EQ(wr(APIC_REG_PPR, MSR, 0), -EPERM);
    CHECK_EQ(wr(APIC_REG_IRR0, MSR, 0), -EPERM);
    CHECK_EQ(wr(APIC_REG_TMCCT, MSR, 0), -EPERM);
    /* not in x2APIC mode */
    CHECK_EQ(vlapic_reg_read(&s, APIC_REG_DFR, MSR, 0, &v), -EPERM);
    CHECK_EQ(vlapic_reg_read(&s, APIC_REG_APR, MSR, 0, &v), -EPERM);
    CHECK_EQ(vlapic_reg_read(&s, APIC_REG_ICR2, MSR, 0, &v), -EPERM);
    CHECK_EQ(wr(APIC_REG_ICR2, MSR, 0), -EPERM);
    CHECK_EQ(vlapic_reg_read(&s, APIC_REG_CMCI, MSR, 0, &v), -EPERM);
    CHECK_EQ(vlapic_reg_read(&s, 0x00, MSR, 0, &v), -EPERM);
    CHECK_EQ(vlapic_reg_read(&s, 0x3d, MSR, 0, &v), -EPERM);
    /* write-only */
    CHECK_EQ(vlapic_reg_read(&s, APIC_REG_EOI, MSR, 0, &v), -EPERM);
    CHECK_EQ(vlapic_reg_read(&s, APIC_REG_SELF_IPI, MSR, 0, &v), -EPERM);
    /* reserved bits */
    CHECK_EQ(wr(APIC_REG_EOI, MSR, 1), -EPERM);
    CHECK_EQ(wr(APIC_REG_ESR, MSR, 1), -EPERM);
    CHECK_EQ(wr(APIC_REG_TPR, MSR, 0x100), -EPERM);
    CHECK_EQ(wr(APIC_REG_TPR, MSR, 1ull << 32), -EPERM);
    CHECK_EQ(wr(APIC_REG_SVR, MSR, 0x11ff), -EPERM);     /* EOI-broadcast suppression */
    CHECK_EQ(wr(APIC_REG_LVT_TIMER, MSR, 0x40000), -EPERM);  /* TSC-deadline mode */
    CHECK_EQ(wr(APIC_REG_LVT_ERROR, MSR, 0x700), -EPERM);
    CHECK_EQ(wr(APIC_REG_TDCR, MSR, 0x4), -EPERM);
    CHECK_EQ(wr(APIC_REG_SELF_IPI, MSR, 0x100), -EPERM);
    CHECK_EQ(wr(APIC_REG_ICR, MSR, 1u << 12), -EPERM);  /* delivery status */
    CHECK_EQ(wr(APIC_REG_ICR, MSR, 1u << 16), -EPERM);
    CHECK_EQ(wr(APIC_REG_ICR, MSR, 1u << 20), -EPERM);
    CHECK_EQ(rd(APIC_REG_TPR, MSR), 0);         /* refused writes changed nothing */
    CHECK_EQ(rd(APIC_REG_SVR, MSR), 0xff);
    /* fine */
    CHECK_EQ(wr(APIC_REG_SVR, MSR, 0x1ff), 0);
    CHECK_EQ(wr(APIC_REG_ICR, MSR, 0x0000000400000000ull | 0x4030), 0);
    CHECK_EQ(rd(APIC_REG_ICR, MSR), 0x0000000400004030ull);
}

static void test_self_ipi_msr(void)
{
    fresh(0);
    to_x2apic();
    enable_sw();
    CHECK_EQ(wr(APIC_REG_SELF_IPI, MSR, 0x55), 0);
    CHECK_EQ(vlapic_pending_vector(&s), 0x55);
    CHECK_EQ(wr(APIC_REG_SELF_IPI, MSR, 3), 0); /* illegal vector: send error */
    CHECK_EQ(wr(APIC_REG_ESR, MSR, 0), 0);
    CHECK_EQ(rd(APIC_REG_ESR, MSR), APIC_ESR_SEND_ILLEGAL);
    CHECK_EQ(vlapic_highest_vector(s.irr), 0x55);
}

static void test_apic_base_transitions(void)
{
    bool reset;
    const uint64_t B = 0xfee00000, EN = APIC_BASE_EN, X = APIC_BASE_EXTD,
                   BSP = APIC_BASE_BSP;

    fresh(0);
    CHECK_EQ(vlapic_base_write(&s, B | EN | BSP, &reset), 0);   /* same state */
    CHECK_EQ(vlapic_base_write(&s, B | EN, &reset), -EPERM);    /* BSP is read-only */
    CHECK_EQ(vlapic_base_write(&s, B | X | BSP, &reset), -EPERM);   /* EXTD without EN */
    CHECK_EQ(vlapic_base_write(&s, 0xfec00000 | EN | BSP, &reset), -EPERM);  /* moved */
    CHECK_EQ(vlapic_base_write(&s, B | EN | BSP | 1, &reset), -EPERM);  /* reserved */
    CHECK_EQ(vlapic_base_write(&s, B | EN | BSP | (1ull << 52), &reset), -EPERM);
    CHECK_EQ(s.apic_base, B | EN | BSP);
    enable_sw();
    CHECK_EQ(vlapic_base_write(&s, B | EN | X | BSP, &reset), 0);   /* xAPIC -> x2APIC */
    CHECK(!reset);
    CHECK_EQ(vlapic_mode(&s), VLAPIC_X2APIC);
    CHECK_EQ(rd(APIC_REG_SVR, MSR), 0x1ff);     /* state kept */
    CHECK_EQ(vlapic_base_write(&s, B | EN | BSP, &reset), -EPERM);  /* x2APIC -> xAPIC */
    CHECK_EQ(vlapic_base_write(&s, B | BSP, &reset), 0);            /* -> disabled */
    CHECK(reset);
    CHECK_EQ(vlapic_mode(&s), VLAPIC_DISABLED);
    CHECK_EQ(s.svr, 0xff);
    CHECK_EQ(vlapic_base_write(&s, B | EN | X | BSP, &reset), -EPERM);  /* disabled -> x2APIC */
    CHECK_EQ(vlapic_base_write(&s, B | EN | BSP, &reset), 0);       /* -> xAPIC */
    CHECK_EQ(vlapic_mode(&s), VLAPIC_XAPIC);
    CHECK_EQ(rd(APIC_REG_ID, MMIO), 0);
}

static void test_icr_decode(void)
{
    struct vlapic_ipi ipi;

    fresh(0);
    CHECK_EQ(wr(APIC_REG_ICR2, MMIO, 0x04ffffff), 0);
    CHECK_EQ(rd(APIC_REG_ICR2, MMIO), 0x04000000);
    CHECK_EQ(wr(APIC_REG_ICR, MMIO, 0x000c4631), 0);    /* SIPI, others, assert */
    vlapic_decode_icr(&s, &ipi);
    CHECK_EQ(ipi.vector, 0x31);
    CHECK_EQ(ipi.mode, VLAPIC_DM_SIPI);
    CHECK_EQ(ipi.shorthand, APIC_SH_OTHERS);
    CHECK(!ipi.logical);
    CHECK(ipi.assert);
    CHECK(!ipi.x2apic);
    CHECK_EQ(ipi.dest, 4);
    CHECK_EQ(wr(APIC_REG_ICR, MMIO, 0x1000 | 0x8000 | 0x0500), 0);  /* INIT de-assert */
    CHECK_EQ(rd(APIC_REG_ICR, MMIO), 0x8500);   /* busy never reads set */
    vlapic_decode_icr(&s, &ipi);
    CHECK_EQ(ipi.mode, VLAPIC_DM_INIT);
    CHECK(!ipi.assert);
    CHECK(ipi.level);
    to_x2apic();
    CHECK_EQ(wr(APIC_REG_ICR, MSR, 0x0001000200000800ull | 0x4000 | 0x40), 0);
    vlapic_decode_icr(&s, &ipi);
    CHECK(ipi.x2apic);
    CHECK(ipi.logical);
    CHECK_EQ(ipi.dest, 0x00010002);
    CHECK_EQ(ipi.mode, VLAPIC_DM_FIXED);
    CHECK_EQ(ipi.vector, 0x40);
}

static void test_icr_effect(void)
{
    struct vlapic_effect eff;

    fresh(0);
    CHECK_EQ(vlapic_reg_write(&s, APIC_REG_ICR2, MMIO, 0, 0, &eff), 0);
    CHECK_EQ(eff.flags, 0);                     /* the high half sends nothing */
    CHECK_EQ(vlapic_reg_write(&s, APIC_REG_ICR, MMIO, 0x4040, 0, &eff), 0);
    CHECK_EQ(eff.flags, VLAPIC_EFF_IPI);
}

static void test_dest_match(void)
{
    struct vlapic t;
    struct vlapic_ipi ipi = { .x2apic = false };

    memset(&t, 0, sizeof(t));
    vlapic_reset(&t, 6, false);
    /* xAPIC physical */
    ipi.dest = 6;
    CHECK(vlapic_match_dest(&t, &ipi));
    ipi.dest = 4;
    CHECK(!vlapic_match_dest(&t, &ipi));
    ipi.dest = 0xff;
    CHECK(vlapic_match_dest(&t, &ipi));         /* broadcast */
    /* xAPIC logical flat */
    t.ldr = 0x24000000;
    ipi.logical = true;
    ipi.dest = 0x04;
    CHECK(vlapic_match_dest(&t, &ipi));
    ipi.dest = 0x01;
    CHECK(!vlapic_match_dest(&t, &ipi));
    /* xAPIC logical cluster: cluster 2, member bit 2 */
    t.dfr = 0x0fffffff;
    ipi.dest = 0x24;
    CHECK(vlapic_match_dest(&t, &ipi));
    ipi.dest = 0x34;
    CHECK(!vlapic_match_dest(&t, &ipi));        /* other cluster */
    ipi.dest = 0xf4;
    CHECK(vlapic_match_dest(&t, &ipi));         /* all clusters */
    ipi.dest = 0x21;
    CHECK(!vlapic_match_dest(&t, &ipi));
    /* x2APIC: id 0x13 -> cluster 1, bit 3 */
    vlapic_reset(&t, 0x13, false);
    t.apic_base |= APIC_BASE_EXTD;
    vlapic_init_regs(&t);
    CHECK_EQ(t.ldr, 0x00010008);
    ipi.x2apic = true;
    ipi.logical = false;
    ipi.dest = 0x13;
    CHECK(vlapic_match_dest(&t, &ipi));
    ipi.dest = 0x113;
    CHECK(!vlapic_match_dest(&t, &ipi));        /* 32-bit IDs, no aliasing */
    ipi.dest = 0xffffffff;
    CHECK(vlapic_match_dest(&t, &ipi));
    ipi.logical = true;
    ipi.dest = 0x0001000c;
    CHECK(vlapic_match_dest(&t, &ipi));
    ipi.dest = 0x00000008;
    CHECK(!vlapic_match_dest(&t, &ipi));        /* cluster 0 */
    /* a hardware-disabled APIC accepts nothing */
    t.apic_base &= ~(APIC_BASE_EN | APIC_BASE_EXTD);
    ipi.dest = 0xffffffff;
    CHECK(!vlapic_match_dest(&t, &ipi));
}

static void test_timer_divisor(void)
{
    static const unsigned int want[8] = { 2, 4, 8, 16, 32, 64, 128, 1 };
    for (unsigned int v = 0; v < 8; v++) {
        uint32_t dcr = (v & 3) | ((v & 4) << 1);
        CHECK_EQ(vlapic_timer_divisor(dcr), want[v]);
    }
}

static void test_timer_oneshot(void)
{
    struct vlapic_effect eff;
    uint64_t v;

    fresh(0);
    enable_sw();
    CHECK_EQ(wr(APIC_REG_TDCR, MMIO, 0xb), 0);  /* divide by 1 */
    CHECK_EQ(vlapic_reg_write(&s, APIC_REG_TMICT, MMIO, 1000, 5000, &eff), 0);
    CHECK_EQ(eff.flags, VLAPIC_EFF_TIMER);
    CHECK_EQ(vlapic_timer_first_expiry(&s), 5000 + 1000 * VLAPIC_TIMER_TICK_NS);
    vlapic_reg_read(&s, APIC_REG_TMCCT, MMIO, 5000 + 250 * VLAPIC_TIMER_TICK_NS, &v);
    CHECK_EQ(v, 750);
    vlapic_reg_read(&s, APIC_REG_TMCCT, MMIO, 5000 + 5000 * VLAPIC_TIMER_TICK_NS, &v);
    CHECK_EQ(v, 0);                             /* one-shot stops at 0 */
    CHECK_EQ(rd(APIC_REG_TMICT, MMIO), 1000);
    /* divide by 16: each count is 16 ticks */
    CHECK_EQ(wr(APIC_REG_TDCR, MMIO, 0x3), 0);
    CHECK_EQ(vlapic_reg_write(&s, APIC_REG_TMICT, MMIO, 100, 0, &eff), 0);
    CHECK_EQ(vlapic_timer_period_ns(&s), 1600 * VLAPIC_TIMER_TICK_NS);
    CHECK_EQ(vlapic_timer_current(&s, 160 * VLAPIC_TIMER_TICK_NS), 90);
    /* a new divisor applies from the next load */
    CHECK_EQ(wr(APIC_REG_TDCR, MMIO, 0xb), 0);
    CHECK_EQ(vlapic_timer_period_ns(&s), 1600 * VLAPIC_TIMER_TICK_NS);
    CHECK_EQ(vlapic_timer_current(&s, 160 * VLAPIC_TIMER_TICK_NS), 90);
    /* writing 0 stops it */
    CHECK_EQ(vlapic_reg_write(&s, APIC_REG_TMICT, MMIO, 0, 10, &eff), 0);
    CHECK_EQ(eff.flags, VLAPIC_EFF_TIMER);
    CHECK_EQ(vlapic_timer_first_expiry(&s), 0);
    CHECK_EQ(vlapic_timer_current(&s, 1000000), 0);
}

static void test_timer_periodic(void)
{
    struct vlapic_effect eff;
    const uint64_t P = 1000000;                 /* above the minimum period */

    fresh(0);
    enable_sw();
    CHECK_EQ(wr(APIC_REG_TDCR, MMIO, 0xb), 0);
    CHECK_EQ(vlapic_reg_write(&s, APIC_REG_LVT_TIMER, MMIO, LVT_PERIODIC | 0x30, 0,
                              &eff), 0);
    CHECK_EQ(eff.flags, VLAPIC_EFF_TIMER);      /* mode change re-evaluates */
    CHECK_EQ(vlapic_reg_write(&s, APIC_REG_TMICT, MMIO, P / VLAPIC_TIMER_TICK_NS, 100,
                              &eff), 0);
    CHECK_EQ(vlapic_timer_first_expiry(&s), 100 + P);
    CHECK_EQ(vlapic_timer_current(&s, 100 + P + P / 4), 3 * (P / VLAPIC_TIMER_TICK_NS) / 4);
    CHECK_EQ(vlapic_timer_next_expiry(&s, 100 + P, 100 + P), 100 + 2 * P);
    /* late by 2.5 periods: the missed ones are skipped, the phase kept */
    CHECK_EQ(vlapic_timer_next_expiry(&s, 100 + P, 100 + P + 5 * P / 2), 100 + 4 * P);
    /* a hostile 1-count periodic timer fires no faster than the minimum */
    CHECK_EQ(vlapic_reg_write(&s, APIC_REG_TMICT, MMIO, 1, 0, &eff), 0);
    CHECK_EQ(vlapic_timer_first_expiry(&s), VLAPIC_TIMER_MIN_PERIOD_NS);
    CHECK_EQ(vlapic_timer_next_expiry(&s, VLAPIC_TIMER_MIN_PERIOD_NS,
                                      VLAPIC_TIMER_MIN_PERIOD_NS + 1),
             2 * VLAPIC_TIMER_MIN_PERIOD_NS);
    /* largest count and divisor: no overflow */
    CHECK_EQ(wr(APIC_REG_TDCR, MMIO, 0xa), 0);  /* 128 */
    CHECK_EQ(vlapic_reg_write(&s, APIC_REG_TMICT, MMIO, 0xffffffff, 0, &eff), 0);
    CHECK_EQ(vlapic_timer_period_ns(&s), 0xffffffffull * 128 * VLAPIC_TIMER_TICK_NS);
}

static void test_init_regs_keep_id_and_mode(void)
{
    fresh(4);
    to_x2apic();
    enable_sw();
    vlapic_set_irr(&s, 0x80, false);
    vlapic_init_regs(&s);
    CHECK_EQ(vlapic_mode(&s), VLAPIC_X2APIC);   /* INIT keeps x2APIC mode */
    CHECK_EQ(s.id, 4);
    CHECK_EQ(s.ldr, 1u << 4);
    CHECK_EQ(s.svr, 0xff);
    CHECK_EQ(vlapic_highest_vector(s.irr), -1);
}

/* Random register writes never break the invariants other code relies on. */
static void test_random_writes(void)
{
    struct vlapic_effect eff;
    uint64_t v;

    test_srand(42);
    fresh(8);
    for (unsigned int i = 0; i < 200000; i++) {
        unsigned int reg = test_rand() % APIC_NR_REGS;
        bool msr = vlapic_mode(&s) == VLAPIC_X2APIC;
        uint64_t val = test_rand();
        if (test_rand() % 3)
            val &= 0xffffffffu;
        if (test_rand() % 2)
            vlapic_reg_write(&s, reg, msr, val, i, &eff);
        else
            vlapic_reg_read(&s, reg, msr, i, &v);
        if (test_rand() % 1000 == 0) {
            bool reset;
            vlapic_base_write(&s, test_rand() & 0xfee00d00u, &reset);
        }
        if (vlapic_pending_vector(&s) >= 0 && test_rand() % 2)
            vlapic_accept(&s, (uint8_t)vlapic_pending_vector(&s));
        CHECK(s.tpr <= 0xff);
        CHECK(s.svr <= 0x3ff);
        CHECK(!(s.icr_lo & APIC_ICR_BUSY));
        CHECK(vlapic_highest_vector(s.irr) < 0 || vlapic_highest_vector(s.irr) >= 16);
        CHECK_EQ(s.id, 8);
        if (!(s.svr & APIC_SVR_ENABLE))
            for (unsigned int l = 0; l < VLAPIC_NR_LVT; l++)
                CHECK(s.lvt[l] & LVT_MASKED);
        if (vlapic_mode(&s) == VLAPIC_X2APIC)
            CHECK_EQ(s.ldr, 1u << 8);
    }
}

int main(void)
{
    RUN(test_reset_state);
    RUN(test_ppr);
    RUN(test_pending_and_priority);
    RUN(test_eoi_order);
    RUN(test_illegal_vectors_and_esr);
    RUN(test_svr_masks_lvts);
    RUN(test_xapic_readonly_and_reserved);
    RUN(test_x2apic_access_rules);
    RUN(test_self_ipi_msr);
    RUN(test_apic_base_transitions);
    RUN(test_icr_decode);
    RUN(test_icr_effect);
    RUN(test_dest_match);
    RUN(test_timer_divisor);
    RUN(test_timer_oneshot);
    RUN(test_timer_periodic);
    RUN(test_init_regs_keep_id_and_mode);
    RUN(test_random_writes);
    return test_summary();
}
