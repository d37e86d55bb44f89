/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * COM1's interrupt (ISA IRQ 4) through the IOAPIC to VEC_COM1 on the boot
 * CPU, for the serial transmit ring (drivers/char/serial_tx.c): the UART
 * says when its transmitter is empty instead of a tick asking. The
 * hypervisor's only own IOAPIC line (io_apic.c does the register work);
 * the 8259s stay masked (apic.c). Without an IOAPIC that has the line,
 * the tick does the work.
 */
#include <asm/apic.h>
#include <asm/com1_irq.h>
#include <asm/io_apic.h>
#include <asm/percpu.h>
#include <asm/regs.h>
#include <tessera/lib.h>
#include <tessera/serial.h>

#define COM1_ISA_IRQ    4

static void com1_interrupt(struct cpu_regs *regs)
{
    serial_tx_interrupt();
    apic_eoi();
}

void com1_irq_init(void)
{
    uint32_t apic_id = this_cpu()->apic_id;
    uint64_t rte;
    uint32_t gsi = io_apic_isa_gsi(COM1_ISA_IRQ, &rte);

    /* The hypervisor owns COM1, whether or not its interrupt is used. */
    io_apic_reserve(gsi, "COM1");
    /* An xAPIC-format destination has 8 bits; more needs interrupt
     * remapping, which we do not set up. */
    if (apic_id > 0xff) {
        printk("serial: boot CPU's APIC id %u too big for the IOAPIC; COM1 output on a tick\n",
               apic_id);
        return;
    }
    rte |= VEC_COM1 | (uint64_t)apic_id << RTE_DEST_SHIFT;  /* fixed, physical */
    set_irq_handler(VEC_COM1, com1_interrupt);
    if (io_apic_write_rte(gsi, rte)) {
        set_irq_handler(VEC_COM1, NULL);
        printk("serial: no IOAPIC has GSI %u (COM1); output on a tick\n", gsi);
        return;
    }
    printk("serial: COM1 interrupt is GSI %u%s%s, vector %#x\n", gsi,
           rte & RTE_LEVEL ? ", level" : "", rte & RTE_ACTIVE_LOW ? ", active low" : "",
           VEC_COM1);
    serial_tx_use_interrupt();
}
