/* SPDX-License-Identifier: GPL-2.0-only */
/* panic(), reboot and power-off. */
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/regs.h>
#include <asm/shutdown.h>
#include <tessera/cmdline.h>
#include <tessera/console.h>
#include <tessera/lib.h>
#include <tessera/time.h>

struct power_regs power_regs;
static enum panic_action panic_action = PANIC_HALT;
static volatile int panicking_cpu = -1;

#define PM1_SCI_EN      (1u << 0)
#define PM1_SLP_EN      (1u << 13)
#define PM1_SLP_TYP_SHIFT 10

const struct boot_enum shutdown_opt_panic = BOOT_ENUM(panic_action,
    { "halt", PANIC_HALT }, { "reboot", PANIC_REBOOT });

void halt_forever(void)
{
    for (;;) {
        local_irq_disable();
        halt();
    }
}

void stop_this_cpu(void)
{
    local_irq_disable();
    this_cpu()->online = false;
    halt_forever();
}

bool panic_in_progress(void)
{
    return panicking_cpu >= 0;
}

/* One CPU wins the right to report; a second panicking CPU just stops. */
void panic_begin(void)
{
    int me = this_cpu()->id;
    int none = -1;

    local_irq_disable();
    if (!__atomic_compare_exchange_n(&panicking_cpu, &none, me, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        if (panicking_cpu != me)
            stop_this_cpu();
    }
    console_force_unlock();
}

static unsigned int count_other_online_cpus(void)
{
    unsigned int n = 0;

    for (unsigned int c = 0; c < nr_cpus_possible; c++)
        if (c != this_cpu()->id && cpus[c].online)
            n++;
    return n;
}

void panic_end(const char *why)
{
    /* Stop everyone else with an NMI: it gets through even to a CPU spinning
     * with interrupts disabled. */
    unsigned int others = count_other_online_cpus();
    if (others && apic_ready()) {
        apic_send_ipi_all_but_self(APIC_DM_NMI, 0);
        for (int i = 0; i < 1000 && count_other_online_cpus(); i++)
            udelay(100);
        printk(LOG_ERR "panic: stopped %u of %u other CPUs\n",
               others - count_other_online_cpus(), others);
    }
    printk(LOG_ERR "**** PANIC on CPU %u: %s ****\n", this_cpu()->id, why);
    if (panic_action == PANIC_REBOOT) {
        printk(LOG_ERR "panic: rebooting\n");
        machine_reboot();
    }
    printk(LOG_ERR "panic: system halted (boot with panic=reboot to reset instead)\n");
    halt_forever();
}

void panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    uint64_t rbp;

    panic_begin();
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    printk(LOG_ERR "\n*** PANIC: %s ***\n", msg);
    __asm__ volatile("mov %%rbp, %0" : "=r"(rbp));
    show_stack_trace(rbp);
    panic_end(msg);
}

static void write_reset_register(void)
{
    const struct power_regs *p = &power_regs;

    if (!p->has_reset_reg)
        return;
    if (p->reset_space == 1 && p->reset_addr <= 0xffff)
        outb(p->reset_value, (uint16_t)p->reset_addr);
    else if (p->reset_space == 0 && p->reset_addr)
        mmio_write8(p->reset_addr, p->reset_value);
    udelay(50000);
}

void machine_reboot(void)
{
    console_sync();
    local_irq_disable();
    /* 1. The ACPI reset register (ACPI 6.4, 4.8.3.6). */
    write_reset_register();
    /* 2. The keyboard controller's reset line: pulse output port bit 0. */
    for (int tries = 0; tries < 10; tries++) {
        for (int spin = 0; spin < 100000 && (inb(0x64) & 0x02); spin++)
            cpu_relax();
        outb(0xfe, 0x64);
        udelay(10000);
    }
    /* 3. A triple fault: no IDT, then an exception. */
    struct desc_ptr none = { 0, 0 };
    __asm__ volatile("lidt %0; int3" :: "m"(none));
    halt_forever();
}

void machine_poweroff(void)
{
    const struct power_regs *p = &power_regs;

    console_sync();
    local_irq_disable();
    if (!p->has_s5 || !p->pm1a_cnt) {
        printk(LOG_ERR "poweroff: firmware gives no ACPI S5 state; halting instead\n");
        halt_forever();
    }
    /* Firmware may still own the platform (legacy mode): ask it to hand the
     * PM registers over first (ACPI 6.4, 16.3.1). */
    if (!(inw(p->pm1a_cnt) & PM1_SCI_EN) && p->smi_cmd && p->acpi_enable) {
        outb(p->acpi_enable, p->smi_cmd);
        for (int i = 0; i < 300 && !(inw(p->pm1a_cnt) & PM1_SCI_EN); i++)
            udelay(10000);
    }
    uint16_t a = (inw(p->pm1a_cnt) & ~(7u << PM1_SLP_TYP_SHIFT)) |
                 ((p->slp_typa & 7u) << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN;
    if (p->pm1b_cnt) {
        uint16_t b = (inw(p->pm1b_cnt) & ~(7u << PM1_SLP_TYP_SHIFT)) |
                     ((p->slp_typb & 7u) << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN;
        outw(b, p->pm1b_cnt);
    }
    outw(a, p->pm1a_cnt);
    udelay(100000);
    printk(LOG_ERR "poweroff: the machine is still running; halting\n");
    halt_forever();
}
