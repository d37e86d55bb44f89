/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PCI configuration access and enumeration. ECAM (PCIe base spec 7.2.2:
 * bus << 20 | dev << 15 | fn << 12 | reg) where MCFG describes it, the
 * legacy 0xCF8/0xCFC mechanism (PCI local bus spec 3.2.2.3.2) otherwise.
 */
#include <asm/io.h>
#include <asm/mm.h>
#include <asm/pci.h>
#include <asm/spinlock.h>
#include <tessera/lib.h>

#define PCI_VENDOR_ID       0x00
#define PCI_CLASS_REV       0x08
#define PCI_HEADER_TYPE     0x0c    /* byte 2 of dword 0x0c */
#define PCI_SECONDARY_BUS   0x18    /* byte 1 of dword 0x18 (type 1 header) */
#define HEADER_MULTIFUNC    0x80
#define HEADER_BRIDGE       0x01

struct pci_func pci_funcs[PCI_MAX_FUNCS];
unsigned int nr_pci_funcs;
static struct pci_ecam_region ecam_regions[8];
static unsigned int nr_ecam_regions;

static const struct pci_ecam_region *ecam_for(uint16_t seg, uint8_t bus)
{
    for (unsigned int i = 0; i < nr_ecam_regions; i++) {
        const struct pci_ecam_region *r = &ecam_regions[i];
        if (r->segment == seg && bus >= r->start_bus && bus <= r->end_bus)
            return r;
    }
    return NULL;
}

/* The machine address of a register through ECAM, or 0. */
static paddr_t ecam_addr(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t reg)
{
    const struct pci_ecam_region *r = ecam_for(seg, bus);

    if (!r)
        return 0;
    return r->base + ((paddr_t)(bus - r->start_bus) << 20) + ((paddr_t)dev << 15) +
           ((paddr_t)fn << 12) + reg;
}

/* The 0xCF8 latch is one per machine: the hypervisor's CPUs take turns. */
static spinlock_t cf8_lock = SPINLOCK_INIT;

static void cf8_select(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t reg)
{
    outl(0x80000000u | (bus << 16) | (dev << 11) | (fn << 8) | (reg & 0xfc), 0xcf8);
}

uint32_t pci_conf_read(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t reg,
                       unsigned int size)
{
    paddr_t a = ecam_addr(seg, bus, dev, fn, reg & 0xfff);
    unsigned long flags;
    uint32_t v;

    if (a)
        return size == 1 ? mmio_read8(a) : size == 2 ? mmio_read16(a) : mmio_read32(a);
    if (seg != 0 || reg > 0xff)
        return size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff;
    flags = spin_lock_irqsave(&cf8_lock);
    cf8_select(bus, dev, fn, reg);
    v = size == 1 ? inb(0xcfc + (reg & 3)) : size == 2 ? inw(0xcfc + (reg & 2)) : inl(0xcfc);
    spin_unlock_irqrestore(&cf8_lock, flags);
    return v;
}

void pci_conf_write(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t reg,
                    unsigned int size, uint32_t val)
{
    paddr_t a = ecam_addr(seg, bus, dev, fn, reg & 0xfff);
    unsigned long flags;

    if (a) {
        if (size == 1)
            mmio_write8(a, val);
        else if (size == 2)
            mmio_write16(a, val);
        else
            mmio_write32(a, val);
        return;
    }
    if (seg != 0 || reg > 0xff)
        return;
    flags = spin_lock_irqsave(&cf8_lock);
    cf8_select(bus, dev, fn, reg);
    if (size == 1)
        outb(val, 0xcfc + (reg & 3));
    else if (size == 2)
        outw(val, 0xcfc + (reg & 2));
    else
        outl(val, 0xcfc);
    spin_unlock_irqrestore(&cf8_lock, flags);
}

uint32_t pci_conf_read32(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t reg)
{
    return pci_conf_read(seg, bus, dev, fn, reg & 0xffc, 4);
}

const struct pci_ecam_region *pci_ecam_windows(unsigned int *nr)
{
    *nr = nr_ecam_regions;
    return ecam_regions;
}

