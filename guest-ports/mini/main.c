/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mini's start: read the start info, install the hypercall page, run the
 * self-tests (or the one hostile case or benchmark the command line names),
 * print the count and power the domain off.
 *
 * Command line (after "--" in the domain's module line):
 *   mini.test=<case>    run one hostile case that must crash this domain
 *   mini.bench=<name>   run a benchmark instead of the self-tests
 *   mini.gnttab=<role> mini.peer=<domid>  one side of the two-domain grant case
 *   mini.ctl=<role> mini.peer=<domid>     dom0's privileged calls (priv, on
 *                       dom0) or its domU (peer, peer-crash); the control
 *                       hypercalls as dom0's toolstack (create, bench)
 *   mini.end=reboot     end with SCHEDOP_shutdown(reboot) instead of poweroff
 *   mini.end=halt       end with HLT, interrupts off, on every vCPU (as Linux's
 *                       poweroff does without ACPI sleep states)
 *   mini.end=idle       stay up, halted with interrupts on (also after a bench)
 *   mini.echo=1|ring    echo one line typed into the console ring, then end
 *                       (ring: the echo goes out through the ring too)
 *   mini.only=dom0|console  that group of self-tests alone
 *   mini.flood=<kind>   flood the console (io, e9, ring; flood.c), then end
 *   mini.pair=a|b       run the two-domain event channel test with the domain
 *                       mini.peer=<domid> instead of the self-tests
 *   mini.dr=write|read  one side of the two-domain debug-register case
 *   mini.budget=<case>  ask for more than the domain's budget (budget.c)
 *   mini.fuzz=<calls>   the hypercall fuzzer (mini.seed=, mini.progress=)
 *   mini.xs=<path>|garbage  one read over the xenstore ring (xs_client.c),
 *                       then spin until destroyed
 */
#include <public/xen/sched.h>
#include <public/xen/xen.h>
#include <public/xen/arch-x86/hvm/start_info.h>
#include "evtchn.h"
#include "hypercall.h"
#include "mini.h"

const struct hvm_start_info *start_info;
static const char *cmdline = "";
static unsigned int passed, failed;
static volatile int results_lock;

void shutdown(unsigned int reason)
{
    struct sched_shutdown sd = { .reason = reason };

    for (;;)
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &sd, 0);
}

const char *cmdline_option(const char *name)
{
    size_t n = strlen(name);

    for (const char *p = cmdline; *p; p++) {
        bool at_word = p == cmdline || p[-1] == ' ';
        if (at_word && !strncmp(p, name, n) && p[n] == '=')
            return p + n + 1;
    }
    return NULL;
}

/* Copies the value of a cmdline option up to the next space. */
static bool option_value(const char *name, char *buf, size_t size)
{
    const char *v = cmdline_option(name);
    size_t n = 0;

    if (!v)
        return false;
    while (v[n] && v[n] != ' ' && n + 1 < size)
        n++;
    memcpy(buf, v, n);
    buf[n] = '\0';
    return true;
}

