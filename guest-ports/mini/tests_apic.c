/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The emulated local APIC (Intel SDM vol. 3 ch. 11): the xAPIC page and
 * the x2APIC MSRs, self-IPIs through the IDT with EOI, priority order and
 * the TPR, the timer, errors, and what a hostile guest may try: x2APIC
 * MSRs in xAPIC mode, read-only registers, reserved bits, bad mode
 * changes, INIT and SIPI at itself or at no one. tests_apic runs on
 * vCPU 0 before the other vCPUs are up; tests_apic_smp after tests_smp,
 * with them idling in apic_ap_idle().
 */
#include <public/xen/vcpu.h>
#include <public/xen/xen.h>
#include "hypercall.h"
#include "mini.h"

#define APIC_MMIO       0xfee00000ul
#define MSR_APIC_BASE   0x1b
#define X2APIC_MSR(reg) (0x800u + ((reg) >> 4))
#define BASE_EN         (1ull << 11)
#define BASE_EXTD       (1ull << 10)
#define BASE_BSP        (1ull << 8)

/* Register offsets (SDM table 11-1) */
#define R_ID        0x20
#define R_VER       0x30
#define R_TPR       0x80
#define R_EOI       0xb0
#define R_LDR       0xd0
#define R_SVR       0xf0
#define R_ISR       0x100
#define R_IRR       0x200
#define R_ESR       0x280
#define R_ICR       0x300
#define R_ICR2      0x310
#define R_LVTT      0x320
#define R_LVTERR    0x370
#define R_TMICT     0x380
#define R_TMCCT     0x390
#define R_TDCR      0x3e0
#define R_SELF_IPI  0x3f0

#define ICR_INIT    (5u << 8)
#define ICR_SIPI    (6u << 8)
#define ICR_ASSERT  (1u << 14)
#define ICR_LEVEL   (1u << 15)
#define ICR_SELF    (1u << 18)
#define ICR_OTHERS  (3u << 18)
#define LVT_MASKED  (1u << 16)
#define LVT_PERIODIC (1u << 17)

#define VEC_TEST    0x40
#define VEC_TIMER   0x48
#define VEC_AP      0x50

static bool x2apic;
static volatile unsigned int seen[256];
static volatile uint8_t order[8];
static volatile unsigned int norder;
static volatile unsigned int ap_ipis[MAX_VCPUS];

static uint32_t mmio_read(unsigned int reg)
{
    return *(volatile uint32_t *)(APIC_MMIO + reg);
}

static void mmio_write(unsigned int reg, uint32_t val)
{
    *(volatile uint32_t *)(APIC_MMIO + reg) = val;
}

static uint64_t apic_read(unsigned int reg)
{
    uint64_t v = 0;

    if (!x2apic)
        return mmio_read(reg);
    safe_rdmsr(X2APIC_MSR(reg), &v);
    return v;
}

static void apic_write(unsigned int reg, uint64_t val)
{
    if (x2apic)
        safe_wrmsr(X2APIC_MSR(reg), val);
    else
        mmio_write(reg, (uint32_t)val);
}

static void eoi(void)
{
    apic_write(R_EOI, 0);
}

static void on_vector(unsigned int vector)
{
    seen[vector]++;
    if (norder < ARRAY_SIZE(order))
        order[norder++] = (uint8_t)vector;
    eoi();
}

/* Interrupts on until *count reaches want or ms milliseconds pass. */
static bool wait_count(volatile unsigned int *count, unsigned int want, unsigned int ms)
{
    uint64_t start = rdtsc(), limit = tsc_khz() * ms;

    irq_enable();
    while (*count < want && rdtsc() - start < limit)
        cpu_relax();
    irq_disable();
    return *count >= want;
}

