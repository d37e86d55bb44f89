/* SPDX-License-Identifier: GPL-2.0-only */
/* memory_op (public/memory.h): XENMEM_memory_map, the guest's own
 * E820-style map (the same the start info points at), for the control
 * domain XENMEM_machine_memory_map, the machine's, XENMEM_add_to_physmap
 * (physmap.c), and the hardware domain's foreign mappings,
 * XENMEM_add_to_physmap_batch / remove_from_physmap (foreign.c). */
#include <public/xen/errno.h>
#include <public/xen/memory.h>
#include <tessera/domain.h>
#include <tessera/foreign_map.h>
#include <tessera/guest_mem.h>
#include <tessera/hypercall.h>

/* The low bits of the command select it; the rest carry a continuation's
 * progress for the commands that have one (public/memory.h MEMOP_CMD_MASK). */
#define CMD_MASK    0x3f

long do_memory_op(struct vcpu *v, uint64_t arg[6])
{
    struct domain *d = v->domain;
    struct xen_memory_map map;

    switch (arg[0] & CMD_MASK) {
    case XENMEM_memory_map:
        if (copy_from_guest_obj(v, &map, arg[1]))
            return -XEN_EFAULT;
        if (!d->nr_e820)
            return -XEN_ENOSYS;
        /* As Xen does: as many entries as fit, and say how many. */
        if (map.nr_entries > d->nr_e820)
            map.nr_entries = d->nr_e820;
        if (copy_to_guest_array(v, map.buffer.p, d->e820, map.nr_entries) ||
            copy_to_guest_obj(v, arg[1], &map))
            return -XEN_EFAULT;
        return 0;
    case XENMEM_machine_memory_map:
        return arch_machine_memory_map(v, arg[1]);
    case XENMEM_add_to_physmap:
        return memory_add_to_physmap(v, arg[1]);
    case XENMEM_add_to_physmap_batch:
        /* Its guest handles are 64-bit wide: not for 32-bit callers. */
        return v->hypercall_compat ? -XEN_ENOSYS : memory_add_to_physmap_batch(v, arg);
    case XENMEM_remove_from_physmap:
        return memory_remove_from_physmap(v, arg[1]);
    }
    return -XEN_ENOSYS;
}