void test_result(const char *name, bool ok, const char *fmt, ...)
{
    char why[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    while (__atomic_exchange_n(&results_lock, 1, __ATOMIC_ACQUIRE))
        cpu_relax();
    if (ok) {
        passed++;
        printf("mini: PASS %s\n", name);
    } else {
        failed++;
        printf("mini: FAIL %s %s\n", name, why);
    }
    __atomic_store_n(&results_lock, 0, __ATOMIC_RELEASE);
}

uint64_t ram_hole(void)
{
    const struct hvm_memmap_table_entry *mm = (const void *)(uintptr_t)start_info->memmap_paddr;
    uint64_t end = 0;

    for (unsigned int i = 0; i < start_info->memmap_entries; i++)
        if (mm[i].type == XEN_HVM_MEMMAP_TYPE_RAM && mm[i].addr < IDENTITY_MAP_END &&
            mm[i].addr + mm[i].size > end)
            end = mm[i].addr + mm[i].size;
    return end;
}

static bool start_info_valid(uint32_t ebx)
{
    start_info = (const struct hvm_start_info *)(uintptr_t)ebx;
    return ebx && ebx < IDENTITY_MAP_END && start_info->magic == XEN_HVM_START_MAGIC_VALUE;
}

/* Ends the domain as mini.end says, once its work is done. */
static void end_as_asked(void)
{
    char which[16];
    bool has_end = option_value("mini.end", which, sizeof(which));

    if (has_end && !strcmp(which, "halt"))
        for (;;)
            __asm__ volatile("cli; hlt");
    /* Blocked for good: no timer is armed, nothing sends it an event. */
    if (has_end && !strcmp(which, "idle"))
        for (;;)
            __asm__ volatile("sti; hlt");
    bool reboot = has_end && !strcmp(which, "reboot") && !budget_last_round();
    shutdown(reboot ? SHUTDOWN_reboot : SHUTDOWN_poweroff);
}

void mini_main(uint32_t ebx);
void mini_main(uint32_t ebx)
{
    uint64_t entry_tsc = rdtsc();
    char which[32];

    trap_init();
    hypercall_init();
    if (!start_info_valid(ebx)) {
        printf("mini: FAIL start_info bad pointer %#x or magic\n", ebx);
        shutdown(SHUTDOWN_crash);
    }
    if (start_info->cmdline_paddr && start_info->cmdline_paddr < IDENTITY_MAP_END)
        cmdline = (const char *)(uintptr_t)start_info->cmdline_paddr;
    /* QEMU and Bochs start the TSC at 0 at power-on, and guests see the
     * host's TSC: this says when, since power-on, mini began. */
    printf("mini: started at %lu us, command line \"%s\"\n",
           (unsigned long)(tsc_to_ns(entry_tsc) / 1000), cmdline);
    nr_vcpus = smp_count_vcpus();

    if (option_value("mini.fuzz", which, sizeof(which))) {
        fuzz_run();
        shutdown(SHUTDOWN_poweroff);
    }
    if (option_value("mini.test", which, sizeof(which)))
        hostile_run(which);
    /* mini.only=dom0: the control domain's tests alone (the others
     * expect a domU's layout). */
    if (option_value("mini.only", which, sizeof(which)) &&
        (!strcmp(which, "dom0") || !strcmp(which, "console"))) {
        if (which[0] == 'd')
            tests_dom0();
        else
            tests_console();
        printf("mini: %u passed, %u failed\n", passed, failed);
        shutdown(SHUTDOWN_poweroff);
    }
    bool ctl = option_value("mini.ctl", which, sizeof(which));
    if (ctl || option_value("mini.gnttab", which, sizeof(which))) {
        char peer[8] = "0";
        unsigned int id = 0, end = SHUTDOWN_poweroff;
        option_value("mini.peer", peer, sizeof(peer));
        for (const char *p = peer; *p >= '0' && *p <= '9'; p++)
            id = id * 10 + (unsigned int)(*p - '0');
        if (ctl)
            end = dom0_ctl_run(which, (uint16_t)id);
        else
            gnttab_peer_run(which, (uint16_t)id);
        printf("mini: %u passed, %u failed\n", passed, failed);
        shutdown(end);
    }
    if (option_value("mini.xs", which, sizeof(which))) {
        xs_client_run(which);
        for (;;)
            HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    }
    if (option_value("mini.bench", which, sizeof(which))) {
        bench_run(which);
        end_as_asked();
    }

    if (option_value("mini.flood", which, sizeof(which)))
        flood_run(which);

    if (option_value("mini.echo", which, sizeof(which))) {
        console_echo(!strcmp(which, "ring"));
        shutdown(SHUTDOWN_poweroff);
    }

    if (option_value("mini.pair", which, sizeof(which))) {
        tests_evtchn_pair(which);
    } else if (option_value("mini.dr", which, sizeof(which))) {
        dr_pair_run(which);
    } else if (option_value("mini.regs", which, sizeof(which))) {
        regs_stress_run(which);
    } else if (option_value("mini.budget", which, sizeof(which))) {
        budget_run(which);
    } else {
        tests_hypercalls();
        tests_dom0();
        tests_cpu();
        tests_time();
        tests_console();
        tests_acpi();
        tests_hostile();
        tests_evtchn();
        tests_upcall();
        tests_pvtime();
        tests_gnttab();
        tests_apic();
        tests_smp();
        tests_apic_smp();
        tests_nmi();
        tests_vcpu_state();
    }
    printf("mini: %u passed, %u failed\n", passed, failed);
    end_as_asked();
}
