/* SPDX-License-Identifier: GPL-2.0-only */
/* Bringing up the application processors, and cross-CPU function calls. */
#include <asm/apic.h>
#include <asm/boot.h>
#include <asm/cpufeature.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/regs.h>
#include <asm/smp.h>
#include <tessera/bootdom.h>
#include <tessera/domain.h>
#include <tessera/arch.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include <tessera/time.h>
#include <tessera/timer.h>

struct cpu cpus[MAX_CPUS];
unsigned int nr_cpus_possible = 1;
unsigned int nr_cpus_online = 1;

extern const char trampoline_blob[], trampoline_blob_end[], trampoline_params[];
extern const char trampoline_pm_entry[], ap_entry64[];
void ap_start(void);

/* Handed from the BSP to the AP it is starting (one at a time). */
uint64_t ap_boot_stack;
static struct cpu *volatile ap_booting;
static volatile bool ap_alive;

struct cpu_call {
    cpu_call_fn fn;
    void *data;
    volatile bool done;
};

/* ---- arch interface used by common/ */

unsigned int arch_cpu_id(void)          { return this_cpu()->id; }
unsigned long arch_irq_save(void)       { return local_irq_save(); }
void arch_irq_restore(unsigned long f)  { local_irq_restore(f); }
void arch_halt_enable_irq(void)         { safe_halt(); }

void arch_timer_program(uint64_t deadline_ns)
{
    if (!deadline_ns)
        apic_timer_disarm();
    else
        apic_timer_arm(time_entry_tsc() + ns_to_tsc(deadline_ns));
}

void arch_cpu_kick(unsigned int cpu)
{
    if (cpu < MAX_CPUS && cpus[cpu].online)
        apic_send_ipi(cpus[cpu].apic_id, APIC_DM_FIXED | VEC_TIMER);
}

/* ---- interrupt handlers */

static void timer_vector(struct cpu_regs *regs)
{
    apic_eoi();
    timer_interrupt();
}

static void call_vector(struct cpu_regs *regs)
{
    struct cpu *me = this_cpu();
    struct cpu_call *call = __atomic_exchange_n(&me->call, NULL, __ATOMIC_ACQ_REL);

    apic_eoi();
    if (call) {
        call->fn(call->data);
        __atomic_store_n(&call->done, true, __ATOMIC_RELEASE);
    }
}

int on_cpu(unsigned int cpu, cpu_call_fn fn, void *data, bool wait)
{
    if (cpu >= MAX_CPUS || !cpus[cpu].online)
        return -ENODEV;
    if (cpu == this_cpu()->id) {
        unsigned long f = local_irq_save();
        fn(data);
        local_irq_restore(f);
        return 0;
    }
    /* The mailbox holds one call: wait until it is free, then post. A
     * non-waiting caller's call must outlive this function, so only
     * waiting calls are supported for now (the struct is on our stack). */
    BUG_ON(!wait);
    struct cpu_call call = { fn, data, false };
    struct cpu_call *expected = NULL;
    while (!__atomic_compare_exchange_n(&cpus[cpu].call, &expected, &call, false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        expected = NULL;
        cpu_relax();
    }
    apic_send_ipi(cpus[cpu].apic_id, APIC_DM_FIXED | VEC_CALL);
    while (!__atomic_load_n(&call.done, __ATOMIC_ACQUIRE))
        cpu_relax();
    return 0;
}

void on_each_cpu(cpu_call_fn fn, void *data)
{
    for (unsigned int c = 0; c < nr_cpus_possible; c++)
        if (cpus[c].online)
            on_cpu(c, fn, data, true);
}

/* ---- start-up */

static void *alloc_stack(unsigned int bytes)
{
    unsigned int order = 0;

    while ((PAGE_SIZE << order) < bytes)
        order++;
    paddr_t pa = alloc_pages(order, PA_ZERO);
    if (!pa)
        panic("smp: out of memory for CPU stacks");
    return phys_to_virt(pa);
}

void smp_bsp_init(void)
{
    static char bsp_ist[IST_COUNT][IST_STACK_SIZE] __aligned(16);
    struct cpu *c = &cpus[0];

    c->id = 0;
    c->online = true;
    for (unsigned int i = 0; i < IST_COUNT; i++)
        c->ist_stacks[i] = bsp_ist[i];
    percpu_activate(c);
    set_irq_handler(VEC_TIMER, timer_vector);
    set_irq_handler(VEC_CALL, call_vector);
    timers_cpu_init(0);
}

void ap_start(void)
{
    struct cpu *c = ap_booting;

    percpu_activate(c);
    write_cr4(read_cr4() | X86_CR4_PGE);
    apic_cpu_init();
    apic_timer_init();
    timers_cpu_init(c->id);
    __atomic_store_n(&ap_alive, true, __ATOMIC_RELEASE);
    c->online = true;
    __atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_ACQ_REL);
    cpu_idle_loop();
}