static void test_xapic_mmio(void)
{
    uint64_t base = 0;
    uint32_t r[4];
    int gp;

    cpuid(1, 0, r);
    CHECK("apic.cpuid", (r[3] & (1u << 9)) && (r[2] & (1u << 21)) && !(r[2] & (1u << 24)),
          "leaf 1 ecx %#x edx %#x: want APIC and x2APIC, no TSC-deadline", r[2], r[3]);

    gp = safe_rdmsr(MSR_APIC_BASE, &base);
    CHECK("apic.base_msr", !gp && base == (0xfee00000ull | BASE_EN | BASE_BSP),
          "#%d base %#lx", gp, (unsigned long)base);
    CHECK("apic.mmio_id", mmio_read(R_ID) == 0, "id %#x", mmio_read(R_ID));
    CHECK("apic.mmio_version", mmio_read(R_VER) == 0x00050014, "version %#x",
          mmio_read(R_VER));
    mmio_write(R_ID, 0x12000000);
    mmio_write(R_VER, 0);
    CHECK("apic.mmio_readonly", mmio_read(R_ID) == 0 && mmio_read(R_VER) == 0x00050014,
          "id %#x version %#x", mmio_read(R_ID), mmio_read(R_VER));
    CHECK("apic.mmio_byte_read", *(volatile uint8_t *)(APIC_MMIO + R_VER) == 0x14,
          "byte %#x", *(volatile uint8_t *)(APIC_MMIO + R_VER));
    uint64_t v;
    gp = safe_rdmsr(X2APIC_MSR(R_ID), &v);
    CHECK("apic.x2apic_msr_in_xapic_mode", gp == VEC_GP, "rdmsr 0x802: #%d", gp);
    gp = safe_wrmsr(X2APIC_MSR(R_TPR), 0);
    CHECK("apic.x2apic_wrmsr_in_xapic_mode", gp == VEC_GP, "wrmsr 0x808: #%d", gp);
    gp = safe_rdmsr(0x6e0, &v);
    CHECK("apic.no_tsc_deadline_msr", gp == VEC_GP, "rdmsr 0x6e0: #%d", gp);

    mmio_write(R_SVR, 0x1ff);
    mmio_write(R_ICR2, 0);
    mmio_write(R_ICR, ICR_SELF | VEC_TEST);
    bool got = wait_count(&seen[VEC_TEST], 1, 2000);
    CHECK("apic.xapic_self_ipi", got, "vector %#x not delivered", VEC_TEST);
    CHECK("apic.xapic_eoi", mmio_read(R_ISR + 0x20) == 0, "ISR[2] %#x after EOI",
          mmio_read(R_ISR + 0x20));
}

static void test_mode_switch(void)
{
    uint64_t base = 0xfee00000ull | BASE_EN | BASE_BSP, v = 0;
    int gp;

    gp = safe_wrmsr(MSR_APIC_BASE, base | BASE_EXTD | 0x1);
    CHECK("apic.base_reserved_bit", gp == VEC_GP, "#%d", gp);
    gp = safe_wrmsr(MSR_APIC_BASE, (base & ~BASE_BSP));
    CHECK("apic.base_bsp_readonly", gp == VEC_GP, "#%d", gp);
    gp = safe_wrmsr(MSR_APIC_BASE, 0xfec00000ull | BASE_EN | BASE_BSP);
    CHECK("apic.base_no_relocation", gp == VEC_GP, "#%d", gp);
    gp = safe_wrmsr(MSR_APIC_BASE, base | BASE_EXTD);
    safe_rdmsr(MSR_APIC_BASE, &v);
    CHECK("apic.enter_x2apic", !gp && v == (base | BASE_EXTD), "#%d base %#lx", gp,
          (unsigned long)v);
    x2apic = !gp;
    gp = safe_wrmsr(MSR_APIC_BASE, base);
    CHECK("apic.x2apic_to_xapic_refused", gp == VEC_GP, "#%d", gp);
    gp = safe_wrmsr(MSR_APIC_BASE, (base & ~BASE_EN) | BASE_EXTD);
    CHECK("apic.extd_without_en_refused", gp == VEC_GP, "#%d", gp);
    CHECK("apic.x2apic_id", apic_read(R_ID) == 0, "id %#lx", (unsigned long)apic_read(R_ID));
    CHECK("apic.x2apic_ldr", apic_read(R_LDR) == 1, "ldr %#lx",
          (unsigned long)apic_read(R_LDR));
    CHECK("apic.x2apic_svr_kept", apic_read(R_SVR) == 0x1ff, "svr %#lx",
          (unsigned long)apic_read(R_SVR));
    CHECK("apic.mmio_gone_in_x2apic", mmio_read(R_VER) == 0xffffffffu, "version %#x",
          mmio_read(R_VER));
}

