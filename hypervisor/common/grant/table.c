/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A domain's grant table: its frames (hypervisor-owned, zeroed, shared with
 * the guest once it places them in its physmap), their growth, and the
 * domain's end.
 */
#include <public/xen/errno.h>
#include <tessera/p2m.h>
#include <public/xen/memory.h>
#include <tessera/budget.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/foreign_map.h>
#include <tessera/heap.h>
#include <tessera/page_alloc.h>
#include "private.h"

struct domain *gnttab_domain(struct vcpu *v, domid_t id)
{
    struct domain *d = id == DOMID_SELF ? v->domain : domain_by_id(id);

    if (!d || !d->grant_table || (d->state != DOM_RUNNING && d->state != DOM_BUILDING))
        return NULL;
    return d;
}

int16_t gnttab_foreign_status(domid_t id)
{
    return domain_by_id(id) ? GNTST_permission_denied : GNTST_bad_domain;
}

int gnttab_grow(struct grant_table *gt, unsigned int nr_frames)
{
    if (nr_frames > GNTTAB_MAX_FRAMES)
        return -EINVAL;
    while (gt->nr_frames < nr_frames) {
        unsigned int i = gt->nr_frames;
        if (budget_charge(gt->budget, BUDGET_GRANT_FRAMES, 1))
            return -ENOMEM;
        paddr_t pa = alloc_pages(0, PA_ZERO);
        struct active_entry *act = xzalloc(ENTRIES_PER_FRAME * sizeof(*act));

        if (!pa || !act) {
            if (pa)
                free_pages(pa, 0);
            xfree(act);
            budget_uncharge(gt->budget, BUDGET_GRANT_FRAMES, 1);
            return -ENOMEM;
        }
        gt->frame[i] = pa;
        gt->frame_gfn[i] = GFN_NONE;
        gt->active[i] = act;
        gt->nr_frames = i + 1;
    }
    return 0;
}

int grant_table_create(struct domain *d)
{
    struct grant_table *gt = xzalloc(sizeof(*gt));

    if (!gt)
        return -ENOMEM;
    gt->lock = (spinlock_t)SPINLOCK_INIT;
    gt->map_lock = (spinlock_t)SPINLOCK_INIT;
    gt->free_map = MAPTRACK_NONE;
    gt->budget = &d->budget;
    d->grant_table = gt;
    return gnttab_grow(gt, GNTTAB_INIT_FRAMES);
}

/*
 * Xen's XENMAPSPACE_grant_table (xen/common/memory.c, add_to_physmap):
 * grows the table up to idx; a frame already placed elsewhere moves.
 * What was at gfn: a hole stays simple; another table frame becomes
 * unplaced; a RAM frame is unhooked but, unlike Xen (which frees it), kept:
 * our RAM is allocated in blocks of up to 1 GiB that return whole, so the
 * frame stays the domain's (still counted in its memory, unreachable to the
 * guest) until the domain ends. Grant mappings and anything else there
 * (MMIO) are refused with -EBUSY.
 */
unsigned long gnttab_physmap_lock(struct domain *d)
{
    return spin_lock_irqsave(&d->grant_table->map_lock);
}

void gnttab_physmap_unlock(struct domain *d, unsigned long flags)
{
    spin_unlock_irqrestore(&d->grant_table->map_lock, flags);
}

int gnttab_add_to_physmap(struct domain *d, uint64_t idx, uint64_t gfn)
{
    struct grant_table *gt = d->grant_table;
    enum p2m_type type;
    uint64_t old_mfn;
    bool flush = false;
    int rc;

    if (idx & XENMAPIDX_grant_table_status)
        return -XEN_EINVAL;             /* status frames are v2 only */
    if (idx >= GNTTAB_MAX_FRAMES || gfn >= (1ULL << P2M_GFN_BITS))
        return -XEN_EINVAL;

    unsigned long flags = spin_lock_irqsave(&gt->map_lock);
    spin_lock(&gt->lock);
    rc = gnttab_grow(gt, (unsigned int)idx + 1);
    if (rc)
        goto out;
    uint64_t mfn = gt->frame[idx] >> PAGE_SHIFT;
    rc = p2m_lookup(d->p2m, gfn, &old_mfn, &type, NULL);
    if (rc == 0 && old_mfn == mfn)
        goto out;                       /* already there */
    if (rc == 0 && type != P2M_RAM_RW && type != P2M_RAM_RO) {
        rc = -XEN_EBUSY;
        goto out;
    }
    if (rc && rc != -ENOENT)
        goto out;
    flush = rc == 0;
    rc = p2m_map(d->p2m, gfn, mfn, P2M_ORDER_4K, P2M_RAM_RW);
    if (rc)
        goto out;
    for (unsigned int i = 0; i < gt->nr_frames; i++)
        if (gt->frame_gfn[i] == gfn)
            gt->frame_gfn[i] = GFN_NONE;
    if (gt->frame_gfn[idx] != GFN_NONE) {
        p2m_unmap(d->p2m, gt->frame_gfn[idx], P2M_ORDER_4K);
        flush = true;
    }
    gt->frame_gfn[idx] = gfn;
out:
    spin_unlock(&gt->lock);
    spin_unlock_irqrestore(&gt->map_lock, flags);
    if (flush)
        domain_p2m_flush(d);
    return rc;
}

void grant_table_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant_table;

    foreign_release_all(d);     /* mappings of others' frames, like grants */
    if (!gt)
        return;
    gnttab_release_maps(d);
    if (gt->ever_pinned)
        gnttab_hold_referenced_ram(d);
    for (unsigned int i = 0; i < gt->nr_frames; i++) {
        free_pages(gt->frame[i], 0);
        xfree(gt->active[i]);
    }
    for (unsigned int i = 0; i < gt->nr_maps / MAPS_PER_BLOCK; i++)
        xfree(gt->maps[i]);
    budget_uncharge(gt->budget, BUDGET_GRANT_FRAMES, gt->nr_frames);
    budget_uncharge(gt->budget, BUDGET_MAPTRACK, gt->nr_maps);
    xfree(gt);
    d->grant_table = NULL;
}
