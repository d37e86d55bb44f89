/* SPDX-License-Identifier: GPL-2.0-only */
/* Local APIC: mode selection, IPIs, and the one-shot timer under timer.c. */
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/io.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/regs.h>
#include <tessera/lib.h>
#include <tessera/time.h>

#define APIC_BASE_EXTD      (1ULL << 10)    /* x2APIC mode */
#define APIC_BASE_ENABLE    (1ULL << 11)
#define APIC_SVR_ENABLE     (1u << 8)
#define APIC_ICR_BUSY       (1u << 12)
#define APIC_TIMER_TSC_DEADLINE (2u << 17)
#define X2APIC_MSR_BASE     0x800

static paddr_t apic_mmio;
static bool x2apic;
static bool use_tsc_deadline;
static uint64_t apic_ticks_per_ms;      /* LAPIC timer at divide-by-1 */

bool apic_ready(void)          { return x2apic || apic_mmio; }
bool apic_x2apic_mode(void)    { return x2apic; }
bool apic_timer_uses_tsc_deadline(void) { return use_tsc_deadline; }

uint32_t apic_read(uint32_t reg)
{
    if (x2apic)
        return (uint32_t)rdmsr(X2APIC_MSR_BASE + (reg >> 4));
    return mmio_read32(apic_mmio + reg);
}

void apic_write(uint32_t reg, uint32_t v)
{
    if (x2apic)
        wrmsr(X2APIC_MSR_BASE + (reg >> 4), v);
    else
        mmio_write32(apic_mmio + reg, v);
}

uint32_t apic_current_id(void)
{
    /* x2APIC: the full 32-bit ID; xAPIC: bits 31:24 (SDM Vol. 3A, 11.4.6). */
    return x2apic ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

void apic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
    unsigned long flags = local_irq_save();

    if (x2apic) {
        /* One 64-bit WRMSR; no delivery-status polling in x2APIC mode. The
         * fence orders earlier stores before the MSR write, which is not
         * serialising for this range (SDM Vol. 3A, 11.12.3). */
        __asm__ volatile("mfence" ::: "memory");
        wrmsr(X2APIC_MSR_BASE + (APIC_ICR >> 4), ((uint64_t)apic_id << 32) | icr_low);
    } else {
        while (apic_read(APIC_ICR) & APIC_ICR_BUSY)
            cpu_relax();
        apic_write(APIC_ICR2, apic_id << 24);
        apic_write(APIC_ICR, icr_low);
        while (apic_read(APIC_ICR) & APIC_ICR_BUSY)
            cpu_relax();
    }
    local_irq_restore(flags);
}

void apic_send_ipi_all_but_self(uint32_t delivery, uint8_t vector)
{
    uint32_t icr = APIC_DEST_ALL_BUT_SELF | APIC_LEVEL_ASSERT | delivery | vector;

    if (x2apic) {
        __asm__ volatile("mfence" ::: "memory");
        wrmsr(X2APIC_MSR_BASE + (APIC_ICR >> 4), icr);
    } else {
        apic_write(APIC_ICR2, 0);
        apic_write(APIC_ICR, icr);
    }
}

/* The legacy 8259 pair: remap away from the exception vectors, then mask
 * everything; all our interrupts come through the LAPIC. */
void pic_disable(void)
{
    outb(0x11, 0x20); outb(0x11, 0xa0);     /* ICW1: init, expect ICW4 */
    outb(0x20, 0x21); outb(0x28, 0xa1);     /* ICW2: vector bases */
    outb(0x04, 0x21); outb(0x02, 0xa1);     /* ICW3: cascade on IRQ2 */
    outb(0x01, 0x21); outb(0x01, 0xa1);     /* ICW4: 8086 mode */
    outb(0xff, 0x21); outb(0xff, 0xa1);     /* mask all */
}

static void apic_error_interrupt(struct cpu_regs *regs)
{
    apic_write(APIC_ESR, 0);
    uint32_t esr = apic_read(APIC_ESR);

    apic_eoi();
    printk(LOG_WARN "apic: error interrupt on CPU %u, ESR %#x\n", this_cpu()->id, esr);
}

