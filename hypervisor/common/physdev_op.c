/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * physdev_op (public/physdev.h) as a PVH dom0 uses it (docs/hypercalls.md).
 * Dom0's interrupts never go through pirqs (XENFEAT_hvm_pirqs is not
 * offered), so only its PCI bookkeeping calls arrive, and they need no
 * work here: every function is already reachable through the trapped
 * config space, and the vPCI code finds ECAM windows in the host's MCFG.
 * The answers are the ones Xen 4.17 gives a PVH dom0 (hvm_physdev_op()):
 * 0 for the PCI calls, -ENOSYS for the rest, so that Linux neither warns
 * (restore_msi: any error but -ENOSYS WARNs) nor retries older forms.
 * A domU has no business with the machine's PCI devices: -EPERM.
 */
#include <public/xen/errno.h>
#include <public/xen/physdev.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/guest_mem.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>

/* The calls that speak of the machine's PCI devices. */
static bool is_pci_call(uint64_t cmd)
{
    switch (cmd) {
    case PHYSDEVOP_pci_mmcfg_reserved:
    case PHYSDEVOP_pci_device_add:
    case PHYSDEVOP_pci_device_remove:
    case PHYSDEVOP_manage_pci_add:
    case PHYSDEVOP_manage_pci_remove:
    case PHYSDEVOP_manage_pci_add_ext:
    case PHYSDEVOP_pci_device_reset:
    case PHYSDEVOP_restore_msi:
    case PHYSDEVOP_restore_msi_ext:
    case PHYSDEVOP_prepare_msix:
    case PHYSDEVOP_release_msix:
        return true;
    }
    return false;
}

long do_physdev_op(struct vcpu *v, uint64_t arg[6])
{
    uint64_t cmd = arg[0];

    if (!v->domain->is_hardware)
        return is_pci_call(cmd) ? -XEN_EPERM : -XEN_ENOSYS;
    switch (cmd) {
    case PHYSDEVOP_pci_device_add: {
        struct physdev_pci_device_add add;
        if (copy_from_guest_obj(v, &add, arg[1]))
            return -XEN_EFAULT;
        return 0;
    }
    case PHYSDEVOP_pci_device_remove: {
        struct physdev_pci_device dev;
        if (copy_from_guest_obj(v, &dev, arg[1]))
            return -XEN_EFAULT;
        return 0;
    }
    case PHYSDEVOP_pci_mmcfg_reserved: {
        struct physdev_pci_mmcfg_reserved r;
        if (copy_from_guest_obj(v, &r, arg[1]))
            return -XEN_EFAULT;
        printk("dom %s: firmware reserves ECAM %#llx segment %u buses %u-%u\n",
               v->domain->name, (unsigned long long)r.address, r.segment, r.start_bus,
               r.end_bus);
        return 0;
    }
    }
    return -XEN_ENOSYS;
}
