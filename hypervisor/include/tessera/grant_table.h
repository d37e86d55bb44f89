/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables (v1, for auto-translated guests): each domain's table of
 * grant entries in hypervisor-owned frames, its maptrack (the grants it has
 * mapped from others) and the references that keep granted frames alive.
 * Code in common/grant/.
 */
#ifndef TESSERA_GRANT_TABLE_H
#define TESSERA_GRANT_TABLE_H

#include <tessera/types.h>

struct domain;

#define GNTTAB_INIT_FRAMES  1       /* table frames a domain starts with */
#define GNTTAB_MAX_FRAMES   32      /* and may grow to: 16384 entries */
#define GNTTAB_MAX_MAPS     16384   /* grants one domain may have mapped at once */

/* Called by domain_create(): the domain's (small) table and maptrack. */
int grant_table_create(struct domain *d);
/* Called by free_domain(), before the p2m and RAM go: releases the domain's
 * own mappings of others' grants, frees its table, and takes out of
 * d->chunks every RAM block another domain still has a frame of mapped;
 * such a block is freed when its last mapping goes. */
void grant_table_destroy(struct domain *d);

/* XENMEM_add_to_physmap, XENMAPSPACE_grant_table: table frame idx at gfn. */
int gnttab_add_to_physmap(struct domain *d, uint64_t idx, uint64_t gfn);

/* Held around any other check-then-change of d's p2m (shared_info
 * placement), so it cannot interleave with grant maps and table frames. */
unsigned long gnttab_physmap_lock(struct domain *d);
void gnttab_physmap_unlock(struct domain *d, unsigned long flags);

/* A reference on a granted frame (grant/frame_ref.c): while one is held the
 * frame is not freed, even if its granter dies and every mapping goes. */
void gnttab_frame_get(uint64_t mfn);
void gnttab_frame_put(uint64_t mfn);
/* A frame of d's own RAM at gfn (as a grant's frame must be: not a table
 * frame, a mapping of another domain's or MMIO), with a reference taken
 * (gnttab_frame_get) that keeps its RAM block past d's end, for a foreign
 * mapping (memory/foreign.c). 0, or -EINVAL; *writable: d may write it. */
int gnttab_take_ram_frame(struct domain *d, uint64_t gfn, uint64_t *mfn, bool *writable);

#endif