static void test_x2apic_hostile(void)
{
    static const struct { const char *name; uint32_t msr; bool write; uint64_t val; } gp[] = {
        { "apic.x2_write_id", 0x802, true, 0 },
        { "apic.x2_write_version", 0x803, true, 0 },
        { "apic.x2_write_ldr", 0x80d, true, 0 },
        { "apic.x2_write_ppr", 0x80a, true, 0 },
        { "apic.x2_write_irr", 0x820, true, 0 },
        { "apic.x2_write_current_count", 0x839, true, 0 },
        { "apic.x2_read_eoi", 0x80b, false, 0 },
        { "apic.x2_read_self_ipi", 0x83f, false, 0 },
        { "apic.x2_eoi_nonzero", 0x80b, true, 1 },
        { "apic.x2_esr_nonzero", 0x828, true, 1 },
        { "apic.x2_tpr_reserved", 0x808, true, 0x100 },
        { "apic.x2_tpr_high_half", 0x808, true, 1ull << 32 },
        { "apic.x2_icr_reserved", 0x830, true, (1u << 20) | VEC_TEST },
        { "apic.x2_icr_busy_bit", 0x830, true, (1u << 12) | VEC_TEST },
        { "apic.x2_icr_high", 0x831, true, 0 },
        { "apic.x2_dfr", 0x80e, false, 0 },
        { "apic.x2_unused_msr", 0x8ff, false, 0 },
        { "apic.x2_cmci_absent", 0x82f, false, 0 },
        { "apic.x2_lvt_reserved", 0x837, true, 0x700 | 0xfe },
        { "apic.x2_self_ipi_reserved", 0x83f, true, 0x1ff },
    };
    uint64_t v;

    for (unsigned int i = 0; i < ARRAY_SIZE(gp); i++) {
        int vec = gp[i].write ? safe_wrmsr(gp[i].msr, gp[i].val) : safe_rdmsr(gp[i].msr, &v);
        CHECK(gp[i].name, vec == VEC_GP, "%s %#x: #%d", gp[i].write ? "wrmsr" : "rdmsr",
              gp[i].msr, vec);
    }
    CHECK("apic.x2_refused_writes_no_effect", seen[VEC_TEST] == 1 && apic_read(R_TPR) == 0,
          "vector seen %u times, tpr %#lx", seen[VEC_TEST], (unsigned long)apic_read(R_TPR));
}

static void test_priorities(void)
{
    norder = 0;
    apic_write(R_SELF_IPI, 0x41);
    apic_write(R_SELF_IPI, 0x61);
    apic_write(R_SELF_IPI, 0x42);
    bool got = wait_count(&norder, 3, 2000);
    CHECK("apic.priority_order", got && order[0] == 0x61 && order[1] == 0x42 &&
          order[2] == 0x41, "got %u: %#x %#x %#x", norder, order[0], order[1], order[2]);

    apic_write(R_TPR, 0x50);
    apic_write(R_SELF_IPI, 0x45);
    bool early = wait_count(&seen[0x45], 1, 20);
    uint64_t irr = apic_read(R_IRR + 0x20);     /* vectors 0x40-0x5f */
    CHECK("apic.tpr_blocks", !early && (irr & (1u << 5)), "delivered %d irr %#lx", early,
          (unsigned long)irr);
    apic_write(R_TPR, 0);
    got = wait_count(&seen[0x45], 1, 2000);
    CHECK("apic.tpr_lowered_delivers", got, "not delivered");
    CHECK("apic.ppr_after_eoi", apic_read(0xa0) == 0, "ppr %#lx",
          (unsigned long)apic_read(0xa0));
}

