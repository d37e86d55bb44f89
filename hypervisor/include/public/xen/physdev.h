/* SPDX-License-Identifier: GPL-2.0-only */
/* physdev_op sub-operations a PVH dom0 issues or may issue (Xen's
 * public/physdev.h gives the numbers and layouts). */
#ifndef PUBLIC_XEN_PHYSDEV_H
#define PUBLIC_XEN_PHYSDEV_H

#include <stdint.h>

#define PHYSDEVOP_irq_status_query      5
#define PHYSDEVOP_set_iopl              6
#define PHYSDEVOP_set_iobitmap          7
#define PHYSDEVOP_alloc_irq_vector      10
#define PHYSDEVOP_eoi                   12
#define PHYSDEVOP_map_pirq              13
#define PHYSDEVOP_unmap_pirq            14
#define PHYSDEVOP_manage_pci_add        15
#define PHYSDEVOP_manage_pci_remove     16
#define PHYSDEVOP_pirq_eoi_gmfn_v1      17
#define PHYSDEVOP_restore_msi           19
#define PHYSDEVOP_manage_pci_add_ext    20
#define PHYSDEVOP_setup_gsi             21
#define PHYSDEVOP_get_free_pirq         23
#define PHYSDEVOP_pci_mmcfg_reserved    24
#define PHYSDEVOP_pci_device_add        25
#define PHYSDEVOP_pci_device_remove     26
#define PHYSDEVOP_restore_msi_ext       27
#define PHYSDEVOP_pirq_eoi_gmfn_v2      28
#define PHYSDEVOP_dbgp_op               29
#define PHYSDEVOP_prepare_msix          30
#define PHYSDEVOP_release_msix          31
#define PHYSDEVOP_pci_device_reset      32

/* PHYSDEVOP_pci_mmcfg_reserved: an ECAM window the firmware reserved. */
struct physdev_pci_mmcfg_reserved {
    uint64_t address;
    uint16_t segment;
    uint8_t start_bus;
    uint8_t end_bus;
    uint32_t flags;
};

/* PHYSDEVOP_pci_device_add: a function the kernel found (an array of
 * optional values follows, XEN_PCI_DEV_PXM: its proximity domain). */
struct physdev_pci_device_add {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
    uint32_t flags;
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;
};

/* PHYSDEVOP_pci_device_remove (and _reset, restore_msi_ext). */
struct physdev_pci_device {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
};

#endif
