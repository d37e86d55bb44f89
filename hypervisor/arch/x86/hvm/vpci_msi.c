/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vPCI MSI capability (PCI 3.0 6.8.1; asm/vpci.h). Control, address, data
 * and mask are dom0's copies; the device holds a host vector's message
 * (vmsi.c) while dom0 has MSI enabled, and the host handler delivers dom0's
 * vector to dom0's vLAPICs. One message per function: Multiple Message
 * Capable reads 0, so dom0 never enables more (a multi-message block would
 * need as many contiguous, aligned host vectors).
 */
#include <asm/vpci.h>
#include <tessera/lib.h>

/* Offsets in the capability (PCI 3.0 figure 6-9). */
#define MSI_CTRL        2
#define MSI_ADDR_LO     4
#define MSI_ADDR_HI     8

static unsigned int data_off(const struct vpci_msi *m)
{
    return m->is64 ? 12 : 8;
}

static unsigned int mask_off(const struct vpci_msi *m)
{
    return m->is64 ? 16 : 12;
}

void vpci_msi_init(struct vpci *vp, struct vpci_dev *dev, uint8_t pos)
{
    struct vpci_msi *m = &dev->msi;
    uint16_t ctrl = vp->hw->conf_read(dev->sbdf, pos + MSI_CTRL, 2);

    m->pos = pos;
    m->is64 = ctrl & PCI_MSI_CTRL_64;
    m->maskable = ctrl & PCI_MSI_CTRL_MASKABLE;
    m->host_vec = -1;
    /* Whatever firmware left enabled targets no vector of ours. */
    if (ctrl & PCI_MSI_CTRL_ENABLE)
        vp->hw->conf_write(dev->sbdf, pos + MSI_CTRL, 2, ctrl & ~PCI_MSI_CTRL_ENABLE);
    m->addr_lo = vp->hw->conf_read(dev->sbdf, pos + MSI_ADDR_LO, 4);
    m->addr_hi = m->is64 ? vp->hw->conf_read(dev->sbdf, pos + MSI_ADDR_HI, 4) : 0;
    m->data = vp->hw->conf_read(dev->sbdf, pos + data_off(m), 2);
    m->mask = m->maskable ? vp->hw->conf_read(dev->sbdf, pos + mask_off(m), 4) : 0;
}

bool vpci_msi_reg(const struct vpci_dev *dev, unsigned int reg, unsigned int *off,
                  unsigned int *size)
{
    const struct vpci_msi *m = &dev->msi;
    unsigned int r = reg - m->pos;

    if (!m->pos || reg < m->pos)
        return false;
    if (r >= MSI_CTRL && r < MSI_CTRL + 2)
        *off = MSI_CTRL, *size = 2;
    else if (r >= MSI_ADDR_LO && r < MSI_ADDR_LO + 4)
        *off = MSI_ADDR_LO, *size = 4;
    else if (m->is64 && r >= MSI_ADDR_HI && r < MSI_ADDR_HI + 4)
        *off = MSI_ADDR_HI, *size = 4;
    else if (r >= data_off(m) && r < data_off(m) + 2)
        *off = data_off(m), *size = 2;
    else if (m->maskable && r >= mask_off(m) && r < mask_off(m) + 4)
        *off = mask_off(m), *size = 4;
    else
        return false;
    *off += m->pos;
    return true;
}

uint32_t vpci_msi_read(struct vpci *vp, struct vpci_dev *dev, unsigned int off)
{
    const struct vpci_msi *m = &dev->msi;
    unsigned int r = off - m->pos;

    if (r == MSI_CTRL) {
        uint16_t hw = vp->hw->conf_read(dev->sbdf, off, 2);
        return (hw & ~(PCI_MSI_CTRL_ENABLE | PCI_MSI_CTRL_MMC | PCI_MSI_CTRL_MME)) |
               (m->control & PCI_MSI_CTRL_ENABLE);
    }
    if (r == MSI_ADDR_LO)
        return m->addr_lo;
    if (r == MSI_ADDR_HI)
        return m->addr_hi;
    if (r == data_off(m))
        return m->data;
    return m->mask;
}

static void release(struct vpci *vp, struct vpci_dev *dev)
{
    struct vpci_msi *m = &dev->msi;

    if (m->host_vec < 0)
        return;
    vp->hw->vec_target(vp->ctx, m->host_vec, NULL);
    vp->hw->vec_free(vp->ctx, m->host_vec);
    m->host_vec = -1;
}

