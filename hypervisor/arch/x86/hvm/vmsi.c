/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MSI messages (asm/vpci.h): dom0's address/data decoded into the target
 * its vLAPICs understand, and the message a device is given for a host
 * vector instead. Formats: Intel SDM vol. 3 11.11.1 (address) and 11.11.2
 * (data); AMD APM vol. 2 16.x uses the same.
 */
#include <asm/vpci.h>
#include <tessera/errno.h>

#define MSI_ADDR_BASE       0xfee00000u
#define MSI_ADDR_BASE_MASK  0xfff00000u
#define MSI_ADDR_DEST_SHIFT 12
#define MSI_ADDR_DM_LOGICAL (1u << 2)
#define MSI_DATA_DM_SHIFT   8
#define MSI_DATA_DM_MASK    0x7u
#define MSI_DATA_TRIG_LEVEL (1u << 15)

int vmsi_decode(uint64_t addr, uint32_t data, struct vmsi_guest *g)
{
    unsigned int dm = (data >> MSI_DATA_DM_SHIFT) & MSI_DATA_DM_MASK;

    if ((addr & MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE || (addr >> 32))
        return -EINVAL;
    /* Fixed (0) and lowest priority (1) only: SMI, NMI, INIT and ExtINT
     * from a device are not something dom0 gets to send. Level-triggered
     * MSI has no end-of-interrupt path on an edge message. */
    if (dm > 1 || (data & MSI_DATA_TRIG_LEVEL) || (data & 0xff) < 16)
        return -EINVAL;
    g->vector = data & 0xff;
    g->dest = (addr >> MSI_ADDR_DEST_SHIFT) & 0xff;
    /* DM is read whatever RH says: Linux sets DM without RH in logical
     * mode, and chipsets (and Xen's vmsi) honour it. */
    g->logical = addr & MSI_ADDR_DM_LOGICAL;
    g->lowest = dm == 1;
    return 0;
}

void vmsi_host_msg(uint32_t apic_id, int vec, uint64_t *addr, uint32_t *data)
{
    /* Physical destination, fixed delivery, edge. */
    *addr = MSI_ADDR_BASE | (apic_id & 0xff) << MSI_ADDR_DEST_SHIFT;
    *data = (uint32_t)vec & 0xff;
}
