/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control domain's ports at run time: its own I/O permission bitmap,
 * built from the policy in dom0_ports.c, and the ports the hypervisor
 * mediates. A mediated access is performed on the machine as dom0 made
 * it, except the parts that would take the machine from the hypervisor:
 *
 *  - RTC index 0x70: bit 7 masks NMIs; it stays clear.
 *  - i8042 command 0x64: a command 0xf0-0xff with bit 0 clear pulses the
 *    output port's reset line (the 8042's command set) -> host reboot.
 *  - 0xcf9 reset control (byte access): RST_CPU (bit 2) -> host reboot;
 *    other writes are dropped, as Xen denies the port to dom0.
 *  - PM1a/b control: SLP_EN (bit 13) with the \_S5_ sleep type -> host
 *    power-off; another sleep state is refused (the write is dropped, the
 *    machine does not sleep); any other write goes to the machine
 *    (ACPI 6.4, 4.8.3.2.1).
 *
 * Other domains keep running until the machine stops: the hypervisor's own
 * reboot and power-off (shutdown.c) are what a host request turns into.
 */
#include <asm/dom0_io.h>
#include <asm/io.h>
#include <asm/shutdown.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/heap.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include <tessera/serial.h>

/* 3 pages: SVM's IOPM is 12 KiB (APM2 15.10.1), the bits past port 0xffff
 * catching accesses that wrap; VMX uses the first two as bitmaps A and B
 * (SDM vol. 3 25.6.4). Allocated as an order-2 block. */
#define BITMAP_ORDER    2

struct dom0_io {
    paddr_t bitmap_pa;
    uint8_t *bitmap;
};

#define PM1_SLP_EN          (1u << 13)
#define PM1_SLP_TYP_SHIFT   10
#define RTC_NMI_MASK        0x80
#define RESET_CTL_RST_CPU   0x04

static struct dom0_io_host host_ports(void)
{
    return (struct dom0_io_host){
        .uart_base = serial_io_base(),
        .pm1a_cnt = power_regs.pm1a_cnt <= 0xfffe ? (uint16_t)power_regs.pm1a_cnt : 0,
        .pm1b_cnt = power_regs.pm1b_cnt <= 0xfffe ? (uint16_t)power_regs.pm1b_cnt : 0,
    };
}

int dom0_io_domain_init(struct domain *d)
{
    struct dom0_io *io = xzalloc(sizeof(*io));
    struct dom0_io_host h = host_ports();

    if (!io)
        return -ENOMEM;
    io->bitmap_pa = alloc_pages(BITMAP_ORDER, 0);
    if (!io->bitmap_pa) {
        xfree(io);
        return -ENOMEM;
    }
    io->bitmap = phys_to_virt(io->bitmap_pa);
    memset(io->bitmap, 0xff, PAGE_SIZE << BITMAP_ORDER);
    dom0_io_bitmap_fill(&h, io->bitmap);
    /* Ports claimed before this (none today) must keep exiting. */
    for (unsigned int i = 0; i < d->arch.nr_ioports; i++)
        dom0_io_trap(d, d->arch.ioports[i].port, d->arch.ioports[i].count);
    d->arch.dom0_io = io;
    printk("dom %s: machine I/O ports passed through but the hypervisor's "
           "(UART %#x, PM1 control %#x/%#x mediated)\n", d->name, h.uart_base,
           h.pm1a_cnt, h.pm1b_cnt);
    return 0;
}

void dom0_io_domain_destroy(struct domain *d)
{
    struct dom0_io *io = d->arch.dom0_io;

    if (!io)
        return;
    free_pages(io->bitmap_pa, BITMAP_ORDER);
    xfree(io);
    d->arch.dom0_io = NULL;
}

paddr_t dom0_io_bitmap(const struct domain *d)
{
    return d->arch.dom0_io ? d->arch.dom0_io->bitmap_pa : 0;
}

void dom0_io_trap(struct domain *d, uint16_t port, unsigned int count)
{
    struct dom0_io *io = d->arch.dom0_io;

    if (!io)
        return;
    for (unsigned int p = port; p < (unsigned int)port + count && p < 0x10000; p++)
        __atomic_or_fetch(&io->bitmap[p / 8], (uint8_t)(1u << (p % 8)), __ATOMIC_RELAXED);
}

static uint32_t port_in(uint16_t port, unsigned int size)
{
    return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
}

static void port_out(uint16_t port, unsigned int size, uint32_t val)
{
    if (size == 1)
        outb((uint8_t)val, port);
    else if (size == 2)
        outw((uint16_t)val, port);
    else
        outl(val, port);
}

static __noreturn void host_power(struct vcpu *v, bool reboot, const char *how)
{
    struct domain *d = v->domain;

    printk("dom %s: asks for a host %s (%s): %s the machine\n", d->name,
           reboot ? "reboot" : "power-off", how, reboot ? "rebooting" : "powering off");
    /* Its exit counts, as a domain's end would print them. */
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        arch_vcpu_print_stats(d->vcpus[i]);
    if (reboot)
        machine_reboot();
    machine_poweroff();
}

static bool sleep_refused;          /* reported once, whatever dom0 does */

/* A write of val (size bytes at port) into the PM1 control block at cnt:
 * true if it is to be dropped rather than reach the machine. */
static bool pm1_write(struct vcpu *v, uint16_t cnt, uint8_t s5_type, uint16_t port,
                      uint32_t val)
{
    uint32_t reg = port == cnt ? val : val << 8;    /* the 16-bit register's view */

    if (!(reg & PM1_SLP_EN))
        return false;
    if (power_regs.has_s5 && ((reg >> PM1_SLP_TYP_SHIFT) & 7) == s5_type)
        host_power(v, false, "ACPI S5");
    if (!__atomic_exchange_n(&sleep_refused, true, __ATOMIC_RELAXED))
        printk(LOG_WARN "dom %s: asked for ACPI sleep type %u: not supported, ignored "
               "(said once)\n", v->domain->name, (reg >> PM1_SLP_TYP_SHIFT) & 7);
    return true;
}

static bool in_pm1(uint16_t cnt, uint16_t port)
{
    return cnt && port >= cnt && (unsigned int)(port - cnt) < 2;
}

bool dom0_io_mediate(struct vcpu *v, uint16_t port, unsigned int size, bool in,
                     uint32_t *val)
{
    struct dom0_io_host h = host_ports();

    if (!v->domain->arch.dom0_io || dom0_port_use(&h, port) != DOM0_PORT_MEDIATE)
        return false;
    if (port == 0xcf9 && size != 1)
        return false;               /* a config-space access: vPCI's */
    if (in) {
        *val = port_in(port, size);
        return true;
    }
    if (port == 0x70) {
        *val &= ~(uint32_t)RTC_NMI_MASK;
    } else if (port == 0x64) {
        if ((*val & 0xf0) == 0xf0 && !(*val & 1))
            host_power(v, true, "i8042 reset line");
    } else if (port == 0xcf9) {
        if (*val & RESET_CTL_RST_CPU)
            host_power(v, true, "reset control 0xcf9");
        return true;
    } else if (in_pm1(h.pm1a_cnt, port) || in_pm1(h.pm1b_cnt, port)) {
        uint16_t cnt = in_pm1(h.pm1a_cnt, port) ? h.pm1a_cnt : h.pm1b_cnt;
        uint8_t typ = cnt == h.pm1a_cnt ? power_regs.slp_typa : power_regs.slp_typb;
        if (pm1_write(v, cnt, typ, port, *val))
            return true;
    }
    port_out(port, size, *val);
    return true;
}
