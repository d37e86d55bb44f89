/* SPDX-License-Identifier: GPL-2.0-only */
/* memory_op commands used so far (Xen's public/memory.h). */
#ifndef PUBLIC_XEN_MEMORY_H
#define PUBLIC_XEN_MEMORY_H

#include <stdint.h>
#include <public/xen/xen.h>

#define XENMEM_add_to_physmap       7
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

/* XENMEM_add_to_physmap: put a frame of `space` at gfn `gpfn` of `domid`. */
struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;              /* pages, for XENMAPSPACE_gmfn_range */
    unsigned int space;         /* XENMAPSPACE_* */
    xen_ulong_t idx;            /* which frame of the space */
    xen_pfn_t gpfn;
};

#define XENMAPSPACE_shared_info     0
#define XENMAPSPACE_grant_table     1
#define XENMAPSPACE_gmfn            2
#define XENMAPSPACE_gmfn_range      3
#define XENMAPSPACE_gmfn_foreign    4
#define XENMAPSPACE_dev_mmio        5
/* In idx with XENMAPSPACE_grant_table: a v2 status frame, not a shared one. */
#define XENMAPIDX_grant_table_status 0x80000000U

#endif
