/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vPCI configuration space (asm/vpci.h): which bytes of an access go to
 * the device and which to an emulated register, and the per-function
 * state, created the first time a present function is seen.
 *
 * Reads: the device answers, then the emulated registers (MSI capability,
 * MSI-X control) overwrite their bytes. Writes: each register the access
 * touches that the hypervisor guards (command, memory BARs, ROM, MSI,
 * MSI-X control) gets its merged new value; the other bytes are written to
 * the device in naturally aligned pieces.
 */
#include <asm/vpci.h>
#include <stdarg.h>
#include <tessera/heap.h>
#include <tessera/lib.h>

#define PCI_CLASS_IOMMU     0x0806      /* base class 08h, subclass 06h */
#define MAX_CAPS            48          /* (256 - 64) / 4: a loop guard */

static bool access_ok(unsigned int reg, unsigned int size)
{
    return (size == 1 || size == 2 || size == 4) && reg < 4096 && reg + size <= 4096 &&
           !(reg & (size - 1));
}

static uint32_t ones(unsigned int size)
{
    return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

static struct vpci_dev *find(struct vpci *vp, uint32_t sbdf)
{
    for (unsigned int i = 0; i < vp->nr_devs; i++)
        if (vp->devs[i]->sbdf == sbdf)
            return vp->devs[i];
    return NULL;
}

static void caps_init(struct vpci *vp, struct vpci_dev *dev)
{
    const struct vpci_hw *hw = vp->hw;
    unsigned int pos;

    if (!(hw->conf_read(dev->sbdf, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
        return;
    pos = hw->conf_read(dev->sbdf, PCI_CAP_PTR, 1) & 0xfc;
    for (unsigned int n = 0; n < MAX_CAPS && pos >= 0x40; n++) {
        uint8_t id = hw->conf_read(dev->sbdf, pos, 1);

        if (id == PCI_CAP_ID_MSI && !dev->msi.pos)
            vpci_msi_init(vp, dev, pos);
        else if (id == PCI_CAP_ID_MSIX && !dev->msix.pos)
            vpci_msix_init(vp, dev, pos);
        pos = hw->conf_read(dev->sbdf, pos + 1, 1) & 0xfc;
    }
}

struct vpci_dev *vpci_dev_get(struct vpci *vp, uint32_t sbdf)
{
    struct vpci_dev *dev = find(vp, sbdf);
    uint32_t id, class;

    if (dev)
        return dev;
    id = vp->hw->conf_read(sbdf, PCI_VENDOR_ID, 4);
    if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0 || vp->nr_devs == VPCI_MAX_DEVS)
        return NULL;
    dev = xzalloc(sizeof(*dev));
    if (!dev)
        return NULL;
    dev->sbdf = sbdf;
    dev->msi.host_vec = -1;
    class = vp->hw->conf_read(sbdf, PCI_CLASS_REVISION, 4) >> 8;
    if (class >> 8 == PCI_CLASS_IOMMU) {
        /* The IOMMU is the hypervisor's: dom0 must not reprogram it. */
        dev->hidden = true;
        printk("vpci: %04x:%02x:%02x.%u (IOMMU) hidden from dom0\n", sbdf >> 16,
               (sbdf >> 8) & 0xff, (sbdf >> 3) & 0x1f, sbdf & 7);
    } else {
        dev->header_type = vp->hw->conf_read(sbdf, PCI_HEADER_TYPE_REG, 1) & 0x7f;
        vpci_bars_init(vp, dev);
        caps_init(vp, dev);
    }
    vp->devs[vp->nr_devs++] = dev;
    /* The MSI-X pages are trapped from the start (decoding places them). */
    if (!dev->hidden && (vp->hw->conf_read(sbdf, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY))
        vpci_bars_decode(vp, dev, true);
    else if (!dev->hidden)
        vpci_msix_place(vp, dev);
    return dev;
}

void vpci_warn(struct vpci_dev *dev, const char *fmt, ...)
{
    char line[160];
    va_list ap;

    if (dev->nr_warnings >= VPCI_MAX_WARNINGS)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    printk(LOG_WARN "vpci: %04x:%02x:%02x.%u: %s%s\n", dev->sbdf >> 16, (dev->sbdf >> 8) & 0xff,
           (dev->sbdf >> 3) & 0x1f, dev->sbdf & 7, line,
           ++dev->nr_warnings == VPCI_MAX_WARNINGS ? " (no more warnings for it)" : "");
}

void vpci_dev_free(struct vpci *vp, struct vpci_dev *dev)
{
    if (!dev->hidden) {
        vpci_msi_teardown(vp, dev);
        vpci_msix_teardown(vp, dev);
    }
    xfree(dev->msix.entries);
    xfree(dev);
}

enum reg_kind { REG_NONE, REG_COMMAND, REG_BAR, REG_MSI, REG_MSIX_CTRL };

static unsigned int rom_reg(const struct vpci_dev *dev)
{
    return dev->header_type == 1 ? PCI_ROM_TYPE1 : PCI_ROM_TYPE0;
}

/* The guarded register holding byte b of config space: its kind, offset
 * and size. Reads are emulated only for REG_MSI and REG_MSIX_CTRL. */
static enum reg_kind guarded(const struct vpci_dev *dev, unsigned int b, unsigned int *off,
                             unsigned int *size)
{
    unsigned int nbars = dev->header_type == 0 ? 6 : dev->header_type == 1 ? 2 : 0;

    if (b >= PCI_COMMAND && b < PCI_COMMAND + 2) {
        *off = PCI_COMMAND, *size = 2;
        return REG_COMMAND;
    }
    if (b >= PCI_BAR0 && b < PCI_BAR0 + 4 * nbars &&
        dev->bars[(b - PCI_BAR0) / 4].type != VPCI_BAR_NONE) {
        *off = b & ~3u, *size = 4;
        return REG_BAR;
    }
    if (dev->bars[VPCI_ROM].type == VPCI_BAR_ROM && b >= rom_reg(dev) && b < rom_reg(dev) + 4) {
        *off = rom_reg(dev), *size = 4;
        return REG_BAR;
    }
    if (vpci_msi_reg(dev, b, off, size))
        return REG_MSI;
    if (dev->msix.pos && b >= dev->msix.pos + 2u && b < dev->msix.pos + 4u) {
        *off = dev->msix.pos + 2, *size = 2;
        return REG_MSIX_CTRL;
    }
    return REG_NONE;
}

static uint32_t reg_value(struct vpci *vp, struct vpci_dev *dev, enum reg_kind k,
                          unsigned int off, unsigned int size)
{
    switch (k) {
    case REG_MSI:       return vpci_msi_read(vp, dev, off);
    case REG_MSIX_CTRL: return vpci_msix_ctrl_read(vp, dev);
    default:            return vp->hw->conf_read(dev->sbdf, off, size);
    }
}

uint32_t vpci_read(struct vpci *vp, uint32_t sbdf, unsigned int reg, unsigned int size)
{
    struct vpci_dev *dev;
    uint32_t val;

    if (!access_ok(reg, size))
        return ones(size);
    spin_lock(&vp->lock);
    dev = vpci_dev_get(vp, sbdf);
    if (dev && dev->hidden) {
        spin_unlock(&vp->lock);
        return ones(size);
    }
    val = vp->hw->conf_read(sbdf, reg, size) & ones(size);
    for (unsigned int b = reg; dev && b < reg + size; b++) {
        unsigned int off, rsize;
        enum reg_kind k = guarded(dev, b, &off, &rsize);

        if (k == REG_MSI || k == REG_MSIX_CTRL) {
            uint32_t byte = (reg_value(vp, dev, k, off, rsize) >> ((b - off) * 8)) & 0xff;
            val = (val & ~(0xffu << ((b - reg) * 8))) | byte << ((b - reg) * 8);
        }
    }
    spin_unlock(&vp->lock);
    return val;
}

/* Writes bytes [from, to) of the access (reg, val) to the device in
 * naturally aligned pieces of 4, 2 or 1 bytes. */
static void write_through(struct vpci *vp, uint32_t sbdf, unsigned int reg, uint32_t val,
                          unsigned int from, unsigned int to)
{
    while (from < to) {
        unsigned int n = !(from & 3) && from + 4 <= to ? 4
                       : !(from & 1) && from + 2 <= to ? 2 : 1;

        vp->hw->conf_write(sbdf, from, n, (val >> ((from - reg) * 8)) & ones(n));
        from += n;
    }
}

static void guarded_write(struct vpci *vp, struct vpci_dev *dev, enum reg_kind k,
                          unsigned int off, uint32_t v)
{
    switch (k) {
    case REG_COMMAND:   vpci_command_write(vp, dev, v); break;
    case REG_BAR:       vpci_bar_write(vp, dev, off, v); break;
    case REG_MSI:       vpci_msi_write(vp, dev, off, v); break;
    case REG_MSIX_CTRL: vpci_msix_ctrl_write(vp, dev, v); break;
    default:            break;
    }
}

void vpci_write(struct vpci *vp, uint32_t sbdf, unsigned int reg, unsigned int size,
                uint32_t val)
{
    struct vpci_dev *dev;
    unsigned int plain = reg;       /* start of the bytes not yet written */

    if (!access_ok(reg, size))
        return;
    val &= ones(size);
    spin_lock(&vp->lock);
    dev = vpci_dev_get(vp, sbdf);
    if (!dev) {
        /* Absent (writes go nowhere), or no room for its state: then the
         * function is not known to be harmless, so nothing is written. */
        spin_unlock(&vp->lock);
        return;
    }
    for (unsigned int b = reg; !dev->hidden && b < reg + size;) {
        unsigned int off, rsize;
        enum reg_kind k = guarded(dev, b, &off, &rsize);
        uint32_t v;

        if (k == REG_NONE) {
            b++;
            continue;
        }
        write_through(vp, sbdf, reg, val, plain, b);
        /* The register's bytes this access does not write keep their value. */
        v = reg_value(vp, dev, k, off, rsize);
        for (unsigned int i = off; i < off + rsize; i++)
            if (i >= reg && i < reg + size)
                v = (v & ~(0xffu << ((i - off) * 8))) |
                    ((val >> ((i - reg) * 8)) & 0xff) << ((i - off) * 8);
        guarded_write(vp, dev, k, off, v & ones(rsize));
        b = plain = off + rsize;
    }
    if (!dev->hidden && plain < reg + size)
        write_through(vp, sbdf, reg, val, plain, reg + size);
    spin_unlock(&vp->lock);
}
