/* SPDX-License-Identifier: GPL-2.0-only */
/* A runtime domain's xenstore ring page and port (tessera/store_ring.h). */
#include <public/xen/errno.h>
#include <public/xen/hvm/params.h>
#include <tessera/domain.h>
#include <tessera/event.h>
#include <tessera/store_ring.h>

int store_ring_attach(struct domain *d, uint64_t gfn)
{
    evtchn_port_t port;
    int rc = evtchn_alloc_unbound(d, STORE_RING_BACKEND_DOMID, &port);

    if (rc)
        return rc;
    d->params[HVM_PARAM_STORE_PFN] = gfn;
    d->params[HVM_PARAM_STORE_EVTCHN] = port;
    return 0;
}

long store_ring_info(const struct domain *d, struct tess_store_ring *out)
{
    /* The guest cannot set these (hvm_op.c lets it set only the callback). */
    if (!d->params[HVM_PARAM_STORE_PFN])
        return -XEN_ENOENT;
    *out = (struct tess_store_ring){
        .gfn = d->params[HVM_PARAM_STORE_PFN],
        .port = (uint32_t)d->params[HVM_PARAM_STORE_EVTCHN],
    };
    return 0;
}
