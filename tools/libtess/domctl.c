/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * Domain control on an existing domain: its info, pause, unpause,
 * shutdown, destroy, its store ring.
 */
#include <public/xen/sched.h>
#include <string.h>

#include "private.h"

static int on_domain(struct libtess *h, uint32_t cmd, uint32_t domid, uint32_t reason,
                     const char *what)
{
    struct tess_domctl op = { .cmd = cmd, .domid = domid, .reason = reason };

    return tess_domctl(h, &op, what);
}

int libtess_getinfo(struct libtess *h, uint32_t domid, void *out)
{
    struct tess_domctl op = { .cmd = TESS_DOMCTL_getinfo, .domid = domid };
    int rc = tess_domctl(h, &op, "getinfo");

    if (rc < 0)
        return rc;
    memcpy(out, &op.u.getinfo, sizeof(op.u.getinfo));
    return 0;
}

int libtess_pause(struct libtess *h, uint32_t domid)
{
    return on_domain(h, TESS_DOMCTL_pause, domid, 0, "pause");
}

int libtess_unpause(struct libtess *h, uint32_t domid)
{
    return on_domain(h, TESS_DOMCTL_unpause, domid, 0, "unpause");
}

int libtess_shutdown(struct libtess *h, uint32_t domid)
{
    return on_domain(h, TESS_DOMCTL_shutdown, domid, SHUTDOWN_poweroff, "shutdown");
}

int libtess_shutdown_reason(struct libtess *h, uint32_t domid, unsigned int reason)
{
    return on_domain(h, TESS_DOMCTL_shutdown, domid, reason, "shutdown");
}

int libtess_destroy(struct libtess *h, uint32_t domid)
{
    return on_domain(h, TESS_DOMCTL_destroy, domid, 0, "destroy");
}

int libtess_store_ring(struct libtess *h, uint32_t domid, uint64_t *gfn, uint32_t *port)
{
    struct tess_domctl op = { .cmd = TESS_DOMCTL_store_ring, .domid = domid };
    int rc = tess_domctl(h, &op, "store_ring");

    if (rc < 0)
        return rc;
    *gfn = op.u.store_ring.gfn;
    *port = op.u.store_ring.port;
    return 0;
}
