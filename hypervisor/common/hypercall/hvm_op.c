/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvm_op (public/hvm/hvm_op.h): get and set the domain's HVM parameters.
 * A guest may read any parameter of its own and set only those Xen lets a
 * guest set itself; the rest are the toolstack's.
 */
#include <public/xen/errno.h>
#include <public/xen/hvm/hvm_op.h>
#include <public/xen/hvm/params.h>
#include <public/xen/xen.h>
#include <tessera/domain.h>
#include <tessera/guest_mem.h>
#include <tessera/hypercall.h>

_Static_assert(HVM_NR_PARAMS <= DOMAIN_NR_PARAMS, "domain keeps every HVM param");

static bool guest_may_set(uint32_t index)
{
    return index == HVM_PARAM_CALLBACK_IRQ;
}

long do_hvm_op(struct vcpu *v, uint64_t arg[6])
{
    struct domain *d = v->domain;
    struct xen_hvm_param p;
    uint64_t op = arg[0];

    if (op != HVMOP_set_param && op != HVMOP_get_param)
        return -XEN_ENOSYS;
    if (copy_from_guest(v, &p, arg[1], sizeof(p)))
        return -XEN_EFAULT;
    if (p.domid != DOMID_SELF && p.domid != d->id)
        return -XEN_EPERM;
    if (p.index >= HVM_NR_PARAMS)
        return -XEN_EINVAL;
    if (op == HVMOP_set_param) {
        if (!guest_may_set(p.index))
            return -XEN_EPERM;
        d->params[p.index] = p.value;
        return 0;
    }
    p.value = d->params[p.index];
    return copy_to_guest(v, arg[1], &p, sizeof(p)) ? -XEN_EFAULT : 0;
}