static void test_errors(void)
{
    apic_write(R_ESR, 0);
    apic_write(R_ICR, ICR_SELF | 3);            /* fixed, illegal vector */
    apic_write(R_SELF_IPI, 7);
    apic_write(R_ESR, 0);
    uint64_t esr = apic_read(R_ESR);
    CHECK("apic.send_illegal_vector", esr == 0x20 && !seen[3] && !seen[7], "esr %#lx",
          (unsigned long)esr);
    apic_write(R_ESR, 0);
    CHECK("apic.esr_cleared", apic_read(R_ESR) == 0, "esr %#lx",
          (unsigned long)apic_read(R_ESR));
}

/* INIT and SIPI must never reset or restart a vCPU that is running. */
static void test_init_sipi_hostile(void)
{
    volatile uint64_t canary = 0x1234567890abcdefull;

    apic_write(R_ICR, (0ull << 32) | ICR_INIT | ICR_ASSERT);        /* at itself */
    apic_write(R_ICR, (0ull << 32) | ICR_SIPI | 0x10);
    apic_write(R_ICR, ICR_SELF | ICR_INIT | ICR_ASSERT);            /* invalid shorthand */
    apic_write(R_ICR, ICR_SELF | ICR_SIPI | 0x10);
    apic_write(R_ICR, (0x7eull << 32) | ICR_INIT | ICR_ASSERT);     /* nobody */
    apic_write(R_ICR, (0xffffff00ull << 32) | ICR_SIPI | 0x10);
    apic_write(R_ICR, (7u << 8) | ICR_SELF | VEC_TEST);             /* reserved mode */
    apic_write(R_ICR, (2u << 8) | ICR_SELF | VEC_TEST);             /* SMI */
    CHECK("apic.init_sipi_self_ignored", canary == 0x1234567890abcdefull &&
          apic_read(R_SVR) == 0x1ff && x2apic, "state lost");
    CHECK("apic.reserved_modes_ignored", seen[VEC_TEST] == 1, "seen %u", seen[VEC_TEST]);
}

