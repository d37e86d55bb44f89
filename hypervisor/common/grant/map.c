/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * GNTTABOP_map_grant_ref / unmap_grant_ref for auto-translated callers, and
 * the maptrack that names each mapping by a handle.
 *
 * As Xen does for HVM callers (xen/arch/x86/hvm/grant_table.c): only
 * GNTMAP_host_map (optionally GNTMAP_readonly); host_addr is the
 * guest-physical address where the frame appears, as P2M_GRANT_RW/RO.
 * Ours must be a hole in the caller's p2m (Linux maps into ballooned-out or
 * unpopulated gfns, a dom0 anywhere in the holes of its 1:1 map, above
 * 4 GiB too) and not an emulated device range; unmap needs the same
 * host_addr as the map.
 */
#include <public/xen/errno.h>
#include <tessera/arch.h>
#include <tessera/budget.h>
#include <tessera/p2m.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/guest_mem.h>
#include <tessera/heap.h>
#include "private.h"

static struct maptrack *maptrack_entry(struct grant_table *gt, uint32_t handle)
{
    if (handle >= gt->nr_maps)
        return NULL;
    return &gt->maps[handle / MAPS_PER_BLOCK][handle % MAPS_PER_BLOCK];
}

/* map_lock held. */
static int maptrack_alloc(struct grant_table *gt, uint32_t *handle)
{
    if (gt->free_map == MAPTRACK_NONE) {
        unsigned int b = gt->nr_maps / MAPS_PER_BLOCK;
        if (gt->nr_maps >= GNTTAB_MAX_MAPS)
            return -ENOSPC;
        if (budget_charge(gt->budget, BUDGET_MAPTRACK, MAPS_PER_BLOCK))
            return -ENOMEM;
        gt->maps[b] = xzalloc(MAPS_PER_BLOCK * sizeof(struct maptrack));
        if (!gt->maps[b]) {
            budget_uncharge(gt->budget, BUDGET_MAPTRACK, MAPS_PER_BLOCK);
            return -ENOMEM;
        }
        for (unsigned int i = 0; i < MAPS_PER_BLOCK; i++)
            gt->maps[b][i].next_free = i + 1 < MAPS_PER_BLOCK ? gt->nr_maps + i + 1
                                                              : MAPTRACK_NONE;
        gt->free_map = gt->nr_maps;
        gt->nr_maps += MAPS_PER_BLOCK;
    }
    *handle = gt->free_map;
    gt->free_map = maptrack_entry(gt, *handle)->next_free;
    return 0;
}

static void maptrack_free(struct grant_table *gt, uint32_t handle)
{
    struct maptrack *m = maptrack_entry(gt, handle);

    m->in_use = false;
    m->next_free = gt->free_map;
    gt->free_map = handle;
}

/* After the mapping has left the mapper's p2m and been flushed. */
static void release(const struct maptrack *m)
{
    struct domain *rd = domain_by_id(m->granter);

    /* A granter that died (or whose id is now another domain's) has no
     * pins left to drop; its frames wait for the count alone. */
    if (rd && rd->grant_table && rd->created_ns == m->granter_created_ns &&
        (rd->state == DOM_RUNNING || rd->state == DOM_BUILDING))
        gnttab_unpin(rd, m->ref, !m->readonly);
    gnttab_frame_put(m->mfn);
}

