/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvm_op (public/hvm/hvm_op.h): get and set the domain's HVM parameters.
 * A guest may read any parameter of its own and set only those Xen lets a
 * guest set itself; the rest are the toolstack's.
 */
#include <asm/hvm_intr.h>
#include <public/xen/errno.h>
#include <public/xen/hvm/hvm_op.h>
#include <public/xen/hvm/params.h>
#include <public/xen/xen.h>
#include <tessera/domain.h>

#define CALLBACK_TYPE_SHIFT 56       /* public/hvm/params.h: type in bits 63:56 */
#include <tessera/guest_mem.h>
#include <tessera/hypercall.h>

_Static_assert(HVM_NR_PARAMS <= DOMAIN_NR_PARAMS, "domain keeps every HVM param");

static bool guest_may_set(uint32_t index)
{
    return index == HVM_PARAM_CALLBACK_IRQ;
}

/*
 * Only the vector callback is delivered (asm/hvm_intr.h): there is no
 * emulated IOAPIC or PCI device for the GSI and INTx types. 0 turns the
 * callback off. Vectors below 0x20 are exceptions.
 */
static bool callback_via_valid(uint64_t via)
{
    if (!via)
        return true;
    return via >> CALLBACK_TYPE_SHIFT == HVM_PARAM_CALLBACK_TYPE_VECTOR &&
           (via & ~0xffull & ((1ull << CALLBACK_TYPE_SHIFT) - 1)) == 0 &&
           (via & 0xff) >= 0x20;
}

long do_hvm_op(struct vcpu *v, uint64_t arg[6])
{
    struct domain *d = v->domain;
    struct xen_hvm_param p;
    uint64_t op = arg[0];

    if (op != HVMOP_set_param && op != HVMOP_get_param)
        return -XEN_ENOSYS;
    if (copy_from_guest_obj(v, &p, arg[1]))
        return -XEN_EFAULT;
    if (p.domid != DOMID_SELF && p.domid != d->id)
        return -XEN_EPERM;
    if (p.index >= HVM_NR_PARAMS)
        return -XEN_EINVAL;
    if (op == HVMOP_set_param) {
        if (!guest_may_set(p.index))
            return -XEN_EPERM;
        if (p.index == HVM_PARAM_CALLBACK_IRQ && !callback_via_valid(p.value))
            return -XEN_EINVAL;
        d->params[p.index] = p.value;
        if (p.index == HVM_PARAM_CALLBACK_IRQ)
            for (unsigned int i = 0; i < d->nr_vcpus; i++)
                vcpu_kick(d->vcpus[i]);
        return 0;
    }
    p.value = d->params[p.index];
    return copy_to_guest_obj(v, arg[1], &p) ? -XEN_EFAULT : 0;
}
