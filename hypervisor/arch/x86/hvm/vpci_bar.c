/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vPCI BARs and the command register (asm/vpci.h): the memory BARs of a
 * function are sized once, tracked as dom0 moves them, and identity-mapped
 * into dom0's p2m exactly while the function decodes memory, except over
 * RAM or hypervisor-owned MMIO and except the MSI-X table and PBA pages.
 * As in Xen (xen/drivers/vpci/header.c), a memory BAR accepts writes only
 * while decoding is off: sizing works, a mapped BAR never moves under its
 * mapping. I/O BARs are the device's alone (ports are not remapped).
 */
#include <asm/vpci.h>
#include <tessera/lib.h>

#define PAGE_4K         0x1000ull
#define GPA_LIMIT       (1ull << 48)    /* P2M_GFN_BITS + 12 */

static unsigned int nr_bars(const struct vpci_dev *dev)
{
    return dev->header_type == 0 ? 6 : dev->header_type == 1 ? 2 : 0;
}

static unsigned int bar_reg(const struct vpci_dev *dev, unsigned int i)
{
    if (i == VPCI_ROM)
        return dev->header_type == 1 ? PCI_ROM_TYPE1 : PCI_ROM_TYPE0;
    return PCI_BAR0 + 4 * i;
}

/* Writes all ones, reads the mask back, restores (PCI 3.0 6.2.5.1). */
static uint32_t size_mask(struct vpci *vp, uint32_t sbdf, unsigned int reg, uint32_t ones,
                          uint32_t orig)
{
    uint32_t m;

    vp->hw->conf_write(sbdf, reg, 4, ones);
    m = vp->hw->conf_read(sbdf, reg, 4);
    vp->hw->conf_write(sbdf, reg, 4, orig);
    return m;
}

void vpci_bars_init(struct vpci *vp, struct vpci_dev *dev)
{
    const struct vpci_hw *hw = vp->hw;
    uint32_t sbdf = dev->sbdf;
    uint16_t cmd = hw->conf_read(sbdf, PCI_COMMAND, 2);

    /* Memory decoding off while a BAR holds its size mask, or the device
     * would answer at addresses it does not own. I/O decoding stays: I/O
     * BARs are not sized, and a bridge's I/O decode may carry the
     * hypervisor's own UART. */
    if (cmd & PCI_COMMAND_MEMORY)
        hw->conf_write(sbdf, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_MEMORY);
    for (unsigned int i = 0; i < nr_bars(dev); i++) {
        struct vpci_bar *bar = &dev->bars[i];
        uint32_t lo = hw->conf_read(sbdf, bar_reg(dev, i), 4), hi = 0;
        uint64_t mask;
        bool is64 = (lo & 0x7) == PCI_BAR_MEM_64;

        if (lo & PCI_BAR_IO)
            continue;
        if (is64 && i + 1 == nr_bars(dev))
            continue;       /* a 64-bit BAR without its upper half: broken */
        mask = size_mask(vp, sbdf, bar_reg(dev, i), 0xffffffffu, lo) & PCI_BAR_MEM_MASK;
        if (is64) {
            hi = hw->conf_read(sbdf, bar_reg(dev, i + 1), 4);
            mask |= (uint64_t)size_mask(vp, sbdf, bar_reg(dev, i + 1), 0xffffffffu, hi) << 32;
        } else if (mask) {
            mask |= 0xffffffff00000000ull;
        }
        if (!mask) {
            i += is64;
            continue;       /* unimplemented */
        }
        bar->type = is64 ? VPCI_BAR_MEM64_LO : VPCI_BAR_MEM32;
        bar->size = ~mask + 1;
        bar->addr = ((uint64_t)hi << 32) | (lo & PCI_BAR_MEM_MASK);
        if (is64)
            dev->bars[++i].type = VPCI_BAR_MEM64_HI;
    }
    if (dev->header_type <= 1) {
        struct vpci_bar *rom = &dev->bars[VPCI_ROM];
        uint32_t lo = hw->conf_read(sbdf, bar_reg(dev, VPCI_ROM), 4);
        uint32_t m = size_mask(vp, sbdf, bar_reg(dev, VPCI_ROM), PCI_ROM_MASK,
                               lo) & PCI_ROM_MASK;

        if (m) {
            rom->type = VPCI_BAR_ROM;
            rom->size = (uint32_t)(~m + 1);
            rom->addr = lo & PCI_ROM_MASK;
        }
    }
    if (cmd & PCI_COMMAND_MEMORY)
        hw->conf_write(sbdf, PCI_COMMAND, 2, cmd);
}

const char *vpci_bar_forbidden(const struct vpci *vp, uint64_t addr, uint64_t size)
{
    if (!addr || !size || addr + size < addr || addr + size > GPA_LIMIT)
        return "an invalid address";
    for (unsigned int i = 0; i < vp->nr_forbidden; i++) {
        const struct vpci_forbidden *f = &vp->forbidden[i];
        if (addr < f->base + f->len && f->base < addr + size)
            return f->what;
    }
    return vp->hw->mmio_denied(addr, size);
}

static void log_bar(struct vpci_dev *dev, unsigned int i, const char *what)
{
    const struct vpci_bar *bar = &dev->bars[i];

    vpci_warn(dev, "%s%u [%#llx-%#llx] over %s: not mapped", i == VPCI_ROM ? "ROM" : "BAR",
              i == VPCI_ROM ? 0 : i, (unsigned long long)bar->addr,
              (unsigned long long)(bar->addr + bar->size - 1), what);
}

