/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The machine's memory map as the firmware reported it, whole: before
 * mem= cut it and before the hypervisor took its own memory out. The
 * control domain reads it with XENMEM_machine_memory_map, and the dom0
 * MMIO policy (hvm/dom0_mmio.c) uses it to tell host RAM, which dom0 may
 * never map, from holes and reserved ranges.
 */
#include <asm/bootinfo.h>
#include <asm/dom0_io.h>
#include <public/xen/errno.h>
#include <public/xen/memory.h>
#include <tessera/domain.h>
#include <tessera/guest_mem.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>

static struct memmap machine_map;

/* At boot, before any domain runs: readers need no lock. */
void machine_memmap_init(void)
{
    memmap_init(&machine_map);
    for (unsigned int i = 0; i < boot_info.nr_mmap; i++) {
        const struct boot_mmap_entry *e = &boot_info.mmap[i];
        unsigned int type = e->type;

        if (!e->len || e->base + e->len < e->base)
            continue;
        /* Types the E820 does not define are reserved (ACPI 6.4, 15.3). */
        if (type < MEM_RAM || type > MEM_UNUSABLE)
            type = MEM_RESERVED;
        memmap_add(&machine_map, e->base, e->base + e->len, (enum mem_type)type);
    }
}

const struct memmap *machine_memmap(void)
{
    return &machine_map;
}

long arch_machine_memory_map(struct vcpu *v, uint64_t arg)
{
    const struct memmap *m = machine_memmap();
    struct xen_memory_map map;
    struct e820_entry e;
    uint32_t n = 0;

    if (!v->domain->is_hardware)
        return -XEN_EPERM;
    if (copy_from_guest_obj(v, &map, arg))
        return -XEN_EFAULT;
    /* As XENMEM_memory_map: as many entries as fit, and say how many. */
    for (; n < map.nr_entries && n < m->nr; n++) {
        e = (struct e820_entry){ .addr = m->ranges[n].start,
                                 .size = m->ranges[n].end - m->ranges[n].start,
                                 .type = m->ranges[n].type };
        if (copy_to_guest(v, map.buffer.p + (uint64_t)n * sizeof(e), &e, sizeof(e)))
            return -XEN_EFAULT;
    }
    map.nr_entries = n;
    return copy_to_guest_obj(v, arg, &map) ? -XEN_EFAULT : 0;
}
