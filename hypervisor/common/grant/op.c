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
#include <asm/hvm.h>
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

static long setup_table(struct vcpu *v, uint64_t uop, unsigned int count)
{
    struct gnttab_setup_table op;
    uint64_t gfns[GNTTAB_MAX_FRAMES];
    struct domain *d;

    if (count != 1)
        return -XEN_EINVAL;
    if (copy_from_guest(v, &op, uop, sizeof(op)))
        return -XEN_EFAULT;
    d = op.dom == v->domain->id ? v->domain : gnttab_domain(v, op.dom);
    if (d != v->domain) {
        op.status = gnttab_foreign_status(op.dom);
    } else if (op.nr_frames > GNTTAB_MAX_FRAMES) {
        op.status = GNTST_general_error;
    } else {
        struct grant_table *gt = d->grant_table;
        unsigned long flags = spin_lock_irqsave(&gt->lock);
        op.status = gnttab_grow(gt, op.nr_frames) ? GNTST_general_error : GNTST_okay;
        /* A translated guest is told where it placed each frame. */
        memcpy(gfns, gt->frame_gfn, op.nr_frames * sizeof(gfns[0]));
        spin_unlock_irqrestore(&gt->lock, flags);
        for (unsigned int i = 0; op.status == GNTST_okay && i < op.nr_frames; i++)
            if (copy_to_guest(v, op.frame_list.p + i * sizeof(xen_pfn_t), &gfns[i],
                              sizeof(xen_pfn_t)))
                op.status = GNTST_bad_virt_addr;
    }
    if (copy_to_guest(v, uop + offsetof(struct gnttab_setup_table, status), &op.status,
                      sizeof(op.status)))
        return -XEN_EFAULT;
    return 0;
}

static long query_size(struct vcpu *v, uint64_t uop, unsigned int count)
{
    struct gnttab_query_size op;
    struct domain *d;

    if (count != 1)
        return -XEN_EINVAL;
    if (copy_from_guest(v, &op, uop, sizeof(op)))
        return -XEN_EFAULT;
    d = op.dom == v->domain->id ? v->domain : gnttab_domain(v, op.dom);
    if (d != v->domain) {
        op.status = gnttab_foreign_status(op.dom);
    } else {
        op.nr_frames = __atomic_load_n(&d->grant_table->nr_frames, __ATOMIC_ACQUIRE);
        op.max_nr_frames = MIN(GNTTAB_MAX_FRAMES, d->budget.limit[BUDGET_GRANT_FRAMES]);
        op.status = GNTST_okay;
    }
    return copy_to_guest(v, uop, &op, sizeof(op)) ? -XEN_EFAULT : 0;
}

static long get_version(struct vcpu *v, uint64_t uop, unsigned int count)
{
    struct gnttab_get_version op;

    if (count != 1)
        return -XEN_EINVAL;
    if (copy_from_guest(v, &op, uop, sizeof(op)))
        return -XEN_EFAULT;
    if (op.dom != DOMID_SELF && op.dom != v->domain->id)
        return gnttab_foreign_status(op.dom) == GNTST_bad_domain ? -XEN_ESRCH : -XEN_EPERM;
    op.version = 1;
    return copy_to_guest(v, uop + offsetof(struct gnttab_get_version, version), &op.version,
                         sizeof(op.version)) ? -XEN_EFAULT : 0;
}

/* Xen with v2 unavailable: 2 gives -ENOSYS ("as before set_version was
 * introduced"), anything but 1 or 2 -EINVAL; either way the version in
 * force is written back. */
static long set_version(struct vcpu *v, uint64_t uop, unsigned int count)
{
    struct gnttab_set_version op;
    long rc;

    if (count != 1)
        return -XEN_EINVAL;
    if (copy_from_guest(v, &op, uop, sizeof(op)))
        return -XEN_EFAULT;
    rc = op.version == 1 ? 0 : op.version == 2 ? -XEN_ENOSYS : -XEN_EINVAL;
    op.version = 1;
    if (copy_to_guest(v, uop, &op, sizeof(op)))
        return -XEN_EFAULT;
    return rc;
}

long do_grant_table_op(struct vcpu *v, uint64_t arg[6])
{
    uint32_t cmd = (uint32_t)arg[0], count = (uint32_t)arg[2];

    if (hvm->mode(v) != HVM_MODE_LONG64 || !v->domain->grant_table)
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
        return setup_table(v, arg[1], count);
    case GNTTABOP_query_size:
        return query_size(v, arg[1], count);
    case GNTTABOP_get_version:
        return get_version(v, arg[1], count);
    case GNTTABOP_set_version:
        return set_version(v, arg[1], count);
    }
    return -XEN_ENOSYS;
}
