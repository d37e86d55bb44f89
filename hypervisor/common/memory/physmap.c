/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * XENMEM_add_to_physmap (public/memory.h): a guest places a hypervisor
 * frame (its shared_info page, a grant-table frame) at a gfn of its own
 * physmap.
 *
 * What was at that gfn: a hole, or a frame of the domain's RAM. The RAM
 * frame is only unmapped, not freed: it stays the domain's until the
 * domain ends (Xen gives it back to the allocator at once; our RAM is
 * allocated in large chunks that are freed whole). Anything else there
 * (a grant mapping, an emulated device range) is refused with -EBUSY.
 * The frame's previous gfn, if it had one, becomes a hole, as in Xen.
 */
#include <public/xen/errno.h>
#include <public/xen/memory.h>
#include <public/xen/xen.h>
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/grant_table.h>
#include <tessera/guest_mem.h>
#include <tessera/hypercall.h>
#include <tessera/p2m.h>
#include <tessera/page_alloc.h>

/* Maps mfn at gfn as RAM, unmapping old_gfn (~0: none) first; flushes. */
int physmap_place_frame(struct domain *d, uint64_t mfn, uint64_t gfn, uint64_t old_gfn)
{
    enum p2m_type type;
    int rc;

    if (gfn >> P2M_GFN_BITS || arch_gfn_emulated(d, gfn))
        return -XEN_EINVAL;
    rc = p2m_lookup(d->p2m, gfn, NULL, &type, NULL);
    if (rc && rc != -ENOENT)
        return -XEN_EINVAL;
    if (!rc && type != P2M_RAM_RW)
        return -XEN_EBUSY;
    if (old_gfn != ~0ull && old_gfn != gfn && p2m_unmap(d->p2m, old_gfn, 0))
        return -XEN_ENOMEM;
    rc = p2m_map(d->p2m, gfn, mfn, 0, P2M_RAM_RW);
    domain_p2m_flush(d);
    return rc ? -XEN_ENOMEM : 0;
}

long memory_add_to_physmap(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct xen_add_to_physmap x;
    unsigned long flags;
    int rc;

    if (copy_from_guest_obj(v, &x, arg))
        return -XEN_EFAULT;
    if (x.domid != DOMID_SELF && x.domid != d->id)
        return domain_by_id(x.domid) ? -XEN_EPERM : -XEN_ESRCH;  /* no toolstack domain yet */
    switch (x.space) {
    case XENMAPSPACE_shared_info:
        if (x.idx != 0)
            return -XEN_EINVAL;
        flags = gnttab_physmap_lock(d);
        rc = physmap_place_frame(d, virt_to_phys(d->shared_info) >> PAGE_SHIFT, x.gpfn,
                                 d->shared_info_gfn);
        if (!rc)
            d->shared_info_gfn = x.gpfn;
        gnttab_physmap_unlock(d, flags);
        return rc;
    case XENMAPSPACE_grant_table:
        return gnttab_add_to_physmap(d, x.idx, x.gpfn);
    case XENMAPSPACE_gmfn:
    case XENMAPSPACE_gmfn_range:
    case XENMAPSPACE_gmfn_foreign:
    case XENMAPSPACE_dev_mmio:
        return -XEN_ENOSYS;
    }
    return -XEN_EINVAL;
}
