/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * grant_table_op (public/grant_table.h): cmd, a guest pointer to `count`
 * operation structs, count. Batches are worked GNTTAB_BATCH at a time, then
 * continued (the guest re-issues the call with the pointer and count
 * advanced), so no call holds a CPU for long; each op gets its own status.
 *
 * Only 64-bit callers: a 32-bit guest's gnttab_copy and setup_table have
 * 32-bit frame numbers and handles (Xen's compat layout), not handled yet.
 */
#include <public/xen/errno.h>
#include <tessera/domain.h>
#include <tessera/guest_mem.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>
#include "private.h"

/* Xen's xen/common/grant_table.c: the command is the low 12 bits; the rest
 * is continuation state that only GNTTABOP_cache_flush accepts. */
#define GNTTABOP_CMD_MASK   0xfffu

typedef long (*batch_fn)(struct vcpu *v, uint64_t uop, unsigned int n);

static long batch(struct vcpu *v, uint64_t arg[6], unsigned int count, size_t size,
                  batch_fn fn)
{
    unsigned int n = count < GNTTAB_BATCH ? count : GNTTAB_BATCH;
    long rc = fn(v, arg[1], n);

    if (rc || n == count)
        return rc;
    arg[1] += n * size;
    arg[2] = count - n;
    return HYPERCALL_CONTINUE;
}

typedef long (*single_fn)(struct vcpu *v, uint64_t uop);

/* The commands that take one struct: count must be 1, as in Xen. */
static long single(struct vcpu *v, unsigned int count, uint64_t uop, single_fn fn)
{
    return count == 1 ? fn(v, uop) : -XEN_EINVAL;
}

/* GNTST_okay if dom names the caller's own domain, else why its table is
 * not the caller's to set up or query (there is no privileged domain). */
static int16_t own_table_status(struct vcpu *v, domid_t dom)
{
    if (dom == v->domain->id || gnttab_domain(v, dom) == v->domain)
        return GNTST_okay;
    return gnttab_foreign_status(dom);
}

static long setup_table(struct vcpu *v, uint64_t uop)
{
    struct gnttab_setup_table op;
    xen_pfn_t gfns[GNTTAB_MAX_FRAMES];

    if (copy_from_guest_obj(v, &op, uop))
        return -XEN_EFAULT;
    op.status = own_table_status(v, op.dom);
    if (op.status == GNTST_okay && op.nr_frames > GNTTAB_MAX_FRAMES)
        op.status = GNTST_general_error;
    if (op.status == GNTST_okay) {
        struct grant_table *gt = v->domain->grant_table;
        unsigned long flags = spin_lock_irqsave(&gt->lock);
        op.status = gnttab_grow(gt, op.nr_frames) ? GNTST_general_error : GNTST_okay;
        /* A translated guest is told where it placed each frame. */
        memcpy(gfns, gt->frame_gfn, op.nr_frames * sizeof(gfns[0]));
        spin_unlock_irqrestore(&gt->lock, flags);
        if (op.status == GNTST_okay &&
            copy_to_guest_array(v, op.frame_list.p, gfns, op.nr_frames))
            op.status = GNTST_bad_virt_addr;
    }
    if (copy_field_to_guest(v, uop, &op, status))
        return -XEN_EFAULT;
    return 0;
}

static long query_size(struct vcpu *v, uint64_t uop)
{
    struct gnttab_query_size op;

    if (copy_from_guest_obj(v, &op, uop))
        return -XEN_EFAULT;
    op.status = own_table_status(v, op.dom);
    if (op.status == GNTST_okay) {
        struct domain *d = v->domain;

        op.nr_frames = __atomic_load_n(&d->grant_table->nr_frames, __ATOMIC_ACQUIRE);
        op.max_nr_frames = MIN(GNTTAB_MAX_FRAMES, d->budget.limit[BUDGET_GRANT_FRAMES]);
    }
    return copy_to_guest_obj(v, uop, &op) ? -XEN_EFAULT : 0;
}

static long get_version(struct vcpu *v, uint64_t uop)
{
    struct gnttab_get_version op;

    if (copy_from_guest_obj(v, &op, uop))
        return -XEN_EFAULT;
    if (op.dom != DOMID_SELF && op.dom != v->domain->id)
        return gnttab_foreign_status(op.dom) == GNTST_bad_domain ? -XEN_ESRCH : -XEN_EPERM;
    op.version = 1;
    return copy_field_to_guest(v, uop, &op, version) ? -XEN_EFAULT : 0;
}

/* Xen with v2 unavailable: 2 gives -ENOSYS ("as before set_version was
 * introduced"), anything but 1 or 2 -EINVAL; either way the version in
 * force is written back. */
static long set_version(struct vcpu *v, uint64_t uop)
{
    struct gnttab_set_version op;
    long rc;

    if (copy_from_guest_obj(v, &op, uop))
        return -XEN_EFAULT;
    rc = op.version == 1 ? 0 : op.version == 2 ? -XEN_ENOSYS : -XEN_EINVAL;
    op.version = 1;
    if (copy_to_guest_obj(v, uop, &op))
        return -XEN_EFAULT;
    return rc;
}

long do_grant_table_op(struct vcpu *v, uint64_t arg[6])
{
    uint32_t cmd = (uint32_t)arg[0], count = (uint32_t)arg[2];

    if (v->hypercall_compat || !v->domain->grant_table)
        return -XEN_ENOSYS;
    if ((int32_t)count < 0)
        return -XEN_EINVAL;
    if ((cmd & ~GNTTABOP_CMD_MASK) && (cmd & GNTTABOP_CMD_MASK) != GNTTABOP_cache_flush)
        return -XEN_EINVAL;
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        return batch(v, arg, count, sizeof(struct gnttab_map_grant_ref), gnttab_map_batch);
    case GNTTABOP_unmap_grant_ref:
        return batch(v, arg, count, sizeof(struct gnttab_unmap_grant_ref), gnttab_unmap_batch);
    case GNTTABOP_copy:
        return batch(v, arg, count, sizeof(struct gnttab_copy), gnttab_copy_batch);
    case GNTTABOP_setup_table:
        return single(v, count, arg[1], setup_table);
    case GNTTABOP_query_size:
        return single(v, count, arg[1], query_size);
    case GNTTABOP_get_version:
        return single(v, count, arg[1], get_version);
    case GNTTABOP_set_version:
        return single(v, count, arg[1], set_version);
    }
    return -XEN_ENOSYS;
}
