/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vPCI MSI-X (PCI 3.0 6.8.2; asm/vpci.h): the control register and the
 * table are dom0's copies. The table and PBA pages are never mapped into
 * dom0's p2m; its accesses there come here. An entry gets a host vector
 * the first time it is unmasked while MSI-X is on, and the device's entry
 * then holds the host's message with dom0's mask bit; masking masks the
 * device's entry, disabling MSI-X gives every vector back. The function
 * mask is passed to the device as dom0 writes it. As in Xen's msix.c, the
 * table honours aligned 4- and 8-byte accesses only; the PBA is read from
 * the device, and registers sharing these pages are the device's.
 */
#include <asm/vpci.h>
#include <tessera/heap.h>
#include <tessera/lib.h>

#define MSIX_CTRL       2
#define MSIX_TABLE      4
#define MSIX_PBA        8
#define PAGE_4K         0x1000ull

/* Entry words (PCI 3.0 figure 6-11). */
#define ENTRY_ADDR_LO   0
#define ENTRY_ADDR_HI   1
#define ENTRY_DATA      2
#define ENTRY_CTRL      3

static bool bar_is_mem(const struct vpci_dev *dev, unsigned int bir)
{
    return bir < 6 && (dev->bars[bir].type == VPCI_BAR_MEM32 ||
                       dev->bars[bir].type == VPCI_BAR_MEM64_LO);
}

void vpci_msix_init(struct vpci *vp, struct vpci_dev *dev, uint8_t pos)
{
    struct vpci_msix *x = &dev->msix;
    uint16_t ctrl = vp->hw->conf_read(dev->sbdf, pos + MSIX_CTRL, 2);
    uint32_t t = vp->hw->conf_read(dev->sbdf, pos + MSIX_TABLE, 4);
    uint32_t p = vp->hw->conf_read(dev->sbdf, pos + MSIX_PBA, 4);

    x->pos = pos;
    x->nr = (ctrl & PCI_MSIX_CTRL_SIZE) + 1;
    x->table_bir = t & PCI_MSIX_BIR;
    x->table_off = t & ~PCI_MSIX_BIR;
    x->pba_bir = p & PCI_MSIX_BIR;
    x->pba_off = p & ~PCI_MSIX_BIR;
    if (ctrl & PCI_MSIX_CTRL_ENABLE)
        vp->hw->conf_write(dev->sbdf, pos + MSIX_CTRL, 2, ctrl & ~PCI_MSIX_CTRL_ENABLE);
    if (!bar_is_mem(dev, x->table_bir) || !bar_is_mem(dev, x->pba_bir) ||
        (uint64_t)x->table_off + x->nr * PCI_MSIX_ENTRY_SIZE > dev->bars[x->table_bir].size) {
        vpci_warn(dev, "MSI-X table or PBA outside a memory BAR: MSI-X off");
        return;
    }
    x->entries = xzalloc(x->nr * sizeof(*x->entries));
    if (!x->entries)
        return;
    for (unsigned int i = 0; i < x->nr; i++) {
        x->entries[i].ctrl = PCI_MSIX_ENTRY_MASKED;
        x->entries[i].host_vec = -1;
    }
    x->usable = true;
}

uint64_t vpci_msix_addr(const struct vpci_dev *dev, bool pba)
{
    const struct vpci_msix *x = &dev->msix;
    const struct vpci_bar *bar = &dev->bars[pba ? x->pba_bir : x->table_bir];

    if (!x->pos || !bar_is_mem(dev, pba ? x->pba_bir : x->table_bir) || !bar->addr)
        return 0;
    return bar->addr + (pba ? x->pba_off : x->table_off);
}

static uint64_t pba_len(const struct vpci_msix *x)
{
    return ((x->nr + 63u) / 64) * 8;
}

static uint64_t table_len(const struct vpci_msix *x)
{
    return (uint64_t)x->nr * PCI_MSIX_ENTRY_SIZE;
}

