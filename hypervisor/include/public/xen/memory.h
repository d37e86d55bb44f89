/* SPDX-License-Identifier: GPL-2.0-only */
/* memory_op commands used so far (Xen's public/memory.h). */
#ifndef PUBLIC_XEN_MEMORY_H
#define PUBLIC_XEN_MEMORY_H

#include <stdint.h>

#define XENMEM_memory_map           9
#define XENMEM_machine_memory_map   10

/* A guest handle is a pointer in the guest's address space, always 64
 * bits wide in the x86-64 ABI (public/arch-x86/xen.h). */
typedef union {
    uint64_t p;
} xen_guest_handle_64_t;

struct xen_memory_map {
    uint32_t nr_entries;        /* in: room in buffer; out: entries stored */
    uint32_t pad;
    xen_guest_handle_64_t buffer;   /* E820 entries: u64 addr, u64 size, u32 type */
};

#define XENMEM_add_to_physmap       7

/* Maps a frame of the given space at gpfn in the caller's physmap. */
struct xen_add_to_physmap {
    uint16_t domid;
    uint16_t size;              /* XENMAPSPACE_gmfn_range only */
    uint32_t space;
    uint64_t idx;               /* index into the space */
    uint64_t gpfn;              /* where it goes */
};

#define XENMAPSPACE_shared_info     0
#define XENMAPSPACE_grant_table     1
#define XENMAPSPACE_gmfn            2
#define XENMAPSPACE_gmfn_range      3
#define XENMAPSPACE_gmfn_foreign    4
#define XENMAPSPACE_dev_mmio        5
#define XENMAPIDX_grant_table_status 0x80000000u

#endif
