/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * A PV console ring (public/xen/io/console.h) served from the control
 * domain: where it is (TESS_DOMCTL_console_ring), and its index protocol
 * seen from the backend. The guest writes every field of the page, so our
 * own positions are the truth: out_prod and in_cons are read once per call
 * and believed only within one ring of ours; out_cons and in_prod are only
 * ever written.
 */
#include <errno.h>
#include <public/xen/io/console.h>
#include <string.h>

#include "private.h"

#define OUT_SIZE sizeof(((struct xencons_interface *)0)->out)
#define IN_SIZE  sizeof(((struct xencons_interface *)0)->in)

int libtess_console_ring(struct libtess *h, uint32_t domid, uint64_t *gfn, uint32_t *port)
{
    struct tess_domctl op = { .cmd = TESS_DOMCTL_console_ring, .domid = domid };
    int rc = tess_domctl(h, &op, "console_ring");

    if (rc < 0)
        return rc;
    *gfn = op.u.console_ring.gfn;
    *port = op.u.console_ring.port;
    return 0;
}

int libtess_console_take(void *ring, uint32_t *out_cons, char *buf, size_t len)
{
    struct xencons_interface *intf = ring;
    uint32_t prod = __atomic_load_n(&intf->out_prod, __ATOMIC_ACQUIRE);
    uint32_t avail = prod - *out_cons;
    size_t n = 0;

    if (avail > OUT_SIZE) {
        /* Lying or broken: what it claims is dropped, we go on from there. */
        *out_cons = prod;
        __atomic_store_n(&intf->out_cons, prod, __ATOMIC_RELEASE);
        return -EPROTO;
    }
    for (; n < avail && n < len; n++)
        buf[n] = __atomic_load_n(&intf->out[(*out_cons + n) & (OUT_SIZE - 1)], __ATOMIC_RELAXED);
    *out_cons += (uint32_t)n;
    __atomic_store_n(&intf->out_cons, *out_cons, __ATOMIC_RELEASE);
    return (int)n;
}

int libtess_console_give(void *ring, uint32_t *in_prod, const char *buf, size_t len)
{
    struct xencons_interface *intf = ring;
    uint32_t cons = __atomic_load_n(&intf->in_cons, __ATOMIC_ACQUIRE);
    uint32_t used = *in_prod - cons;
    size_t n = 0;

    if (used > IN_SIZE)
        return -EPROTO;
    for (; n < len && used + n < IN_SIZE; n++)
        __atomic_store_n(&intf->in[(*in_prod + n) & (IN_SIZE - 1)], buf[n], __ATOMIC_RELAXED);
    *in_prod += (uint32_t)n;
    __atomic_store_n(&intf->in_prod, *in_prod, __ATOMIC_RELEASE);
    return (int)n;
}