/* Is gpa in one of the 4 KiB pages that [addr, addr + len) touches? */
static bool in_pages(uint64_t gpa, uint64_t addr, uint64_t len)
{
    return gpa >= (addr & ~(PAGE_4K - 1)) &&
           gpa < ((addr + len + PAGE_4K - 1) & ~(PAGE_4K - 1));
}

/* Traps the pages of [addr, addr + len), and takes out of the p2m what
 * a fault on them may have mapped while the BAR was elsewhere. */
static int claim(struct vpci *vp, uint64_t addr, uint64_t len)
{
    uint64_t start = addr & ~(PAGE_4K - 1);
    uint64_t end = (addr + len + PAGE_4K - 1) & ~(PAGE_4K - 1);
    int rc = vp->hw->mmio_claim(vp->ctx, start, end - start);

    if (rc)
        return rc;
    return vp->hw->p2m_identity(vp->ctx, start / PAGE_4K, (end - start) / PAGE_4K, false);
}

void vpci_msix_place(struct vpci *vp, struct vpci_dev *dev)
{
    struct vpci_msix *x = &dev->msix;
    uint64_t t = vpci_msix_addr(dev, false), p = vpci_msix_addr(dev, true), probe;

    if (!x->usable || !t || !p)
        return;
    if (vpci_bar_forbidden(vp, t, table_len(x)) || vpci_bar_forbidden(vp, p, pba_len(x)))
        return;     /* never mapped either; the BAR's own check logs it */
    if (claim(vp, t, table_len(x)) || claim(vp, p, pba_len(x))) {
        /* Then the table cannot be kept from dom0: no MSI-X at all. */
        vpci_warn(dev, "MSI-X table pages cannot be trapped: MSI-X off");
    } else if (!vp->hw->mmio_read(vpci_msix_addr(dev, false), 4, &probe)) {
        /* Nor can the device's entries be written: dom0 falls back to MSI. */
        vpci_warn(dev, "MSI-X table out of the hypervisor's reach: MSI-X off");
    } else {
        return;
    }
    vpci_msix_teardown(vp, dev);
    x->usable = false;
}

static void hw_entry_write(struct vpci *vp, struct vpci_dev *dev, unsigned int i,
                           unsigned int word, uint32_t val)
{
    uint64_t pa = vpci_msix_addr(dev, false);

    if (pa)
        vp->hw->mmio_write(pa + i * PCI_MSIX_ENTRY_SIZE + word * 4, 4, val);
}

static void unbind(struct vpci *vp, struct vpci_dev *dev, unsigned int i)
{
    struct vpci_msix_entry *e = &dev->msix.entries[i];

    hw_entry_write(vp, dev, i, ENTRY_CTRL, PCI_MSIX_ENTRY_MASKED);
    if (e->host_vec < 0)
        return;
    vp->hw->vec_target(vp->ctx, e->host_vec, NULL);
    vp->hw->vec_free(vp->ctx, e->host_vec);
    e->host_vec = -1;
}

/* Brings the device's entry i in line with dom0's copy (Xen's
 * update_entry()): masked unless MSI-X is on and dom0 unmasked it, then
 * with a host vector targeting dom0's message. */
