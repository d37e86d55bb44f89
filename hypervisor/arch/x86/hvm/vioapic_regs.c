/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The IOAPIC's registers and pin logic, as a pure model (asm/vioapic.h):
 * no domain, no lock, no host pin; what reaches the outside goes through
 * s->ops, so host unit tests run it as it is. Section numbers: Intel
 * 82093AA I/O APIC datasheet.
 */
#include <asm/vioapic.h>
#include <tessera/lib.h>

void vioapic_reset(struct vioapic *s)
{
    s->ioregsel = 0;
    for (unsigned int i = 0; i < s->nr_pins; i++) {
        s->pins[i].rte = RTE_MASKED;
        s->pins[i].asserted = false;
    }
}

static void send(struct vioapic *s, unsigned int pin)
{
    uint64_t rte = s->pins[pin].rte;
    struct vioapic_msg m = {
        .pin = pin,
        .vector = (uint8_t)(rte & RTE_VECTOR),
        .mode = (enum vioapic_dm)((rte >> RTE_DM_SHIFT) & 7),
        .logical = rte & RTE_DEST_LOGICAL,
        .level = rte & RTE_LEVEL,
        .dest = (uint8_t)(rte >> RTE_DEST_SHIFT),
    };

    /* 3.2.4: a level interrupt sets remote IRR when the local APIC accepts
     * it; acceptance is immediate here. */
    if (m.level)
        s->pins[pin].rte |= RTE_REMOTE_IRR;
    s->ops->deliver(s, &m);
}

/* A level line is delivered while it is asserted, unmasked and not
 * waiting for an EOI. */
static void service_level(struct vioapic *s, unsigned int pin)
{
    uint64_t rte = s->pins[pin].rte;

    if ((rte & RTE_LEVEL) && s->pins[pin].asserted && !(rte & (RTE_MASKED | RTE_REMOTE_IRR)))
        send(s, pin);
}

static void clear_remote_irr(struct vioapic *s, unsigned int pin)
{
    s->pins[pin].rte &= ~RTE_REMOTE_IRR;
    s->ops->eoi(s, pin);
}

void vioapic_set_line(struct vioapic *s, unsigned int pin, bool asserted)
{
    bool was;

    if (pin >= s->nr_pins)
        return;
    was = s->pins[pin].asserted;
    s->pins[pin].asserted = asserted;
    if (s->pins[pin].rte & RTE_LEVEL)
        service_level(s, pin);
    else if (asserted && !was && !(s->pins[pin].rte & RTE_MASKED))
        send(s, pin);
}

void vioapic_eoi(struct vioapic *s, uint8_t vector)
{
    for (unsigned int i = 0; i < s->nr_pins; i++) {
        uint64_t rte = s->pins[i].rte;

        if ((rte & RTE_VECTOR) != vector || !(rte & RTE_REMOTE_IRR))
            continue;
        clear_remote_irr(s, i);
        service_level(s, i);    /* still asserted: again */
    }
}

static void write_rte(struct vioapic *s, unsigned int pin, bool high, uint32_t val)
{
    uint64_t old = s->pins[pin].rte, rte;

    if (high)
        rte = (old & 0xffffffffull) | ((uint64_t)val << 32);
    else
        rte = (old & ~0xffffffffull) | val;
    /* Remote IRR and delivery status are read-only; delivery status is
     * never set (delivery is immediate). */
    rte = (rte & RTE_WRITABLE) | (old & RTE_REMOTE_IRR);
    s->pins[pin].rte = rte;
    /* A pin switched from level to edge has no EOI to wait for: remote
     * IRR clears, which is how Linux EOIs a version 0x11 IOAPIC, which
     * has no EOI register (its io_apic.c, __eoi_ioapic_pin). */
    if ((old & RTE_LEVEL) && !(rte & RTE_LEVEL) && (rte & RTE_REMOTE_IRR)) {
        s->pins[pin].rte &= ~RTE_REMOTE_IRR;
        s->ops->eoi(s, pin);
    }
    s->ops->rte_written(s, pin);
    /* An asserted level line unmasked (or made level) is delivered now. */
    service_level(s, pin);
}

uint32_t vioapic_reg_read(const struct vioapic *s, unsigned int index)
{
    unsigned int pin;

    switch (index) {
    case IOAPIC_IDX_ID:
        return (uint32_t)s->id << 24;
    case IOAPIC_IDX_VER:
        return s->version | (s->nr_pins - 1) << 16;
    case IOAPIC_IDX_ARB:
        return (uint32_t)(s->id & 0xf) << 24;   /* 3.2.3: 4 bits */
    }
    pin = (index - IOAPIC_IDX_RTE(0)) / 2;
    if (index < IOAPIC_IDX_RTE(0) || pin >= s->nr_pins)
        return 0xffffffffu;
    return index & 1 ? (uint32_t)(s->pins[pin].rte >> 32) : (uint32_t)s->pins[pin].rte;
}

void vioapic_reg_write(struct vioapic *s, unsigned int index, uint32_t val)
{
    unsigned int pin;

    if (index == IOAPIC_IDX_ID) {
        s->id = (uint8_t)(val >> 24);
        return;
    }
    pin = (index - IOAPIC_IDX_RTE(0)) / 2;
    if (index < IOAPIC_IDX_RTE(0) || pin >= s->nr_pins)
        return;                 /* VER, ARB: read-only; the rest: nothing */
    write_rte(s, pin, index & 1, val);
}

uint64_t vioapic_mmio_read(struct vioapic *s, unsigned int off, unsigned int size)
{
    uint64_t val;

    switch (off) {
    case IOAPIC_REG_SELECT:
        val = s->ioregsel;
        break;
    case IOAPIC_REG_WINDOW:
        val = vioapic_reg_read(s, s->ioregsel);
        break;
    default:
        return 0;               /* EOI is write-only */
    }
    return size < 8 ? val & ((1ull << (size * 8)) - 1) : val;
}

void vioapic_mmio_write(struct vioapic *s, unsigned int off, unsigned int size, uint64_t val)
{
    if (off == IOAPIC_REG_SELECT) {
        s->ioregsel = (uint8_t)val;     /* 3.1.1: bits 7:0, the rest reserved */
        return;
    }
    if (size != 4 && size != 8)
        return;
    if (off == IOAPIC_REG_WINDOW)
        vioapic_reg_write(s, s->ioregsel, (uint32_t)val);
    else if (off == IOAPIC_REG_EOI && s->version >= VIOAPIC_VERSION_20)
        vioapic_eoi(s, (uint8_t)val);
}