static const char *class_name(uint8_t cls, uint8_t sub)
{
    switch (cls) {
    case 0x01: return sub == 0x06 ? "SATA controller" : sub == 0x08 ? "NVMe controller"
                                                                    : "storage controller";
    case 0x02: return "network controller";
    case 0x03: return "display controller";
    case 0x04: return "multimedia controller";
    case 0x06: return sub == 0x00 ? "host bridge" : sub == 0x01 ? "ISA bridge"
                    : sub == 0x04 ? "PCI bridge" : "bridge";
    case 0x08: return sub == 0x06 ? "IOMMU" : "system peripheral";
    case 0x0c: return sub == 0x03 ? "USB controller" : sub == 0x05 ? "SMBus controller"
                                                                   : "serial bus controller";
    default:   return "device";
    }
}

static void scan_bus(uint16_t seg, uint8_t bus, uint8_t *visited);

static void record(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint32_t id,
                   uint8_t *visited)
{
    uint32_t class_rev = pci_conf_read32(seg, bus, dev, fn, PCI_CLASS_REV);
    uint8_t header = pci_conf_read32(seg, bus, dev, fn, PCI_HEADER_TYPE) >> 16;

    printk("pci: %04x:%02x:%02x.%u [%04x:%04x] class %06x %s\n", seg, bus, dev, fn,
           id & 0xffff, id >> 16, class_rev >> 8, class_name(class_rev >> 24, class_rev >> 16));
    if (nr_pci_funcs < PCI_MAX_FUNCS)
        pci_funcs[nr_pci_funcs++] = (struct pci_func){
            seg, bus, dev, fn, id & 0xffff, id >> 16, class_rev, header };
    if ((header & 0x7f) == HEADER_BRIDGE) {
        uint8_t secondary = pci_conf_read32(seg, bus, dev, fn, PCI_SECONDARY_BUS) >> 8;
        if (secondary > bus)
            scan_bus(seg, secondary, visited);
    }
}

static void scan_bus(uint16_t seg, uint8_t bus, uint8_t *visited)
{
    if (visited[bus])
        return;     /* a misprogrammed bridge must not send us round in circles */
    visited[bus] = 1;
    for (uint8_t dev = 0; dev < 32; dev++) {
        uint32_t id = pci_conf_read32(seg, bus, dev, 0, PCI_VENDOR_ID);
        if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
            continue;
        uint8_t header = pci_conf_read32(seg, bus, dev, 0, PCI_HEADER_TYPE) >> 16;
        record(seg, bus, dev, 0, id, visited);
        if (!(header & HEADER_MULTIFUNC))
            continue;
        for (uint8_t fn = 1; fn < 8; fn++) {
            id = pci_conf_read32(seg, bus, dev, fn, PCI_VENDOR_ID);
            if ((id & 0xffff) != 0xffff && (id & 0xffff) != 0)
                record(seg, bus, dev, fn, id, visited);
        }
    }
}

void pci_init(const struct pci_ecam_region *ecam, unsigned int nr_ecam)
{
    static uint8_t visited[256];

    /* Use only ECAM windows the page tables map (all of them sit below
     * 4 GiB on the machines we know; a window above would need mapping). */
    for (unsigned int i = 0; i < nr_ecam; i++) {
        const struct pci_ecam_region *r = &ecam[i];
        uint64_t size = (uint64_t)(r->end_bus - r->start_bus + 1) << 20;
        if (r->end_bus >= r->start_bus && mm_range_mapped(r->base, size) &&
            nr_ecam_regions < ARRAY_SIZE(ecam_regions))
            ecam_regions[nr_ecam_regions++] = *r;
        else
            printk(LOG_WARN "pci: ECAM window at %#llx not usable, ignored\n",
                   (unsigned long long)r->base);
    }
    printk("pci: configuration access through %s\n",
           nr_ecam_regions ? "ECAM (MCFG)" : "ports 0xcf8/0xcfc");
    memset(visited, 0, sizeof(visited));
    scan_bus(0, nr_ecam_regions ? ecam_regions[0].start_bus : 0, visited);
    /* If the host bridge is multi-function, function N is the host bridge
     * for bus N (PCI firmware convention, as on some chipsets). */
    uint8_t hb_header = pci_conf_read32(0, 0, 0, 0, PCI_HEADER_TYPE) >> 16;
    if (hb_header & HEADER_MULTIFUNC)
        for (uint8_t fn = 1; fn < 8; fn++)
            if ((pci_conf_read32(0, 0, 0, fn, PCI_CLASS_REV) >> 16) == 0x0600)
                scan_bus(0, fn, visited);
    printk("pci: %u functions found\n", nr_pci_funcs);
}