static void update_entry(struct vpci *vp, struct vpci_dev *dev, unsigned int i)
{
    struct vpci_msix_entry *e = &dev->msix.entries[i];
    struct vmsi_guest g;
    uint64_t addr;
    uint32_t data;

    /* Masked first: an unmasked entry's message must not change (6.8.2.9). */
    hw_entry_write(vp, dev, i, ENTRY_CTRL, PCI_MSIX_ENTRY_MASKED);
    if (!dev->msix.enabled || (e->ctrl & PCI_MSIX_ENTRY_MASKED))
        return;
    if (vmsi_decode((uint64_t)e->addr_hi << 32 | e->addr_lo, e->data, &g)) {
        vpci_warn(dev, "MSI-X entry %u: message not deliverable, left masked", i);
        return;
    }
    if (e->host_vec < 0)
        e->host_vec = vp->hw->vec_alloc(vp->ctx);
    if (e->host_vec < 0) {
        vpci_warn(dev, "MSI-X entry %u: no free host vector, left masked", i);
        return;
    }
    vp->hw->vec_target(vp->ctx, e->host_vec, &g);
    vmsi_host_msg(vp->hw->host_dest(vp->ctx, &g), e->host_vec, &addr, &data);
    hw_entry_write(vp, dev, i, ENTRY_ADDR_LO, (uint32_t)addr);
    hw_entry_write(vp, dev, i, ENTRY_ADDR_HI, (uint32_t)(addr >> 32));
    hw_entry_write(vp, dev, i, ENTRY_DATA, data);
    hw_entry_write(vp, dev, i, ENTRY_CTRL, 0);
}

uint16_t vpci_msix_ctrl_read(struct vpci *vp, struct vpci_dev *dev)
{
    const struct vpci_msix *x = &dev->msix;
    uint16_t hw = vp->hw->conf_read(dev->sbdf, x->pos + MSIX_CTRL, 2);

    return (hw & ~(PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_FMASK)) |
           (x->enabled ? PCI_MSIX_CTRL_ENABLE : 0) | (x->fmask ? PCI_MSIX_CTRL_FMASK : 0);
}

void vpci_msix_ctrl_write(struct vpci *vp, struct vpci_dev *dev, uint16_t val)
{
    struct vpci_msix *x = &dev->msix;
    unsigned int reg = x->pos + MSIX_CTRL;
    uint16_t hw = vp->hw->conf_read(dev->sbdf, reg, 2) &
                  ~(PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_FMASK);
    bool on = val & PCI_MSIX_CTRL_ENABLE;

    if (!x->usable)
        return;     /* read-only as the device has it: off */
    x->fmask = val & PCI_MSIX_CTRL_FMASK;
    if (!on) {
        if (x->enabled)
            vpci_msix_teardown(vp, dev);
        vp->hw->conf_write(dev->sbdf, reg, 2, hw | (x->fmask ? PCI_MSIX_CTRL_FMASK : 0));
        return;
    }
    if (!x->enabled || !(vp->hw->conf_read(dev->sbdf, reg, 2) & PCI_MSIX_CTRL_ENABLE)) {
        /* Turning on, or on again after a reset: every entry is written
         * from dom0's copy under the function mask (the device's entries
         * are only reachable with MSI-X enabled on some devices). */
        vp->hw->conf_write(dev->sbdf, reg, 2, hw | PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_FMASK);
        x->enabled = true;
        for (unsigned int i = 0; i < x->nr; i++)
            update_entry(vp, dev, i);
    }
    vp->hw->conf_write(dev->sbdf, reg, 2,
                       hw | PCI_MSIX_CTRL_ENABLE | (x->fmask ? PCI_MSIX_CTRL_FMASK : 0));
}

void vpci_msix_teardown(struct vpci *vp, struct vpci_dev *dev)
{
    struct vpci_msix *x = &dev->msix;
    uint16_t ctrl;

    if (!x->pos || !x->entries)
        return;
    ctrl = vp->hw->conf_read(dev->sbdf, x->pos + MSIX_CTRL, 2);
    vp->hw->conf_write(dev->sbdf, x->pos + MSIX_CTRL, 2, ctrl | PCI_MSIX_CTRL_FMASK);
    for (unsigned int i = 0; i < x->nr; i++)
        unbind(vp, dev, i);
    vp->hw->conf_write(dev->sbdf, x->pos + MSIX_CTRL, 2,
                       ctrl & ~(PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_FMASK));
    x->enabled = false;
}

