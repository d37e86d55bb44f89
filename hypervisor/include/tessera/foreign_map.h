/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Foreign mappings (common/memory/foreign.c): frames of another domain's
 * RAM that the hardware domain placed in its own p2m through
 * XENMEM_add_to_physmap_batch (XENMAPSPACE_gmfn_foreign), as Linux's
 * privcmd does for the toolstack. Each holds a reference on its frame
 * (tessera/grant_table.h), so the frame outlives the domain it came from
 * until it is unmapped.
 */
#ifndef TESSERA_FOREIGN_MAP_H
#define TESSERA_FOREIGN_MAP_H

#include <tessera/types.h>

struct vcpu;
struct domain;

/* XENMEM_add_to_physmap_batch; arg: the memory_op arguments (arg[0]'s
 * bits above the command carry a continuation's progress). */
long memory_add_to_physmap_batch(struct vcpu *v, uint64_t arg[6]);
/* XENMEM_remove_from_physmap. */
long memory_remove_from_physmap(struct vcpu *v, uint64_t arg);
/* At d's end, before its p2m goes: drops every foreign mapping d has. */
void foreign_release_all(struct domain *d);

#endif
