/* SPDX-License-Identifier: GPL-2.0-only */
/* memory_op commands used so far (Xen's public/memory.h). */
#ifndef PUBLIC_XEN_MEMORY_H
#define PUBLIC_XEN_MEMORY_H

#include <stdint.h>
#include <public/xen/xen.h>

#define XENMEM_add_to_physmap       7
#define XENMEM_memory_map           9
#define XENMEM_machine_memory_map   10
#define XENMEM_remove_from_physmap  15
#define XENMEM_add_to_physmap_batch 23      /* Linux: XENMEM_add_to_physmap_range */

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
/* XENMEM_add_to_physmap_batch: size frames of `space` (idxs[i]: for
 * XENMAPSPACE_gmfn_foreign a gfn of u.foreign_domid) at gpfns[i] of domid;
 * errs[i] gets each frame's 0 or negated errno. */
struct xen_add_to_physmap_batch {
    domid_t domid;
    uint16_t space;
    uint16_t size;
    union xen_add_to_physmap_batch_extra {
        domid_t foreign_domid;      /* XENMAPSPACE_gmfn_foreign */
        uint16_t res0;              /* other spaces */
    } u;
    xen_guest_handle_64_t idxs;     /* xen_ulong_t[size] */
    xen_guest_handle_64_t gpfns;    /* xen_pfn_t[size] */
    xen_guest_handle_64_t errs;     /* int[size] */
};

/* XENMEM_remove_from_physmap: whatever was placed at gpfn of domid goes. */
struct xen_remove_from_physmap {
    domid_t domid;
    xen_pfn_t gpfn;
};

/* In idx with XENMAPSPACE_grant_table: a v2 status frame, not a shared one. */
#define XENMAPIDX_grant_table_status 0x80000000U

#endif