/* The function whose table or PBA shares gpa's page. */
static struct vpci_dev *find_page(struct vpci *vp, uint64_t gpa)
{
    for (unsigned int i = 0; i < vp->nr_devs; i++) {
        struct vpci_dev *dev = vp->devs[i];
        uint64_t t = vpci_msix_addr(dev, false), p = vpci_msix_addr(dev, true);

        if (dev->hidden || !dev->msix.usable || !t || !p)
            continue;
        if (in_pages(gpa, t, table_len(&dev->msix)) || in_pages(gpa, p, pba_len(&dev->msix)))
            return dev;
    }
    return NULL;
}

bool vpci_msix_owns(struct vpci *vp, uint64_t pa)
{
    return find_page(vp, pa) != NULL;
}

/* The table entry word at gpa, or false outside the table. */
static bool table_word(const struct vpci_dev *dev, uint64_t gpa, unsigned int *i,
                       unsigned int *word)
{
    uint64_t t = vpci_msix_addr(dev, false);

    if (gpa < t || gpa >= t + table_len(&dev->msix))
        return false;
    *i = (gpa - t) / PCI_MSIX_ENTRY_SIZE;
    *word = ((gpa - t) % PCI_MSIX_ENTRY_SIZE) / 4;
    return true;
}

static uint32_t entry_read(const struct vpci_msix_entry *e, unsigned int word)
{
    switch (word) {
    case ENTRY_ADDR_LO: return e->addr_lo;
    case ENTRY_ADDR_HI: return e->addr_hi;
    case ENTRY_DATA:    return e->data;
    default:            return e->ctrl;
    }
}

static void entry_write(struct vpci *vp, struct vpci_dev *dev, unsigned int i, unsigned int w,
                        uint32_t val)
{
    struct vpci_msix_entry *e = &dev->msix.entries[i];

    switch (w) {
    case ENTRY_ADDR_LO: e->addr_lo = val; break;
    case ENTRY_ADDR_HI: e->addr_hi = val; break;
    case ENTRY_DATA:    e->data = val; break;
    default:            e->ctrl = val & PCI_MSIX_ENTRY_MASKED; break;
    }
    /* A message rewritten while unmasked (undefined in 6.8.2.9) is rebound
     * too; a masked entry keeps its host vector, masked on the device. */
    if (w == ENTRY_CTRL || !(e->ctrl & PCI_MSIX_ENTRY_MASKED))
        update_entry(vp, dev, i);
}

/* Dom0's access at gpa: the table emulated (aligned doublewords and
 * quadwords only), the rest of the pages passed to the device. */
static bool msix_access(struct vpci *vp, uint64_t gpa, unsigned int size, uint64_t *val,
                        bool write)
{
    struct vpci_dev *dev;
    unsigned int i, w;

    spin_lock(&vp->lock);
    dev = find_page(vp, gpa);
    if (!dev) {
        spin_unlock(&vp->lock);
        return false;
    }
    if (!table_word(dev, gpa, &i, &w)) {
        if (write)
            vp->hw->mmio_write(gpa, size, *val);
        else if (!vp->hw->mmio_read(gpa, size, val))
            *val = ~0ull;
    } else if ((size == 4 || size == 8) && !(gpa & (size - 1))) {
        uint64_t v = 0;
        for (unsigned int k = 0; k < size / 4; k++) {
            if (write)
                entry_write(vp, dev, i, w + k, (uint32_t)(*val >> (32 * k)));
            else
                v |= (uint64_t)entry_read(&dev->msix.entries[i], w + k) << (32 * k);
        }
        if (!write)
            *val = v;
    } else if (!write) {
        *val = ~0ull;
    }
    spin_unlock(&vp->lock);
    return true;
}

bool vpci_msix_read(struct vpci *vp, uint64_t gpa, unsigned int size, uint64_t *val)
{
    return msix_access(vp, gpa, size, val, false);
}

bool vpci_msix_write(struct vpci *vp, uint64_t gpa, unsigned int size, uint64_t val)
{
    return msix_access(vp, gpa, size, &val, true);
}
