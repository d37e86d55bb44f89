/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables, version 1 (the layout and numbers of Xen's
 * public/grant_table.h; tests/abi compares them with Debian's libxen-dev).
 *
 * A domain shares one of its frames with another by filling an entry of its
 * grant table: which domain may use it, which frame, and how. The other
 * domain names the entry by (granting domain, grant reference) in
 * grant_table_op calls. Entries are 8 bytes, 512 to a 4 KiB table frame.
 */
#ifndef PUBLIC_XEN_GRANT_TABLE_H
#define PUBLIC_XEN_GRANT_TABLE_H

#include <stdint.h>
#include <public/xen/memory.h>
#include <public/xen/xen.h>

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

struct grant_entry_v1 {
    uint16_t flags;             /* GTF_*: the guest's type and flags, Xen's reading/writing */
    domid_t domid;              /* who may use the frame */
    uint32_t frame;             /* the granting guest's frame number (gfn) */
};

/* The first entries are kept for the toolstack (console, xenstore rings). */
#define GNTTAB_NR_RESERVED_ENTRIES  8
#define GNTTAB_RESERVED_CONSOLE     0
#define GNTTAB_RESERVED_XENSTORE    1

/* grant_entry_v1.flags: bits 0-1 the type ... */
#define GTF_invalid             (0U << 0)
#define GTF_permit_access       (1U << 0)
#define GTF_accept_transfer     (2U << 0)
#define GTF_transitive          (3U << 0)
#define GTF_type_mask           (3U << 0)
/* ... then, for GTF_permit_access, the guest's restriction and the bits the
 * hypervisor sets while the frame is mapped or being copied. */
#define _GTF_readonly           (2)
#define GTF_readonly            (1U << _GTF_readonly)
#define _GTF_reading            (3)
#define GTF_reading             (1U << _GTF_reading)
#define _GTF_writing            (4)
#define GTF_writing             (1U << _GTF_writing)
#define _GTF_PWT                (5)
#define GTF_PWT                 (1U << _GTF_PWT)
#define _GTF_PCD                (6)
#define GTF_PCD                 (1U << _GTF_PCD)
#define _GTF_PAT                (7)
#define GTF_PAT                 (1U << _GTF_PAT)
#define _GTF_sub_page           (8)
#define GTF_sub_page            (1U << _GTF_sub_page)
/* For GTF_accept_transfer. */
#define _GTF_transfer_committed (2)
#define GTF_transfer_committed  (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed (3)
#define GTF_transfer_completed  (1U << _GTF_transfer_completed)

/* grant_table_op commands; bits above GNTTABOP_CMD_MASK are continuation
 * state and must be zero from a guest (except for cache_flush). */
#define GNTTABOP_map_grant_ref      0
#define GNTTABOP_unmap_grant_ref    1
#define GNTTABOP_setup_table        2
#define GNTTABOP_dump_table         3
#define GNTTABOP_transfer           4
#define GNTTABOP_copy               5
#define GNTTABOP_query_size         6
#define GNTTABOP_unmap_and_replace  7
#define GNTTABOP_set_version        8
#define GNTTABOP_get_status_frames  9
#define GNTTABOP_get_version        10
#define GNTTABOP_swap_grant_ref     11
#define GNTTABOP_cache_flush        12

struct gnttab_map_grant_ref {
    uint64_t host_addr;         /* in: for HVM, the guest-physical address to map at */
    uint32_t flags;             /* in: GNTMAP_* */
    grant_ref_t ref;            /* in */
    domid_t dom;                /* in: the granting domain */
    int16_t status;             /* out: GNTST_* */
    grant_handle_t handle;      /* out: names the mapping for unmap */
    uint64_t dev_bus_addr;      /* out */
};

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    grant_handle_t handle;
    int16_t status;             /* out */
};

struct gnttab_setup_table {
    domid_t dom;                        /* in */
    uint32_t nr_frames;                 /* in */
    int16_t status;                     /* out */
    xen_guest_handle_64_t frame_list;   /* out: nr_frames xen_pfn_t */
};

struct gnttab_copy {
    struct gnttab_copy_ptr {
        union {
            grant_ref_t ref;    /* with GNTCOPY_{source,dest}_gref */
            xen_pfn_t gmfn;     /* without: the caller's own frame */
        } u;
        domid_t domid;
        uint16_t offset;
    } source, dest;
    uint16_t len;
    uint16_t flags;             /* GNTCOPY_* */
    int16_t status;             /* out */
};

#define _GNTCOPY_source_gref    (0)
#define GNTCOPY_source_gref     (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref      (1)
#define GNTCOPY_dest_gref       (1 << _GNTCOPY_dest_gref)

struct gnttab_query_size {
    domid_t dom;                /* in */
    uint32_t nr_frames;         /* out */
    uint32_t max_nr_frames;     /* out */
    int16_t status;             /* out */
};

struct gnttab_set_version {
    uint32_t version;           /* in: 1 or 2; out: the version in force */
};

struct gnttab_get_version {
    domid_t dom;                /* in */
    uint16_t pad;
    uint32_t version;           /* out */
};

/* gnttab_map_grant_ref.flags */
#define _GNTMAP_device_map      (0)
#define GNTMAP_device_map       (1 << _GNTMAP_device_map)
#define _GNTMAP_host_map        (1)
#define GNTMAP_host_map         (1 << _GNTMAP_host_map)
#define _GNTMAP_readonly        (2)
#define GNTMAP_readonly         (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map (3)
#define GNTMAP_application_map  (1 << _GNTMAP_application_map)
#define _GNTMAP_contains_pte    (4)
#define GNTMAP_contains_pte     (1 << _GNTMAP_contains_pte)

/* Per-operation status codes. */
#define GNTST_okay              (0)
#define GNTST_general_error     (-1)
#define GNTST_bad_domain        (-2)
#define GNTST_bad_gntref        (-3)
#define GNTST_bad_handle        (-4)
#define GNTST_bad_virt_addr     (-5)
#define GNTST_bad_dev_addr      (-6)
#define GNTST_no_device_space   (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page          (-9)
#define GNTST_bad_copy_arg      (-10)
#define GNTST_address_too_big   (-11)
#define GNTST_eagain            (-12)
#define GNTST_no_space          (-13)

#endif
