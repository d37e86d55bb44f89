/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The raw TSC as a PVH guest sees it (the PV clock is tests_pvtime.c's): at the
 * frequency CPUID leaf 0x40000003 states, monotonic, moving while we are
 * descheduled, and at a rate that matches the hypervisor's own clock
 * (checked against the PM timer would need ACPI; we check the TSC against
 * itself across hypercalls and yields).
 */
#include <public/xen/sched.h>
#include <public/xen/xen.h>
#include "hypercall.h"
#include "mini.h"

void tests_time(void)
{
    uint64_t prev = rdtsc(), backwards = 0;

    for (unsigned int i = 0; i < 10000; i++) {
        uint64_t now = rdtsc();
        backwards += now < prev;
        prev = now;
    }
    CHECK("time.tsc_monotonic", backwards == 0, "%lu steps back", (unsigned long)backwards);

    uint64_t t0 = rdtsc();
    for (unsigned int i = 0; i < 10; i++)
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    uint64_t t1 = rdtsc();
    CHECK("time.tsc_moves_across_yield", t1 > t0, "t0 %lu t1 %lu", (unsigned long)t0,
          (unsigned long)t1);

    /* The conversion every figure mini prints goes through: a second's
     * worth of ticks is 1e9 ns, and an hour's does not overflow. */
    uint64_t khz = tsc_khz();
    uint64_t sec = tsc_to_ns(khz * 1000), hour = tsc_to_ns(khz * 1000 * 3600);
    CHECK("time.tsc_to_ns", sec == 1000000000ul && hour == 3600000000000ul,
          "1 s -> %lu ns, 1 h -> %lu ns", (unsigned long)sec, (unsigned long)hour);
}
