/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hardware domain's virtual IOAPICs: one per host IOAPIC, at the same
 * address, with the same ID, GSI base and number of pins (docs/dom0-interrupts.md).
 * Register layout: Intel 82093AA I/O APIC datasheet, section 3; the EOI
 * register is that of the version 0x20 IOAPICs (ICH/PCH datasheets).
 *
 * vioapic_regs.c is the register model: pure functions of struct vioapic
 * and three callbacks, compiled into host unit tests as well. vioapic.c
 * connects it to the domain: the MMIO window, the vLAPIC EOI, and the host
 * pins (gsi_route.h) behind each virtual pin.
 */
#ifndef ASM_VIOAPIC_H
#define ASM_VIOAPIC_H

#include <asm/io_apic.h>
#include <tessera/types.h>

#define VIOAPIC_WINDOW_LEN  0x100

/* Versions: 0x11 (82093AA), or 0x20, which adds the EOI register. */
#define VIOAPIC_VERSION_11  0x11u
#define VIOAPIC_VERSION_20  0x20u
/* IOREGSEL has 8 bits, so indexes 0x10-0xff reach 120 redirection entries. */
#define VIOAPIC_MAX_PINS    120
/* RTE bits a guest may write: vector, delivery and destination mode,
 * polarity, trigger, mask, destination (82093AA 3.2.4). */
#define RTE_WRITABLE        (0x1afffull | (0xffull << RTE_DEST_SHIFT))

enum vioapic_dm {
    VIOAPIC_DM_FIXED = 0, VIOAPIC_DM_LOWEST = 1, VIOAPIC_DM_SMI = 2, VIOAPIC_DM_NMI = 4,
    VIOAPIC_DM_INIT = 5, VIOAPIC_DM_EXTINT = 7,
};

/* An interrupt message the vIOAPIC sends (its RTE at the time). */
struct vioapic_msg {
    unsigned int pin;
    uint8_t vector;
    enum vioapic_dm mode;
    bool logical;
    bool level;
    uint8_t dest;
};

struct vioapic;

/* Called by the model with the caller's lock held. */
struct vioapic_ops {
    /* Send a message to the local APICs. */
    void (*deliver)(struct vioapic *s, const struct vioapic_msg *m);
    /* The guest wrote pin's RTE (mask, trigger, polarity, vector...). */
    void (*rte_written)(struct vioapic *s, unsigned int pin);
    /* pin's remote IRR was cleared: a local-APIC EOI, the EOI register, or
     * a level->edge switch of its RTE. Before the model looks at the line
     * again (a still-asserted level line is then re-delivered). */
    void (*eoi)(struct vioapic *s, unsigned int pin);
};

struct vioapic_pin {
    uint64_t rte;
    bool asserted;                  /* the input line, polarity applied */
};

struct vioapic {
    uint8_t version;                /* VIOAPIC_VERSION_*: its VER register */
    uint8_t id;                     /* the ID register's bits 31:24 */
    uint8_t ioregsel;
    uint32_t gsi_base;
    unsigned int nr_pins;           /* 1 to VIOAPIC_MAX_PINS */
    const struct vioapic_ops *ops;
    void *ctx;                      /* the caller's */
    struct vioapic_pin *pins;       /* nr_pins of them */
};

/* ---- register model (vioapic_regs.c, host-testable) ---- */

/* Power-up state: every RTE masked, edge, vector 0; lines deasserted. The
 * caller has set version, id, gsi_base, nr_pins, ops, ctx and pins. */
void vioapic_reset(struct vioapic *s);
/* An access of size 1, 2, 4 or 8 bytes at offset off in the window. The
 * registers are dwords at 0x00, 0x10 and (version 0x20) 0x40; a read that starts at one
 * returns it (truncated to size, zero-extended for 8 bytes); a write that
 * starts at IOREGSEL sets its 8 bits whatever its size, one of 4 or 8 bytes
 * at IOWIN or EOI writes the low dword. Everything else reads 0 and is
 * dropped. */
uint64_t vioapic_mmio_read(struct vioapic *s, unsigned int off, unsigned int size);
void vioapic_mmio_write(struct vioapic *s, unsigned int off, unsigned int size, uint64_t val);
/* Indirect register access through the window (index = IOREGSEL).
 * Indexes that name nothing read all ones and ignore writes. */
uint32_t vioapic_reg_read(const struct vioapic *s, unsigned int index);
void vioapic_reg_write(struct vioapic *s, unsigned int index, uint32_t val);
/* The line into pin changes level. Edge: a rising edge on an unmasked pin
 * is delivered (a masked one is lost). Level: an asserted, unmasked line
 * with remote IRR clear is delivered and sets remote IRR. */
void vioapic_set_line(struct vioapic *s, unsigned int pin, bool asserted);
/* A local APIC EOI'd vector (or a version 0x20's EOI register was
 * written): every pin with that vector and remote IRR set has it cleared. */
void vioapic_eoi(struct vioapic *s, uint8_t vector);

/* ---- the hardware domain's vIOAPICs (vioapic.c) ---- */

struct domain;

/* arch_domain_create: for the hardware domain, one vIOAPIC per host
 * IOAPIC, registered at its address; nothing for other domains. */
int vioapic_domain_init(struct domain *d);
/* arch_domain_destroy: the host pins it bound are masked and released. */
void vioapic_domain_destroy(struct domain *d);
/* The vLAPIC EOI'd a level-triggered vector (vlapic.c). */
void vioapic_eoi_vector(struct domain *d, uint8_t vector);

#endif
