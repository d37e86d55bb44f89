/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's IOAPICs (asm/io_apic.h): the one place their registers are
 * read and written, the GSI -> (IOAPIC, pin) map, the MADT's ISA
 * overrides, and the GSIs the hypervisor keeps (COM1's, the PIT's).
 */
#include <asm/acpi.h>
#include <asm/io.h>
#include <asm/io_apic.h>
#include <asm/spinlock.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

#define PIT_ISA_IRQ     0
#define MAX_RESERVED    8

static struct io_apic apics[ACPI_MAX_IOAPICS];
static unsigned int nr_apics;
static struct acpi_iso isos[ACPI_MAX_ISOS];
static unsigned int nr_isos;
static struct {
    uint32_t gsi;
    const char *who;
} reserved[MAX_RESERVED];
static unsigned int nr_reserved;
/* IOREGSEL then IOWIN is two accesses: one CPU at a time. */
static spinlock_t reg_lock = SPINLOCK_INIT;

static uint32_t reg_read(paddr_t base, uint32_t index)
{
    mmio_write32(base + IOAPIC_REG_SELECT, index);
    return mmio_read32(base + IOAPIC_REG_WINDOW);
}

static void reg_write(paddr_t base, uint32_t index, uint32_t val)
{
    mmio_write32(base + IOAPIC_REG_SELECT, index);
    mmio_write32(base + IOAPIC_REG_WINDOW, val);
}

void io_apic_init(const struct acpi_info *a)
{
    uint64_t mode;

    for (unsigned int i = 0; i < a->nr_ioapics && nr_apics < ACPI_MAX_IOAPICS; i++) {
        struct io_apic *io = &apics[nr_apics++];

        io->base = a->ioapics[i].address;
        io->id = a->ioapics[i].id;
        io->gsi_base = a->ioapics[i].gsi_base;
        io->nr_pins = ((reg_read(io->base, IOAPIC_IDX_VER) >> 16) & 0xff) + 1;
        for (unsigned int pin = 0; pin < io->nr_pins; pin++)
            reg_write(io->base, IOAPIC_IDX_RTE(pin), RTE_MASKED);
        printk("ioapic: IOAPIC %u at %#llx: GSIs %u-%u, all masked\n", io->id,
               (unsigned long long)io->base, io->gsi_base, io->gsi_base + io->nr_pins - 1);
    }
    nr_isos = MIN(a->nr_isos, (unsigned int)ACPI_MAX_ISOS);
    memcpy(isos, a->isos, nr_isos * sizeof(isos[0]));
    /* The hypervisor calibrates the TSC with the PIT and keeps its ports;
     * dom0's clock is Xen's PV timer. */
    io_apic_reserve(io_apic_isa_gsi(PIT_ISA_IRQ, &mode), "the PIT");
}

unsigned int io_apic_count(void)
{
    return nr_apics;
}

const struct io_apic *io_apic_get(unsigned int i)
{
    return i < nr_apics ? &apics[i] : NULL;
}

uint32_t io_apic_isa_gsi(unsigned int irq, uint64_t *mode)
{
    *mode = 0;
    for (unsigned int i = 0; i < nr_isos; i++)
        if (isos[i].bus == 0 && isos[i].source == irq) {
            if (INTI_POLARITY(isos[i].flags) == INTI_LOW)
                *mode |= RTE_ACTIVE_LOW;
            if (INTI_TRIGGER(isos[i].flags) == INTI_LEVEL)
                *mode |= RTE_LEVEL;
            return isos[i].gsi;
        }
    return irq;
}

static const struct io_apic *find(uint32_t gsi, unsigned int *pin)
{
    for (unsigned int i = 0; i < nr_apics; i++)
        if (gsi >= apics[i].gsi_base && gsi - apics[i].gsi_base < apics[i].nr_pins) {
            *pin = gsi - apics[i].gsi_base;
            return &apics[i];
        }
    return NULL;
}

int io_apic_write_rte(uint32_t gsi, uint64_t rte)
{
    unsigned int pin;
    const struct io_apic *io = find(gsi, &pin);
    unsigned long flags;

    if (!io)
        return -ENOENT;
    flags = spin_lock_irqsave(&reg_lock);
    reg_write(io->base, IOAPIC_IDX_RTE(pin) + 1, (uint32_t)(rte >> 32));
    reg_write(io->base, IOAPIC_IDX_RTE(pin), (uint32_t)rte);
    spin_unlock_irqrestore(&reg_lock, flags);
    return 0;
}

int io_apic_set_masked(uint32_t gsi, bool masked)
{
    unsigned int pin;
    const struct io_apic *io = find(gsi, &pin);
    unsigned long flags;
    uint32_t low;

    if (!io)
        return -ENOENT;
    flags = spin_lock_irqsave(&reg_lock);
    low = reg_read(io->base, IOAPIC_IDX_RTE(pin));
    low = masked ? low | RTE_MASKED : low & ~(uint32_t)RTE_MASKED;
    reg_write(io->base, IOAPIC_IDX_RTE(pin), low);
    spin_unlock_irqrestore(&reg_lock, flags);
    return 0;
}

void io_apic_reserve(uint32_t gsi, const char *who)
{
    if (io_apic_reserved(gsi))
        return;
    if (nr_reserved == MAX_RESERVED)
        panic("ioapic: more than %u GSIs reserved", MAX_RESERVED);
    reserved[nr_reserved].gsi = gsi;
    reserved[nr_reserved].who = who;
    nr_reserved++;
    printk("ioapic: GSI %u is %s's, never a domain's\n", gsi, who);
}

const char *io_apic_reserved(uint32_t gsi)
{
    for (unsigned int i = 0; i < nr_reserved; i++)
        if (reserved[i].gsi == gsi)
            return reserved[i].who;
    return NULL;
}