static void test_timer(void)
{
    uint64_t cur;

    apic_write(R_TDCR, 0xb);                    /* divide by 1 */
    apic_write(R_LVTT, VEC_TIMER);              /* one-shot */
    /* 4 s at the 1 GHz timer clock: still counting when read back, even
     * if this vCPU loses its CPU for a while in between. */
    apic_write(R_TMICT, 4000000000u);
    cur = apic_read(R_TMCCT);
    CHECK("apic.timer_counting", cur > 0 && cur < 4000000000u, "current %lu",
          (unsigned long)cur);
    apic_write(R_TMICT, 20000000);              /* 20 ms */
    bool fired = wait_count(&seen[VEC_TIMER], 1, 5000);
    CHECK("apic.timer_oneshot_fires", fired, "not in 5 s");
    wait_count(&seen[VEC_TIMER], 2, 60);
    CHECK("apic.timer_oneshot_once", seen[VEC_TIMER] == 1 && apic_read(R_TMCCT) == 0,
          "fired %u times, current %lu", seen[VEC_TIMER], (unsigned long)apic_read(R_TMCCT));

    /* HLT with nothing else to wake it: only the timer can. "sti; hlt"
     * keeps the interrupt shadow from delivering before the HLT. */
    unsigned int before = seen[VEC_TIMER];
    uint64_t t0 = rdtsc(), limit = tsc_khz() * 5000;
    apic_write(R_TMICT, 20000000);              /* 20 ms */
    while (seen[VEC_TIMER] == before && rdtsc() - t0 < limit)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    uint64_t slept_us = (rdtsc() - t0) * 1000 / tsc_khz();
    CHECK("apic.timer_wakes_hlt", seen[VEC_TIMER] == before + 1 && slept_us >= 19000,
          "fired %u times, woke after %lu us", seen[VEC_TIMER] - before,
          (unsigned long)slept_us);

    apic_write(R_LVTT, LVT_PERIODIC | VEC_TIMER);
    apic_write(R_TDCR, 0x3);                    /* divide by 16 */
    apic_write(R_TMICT, 62500);                 /* 1 ms */
    fired = wait_count(&seen[VEC_TIMER], 6, 5000);
    apic_write(R_TMICT, 0);
    wait_count(&seen[VEC_TIMER], ~0u, 5);      /* one may have been pending */
    unsigned int n = seen[VEC_TIMER];
    wait_count(&seen[VEC_TIMER], n + 1, 20);
    CHECK("apic.timer_periodic", fired && seen[VEC_TIMER] == n, "fired %u then %u", n,
          seen[VEC_TIMER]);

    apic_write(R_LVTT, LVT_MASKED | VEC_TIMER);
    apic_write(R_TDCR, 0xb);
    apic_write(R_TMICT, 100000);
    wait_count(&seen[VEC_TIMER], n + 1, 20);
    CHECK("apic.timer_masked", seen[VEC_TIMER] == n, "masked timer fired");
    apic_write(R_TMICT, 0);
}

void tests_apic(void)
{
    irq_set_handler(VEC_TEST, on_vector);
    irq_set_handler(VEC_TIMER, on_vector);
    for (unsigned int v = 0x41; v <= 0x61; v++)
        irq_set_handler(v, on_vector);
    test_xapic_mmio();
    test_mode_switch();
    if (!x2apic)
        return;
    test_x2apic_hostile();
    test_priorities();
    test_errors();
    test_init_sipi_hostile();
    test_timer();
}

/* ---- with the other vCPUs up ---- */

static void on_ap_ipi(unsigned int vector)
{
    (void)vector;
    unsigned int id = mmio_read(R_ID) >> 24;    /* they stay in xAPIC mode */

    if (id / 2 < MAX_VCPUS)
        ap_ipis[id / 2]++;
    mmio_write(R_EOI, 0);
}

/* Secondary vCPUs end here: software-enable the APIC, take interrupts. */
void apic_ap_idle(void)
{
    mmio_write(R_SVR, 0x1ff);
    for (;;)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
}

static bool all_aps(unsigned int want)
{
    for (unsigned int i = 1; i < nr_vcpus; i++)
        if (ap_ipis[i] != want)
            return false;
    return true;
}

void tests_apic_smp(void)
{
    if (nr_vcpus < 2 || !x2apic)
        return;
    irq_set_handler(VEC_AP, on_ap_ipi);
    uint64_t start = rdtsc(), limit = tsc_khz() * 5000;
    for (unsigned int i = 1; i < nr_vcpus; i++) {
        apic_write(R_ICR, ((uint64_t)(2 * i) << 32) | VEC_AP);
        while (ap_ipis[i] < 1 && rdtsc() - start < limit)
            cpu_relax();
    }
    CHECK("apic.ipi_each_vcpu", all_aps(1), "an AP missed its IPI");
    apic_write(R_ICR, ICR_OTHERS | VEC_AP);
    while (!all_aps(2) && rdtsc() - start < 2 * limit)
        cpu_relax();
    CHECK("apic.ipi_all_but_self", all_aps(2) && !seen[VEC_AP], "not every AP, or self");

    /* vCPU 1 is running: INIT and SIPI leave it alone, it still answers. */
    apic_write(R_ICR, (2ull << 32) | ICR_INIT | ICR_ASSERT);
    apic_write(R_ICR, (2ull << 32) | ICR_SIPI | 0x10);
    apic_write(R_ICR, (2ull << 32) | ICR_SIPI | 0x10);
    apic_write(R_ICR, (2ull << 32) | VEC_AP);
    start = rdtsc();
    while (ap_ipis[1] < 3 && rdtsc() - start < limit)
        cpu_relax();
    CHECK("apic.init_sipi_running_vcpu_ignored", ap_ipis[1] == 3, "vcpu 1 answered %u",
          ap_ipis[1]);
}

