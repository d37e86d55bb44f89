/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot-time domains: after the ready line, the pools named on the command
 * line are made, every domain the Multiboot modules describe is built and
 * started (docs/boot-domains.md), dom0 first (docs/dom0.md), and every CPU
 * enters the run loop.
 */
#include <asm/percpu.h>
#include <tessera/arch.h>
#include <tessera/bootdom.h>
#include <tessera/bootdom_spec.h>
#include <tessera/cmdline.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/heap.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include <tessera/sched.h>
#include <tessera/time.h>

struct pool_specs boot_pools;
static struct bootdom_specs specs;
static unsigned int nr_modules;
static unsigned int live_boot_domains;
static spinlock_t live_lock = SPINLOCK_INIT;
static enum { AFTER_STAY, AFTER_POWEROFF, AFTER_REBOOT } after_domains;
static volatile bool run_loop_open;

const struct boot_enum bootdom_opt_after = BOOT_ENUM(after_domains,
    { "stay", AFTER_STAY }, { "poweroff", AFTER_POWEROFF }, { "reboot", AFTER_REBOOT });

static void mask_from_words(cpumask_t *m, const uint64_t *words)
{
    cpumask_clear(m);
    for (unsigned int c = 0; c < BOOTDOM_MAX_CPUS && c < CPUMASK_BITS; c++)
        if (words[c / 64] & (1ull << (c % 64)))
            cpumask_set(c, m);
}

static int make_pools(void)
{
    uint64_t online[BOOTDOM_CPU_WORDS] = { 0 };
    cpumask_t mask;
    int rc;

    for (unsigned int c = 0; c < MAX_CPUS && c < BOOTDOM_MAX_CPUS; c++)
        if (cpus[c].online)
            online[c / 64] |= 1ull << (c % 64);
    rc = pool_specs_finish(&boot_pools, online);
    if (rc)
        return rc;
    mask_from_words(&mask, online);
    rc = sched_init(&mask);
    if (rc)
        return rc;
    for (unsigned int i = 0; i < boot_pools.nr; i++) {
        const struct pool_spec *p = &boot_pools.pool[i];
        if (!strcmp(p->name, BOOTDOM_DEFAULT_POOL))
            continue;
        mask_from_words(&mask, p->cpus);
        rc = sched_pool_create(p->name, &mask,
                               p->sched == POOL_DEDICATED ? SCHED_DEDICATED : SCHED_SHARED);
        if (rc)
            return rc;
        printk("sched: pool %s: %u CPUs, %s\n", p->name, cpumask_weight(&mask),
               p->sched == POOL_DEDICATED ? "dedicated" : "shared");
    }
    return 0;
}

static void after_domains_act(void)
{
    if (after_domains == AFTER_POWEROFF)
        machine_poweroff();
    if (after_domains == AFTER_REBOOT)
        machine_reboot();
}

static void domain_ended(int boot_index, enum domain_end reason)
{
    if (reason == DOM_END_REBOOT && boot_index >= 0) {
        int rc = bootdom_build(&specs.dom[boot_index], boot_index);
        if (!rc)
            return;
        printk(LOG_ERR "dom %s: rebuild failed (%d)\n", specs.dom[boot_index].name, rc);
    }
    unsigned long flags = spin_lock_irqsave(&live_lock);
    bool last = --live_boot_domains == 0;
    spin_unlock_irqrestore(&live_lock, flags);
    if (!last || after_domains == AFTER_STAY)
        return;
    printk("tessera: every boot domain has ended, free memory %lu KiB\n",
           page_alloc_free_pages() * (PAGE_SIZE >> 10));
    after_domains_act();
}

static void start_domains(void)
{
    const char *lines[BOOTDOM_MAX_MODULES];
    int rc;

    nr_modules = arch_boot_modules(lines, BOOTDOM_MAX_MODULES);
    rc = bootdom_parse_modules(&specs, lines, nr_modules);
    if (rc == 0)
        rc = bootdom_check_placement(&specs, &boot_pools);
    if (rc) {
        printk(LOG_ERR "boot domains: none started, the module list is invalid (%d)\n", rc);
        return;
    }
    if (specs.nr && !arch_virt_ready()) {
        printk(LOG_ERR "boot domains: %u described, but this CPU cannot run guests\n",
               specs.nr);
        return;
    }
    domain_end_hook = domain_ended;
    unsigned long free_before = page_alloc_free_pages();
    uint64_t t0 = time_now_ns();
    /* dom0 first, wherever its module is: it gets the memory it needs at
     * given machine addresses (docs/dom0.md) before anyone else takes it. */
    for (unsigned int pass = 0; pass < 2; pass++)
        for (unsigned int i = 0; i < specs.nr; i++) {
            if (specs.dom[i].hardware != (pass == 0))
                continue;
            rc = bootdom_build(&specs.dom[i], (int)i);
            if (rc)
                printk(LOG_ERR "dom %s: not started (%d)\n", specs.dom[i].name, rc);
            else
                live_boot_domains++;
        }
    if (specs.nr)
        printk("boot domains: %u of %u built in %llu us, free memory %lu KiB -> %lu KiB\n",
               live_boot_domains, specs.nr,
               (unsigned long long)((time_now_ns() - t0) / 1000),
               free_before * (PAGE_SIZE / 1024), page_alloc_free_pages() * (PAGE_SIZE / 1024));
}

__noreturn void boot_domains_start(void)
{
    arch_virt_start();
    if (make_pools())
        printk(LOG_ERR "sched: the pools could not be made: no guests\n");
    else
        start_domains();
    /* Domains were described and none runs: they have all "ended", so
     * after_domains= applies now rather than leaving an idle machine up. */
    if (nr_modules && !live_boot_domains && after_domains != AFTER_STAY) {
        printk(LOG_ERR "tessera: no boot domain is running\n");
        after_domains_act();
    }
    __atomic_store_n(&run_loop_open, true, __ATOMIC_RELEASE);
    for (unsigned int c = 0; c < nr_cpus_online; c++)
        cpu_resched((int)c);
    cpu_run_loop();
}

bool run_loop_is_open(void)
{
    return __atomic_load_n(&run_loop_open, __ATOMIC_ACQUIRE);
}
