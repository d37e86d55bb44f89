/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mini's grant-table helpers (gnttab.c), shared by the self-tests
 * (tests_gnttab.c) and the benchmark (gnttab_bench.c).
 *
 * Guest-physical layout: 16 MiB above our RAM (ram_hole(), identity mapped
 * by head.S, no memory behind it; other tests use ram_hole() itself as an
 * address with nothing there) table frame 0 goes at GNT_BASE, grants are
 * mapped at +64 pages on.
 */
#ifndef MINI_GNTTAB_H
#define MINI_GNTTAB_H

#include <public/xen/grant_table.h>
#include <public/xen/xen.h>
#include "hypercall.h"
#include "mini.h"

#define GNT_BASE            (ram_hole() + 0x1000000)
#define GNT(cmd, op, n)     HYPERCALL(__HYPERVISOR_grant_table_op, (cmd), (op), (n))
#define MAP_AT(i)           (GNT_BASE + (64 + (i)) * PAGE_SIZE)

/* Our table, at GNT_BASE once gnttab_place_table() has put frame 0 there. */
extern struct grant_entry_v1 *gnt_table;

uint16_t gnttab_my_domid(void);
/* XENMEM_add_to_physmap of table frame 0 at GNT_BASE: 0 or the error. */
long gnttab_place_table(void);
/* Fills entry ref (domid, frame of gpa) and then, last, its flags. */
void gnttab_grant(grant_ref_t ref, uint16_t domid, uint64_t gpa, uint16_t flags);
/* One op each; the op's status, or -100 if the hypercall itself failed. */
int16_t gnttab_map(uint16_t dom, grant_ref_t ref, uint64_t at, uint32_t flags,
                   uint32_t *handle);
int16_t gnttab_unmap(uint64_t at, uint32_t handle);
int16_t gnttab_copy(uint16_t flags, uint64_t src, uint16_t sdom, uint16_t soff, uint64_t dst,
                    uint16_t ddom, uint16_t doff, uint16_t len);

#endif