/* Identity-maps BAR i page by page in runs that skip MSI-X table and PBA
 * pages: its own, and another function's that dom0 put the BAR over. */
static int map_bar(struct vpci *vp, struct vpci_dev *dev, unsigned int i)
{
    const struct vpci_bar *bar = &dev->bars[i];
    uint64_t first = bar->addr / PAGE_4K, end = (bar->addr + bar->size + PAGE_4K - 1) / PAGE_4K;
    uint64_t run = first;

    for (uint64_t f = first; f <= end; f++) {
        bool skip = f < end && vpci_msix_owns(vp, f * PAGE_4K);
        int rc;

        if (f < end && !skip)
            continue;
        if (f > run) {
            rc = vp->hw->p2m_identity(vp->ctx, run, f - run, true);
            if (rc)
                return rc;
        }
        run = f + 1;
    }
    return 0;
}

static void decode_one(struct vpci *vp, struct vpci_dev *dev, unsigned int i, bool on)
{
    struct vpci_bar *bar = &dev->bars[i];
    uint64_t first = bar->addr / PAGE_4K;
    uint64_t nr = (bar->addr + bar->size + PAGE_4K - 1) / PAGE_4K - first;
    const char *why;
    int rc;

    if (!on) {
        if (bar->mapped)
            vp->hw->p2m_identity(vp->ctx, first, nr, false);
        bar->mapped = false;
        return;
    }
    if (bar->mapped)
        return;
    why = vpci_bar_forbidden(vp, bar->addr, bar->size);
    if (why) {
        log_bar(dev, i, why);
        return;
    }
    rc = map_bar(vp, dev, i);
    if (rc) {
        log_bar(dev, i, "a p2m failure");
        vp->hw->p2m_identity(vp->ctx, first, nr, false);
        return;
    }
    bar->mapped = true;
}

void vpci_bars_decode(struct vpci *vp, struct vpci_dev *dev, bool on)
{
    bool rom_on = on && dev->bars[VPCI_ROM].type == VPCI_BAR_ROM &&
                  (vp->hw->conf_read(dev->sbdf, bar_reg(dev, VPCI_ROM), 4) & PCI_ROM_ENABLE);

    if (on)
        vpci_msix_place(vp, dev);
    for (unsigned int i = 0; i < VPCI_NR_BARS; i++) {
        enum vpci_bar_type t = dev->bars[i].type;

        if (t == VPCI_BAR_MEM32 || t == VPCI_BAR_MEM64_LO)
            decode_one(vp, dev, i, on);
        else if (t == VPCI_BAR_ROM)
            decode_one(vp, dev, i, rom_on);
    }
}

void vpci_command_write(struct vpci *vp, struct vpci_dev *dev, uint16_t val)
{
    uint16_t old = vp->hw->conf_read(dev->sbdf, PCI_COMMAND, 2);

    if ((val & PCI_COMMAND_MEMORY) && !(old & PCI_COMMAND_MEMORY))
        vpci_bars_decode(vp, dev, true);
    vp->hw->conf_write(dev->sbdf, PCI_COMMAND, 2, val);
    if (!(val & PCI_COMMAND_MEMORY) && (old & PCI_COMMAND_MEMORY))
        vpci_bars_decode(vp, dev, false);
}

void vpci_bar_write(struct vpci *vp, struct vpci_dev *dev, unsigned int reg, uint32_t val)
{
    const struct vpci_hw *hw = vp->hw;
    bool decoding = hw->conf_read(dev->sbdf, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY;
    unsigned int i = reg == bar_reg(dev, VPCI_ROM) ? VPCI_ROM : (reg - PCI_BAR0) / 4;
    unsigned int base = dev->bars[i].type == VPCI_BAR_MEM64_HI ? i - 1 : i;
    struct vpci_bar *bar = &dev->bars[base];
    uint32_t lo;

    if (i == VPCI_ROM && decoding) {
        /* The enable bit may toggle; an enabled ROM may not move. */
        lo = hw->conf_read(dev->sbdf, reg, 4);
        if ((lo & PCI_ROM_ENABLE) && ((lo ^ val) & PCI_ROM_MASK)) {
            vpci_warn(dev, "enabled ROM moved while decoding: ignored");
            return;
        }
        if (!(val & PCI_ROM_ENABLE))
            decode_one(vp, dev, VPCI_ROM, false);
        hw->conf_write(dev->sbdf, reg, 4, val);
        bar->addr = hw->conf_read(dev->sbdf, reg, 4) & PCI_ROM_MASK;
        if (val & PCI_ROM_ENABLE)
            decode_one(vp, dev, VPCI_ROM, true);
        return;
    }
    if (decoding) {
        vpci_warn(dev, "BAR%u written while decoding: ignored", i);
        return;
    }
    hw->conf_write(dev->sbdf, reg, 4, val);
    /* Track what the device holds now (its read-only bits included). */
    lo = hw->conf_read(dev->sbdf, bar_reg(dev, base), 4);
    if (i == VPCI_ROM)
        bar->addr = lo & PCI_ROM_MASK;
    else if (bar->type == VPCI_BAR_MEM64_LO)
        bar->addr = (uint64_t)hw->conf_read(dev->sbdf, bar_reg(dev, base + 1), 4) << 32 |
                    (lo & PCI_BAR_MEM_MASK);
    else
        bar->addr = lo & PCI_BAR_MEM_MASK;
}