/* ---- INIT-SIPI-SIPI (trampoline.S) ---- */

#define TRAMP_PAGE  0x70u           /* the SIPI vector: code at 0x70000 */
#define TRAMP_PA    (TRAMP_PAGE * PAGE_SIZE)

extern const char sipi_tramp_start[], sipi_tramp_end[], sipi_tramp_cr3[],
    sipi_tramp_entry[], sipi_tramp_stack[], sipi_tramp_index[];
extern const char ap_entry64[];
extern uint8_t pml4[];

void apic_send_icr(uint32_t dest, uint32_t low)
{
    if (x2apic) {
        safe_wrmsr(X2APIC_MSR(R_ICR), ((uint64_t)dest << 32) | low);
    } else {
        mmio_write(R_ICR2, dest << 24);
        mmio_write(R_ICR, low);
    }
}

static void tramp_param(const char *sym, uint64_t val)
{
    *(volatile uint64_t *)(TRAMP_PA + (uintptr_t)(sym - sipi_tramp_start)) = val;
}

static long vcpu_is_up(unsigned int i)
{
    return HYPERCALL(__HYPERVISOR_vcpu_op, VCPUOP_is_up, i, 0);
}

void apic_start_by_sipi(unsigned int index)
{
    uint32_t dest = 2 * index;
    uintptr_t info = (uintptr_t)start_info;

    /* The start-of-day block sits in the lowest free pages (pvh_layout.h). */
    if (info + 2 * PAGE_SIZE > TRAMP_PA && info < TRAMP_PA + PAGE_SIZE) {
        CHECK("apic.init_sipi_sipi", false, "start info at %#lx is in the way",
              (unsigned long)info);
        return;
    }
    memcpy((void *)TRAMP_PA, sipi_tramp_start, (size_t)(sipi_tramp_end - sipi_tramp_start));
    tramp_param(sipi_tramp_cr3, (uintptr_t)pml4);
    tramp_param(sipi_tramp_entry, (uintptr_t)ap_entry64);
    tramp_param(sipi_tramp_stack, ap_stack_top(index));
    tramp_param(sipi_tramp_index, index);

    /* A SIPI to a vCPU that was never INIT'd starts nothing. */
    apic_send_icr(dest, ICR_SIPI | TRAMP_PAGE);
    uint64_t start = rdtsc();
    while (rdtsc() - start < tsc_khz() * 50)
        cpu_relax();
    long up = vcpu_is_up(index);
    CHECK("apic.sipi_without_init_ignored", up == 0, "vcpu %u is_up %ld", index, up);

    /* What Linux sends: INIT assert and de-assert (level), then two SIPIs;
     * the second must not restart the vCPU. */
    apic_send_icr(dest, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
    apic_send_icr(dest, ICR_INIT | ICR_LEVEL);
    up = vcpu_is_up(index);
    CHECK("apic.init_does_not_start", up == 0, "vcpu %u is_up %ld", index, up);
    apic_send_icr(dest, ICR_SIPI | TRAMP_PAGE);
    apic_send_icr(dest, ICR_SIPI | TRAMP_PAGE);
    up = vcpu_is_up(index);
    CHECK("apic.init_sipi_sipi_up", up == 1, "vcpu %u is_up %ld", index, up);
}
