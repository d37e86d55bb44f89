/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Until event channels are merged: weak -ENOSYS versions of what
 * tessera/event_api.h declares, so the tree links. The real ones in
 * hypervisor/common/event/ override them; delete this file then.
 */
#include <public/xen/errno.h>
#include <tessera/event_api.h>

__attribute__((weak)) int evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
    return -XEN_ENOSYS;
}

__attribute__((weak)) int evtchn_alloc_xen_bound(struct domain *d, evtchn_xen_fn fn, void *data)
{
    return -XEN_ENOSYS;
}

__attribute__((weak)) int evtchn_raise(struct domain *d, unsigned int port)
{
    return -XEN_ENOSYS;
}
