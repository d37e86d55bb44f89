/* SPDX-License-Identifier: GPL-2.0-only */
/* COM1's interrupt for the serial transmit ring (com1_irq.c). */
#ifndef ASM_COM1_IRQ_H
#define ASM_COM1_IRQ_H

/* Reserves ISA IRQ 4's GSI (through its MADT override, if any) for the
 * hypervisor, routes it to VEC_COM1 on this CPU and tells serial_tx.c to
 * use it; without a suitable IOAPIC, nothing changes (the tick sends).
 * After console_start_async() and io_apic_init(). */
void com1_irq_init(void);

#endif
