/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * GNTTABOP_copy: each side is a grant (GNTCOPY_*_gref: a reference in the
 * table of the domain named) or the caller's own frame (domid must then be
 * DOMID_SELF, as Xen requires). The grant is pinned only for the copy.
 */
#include <public/xen/errno.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/guest_mem.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include "private.h"

struct side {
    struct domain *granter;     /* NULL: the caller's own frame */
    grant_ref_t ref;
    uint64_t mfn;
};

static int16_t acquire(struct vcpu *v, const struct gnttab_copy_ptr *p, bool is_gref,
                       bool write, struct side *s)
{
    s->granter = NULL;
    if (!is_gref) {
        if (p->domid != DOMID_SELF)
            return GNTST_permission_denied;
        return gnttab_own_frame(v->domain, p->u.gmfn, write, &s->mfn) ? GNTST_bad_page
                                                                      : GNTST_okay;
    }
    struct domain *rd = gnttab_domain(v, p->domid);
    if (!rd)
        return GNTST_bad_domain;
    int16_t rc = gnttab_pin(rd, v->domain, p->u.ref, write, &s->mfn);
    if (rc == GNTST_okay) {
        s->granter = rd;
        s->ref = p->u.ref;
    }
    return rc;
}

static void release(const struct side *s, bool write)
{
    if (s->granter)
        gnttab_unpin(s->granter, s->ref, write);
}

static int16_t copy_one(struct vcpu *v, const struct gnttab_copy *op)
{
    struct side src, dst;
    int16_t rc;

    if (op->len > PAGE_SIZE || op->source.offset >= PAGE_SIZE || op->dest.offset >= PAGE_SIZE ||
        op->source.offset + op->len > PAGE_SIZE || op->dest.offset + op->len > PAGE_SIZE)
        return GNTST_bad_copy_arg;
    rc = acquire(v, &op->source, op->flags & GNTCOPY_source_gref, false, &src);
    if (rc)
        return rc;
    rc = acquire(v, &op->dest, op->flags & GNTCOPY_dest_gref, true, &dst);
    if (rc == GNTST_okay)
        memmove((uint8_t *)phys_to_virt(dst.mfn << PAGE_SHIFT) + op->dest.offset,
                (const uint8_t *)phys_to_virt(src.mfn << PAGE_SHIFT) + op->source.offset,
                op->len);
    if (rc == GNTST_okay)
        release(&dst, true);
    release(&src, false);
    return rc;
}

long gnttab_copy_batch(struct vcpu *v, uint64_t uop, unsigned int n)
{
    struct gnttab_copy op;

    for (unsigned int i = 0; i < n; i++, uop += sizeof(op)) {
        if (copy_from_guest_obj(v, &op, uop))
            return -XEN_EFAULT;
        op.status = copy_one(v, &op);
        if (copy_field_to_guest(v, uop, &op, status))
            return -XEN_EFAULT;
    }
    return 0;
}