/* Points the host vector at dom0's current message and gives the device
 * the host's message for it (to the CPU that runs dom0's target vCPU);
 * false if dom0's message is not one the hypervisor delivers (the device
 * then still holds a valid host message, which is dropped). */
static bool retarget(struct vpci *vp, struct vpci_dev *dev)
{
    const struct vpci_hw *hw = vp->hw;
    struct vpci_msi *m = &dev->msi;
    struct vmsi_guest g;
    bool ok = !vmsi_decode((uint64_t)m->addr_hi << 32 | m->addr_lo, m->data, &g);
    uint64_t addr;
    uint32_t data;

    hw->vec_target(vp->ctx, m->host_vec, ok ? &g : NULL);
    vmsi_host_msg(hw->host_dest(vp->ctx, ok ? &g : NULL), m->host_vec, &addr, &data);
    hw->conf_write(dev->sbdf, m->pos + MSI_ADDR_LO, 4, (uint32_t)addr);
    if (m->is64)
        hw->conf_write(dev->sbdf, m->pos + MSI_ADDR_HI, 4, (uint32_t)(addr >> 32));
    hw->conf_write(dev->sbdf, m->pos + data_off(m), 2, data);
    return ok;
}

static void enable(struct vpci *vp, struct vpci_dev *dev)
{
    const struct vpci_hw *hw = vp->hw;
    struct vpci_msi *m = &dev->msi;
    unsigned int pos = m->pos;
    uint16_t ctrl = hw->conf_read(dev->sbdf, pos + MSI_CTRL, 2);

    if (m->host_vec < 0)
        m->host_vec = hw->vec_alloc(vp->ctx);
    if (m->host_vec < 0) {
        vpci_warn(dev, "MSI enable failed: no free host vector");
        m->control &= ~PCI_MSI_CTRL_ENABLE;
        return;
    }
    /* The device gets the host's message; a reset device is reprogrammed
     * from here too (Linux has restore_msi return -ENOSYS and relies on
     * it, abi-pvh-dom0.md 2.4). */
    if (!retarget(vp, dev))
        vpci_warn(dev, "MSI message is not deliverable: its interrupts are dropped");
    if (m->maskable)
        hw->conf_write(dev->sbdf, pos + mask_off(m), 4, m->mask);
    hw->conf_write(dev->sbdf, pos + MSI_CTRL, 2,
                   (ctrl & ~PCI_MSI_CTRL_MME) | PCI_MSI_CTRL_ENABLE);
}

static void disable(struct vpci *vp, struct vpci_dev *dev)
{
    unsigned int reg = dev->msi.pos + MSI_CTRL;
    uint16_t ctrl = vp->hw->conf_read(dev->sbdf, reg, 2);

    vp->hw->conf_write(dev->sbdf, reg, 2, ctrl & ~(PCI_MSI_CTRL_ENABLE | PCI_MSI_CTRL_MME));
    release(vp, dev);
}

void vpci_msi_write(struct vpci *vp, struct vpci_dev *dev, unsigned int off, uint32_t val)
{
    struct vpci_msi *m = &dev->msi;
    unsigned int r = off - m->pos;
    bool on = m->control & PCI_MSI_CTRL_ENABLE;

    if (r == MSI_CTRL) {
        m->control = val & PCI_MSI_CTRL_ENABLE;     /* MME stays 0: one message */
        if (m->control) {
            uint16_t hw = vp->hw->conf_read(dev->sbdf, off, 2);
            if (m->host_vec < 0 || !(hw & PCI_MSI_CTRL_ENABLE))
                enable(vp, dev);
        } else if (on || m->host_vec >= 0) {
            disable(vp, dev);
        }
        return;
    }
    if (r == MSI_ADDR_LO)
        m->addr_lo = val & ~3u;     /* bits 1:0 are reserved */
    else if (r == MSI_ADDR_HI)
        m->addr_hi = val;
    else if (r == data_off(m))
        m->data = val;
    else {
        m->mask = val;
        vp->hw->conf_write(dev->sbdf, off, 4, val);
        return;
    }
    /* Linux moves an enabled vector (affinity) by rewriting the message:
     * the host's follows, to the CPU of the new target. */
    if (on && m->host_vec >= 0)
        retarget(vp, dev);
}

void vpci_msi_teardown(struct vpci *vp, struct vpci_dev *dev)
{
    if (!dev->msi.pos)
        return;
    if (dev->msi.host_vec >= 0)
        disable(vp, dev);
    dev->msi.control = 0;
}