/* Until the boot CPU has built the boot domains; then the run loop. */
void cpu_idle_loop(void)
{
    for (;;) {
        local_irq_disable();
        if (run_loop_is_open()) {
            local_irq_enable();
            cpu_run_loop();
        }
        safe_halt();
    }
}

static void prepare_trampoline(paddr_t page)
{
    size_t len = trampoline_blob_end - trampoline_blob;
    uint8_t *dst = phys_to_virt(page);

    BUG_ON(len > PAGE_SIZE || page >= MiB(1) || page & (PAGE_SIZE - 1));
    memcpy(dst, trampoline_blob, len);
    struct trampoline_params *p =
        (struct trampoline_params *)(dst + (trampoline_params - trampoline_blob));
    p->gdt_base = page + (trampoline_params - trampoline_blob);   /* gdt is first */
    p->jump32_offset = page + (trampoline_pm_entry - trampoline_blob);
    p->jump64_offset = (uint32_t)(uintptr_t)ap_entry64;
    BUG_ON(read_cr3() >> 32);
    p->cr3 = (uint32_t)read_cr3();
    p->efer = EFER_LME | (boot_cpu.nx ? EFER_NXE : 0);
}

/* INIT-SIPI-SIPI (SDM Vol. 3A, 9.4.4.1; MP spec B.4). All INITs go out
 * first so the 10 ms settle time is paid once, not once per CPU. */
void smp_boot_cpus(const struct cpu_desc *list, unsigned int n, unsigned int maxcpus,
                   paddr_t trampoline_page)
{
    uint32_t me = apic_current_id();
    unsigned int todo[MAX_CPUS], nr_todo = 0;

    cpus[0].apic_id = me;
    for (unsigned int i = 0; i < n && nr_cpus_possible < MIN(maxcpus, MAX_CPUS); i++) {
        if (list[i].apic_id == me) {
            cpus[0].acpi_uid = list[i].acpi_uid;
            continue;
        }
        if (!apic_x2apic_mode() && list[i].apic_id > 0xfe) {
            printk(LOG_WARN "smp: APIC ID %u needs x2APIC mode; CPU skipped\n", list[i].apic_id);
            continue;
        }
        struct cpu *c = &cpus[nr_cpus_possible];
        c->id = nr_cpus_possible++;
        c->apic_id = list[i].apic_id;
        c->acpi_uid = list[i].acpi_uid;
        todo[nr_todo++] = c->id;
    }
    if (n > nr_cpus_possible)
        printk("smp: %u CPUs described, using %u (maxcpus=%u)\n", n, nr_cpus_possible, maxcpus);
    if (!nr_todo)
        return;

    prepare_trampoline(trampoline_page);
    for (unsigned int i = 0; i < nr_todo; i++) {
        struct cpu *c = &cpus[todo[i]];
        c->stack_top = (char *)alloc_stack(CPU_STACK_SIZE) + CPU_STACK_SIZE;
        for (unsigned int s = 0; s < IST_COUNT; s++)
            c->ist_stacks[s] = alloc_stack(IST_STACK_SIZE);
        apic_send_ipi(c->apic_id, APIC_DM_INIT | APIC_LEVEL_ASSERT | APIC_TRIGGER_LEVEL);
        if (!apic_x2apic_mode())    /* de-assert: not defined in x2APIC mode */
            apic_send_ipi(c->apic_id, APIC_DM_INIT | APIC_TRIGGER_LEVEL);
    }
    udelay(10000);

    uint8_t sipi_vector = trampoline_page >> PAGE_SHIFT;
    for (unsigned int i = 0; i < nr_todo; i++) {
        struct cpu *c = &cpus[todo[i]];
        ap_alive = false;
        ap_booting = c;
        ap_boot_stack = (uint64_t)(uintptr_t)c->stack_top;
        __asm__ volatile("mfence" ::: "memory");
        bool ok = false;
        for (int sipi = 0; sipi < 2 && !ok; sipi++) {
            apic_send_ipi(c->apic_id, APIC_DM_STARTUP | sipi_vector);
            ok = wait_for_flag(&ap_alive, sipi == 0 ? 200 * NSEC_PER_USEC
                                                    : 100 * NSEC_PER_MSEC);
        }
        if (!ok)
            printk(LOG_ERR "smp: CPU %u (APIC ID %u) did not start\n", c->id, c->apic_id);
    }
    /* Each AP marks itself online just after it is alive. */
    for (unsigned int i = 0; i < nr_todo; i++)
        wait_for_flag(&cpus[todo[i]].online, 10 * NSEC_PER_MSEC);
}
