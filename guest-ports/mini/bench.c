/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Benchmarks, selected with mini.bench=<name> (tests/bench/ runs them):
 *   hypercall  round trip of xen_version, in guest-measured ns
 *   exits      vCPU 1 busy-loops for mini.ms (default 2000) ms of TSC time
 *              while vCPU 0 halts; the hypervisor's per-vCPU exit counts at
 *              the domain's end give exits on a busy and on an idle vCPU
 *   spin       count loop iterations for mini.ms of TSC time: domains that
 *              share a CPU get iterations in proportion to their weights
 *   pvclock    cost of one PV clock read (vcpu_time_info), in picoseconds
 *   ring       console ring throughput to the serial console, bytes/s
 *   evtchn     event send -> upcall latency in one domain (evtchn_bench.c);
 *              with mini.pair=a|b and mini.peer=<domid>, the round trip
 *              between two domains
 *   gnttab     grant map/unmap/copy between two domains (gnttab_bench.c)
 */
#include <public/xen/hvm/hvm_vcpu.h>
#include <public/xen/sched.h>
#include <public/xen/vcpu.h>
#include <public/xen/version.h>
#include <public/xen/xen.h>
#include "evtchn.h"
#include "hypercall.h"
#include "mini.h"

#define CALLS   20000

unsigned long option_number(const char *name, unsigned long def)
{
    const char *v = cmdline_option(name);
    unsigned long n = 0;

    if (!v || *v < '0' || *v > '9')
        return def;
    while (*v >= '0' && *v <= '9')
        n = n * 10 + (unsigned long)(*v++ - '0');
    return n;
}

static void bench_hypercall(void)
{
    unsigned long calls = option_number("mini.calls", CALLS);

    HYPERCALL(__HYPERVISOR_xen_version, XENVER_version, 0, 0);     /* warm */
    uint64_t t0 = rdtsc();
    for (unsigned long i = 0; i < calls; i++)
        HYPERCALL(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    uint64_t ns = tsc_to_ns(rdtsc() - t0);
    printf("mini: bench hypercall calls=%lu total_ns=%lu ns_per_call=%lu\n", calls,
           (unsigned long)ns, (unsigned long)(ns / calls));
}

static uint8_t busy_stack[STACK_SIZE] __attribute__((aligned(16)));
static volatile uint64_t busy_ms;

void bench_busy_vcpu(void);
void bench_busy_vcpu(void)
{
    uint64_t end = rdtsc() + busy_ms * tsc_khz();

    while (rdtsc() < end)
        cpu_relax();
    printf("mini: bench exits busy_ms=%lu done\n", (unsigned long)busy_ms);
    shutdown(SHUTDOWN_poweroff);
}

static void bench_exits(void)
{
    extern const char bench_busy_entry[];

    if (nr_vcpus < 2) {
        printf("mini: bench exits needs 2 vCPUs\n");
        return;
    }
    busy_ms = option_number("mini.ms", 2000);
    mini_start_vcpu(1, bench_busy_entry, busy_stack + STACK_SIZE);
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* vCPU 1 of the exits benchmark: no IDT, no GDT reload, just the loop. */
__asm__(".pushsection .text\n"
        ".globl bench_busy_entry\n"
        "bench_busy_entry:\n"
        "    call bench_busy_vcpu\n"
        "    ud2\n"
        ".popsection\n");

static void bench_spin(void)
{
    uint64_t ms = option_number("mini.ms", 2000);
    uint64_t end = rdtsc() + ms * tsc_khz(), iterations = 0;

    while (rdtsc() < end)
        iterations++;
    printf("mini: bench spin ms=%lu iterations=%lu\n", (unsigned long)ms,
           (unsigned long)iterations);
}

void bench_run(const char *which)
{
    if (!strcmp(which, "hypercall"))
        bench_hypercall();
    else if (!strcmp(which, "exits"))
        bench_exits();
    else if (!strcmp(which, "spin"))
        bench_spin();
    else if (!strcmp(which, "pvclock"))
        pvtime_bench();
    else if (!strcmp(which, "ring"))
        console_bench();
    else if (!strcmp(which, "evtchn"))
        bench_evtchn(cmdline_option("mini.pair"));
    else if (!strcmp(which, "gnttab"))
        bench_gnttab(cmdline_option("mini.pair"));
    else
        printf("mini: no benchmark named %s\n", which);
}
