/* SPDX-License-Identifier: GPL-2.0-only */
/* mini's grant-table helpers (gnttab.h). */
#include <public/xen/memory.h>
#include "gnttab.h"

struct grant_entry_v1 *gnt_table;

uint16_t gnttab_my_domid(void)
{
    uint32_t r[4];
    cpuid(0x40000004, 0, r);
    return (uint16_t)r[2];
}

long gnttab_place_table(void)
{
    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table,
                                    .idx = 0, .gpfn = GNT_BASE >> 12 };
    long rc = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x, 0);
    gnt_table = (struct grant_entry_v1 *)(uintptr_t)GNT_BASE;
    return rc;
}

void gnttab_grant(grant_ref_t ref, uint16_t domid, uint64_t gpa, uint16_t flags)
{
    gnt_table[ref].domid = domid;
    gnt_table[ref].frame = (uint32_t)(gpa >> 12);
    __atomic_store_n(&gnt_table[ref].flags, flags, __ATOMIC_RELEASE);
}

int16_t gnttab_map(uint16_t dom, grant_ref_t ref, uint64_t at, uint32_t flags, uint32_t *handle)
{
    struct gnttab_map_grant_ref op = { .host_addr = at, .flags = flags, .ref = ref, .dom = dom };
    long rc = GNT(GNTTABOP_map_grant_ref, &op, 1);
    if (handle)
        *handle = op.handle;
    return rc ? -100 : op.status;
}

int16_t gnttab_unmap(uint64_t at, uint32_t handle)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = at, .handle = handle };
    long rc = GNT(GNTTABOP_unmap_grant_ref, &op, 1);
    return rc ? -100 : op.status;
}

int16_t gnttab_copy(uint16_t flags, uint64_t src, uint16_t sdom, uint16_t soff, uint64_t dst,
                    uint16_t ddom, uint16_t doff, uint16_t len)
{
    struct gnttab_copy op = { .len = len, .flags = flags };
    op.source.u.gmfn = src; op.source.domid = sdom; op.source.offset = soff;
    op.dest.u.gmfn = dst; op.dest.domid = ddom; op.dest.offset = doff;
    long rc = GNT(GNTTABOP_copy, &op, 1);
    return rc ? -100 : op.status;
}