static int16_t map_one(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
    struct domain *ld = v->domain, *rd;
    struct grant_table *lgt = ld->grant_table;
    uint64_t gfn = op->host_addr >> PAGE_SHIFT, mfn;
    bool write = !(op->flags & GNTMAP_readonly);
    uint32_t handle = 0;
    int16_t rc;

    if (!(op->flags & (GNTMAP_device_map | GNTMAP_host_map)))
        return GNTST_bad_gntref;
    if (op->flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte))
        return GNTST_general_error;
    rd = gnttab_domain(v, op->dom);
    if (!rd)
        return GNTST_bad_domain;
    /* An emulated range (the vLAPIC page...) is a hole in the p2m too, but
     * a frame there would hide the device from the mapper. */
    if (gfn >= (1ULL << P2M_GFN_BITS) || arch_gfn_emulated(ld, gfn))
        return GNTST_general_error;
    rc = gnttab_pin(rd, ld, op->ref, write, &mfn);
    if (rc)
        return rc;
    gnttab_frame_get(mfn);

    unsigned long flags = spin_lock_irqsave(&lgt->map_lock);
    if (p2m_lookup(ld->p2m, gfn, NULL, NULL, NULL) != -ENOENT)
        rc = GNTST_general_error;               /* not a hole */
    else if (maptrack_alloc(lgt, &handle))
        rc = GNTST_no_space;
    else if (p2m_map(ld->p2m, gfn, mfn, P2M_ORDER_4K, write ? P2M_GRANT_RW : P2M_GRANT_RO)) {
        maptrack_free(lgt, handle);
        rc = GNTST_general_error;
    } else {
        *maptrack_entry(lgt, handle) = (struct maptrack){
            .mfn = mfn, .gfn = gfn, .granter_created_ns = rd->created_ns, .ref = op->ref,
            .next_free = MAPTRACK_NONE, .granter = rd->id, .in_use = true, .readonly = !write,
        };
    }
    spin_unlock_irqrestore(&lgt->map_lock, flags);
    if (rc) {
        /* Nothing entered the p2m: no flush needed before the put. */
        gnttab_frame_put(mfn);
        gnttab_unpin(rd, op->ref, write);
        return rc;
    }
    op->handle = handle;
    op->dev_bus_addr = 0;
    return GNTST_okay;
}

long gnttab_map_batch(struct vcpu *v, uint64_t uop, unsigned int n)
{
    struct gnttab_map_grant_ref op;

    for (unsigned int i = 0; i < n; i++, uop += sizeof(op)) {
        if (copy_from_guest_obj(v, &op, uop))
            return -XEN_EFAULT;
        op.status = map_one(v, &op);
        if (copy_to_guest_obj(v, uop, &op))
            return -XEN_EFAULT;
    }
    return 0;
}

static int16_t unmap_one(struct domain *ld, const struct gnttab_unmap_grant_ref *op,
                         struct maptrack *done)
{
    struct grant_table *lgt = ld->grant_table;
    enum p2m_type type;
    uint64_t mfn;
    int16_t rc = GNTST_okay;

    unsigned long flags = spin_lock_irqsave(&lgt->map_lock);
    struct maptrack *m = maptrack_entry(lgt, op->handle);
    if (!m || !m->in_use) {
        rc = GNTST_bad_handle;
    } else if (op->host_addr >> PAGE_SHIFT != m->gfn ||
               p2m_lookup(ld->p2m, m->gfn, &mfn, &type, NULL) || mfn != m->mfn ||
               (type != P2M_GRANT_RW && type != P2M_GRANT_RO) ||
               p2m_unmap(ld->p2m, m->gfn, P2M_ORDER_4K)) {
        rc = GNTST_general_error;
    } else {
        *done = *m;
        maptrack_free(lgt, op->handle);
    }
    spin_unlock_irqrestore(&lgt->map_lock, flags);
    return rc;
}

long gnttab_unmap_batch(struct vcpu *v, uint64_t uop, unsigned int n)
{
    struct gnttab_unmap_grant_ref op;
    struct maptrack done[GNTTAB_BATCH];
    unsigned int nr_done = 0;
    long rc = 0;

    for (unsigned int i = 0; i < n && i < GNTTAB_BATCH; i++, uop += sizeof(op)) {
        if (copy_from_guest_obj(v, &op, uop)) {
            rc = -XEN_EFAULT;
            break;
        }
        op.status = unmap_one(v->domain, &op, &done[nr_done]);
        if (op.status == GNTST_okay)
            nr_done++;
        if (copy_to_guest_obj(v, uop, &op)) {
            rc = -XEN_EFAULT;
            break;
        }
    }
    /* One flush for the batch; no frame is let go before it. */
    if (nr_done)
        domain_p2m_flush(v->domain);
    for (unsigned int i = 0; i < nr_done; i++)
        release(&done[i]);
    return rc;
}

void gnttab_release_maps(struct domain *d)
{
    struct grant_table *gt = d->grant_table;
    bool any = false;

    for (uint32_t h = 0; h < gt->nr_maps && !any; h++)
        any = maptrack_entry(gt, h)->in_use;
    if (!any)
        return;
    /* The dead domain's p2m is never loaded again, but a CPU may still
     * cache its translations. */
    domain_p2m_flush(d);
    for (uint32_t h = 0; h < gt->nr_maps; h++) {
        struct maptrack *m = maptrack_entry(gt, h);
        if (m->in_use) {
            release(m);
            maptrack_free(gt, h);
        }
    }
}
