/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's IOAPICs (io_apic.c): their registers, which GSI is which pin,
 * the MADT's ISA overrides, and the GSIs the hypervisor keeps for itself.
 * Register layout: Intel 82093AA I/O APIC datasheet, section 3 (the vIOAPIC
 * of asm/vioapic.h has the same one).
 */
#ifndef ASM_IO_APIC_H
#define ASM_IO_APIC_H

#include <tessera/types.h>

/* The MMIO window (82093AA 3.1): an index register and a data window;
 * version 0x20 IOAPICs add an EOI register that takes a vector. */
#define IOAPIC_REG_SELECT   0x00
#define IOAPIC_REG_WINDOW   0x10
#define IOAPIC_REG_EOI      0x40

/* Indirect registers (82093AA 3.2). */
#define IOAPIC_IDX_ID       0x00
#define IOAPIC_IDX_VER      0x01        /* bits 23:16: highest redirection entry */
#define IOAPIC_IDX_ARB      0x02
#define IOAPIC_IDX_RTE(n)   (0x10 + 2 * (n))    /* low dword; high dword at +1 */

/* Redirection table entry (82093AA 3.2.4). */
#define RTE_VECTOR          0xffull
#define RTE_DM_SHIFT        8           /* delivery mode, bits 10:8 */
#define RTE_DEST_LOGICAL    (1ull << 11)
#define RTE_DELIV_STATUS    (1ull << 12)
#define RTE_ACTIVE_LOW      (1ull << 13)
#define RTE_REMOTE_IRR      (1ull << 14)
#define RTE_LEVEL           (1ull << 15)
#define RTE_MASKED          (1ull << 16)
#define RTE_DEST_SHIFT      56          /* destination, bits 63:56 */

/* MPS INTI flags of a MADT interrupt source override (ACPI 6.5, 5.2.12.5):
 * 0 in a field is the bus's default, which for ISA is active high, edge. */
#define INTI_POLARITY(f)    ((f) & 3)
#define INTI_TRIGGER(f)     (((f) >> 2) & 3)
#define INTI_LOW            3
#define INTI_LEVEL          3

struct acpi_info;

struct io_apic {
    paddr_t base;
    uint8_t id;
    uint32_t gsi_base;
    unsigned int nr_pins;           /* from its version register */
};

/* Records the MADT's IOAPICs and ISA overrides and masks every pin (the
 * firmware's routing is not ours). Before anything routes a pin. */
void io_apic_init(const struct acpi_info *a);
unsigned int io_apic_count(void);
const struct io_apic *io_apic_get(unsigned int i);

/* ISA IRQ irq's GSI and its RTE trigger/polarity bits (RTE_LEVEL,
 * RTE_ACTIVE_LOW), from the MADT override, else GSI irq, edge, high. */
uint32_t io_apic_isa_gsi(unsigned int irq, uint64_t *mode);

/* Writes the whole RTE of the pin that has gsi, high dword first, so the
 * destination is right before an unmask. 0, or -ENOENT: no IOAPIC has it. */
int io_apic_write_rte(uint32_t gsi, uint64_t rte);
/* Sets or clears the mask bit of gsi's pin. */
int io_apic_set_masked(uint32_t gsi, bool masked);

/* The hypervisor uses gsi itself: no domain is ever given it. */
void io_apic_reserve(uint32_t gsi, const char *who);
/* Who reserved gsi, or NULL. */
const char *io_apic_reserved(uint32_t gsi);

#endif
