/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TSC as the hypervisor's clock: calibrated once at boot against the HPET
 * or the ACPI PM timer (the PIT as a last resort), then converted to ns with
 * the PV clock's scale (tessera/pvclock.h), so that guests extrapolating
 * with the same scale agree with the hypervisor's clock to the ns.
 */
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/time.h>
#include <tessera/lib.h>
#include <tessera/pvclock.h>
#include <tessera/time.h>

#define CALIBRATE_NS        (5 * NSEC_PER_MSEC)
#define HPET_CAP            0x000
#define HPET_CONFIG         0x010
#define HPET_COUNTER        0x0f0
#define HPET_CFG_ENABLE     1
#define PM_TIMER_HZ         3579545ULL
#define PIT_HZ              1193182ULL

/* Written by head.S before .bss is cleared, hence .data. */
uint64_t entry_tsc __attribute__((section(".data")));
static uint64_t tsc_khz;
static struct pvclock_scale ns_scale;
static uint64_t tsc_mult;       /* tsc = (ns * tsc_mult) >> 32 */

uint64_t time_entry_tsc(void) { return entry_tsc; }
uint64_t time_tsc_khz(void)   { return tsc_khz; }
uint64_t time_read_tsc(void)  { return rdtsc(); }

uint64_t tsc_to_ns(uint64_t tsc)
{
    return pvclock_scale_delta(tsc, ns_scale);
}

uint64_t ns_to_tsc(uint64_t ns)
{
    return (uint64_t)(((unsigned __int128)ns * tsc_mult) >> 32);
}

uint64_t time_now_ns(void)
{
    return tsc_khz ? tsc_to_ns(rdtsc() - entry_tsc) : 0;
}

void udelay(unsigned int us)
{
    if (!tsc_khz) {
        /* Before calibration: port 0x80 writes take about 1 us on PC chipsets. */
        for (unsigned int i = 0; i < us; i++)
            outb(0, 0x80);
        return;
    }
    uint64_t end = rdtsc() + ns_to_tsc((uint64_t)us * NSEC_PER_USEC);
    while (rdtsc() < end)
        cpu_relax();
}

static uint64_t calibrate_hpet(paddr_t base)
{
    uint64_t cap = mmio_read64(base + HPET_CAP);
    uint64_t period_fs = cap >> 32;

    /* The spec bounds the period to (0, 100 ns] (IA-PC HPET 1.0a, 2.3.4). */
    if (period_fs == 0 || period_fs > 100000000ULL)
        return 0;
    uint64_t cfg = mmio_read64(base + HPET_CONFIG);
    if (!(cfg & HPET_CFG_ENABLE))
        mmio_write64(base + HPET_CONFIG, cfg | HPET_CFG_ENABLE);

    uint64_t ticks = CALIBRATE_NS * 1000000ULL / period_fs;
    uint64_t h0 = mmio_read64(base + HPET_COUNTER);
    uint64_t t0 = rdtsc_ordered();
    uint64_t h1;
    while ((h1 = mmio_read64(base + HPET_COUNTER)) - h0 < ticks)
        cpu_relax();
    uint64_t t1 = rdtsc_ordered();
    uint64_t elapsed_ns = (h1 - h0) * period_fs / 1000000ULL;
    return elapsed_ns ? (t1 - t0) * 1000000ULL / elapsed_ns : 0;
}

static uint64_t calibrate_pm_timer(uint16_t port, bool is32)
{
    uint32_t mask = is32 ? 0xffffffffu : 0xffffffu;
    uint64_t want = CALIBRATE_NS * PM_TIMER_HZ / NSEC_PER_SEC;
    uint32_t p0 = inl(port) & mask;
    uint64_t t0 = rdtsc_ordered();
    uint64_t elapsed = 0;
    uint32_t prev = p0;

    /* Accumulate deltas so the 24-bit counter's wrap is harmless. */
    for (unsigned long spins = 0; elapsed < want; spins++) {
        uint32_t now = inl(port) & mask;
        elapsed += (now - prev) & mask;
        prev = now;
        if (spins > 100000000UL)
            return 0;               /* a timer that does not count */
    }
    uint64_t t1 = rdtsc_ordered();
    uint64_t elapsed_ns = elapsed * NSEC_PER_SEC / PM_TIMER_HZ;
    return elapsed_ns ? (t1 - t0) * 1000000ULL / elapsed_ns : 0;
}

/* PIT channel 2 in one-shot mode, gated through port 0x61 (the classic
 * speaker-gate method): count how long 5 ms of PIT ticks take in TSC. */
static uint64_t calibrate_pit(void)
{
    uint64_t count = CALIBRATE_NS * PIT_HZ / NSEC_PER_SEC;
    uint8_t gate = inb(0x61);

    outb((gate & ~0x02) | 0x01, 0x61);      /* gate on, speaker off */
    outb(0xb0, 0x43);                       /* ch2, lo/hi, mode 0, binary */
    outb(count & 0xff, 0x42);
    outb(count >> 8, 0x42);
    uint64_t t0 = rdtsc_ordered();
    unsigned long spins = 0;
    while (!(inb(0x61) & 0x20))
        if (++spins > 100000000UL)
            return 0;
    uint64_t t1 = rdtsc_ordered();
    outb(gate, 0x61);
    return (t1 - t0) * 1000000ULL / (count * NSEC_PER_SEC / PIT_HZ);
}

const char *time_calibrate_tsc(const struct time_sources *src)
{
    const char *used = NULL;
    uint64_t khz = 0;

    if (src->hpet_base && (khz = calibrate_hpet(src->hpet_base)))
        used = "HPET";
    else if (src->pm_timer_port && (khz = calibrate_pm_timer(src->pm_timer_port,
                                                              src->pm_timer_32bit)))
        used = "ACPI PM timer";
    else if ((khz = calibrate_pit()))
        used = "PIT";
    if (!khz)
        panic("time: cannot calibrate the TSC: no working reference clock");
    tsc_khz = khz;
    ns_scale = pvclock_scale_for_khz(khz);
    tsc_mult = (khz << 32) / 1000000ULL;
    return used;
}
