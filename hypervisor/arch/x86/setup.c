/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The boot CPU's path from head.S to "ready": boot information, command
 * line, memory, page tables, ACPI, interrupts, time, PCI, the other CPUs.
 */
#include <asm/acpi.h>
#include <asm/com1_irq.h>
#include <asm/apic.h>
#include <asm/bootinfo.h>
#include <asm/cpufeature.h>
#include <asm/dom0_io.h>
#include <asm/io_apic.h>
#include <asm/mm.h>
#include <asm/pci.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/shutdown.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <tessera/bootdom.h>
#include <tessera/cmdline.h>
#include <tessera/console.h>
#include <tessera/lib.h>
#include <tessera/memory.h>
#include <tessera/page_alloc.h>
#include <tessera/serial.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <tessera/pv_time.h>
#include <tessera/wallclock.h>

enum ready_action { READY_HALT, READY_POWEROFF, READY_REBOOT, READY_CRASH };

static uint64_t opt_maxcpus = MAX_CPUS;
static uint64_t opt_mem;
static bool opt_timestamps;
static enum ready_action opt_ready_action = READY_HALT;

static const struct boot_enum ready_action_opt = BOOT_ENUM(opt_ready_action,
    { "halt", READY_HALT }, { "poweroff", READY_POWEROFF }, { "reboot", READY_REBOOT },
    { "crash", READY_CRASH });

/* Every boot option; docs/boot-options.md describes each one. */
static const struct boot_option boot_options[] = {
    { .name = "console", .kind = OPT_ENUM, .choices = &console_opt_console },
    { .name = "com1", .kind = OPT_CUSTOM, .parse = console_parse_com1 },
    { .name = "loglvl", .kind = OPT_ENUM, .choices = &console_opt_loglvl },
    { .name = "console_timestamps", .kind = OPT_BOOL, .var = &opt_timestamps },
    { .name = "guest_console_rate", .kind = OPT_CUSTOM, .parse = console_parse_guest_rate },
    { .name = "maxcpus", .kind = OPT_UINT, .var = &opt_maxcpus },
    { .name = "mem", .kind = OPT_SIZE, .var = &opt_mem },
    { .name = "panic", .kind = OPT_ENUM, .choices = &shutdown_opt_panic },
    { .name = "ready_action", .kind = OPT_ENUM, .choices = &ready_action_opt },
    { .name = "pool", .kind = OPT_CUSTOM, .parse = pool_spec_option, .var = &boot_pools,
      .flags = BOOT_OPT_REPEAT },
    { .name = "after_domains", .kind = OPT_ENUM, .choices = &bootdom_opt_after },
};

const void *acpi_map(paddr_t pa, size_t len)
{
    return mm_range_mapped(pa, len) ? phys_to_virt(pa) : NULL;
}

static struct acpi_info acpi;

const struct acpi_info *acpi_host(void)
{
    return &acpi;
}

static void setup_acpi(void)
{
    const void *rsdp = boot_info.rsdp_len ? boot_info.rsdp : NULL;
    size_t rsdp_len = boot_info.rsdp_len;
    paddr_t found = 0;

    if (!rsdp) {
        rsdp = acpi_find_rsdp_legacy(acpi_map, &found);
        rsdp_len = 36;
    }
    if (!rsdp || acpi_parse(rsdp, rsdp_len, &acpi, acpi_map) < 0) {
        printk(LOG_WARN "acpi: no usable tables; assuming one CPU, no reset register\n");
        return;
    }
    acpi_info_print(&acpi);

    power_regs = (struct power_regs){
        .has_reset_reg = acpi.fadt.reset_supported,
        .reset_space = acpi.fadt.reset_reg.space_id,
        .reset_addr = acpi.fadt.reset_reg.address,
        .reset_value = acpi.fadt.reset_value,
        .pm1a_cnt = acpi.fadt.pm1a_cnt,
        .pm1b_cnt = acpi.fadt.pm1b_cnt,
        .has_s5 = acpi.s5_valid,
        .slp_typa = acpi.slp_typa,
        .slp_typb = acpi.slp_typb,
        .smi_cmd = acpi.fadt.smi_cmd,
        .acpi_enable = acpi.fadt.acpi_enable,
    };
}

static void setup_time(void)
{
    struct time_sources src = {
        .hpet_base = acpi.has_hpet && mm_range_mapped(acpi.hpet_base, PAGE_SIZE)
                     ? acpi.hpet_base : 0,
        .pm_timer_port = acpi.fadt.pm_tmr_blk,
        .pm_timer_32bit = acpi.fadt.pm_tmr_32bit,
    };
    const char *used = time_calibrate_tsc(&src);

    printk("time: TSC runs at %llu.%03llu MHz (calibrated against the %s)%s\n",
           (unsigned long long)(time_tsc_khz() / 1000),
           (unsigned long long)(time_tsc_khz() % 1000), used,
           boot_cpu.invariant_tsc ? ", invariant" : "");
    wallclock_init();
    pv_time_init(boot_cpu.invariant_tsc);
}

/* Modules stay where the loader put them (memory.c keeps them out of the
 * allocator) until the domain builder uses them. */
static void print_modules(void)
{
    for (unsigned int i = 0; i < boot_info.nr_modules; i++) {
        const struct boot_module *m = &boot_info.modules[i];
        printk("boot: module %u at %#llx-%#llx (%llu KiB): %s\n", i,
               (unsigned long long)m->start, (unsigned long long)m->end,
               (unsigned long long)((m->end - m->start) >> 10), m->cmdline);
    }
    if (boot_info.dropped_modules)
        printk(LOG_WARN "boot: %u modules beyond %u ignored\n", boot_info.dropped_modules,
               BOOT_MAX_MODULES);
}

