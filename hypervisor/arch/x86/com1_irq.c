/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * COM1's interrupt (ISA IRQ 4) through the IOAPIC to VEC_COM1 on the boot
 * CPU, for the serial transmit ring (drivers/char/serial_tx.c): the UART
 * says when its transmitter is empty instead of a tick asking. Only this
 * one line is routed; the 8259s stay masked (apic.c). Without an IOAPIC
 * that has the line, the tick does the work.
 */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/com1_irq.h>
#include <asm/io.h>
#include <asm/percpu.h>
#include <asm/regs.h>
#include <tessera/lib.h>
#include <tessera/serial.h>

#define COM1_ISA_IRQ    4

/* IOAPIC registers (82093AA datasheet, 3.2): an index, then a window. */
#define IOREGSEL        0x00
#define IOWIN           0x10
#define IOAPICVER       0x01        /* bits 23:16: highest redirection entry */
#define IOREDTBL(n)     (0x10 + 2 * (n))
#define RTE_LOW_ACTIVE  (1u << 13)
#define RTE_LEVEL       (1u << 15)
#define RTE_MASKED      (1u << 16)

/* MPS INTI flags (ACPI 6.4, 5.2.12.5): 0 in a field is the bus's default,
 * which for ISA is active high, edge. */
#define INTI_POLARITY(f)    ((f) & 3)
#define INTI_TRIGGER(f)     (((f) >> 2) & 3)
#define INTI_LOW            3
#define INTI_LEVEL          3

static uint32_t ioapic_read(paddr_t base, uint32_t reg)
{
    mmio_write32(base + IOREGSEL, reg);
    return mmio_read32(base + IOWIN);
}

static void ioapic_write(paddr_t base, uint32_t reg, uint32_t val)
{
    mmio_write32(base + IOREGSEL, reg);
    mmio_write32(base + IOWIN, val);
}

static void com1_interrupt(struct cpu_regs *regs)
{
    serial_tx_interrupt();
    apic_eoi();
}

void com1_irq_init(const struct acpi_info *a)
{
    uint32_t gsi = COM1_ISA_IRQ, apic_id = this_cpu()->apic_id;
    uint16_t flags = 0;

    for (unsigned int i = 0; i < a->nr_isos; i++)
        if (a->isos[i].bus == 0 && a->isos[i].source == COM1_ISA_IRQ) {
            gsi = a->isos[i].gsi;
            flags = a->isos[i].flags;
        }
    /* An xAPIC-format destination has 8 bits; more needs interrupt
     * remapping, which we do not set up. */
    if (apic_id > 0xff) {
        printk("serial: boot CPU's APIC id %u too big for the IOAPIC; COM1 output on a tick\n",
               apic_id);
        return;
    }
    for (unsigned int i = 0; i < a->nr_ioapics; i++) {
        paddr_t base = a->ioapics[i].address;
        uint32_t first = a->ioapics[i].gsi_base;
        uint32_t last = first + ((ioapic_read(base, IOAPICVER) >> 16) & 0xff);
        if (gsi < first || gsi > last)
            continue;
        uint32_t pin = gsi - first;
        uint32_t low = VEC_COM1;    /* fixed delivery, physical destination */
        if (INTI_POLARITY(flags) == INTI_LOW)
            low |= RTE_LOW_ACTIVE;
        if (INTI_TRIGGER(flags) == INTI_LEVEL)
            low |= RTE_LEVEL;
        set_irq_handler(VEC_COM1, com1_interrupt);
        ioapic_write(base, IOREDTBL(pin) + 1, apic_id << 24);
        ioapic_write(base, IOREDTBL(pin), low);
        printk("serial: COM1 interrupt is GSI %u (IOAPIC %u pin %u%s%s), vector %#x\n", gsi,
               a->ioapics[i].id, pin, low & RTE_LEVEL ? ", level" : "",
               low & RTE_LOW_ACTIVE ? ", active low" : "", VEC_COM1);
        serial_tx_use_interrupt();
        return;
    }
    printk("serial: no IOAPIC has GSI %u (COM1); output on a tick\n", gsi);
}
