/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Foreign mappings (tessera/foreign_map.h): the hardware domain maps frames
 * of another domain's RAM at gfns of its own with XENMEM_add_to_physmap_batch
 * and XENMAPSPACE_gmfn_foreign, and unmaps them with
 * XENMEM_remove_from_physmap (public/memory.h; Linux's xlate_mmu.c).
 *
 * The gfn must be a hole in the mapper's p2m and not an emulated range: a
 * dom0's RAM is the machine's (1:1), so nothing is ever replaced. The frame
 * must be the foreign domain's own RAM (not its grant-table or shared_info
 * page, which the hypervisor frees at its end). It appears as a
 * grant-typed entry (P2M_GRANT_RW/RO: another domain's frame), and each
 * mapping holds a reference on it, so a foreign domain that ends keeps the
 * RAM block until the last mapping goes (grant/frame_ref.c). Every mapping
 * is recorded here by (mapper, gfn): only recorded gfns can be removed, and
 * the mapper's end drops the rest. Each counts as one maptrack entry of the
 * mapper's budget (docs/limits.md), which bounds this table.
 */
#include <public/xen/errno.h>
#include <public/xen/memory.h>
#include <public/xen/xen.h>
#include <asm/spinlock.h>
#include <tessera/arch.h>
#include <tessera/budget.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/foreign_map.h>
#include <tessera/grant_table.h>
#include <tessera/guest_mem.h>
#include <tessera/heap.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>
#include <tessera/p2m.h>

#define BUCKETS         256
#define PER_CALL        64          /* frames before a continuation */
#define PROGRESS_SHIFT  6           /* arg[0] above the command (MEMOP_EXTENT_SHIFT) */

struct foreign_map {
    struct foreign_map *next;
    const struct domain *mapper;
    uint64_t gfn;
    uint64_t mfn;
};

static spinlock_t foreign_lock = SPINLOCK_INIT;
static struct foreign_map *buckets[BUCKETS];
static unsigned long nr_foreign;    /* mappings alive, all mappers */

static struct foreign_map **bucket(const struct domain *d, uint64_t gfn)
{
    return &buckets[(gfn ^ ((uintptr_t)d >> 6)) % BUCKETS];
}

/* foreign_lock held: the link pointing at d's mapping of gfn, or NULL. */
static struct foreign_map **find(const struct domain *d, uint64_t gfn)
{
    for (struct foreign_map **p = bucket(d, gfn); *p; p = &(*p)->next)
        if ((*p)->mapper == d && (*p)->gfn == gfn)
            return p;
    return NULL;
}

/* The domain id names for the caller, who must be it: 0 or the error. */
static long own(struct domain *d, domid_t id)
{
    if (id == DOMID_SELF || id == d->id)
        return 0;
    return domain_by_id(id) ? -XEN_EPERM : -XEN_ESRCH;
}

/* One frame: fd's RAM at fgfn into d's p2m at gfn; 0 or a negated errno. */
static int map_one(struct domain *d, struct domain *fd, uint64_t fgfn, uint64_t gfn)
{
    struct foreign_map *m;
    uint64_t mfn;
    bool writable;
    int rc = 0;

    if (gfn >> P2M_GFN_BITS || arch_gfn_emulated(d, gfn))
        return -XEN_EINVAL;
    if (gnttab_take_ram_frame(fd, fgfn, &mfn, &writable))
        return -XEN_EINVAL;
    m = xmalloc(sizeof(*m));
    if (!m || budget_charge(&d->budget, BUDGET_MAPTRACK, 1)) {
        xfree(m);
        gnttab_frame_put(mfn);
        return -XEN_ENOMEM;
    }
    *m = (struct foreign_map){ .mapper = d, .gfn = gfn, .mfn = mfn };

    unsigned long flags = gnttab_physmap_lock(d);
    if (p2m_lookup(d->p2m, gfn, NULL, NULL, NULL) != -ENOENT)
        rc = -XEN_EBUSY;            /* RAM, MMIO, a grant or foreign frame */
    else if (p2m_map(d->p2m, gfn, mfn, P2M_ORDER_4K, writable ? P2M_GRANT_RW : P2M_GRANT_RO))
        rc = -XEN_ENOMEM;
    if (!rc) {
        unsigned long f2 = spin_lock_irqsave(&foreign_lock);
        m->next = *bucket(d, gfn);
        *bucket(d, gfn) = m;
        nr_foreign++;
        spin_unlock_irqrestore(&foreign_lock, f2);
    }
    gnttab_physmap_unlock(d, flags);
    if (rc) {
        /* Nothing entered the p2m: no flush before the put. */
        budget_uncharge(&d->budget, BUDGET_MAPTRACK, 1);
        xfree(m);
        gnttab_frame_put(mfn);
    }
    return rc;
}

long memory_add_to_physmap_batch(struct vcpu *v, uint64_t arg[6])
{
    struct domain *d = v->domain, *fd;
    struct xen_add_to_physmap_batch b;
    unsigned int done = (unsigned int)(arg[0] >> PROGRESS_SHIFT);
    long rc;

    if (copy_from_guest_obj(v, &b, arg[1]))
        return -XEN_EFAULT;
    rc = own(d, b.domid);
    if (rc)
        return rc;
    if (b.space != XENMAPSPACE_gmfn_foreign)
        return b.space <= XENMAPSPACE_dev_mmio ? -XEN_ENOSYS : -XEN_EINVAL;
    if (!d->is_hardware)
        return -XEN_EPERM;
    if (b.u.foreign_domid == DOMID_SELF || b.u.foreign_domid == d->id)
        return -XEN_EINVAL;
    fd = domain_by_id(b.u.foreign_domid);
    if (!fd || (fd->state != DOM_RUNNING && fd->state != DOM_BUILDING))
        return -XEN_ESRCH;
    if (done > b.size)
        return -XEN_EINVAL;

    unsigned int end = MIN((unsigned int)b.size, done + PER_CALL);
    for (unsigned int i = done; i < end; i++) {
        xen_ulong_t idx;
        xen_pfn_t gpfn;
        int err;

        if (copy_from_guest(v, &idx, b.idxs.p + i * sizeof(idx), sizeof(idx)) ||
            copy_from_guest(v, &gpfn, b.gpfns.p + i * sizeof(gpfn), sizeof(gpfn)))
            return -XEN_EFAULT;
        err = map_one(d, fd, idx, gpfn);
        if (copy_to_guest(v, b.errs.p + i * sizeof(err), &err, sizeof(err)))
            return -XEN_EFAULT;     /* the frame stays mapped, as in Xen */
    }
    if (end == b.size)
        return 0;
    arg[0] = (arg[0] & ((1u << PROGRESS_SHIFT) - 1)) | ((uint64_t)end << PROGRESS_SHIFT);
    return HYPERCALL_CONTINUE;
}

long memory_remove_from_physmap(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct xen_remove_from_physmap x;
    struct foreign_map *m = NULL;
    long rc;

    if (copy_from_guest_obj(v, &x, arg))
        return -XEN_EFAULT;
    rc = own(d, x.domid);
    if (rc)
        return rc;
    unsigned long flags = gnttab_physmap_lock(d);
    unsigned long f2 = spin_lock_irqsave(&foreign_lock);
    struct foreign_map **p = find(d, x.gpfn);
    if (p && !p2m_unmap(d->p2m, x.gpfn, P2M_ORDER_4K)) {
        m = *p;
        *p = m->next;
        nr_foreign--;
    }
    spin_unlock_irqrestore(&foreign_lock, f2);
    gnttab_physmap_unlock(d, flags);
    if (!m)
        return p ? -XEN_ENOMEM : -XEN_EINVAL;   /* only foreign mappings go */
    /* No CPU may still reach the frame through d before it is let go. */
    domain_p2m_flush(d);
    gnttab_frame_put(m->mfn);
    budget_uncharge(&d->budget, BUDGET_MAPTRACK, 1);
    xfree(m);
    return 0;
}

void foreign_release_all(struct domain *d)
{
    struct foreign_map *gone = NULL;
    unsigned long n = 0;

    unsigned long flags = spin_lock_irqsave(&foreign_lock);
    for (unsigned int b = 0; b < BUCKETS; b++)
        for (struct foreign_map **p = &buckets[b]; *p;) {
            struct foreign_map *m = *p;
            if (m->mapper != d) {
                p = &m->next;
                continue;
            }
            *p = m->next;
            m->next = gone;
            gone = m;
            n++;
        }
    nr_foreign -= n;
    spin_unlock_irqrestore(&foreign_lock, flags);
    if (!gone)
        return;
    /* d's p2m is never loaded again, but a CPU may still cache it. */
    domain_p2m_flush(d);
    while (gone) {
        struct foreign_map *m = gone;
        gone = m->next;
        gnttab_frame_put(m->mfn);
        budget_uncharge(&d->budget, BUDGET_MAPTRACK, 1);
        xfree(m);
    }
    printk("dom %s id=%u: %lu foreign mappings released at its end, %lu left\n",
           d->name, d->id, n, nr_foreign);
}