static void start_other_cpus(void)
{
    static struct cpu_desc list[MAX_CPUS];
    unsigned int n = 0;

    for (unsigned int i = 0; i < acpi.nr_cpus && n < MAX_CPUS; i++)
        if (acpi.cpus[i].enabled)
            list[n++] = (struct cpu_desc){ acpi.cpus[i].apic_id, acpi.cpus[i].acpi_uid };
    smp_boot_cpus(list, n, (unsigned int)MIN(MAX(opt_maxcpus, 1ULL), (uint64_t)MAX_CPUS),
                  memory_trampoline_page());
}

/* Before declaring ourselves ready, make every CPU prove it can take a
 * cross-CPU call and that its timer fires. */
static volatile unsigned int timers_fired;
static volatile bool all_timers_fired;
static unsigned int cpus_answered;
static struct timer check_timers[MAX_CPUS];

static void check_timer_fired(void *data)
{
    if (__atomic_add_fetch(&timers_fired, 1, __ATOMIC_ACQ_REL) == cpus_answered)
        all_timers_fired = true;
}

static void check_in(void *data)
{
    unsigned int me = this_cpu()->id;

    timer_init(&check_timers[me], check_timer_fired, NULL, me);
    timer_set(&check_timers[me], time_now_ns() + 100 * NSEC_PER_USEC);
    __atomic_fetch_add((unsigned int *)data, 1, __ATOMIC_ACQ_REL);
}

static unsigned int check_cpus(void)
{
    unsigned int answered = 0;

    /* Timers are armed 100 us ahead, long after the last call returns. */
    on_each_cpu(check_in, &answered);
    cpus_answered = answered;
    if (timers_fired >= answered)
        all_timers_fired = true;
    wait_for_flag(&all_timers_fired, 50 * NSEC_PER_MSEC);
    if (timers_fired < answered)
        printk(LOG_ERR "smp: only %u of %u CPUs saw their timer fire\n", timers_fired, answered);
    else
        printk("smp: %u CPUs answered a cross-CPU call and took a timer interrupt\n", answered);
    return MIN(answered, timers_fired);
}

/* Page 0 is never mapped (mm.c), so this store takes a #PF. The address goes
 * through asm so the compiler cannot see (and warn about) a null store. */
static void crash_on_page_zero(void)
{
    uintptr_t addr = 8;

    asm volatile("" : "+r"(addr));
    *(volatile int *)addr = 1;
}

static void ready(unsigned int cpus_running)
{
    uint64_t since_entry = time_now_ns();

    char line[80];

    snprintf(line, sizeof(line), "tessera: ready cpus=%u ram=%lluMiB\n", cpus_running,
             (unsigned long long)(memory_usable_bytes() >> 20));
    /* The contract line is printed whatever loglvl= says. */
    console_emit_always(line);
    printk("boot: %llu.%03llu ms from hypervisor entry to ready, %llu.%03llu ms from power-on\n",
           (unsigned long long)(since_entry / NSEC_PER_MSEC),
           (unsigned long long)(since_entry / 1000 % 1000),
           (unsigned long long)(tsc_to_ns(rdtsc()) / NSEC_PER_MSEC),
           (unsigned long long)(tsc_to_ns(rdtsc()) / 1000 % 1000));

    switch (opt_ready_action) {
    case READY_POWEROFF:
        printk("tessera: powering off (ready_action=poweroff)\n");
        machine_poweroff();
    case READY_REBOOT:
        printk("tessera: rebooting (ready_action=reboot)\n");
        machine_reboot();
    case READY_CRASH:
        printk("tessera: crashing on purpose (ready_action=crash)\n");
        crash_on_page_zero();
        break;
    case READY_HALT:
        break;
    }
}

void start_hypervisor(uint32_t magic, uint32_t info);     /* called by head.S */

void start_hypervisor(uint32_t magic, uint32_t info)
{
    /* COM1 at its default speed until com1= is read, so that what the
     * command-line parser reports is seen. */
    serial_init(COM1_PORT, 115200);
    if (bootinfo_parse(magic, info) < 0)
        panic("boot: not started by a Multiboot loader (magic %#x)", magic);
    printk("\nTessera hypervisor, booted by %s%s%s\n", boot_info.protocol,
           boot_info.loader[0] ? " from " : "", boot_info.loader);
    printk("cmdline: %s\n", boot_info.cmdline);
    cmdline_parse(cmdline_skip_image_name(boot_info.cmdline), boot_options,
                  ARRAY_SIZE(boot_options));
    console_init();
    console_enable_timestamps(opt_timestamps);

    cpu_features_detect();
    cpu_features_print();
    if (!boot_cpu.vmx && !boot_cpu.svm)
        printk(LOG_WARN "cpu: no VT-x or AMD-V: guests will not be able to run\n");

    idt_init();
    smp_bsp_init();
    memory_init(opt_mem);
    print_modules();
    setup_acpi();

    apic_bsp_init(acpi.lapic_base);
    apic_cpu_init();
    setup_time();
    apic_timer_init();
    local_irq_enable();
    console_start_async();
    io_apic_init(&acpi);
    com1_irq_init();

    pci_init(acpi.mcfg, acpi.nr_mcfg);
    dom0_mmio_init(&acpi);
    start_other_cpus();
    memory_print_usage();
    ready(check_cpus());
    boot_domains_start();
}
