/* SPDX-License-Identifier: GPL-2.0-only */
/* COM1's interrupt for the serial transmit ring (com1_irq.c). */
#ifndef ASM_COM1_IRQ_H
#define ASM_COM1_IRQ_H

struct acpi_info;

/* Routes ISA IRQ 4 (through its MADT override, if any) to VEC_COM1 on this
 * CPU and tells serial_tx.c to use it; without a suitable IOAPIC, nothing
 * changes (the tick sends). After console_start_async(). */
void com1_irq_init(const struct acpi_info *a);

#endif
