/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables inside common/grant/.
 *
 * Locks: a table's `lock` guards its frames, growth and pin counts; its
 * `map_lock` guards the domain's maptrack and the check-then-change of its
 * p2m for grant mappings and table frames. map_lock may be held while
 * taking the same domain's lock, never the other way round, and no code
 * holds two domains' locks at once.
 *
 * Lifetime: a domain found live by gnttab_domain() during a hypercall is not
 * freed before that hypercall returns (domains are freed only after every
 * CPU has passed a quiescent point, tessera/domain.h). A granted frame
 * mapped into another p2m is kept by its page_info count (frame_ref.c),
 * not by the granting domain.
 */
#ifndef GRANT_PRIVATE_H
#define GRANT_PRIVATE_H

#include <asm/spinlock.h>
#include <public/xen/grant_table.h>
#include <tessera/grant_table.h>
#include <tessera/types.h>

struct domain;
struct domain_budget;
struct vcpu;

#define ENTRIES_PER_FRAME   (PAGE_SIZE / sizeof(struct grant_entry_v1))
#define MAPS_PER_BLOCK      64
#define GFN_NONE            (~0ULL)     /* what setup_table reports for an unplaced frame */
#define MAPTRACK_NONE       (~0U)

/* The hypervisor's side of a grant entry, while it is in use. */
struct active_entry {
    uint32_t pins;                  /* mappings and copies in progress */
    uint32_t pins_rw;               /* of which writable */
    uint64_t mfn;                   /* the frame, fixed while pinned */
    bool writable;                  /* the granter's p2m had it writable */
};

/* One grant this domain has mapped. */
struct maptrack {
    uint64_t mfn;
    uint64_t gfn;                   /* where, in this domain's p2m */
    uint64_t granter_created_ns;    /* tells a reused domain id apart */
    grant_ref_t ref;
    uint32_t next_free;
    domid_t granter;
    bool in_use;
    bool readonly;
};

struct grant_table {
    struct domain_budget *budget;   /* its domain's (tessera/budget.h) */
    spinlock_t lock;
    unsigned int nr_frames;
    bool ever_pinned;               /* some entry was mapped or copied */
    paddr_t frame[GNTTAB_MAX_FRAMES];
    uint64_t frame_gfn[GNTTAB_MAX_FRAMES];
    struct active_entry *active[GNTTAB_MAX_FRAMES];

    spinlock_t map_lock;
    unsigned int nr_maps;           /* handles allocated so far */
    uint32_t free_map;
    struct maptrack *maps[GNTTAB_MAX_MAPS / MAPS_PER_BLOCK];
};

/* The domain `id` names for the caller (DOMID_SELF too), if it is alive. */
struct domain *gnttab_domain(struct vcpu *v, domid_t id);
/* Status for an id that is not the caller's: no such domain, or not ours. */
int16_t gnttab_foreign_status(domid_t id);
int gnttab_grow(struct grant_table *gt, unsigned int nr_frames);   /* lock held */

/* Pins entry ref of rd's table for use by ld (GNTST_*); *mfn is the frame. */
int16_t gnttab_pin(struct domain *rd, struct domain *ld, grant_ref_t ref, bool write,
                   uint64_t *mfn);
void gnttab_unpin(struct domain *rd, grant_ref_t ref, bool write);
/* d's own RAM frame at gfn, readable (writable if write). */
int gnttab_own_frame(struct domain *d, uint64_t gfn, bool write, uint64_t *mfn);

/* Frame references (frame_ref.c). */
void gnttab_hold_referenced_ram(struct domain *d);

/* The operations (map.c, copy.c). n ops at a time, n <= GNTTAB_BATCH. */
#define GNTTAB_BATCH    32
long gnttab_map_batch(struct vcpu *v, uint64_t uop, unsigned int n);
long gnttab_unmap_batch(struct vcpu *v, uint64_t uop, unsigned int n);
long gnttab_copy_batch(struct vcpu *v, uint64_t uop, unsigned int n);
void gnttab_release_maps(struct domain *d);

#endif