void apic_bsp_init(paddr_t mmio_base)
{
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

    /* x2APIC where the CPU has it, as it can address every APIC ID. */
    x2apic = boot_cpu.x2apic || (base & APIC_BASE_EXTD);
    apic_mmio = mmio_base ? mmio_base : (base & ~0xfffULL & ((1ULL << 52) - 1));
    pic_disable();
    set_irq_handler(VEC_APIC_ERROR, apic_error_interrupt);
    if (x2apic)
        printk("apic: x2APIC mode\n");
    else
        printk("apic: xAPIC mode, registers at %#llx\n", (unsigned long long)apic_mmio);
}

void apic_cpu_init(void)
{
    uint64_t base = rdmsr(MSR_IA32_APIC_BASE) | APIC_BASE_ENABLE;

    if (x2apic)
        base |= APIC_BASE_EXTD;
    wrmsr(MSR_IA32_APIC_BASE, base);

    apic_write(APIC_TPR, 0);
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC_TIMER);
    apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
    /* LINT1 carries the platform NMI to the boot CPU only (MP spec 3.6.2). */
    apic_write(APIC_LVT_LINT1, this_cpu()->id == 0 ? APIC_DM_NMI : APIC_LVT_MASKED);
    apic_write(APIC_LVT_ERROR, VEC_APIC_ERROR);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_ESR, 0);
    apic_write(APIC_SVR, APIC_SVR_ENABLE | VEC_SPURIOUS);
    apic_eoi();
}

/* Count LAPIC ticks (divide-by-1) over 1 ms of calibrated TSC time. */
static void calibrate_apic_timer(void)
{
    apic_write(APIC_TDCR, 0xb);             /* divide by 1 */
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VEC_TIMER);
    apic_write(APIC_TMICT, 0xffffffff);
    uint64_t end = rdtsc() + ns_to_tsc(NSEC_PER_MSEC);
    while (rdtsc() < end)
        cpu_relax();
    uint32_t left = apic_read(APIC_TMCCT);
    apic_write(APIC_TMICT, 0);
    apic_ticks_per_ms = 0xffffffffULL - left;
    printk("apic: timer runs at %llu kHz\n", (unsigned long long)apic_ticks_per_ms);
}

void apic_timer_init(void)
{
    if (this_cpu()->id == 0) {
        use_tsc_deadline = boot_cpu.tsc_deadline;
        if (!use_tsc_deadline)
            calibrate_apic_timer();
        printk("apic: timer in %s mode\n", use_tsc_deadline ? "TSC-deadline" : "one-shot");
    }
    if (use_tsc_deadline) {
        apic_write(APIC_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | VEC_TIMER);
        /* The LVT write must land before the deadline MSR is armed (SDM Vol. 3A,
         * 11.5.4.1): the fence orders them. */
        __asm__ volatile("mfence" ::: "memory");
    } else {
        apic_write(APIC_TDCR, 0xb);
        apic_write(APIC_LVT_TIMER, VEC_TIMER);
    }
}

void apic_timer_arm(uint64_t deadline_tsc)
{
    if (use_tsc_deadline) {
        wrmsr(MSR_IA32_TSC_DEADLINE, deadline_tsc ? deadline_tsc : 1);
        return;
    }
    uint64_t now = rdtsc();
    uint64_t ns = deadline_tsc > now ? tsc_to_ns(deadline_tsc - now) : 0;
    ns = MIN(ns, 1000 * NSEC_PER_SEC);     /* keeps the product in range */
    uint64_t ticks = ns * apic_ticks_per_ms / NSEC_PER_MSEC;

    apic_write(APIC_TMICT, (uint32_t)MAX(MIN(ticks, 0xffffffffULL), 1ULL));
}

void apic_timer_disarm(void)
{
    if (use_tsc_deadline)
        wrmsr(MSR_IA32_TSC_DEADLINE, 0);
    else
        apic_write(APIC_TMICT, 0);
}
