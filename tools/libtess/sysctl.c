/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * System control: the machine's CPUs and memory, every domain, every pool.
 */
#include <errno.h>
#include <string.h>

#include "private.h"

/* Domains asked for per call, well under the interface's 1024 (12 KiB of
 * locked memory); the list pages on by domid. */
#define DOMAIN_BATCH 128
#define POOL_MAX     64 /* the interface's limit per call */

int libtess_physinfo(struct libtess *h, void *out)
{
    struct tess_sysctl op = { .cmd = TESS_SYSCTL_physinfo };
    int rc = tess_sysctl(h, &op, "physinfo");

    if (rc < 0)
        return rc;
    memcpy(out, &op.u.physinfo, sizeof(op.u.physinfo));
    return 0;
}

/* One batch from first_domid on into buf; returns how many it holds. */
static int list_batch(struct libtess *h, uint32_t first_domid, struct tess_dominfo *buf)
{
    struct tess_sysctl op = { .cmd = TESS_SYSCTL_domain_list };
    int rc;

    op.u.domain_list.first_domid = first_domid;
    op.u.domain_list.max = DOMAIN_BATCH;
    op.u.domain_list.buffer = (uint64_t)(uintptr_t)buf;
    rc = tess_sysctl(h, &op, "domain_list");
    if (rc < 0)
        return rc;
    if (op.u.domain_list.nr > DOMAIN_BATCH)
        return tess_fail(h, -EIO, "domain_list: %u entries for a buffer of %u",
                         op.u.domain_list.nr, DOMAIN_BATCH);
    return (int)op.u.domain_list.nr;
}

int libtess_domain_list(struct libtess *h, void *out, unsigned int max)
{
    size_t len = DOMAIN_BATCH * sizeof(struct tess_dominfo);
    struct tess_dominfo *buf = tess_buf_alloc(len);
    struct tess_dominfo *dst = out;
    uint64_t first = 0;
    int total = 0, nr;

    if (!buf)
        return tess_fail(h, -errno, "domain_list: cannot lock a buffer: %s", strerror(errno));
    do {
        nr = list_batch(h, (uint32_t)first, buf);
        for (int i = 0; i < nr; i++) {
            if (buf[i].domid < first) {
                nr = tess_fail(h, -EIO, "domain_list: domid %u out of order", buf[i].domid);
                break;
            }
            if ((unsigned int)total < max)
                dst[total] = buf[i];
            total++;
            first = (uint64_t)buf[i].domid + 1;
        }
    } while (nr == DOMAIN_BATCH && first <= UINT32_MAX);
    tess_buf_free(buf, len);
    return nr < 0 ? nr : total;
}

int libtess_pool_list(struct libtess *h, void *out, unsigned int max)
{
    size_t len = POOL_MAX * sizeof(struct tess_poolinfo);
    struct tess_poolinfo *buf = tess_buf_alloc(len);
    struct tess_sysctl op = { .cmd = TESS_SYSCTL_pool_list };
    int rc;

    if (!buf)
        return tess_fail(h, -errno, "pool_list: cannot lock a buffer: %s", strerror(errno));
    op.u.pool_list.max = POOL_MAX;
    op.u.pool_list.buffer = (uint64_t)(uintptr_t)buf;
    rc = tess_sysctl(h, &op, "pool_list");
    rc = tess_list_result(h, rc, op.u.pool_list.nr, POOL_MAX, out, max, buf, sizeof(*buf),
                          "pool_list");
    tess_buf_free(buf, len);
    return rc;
}

int tess_list_result(struct libtess *h, int rc, uint32_t nr, unsigned int room, void *out,
                     unsigned int max, const void *buf, size_t size, const char *what)
{
    if (rc < 0)
        return rc;
    if (nr > room)
        return tess_fail(h, -EIO, "%s: %u entries for a buffer of %u", what, nr, room);
    memcpy(out, buf, (size_t)(nr < max ? nr : max) * size);
    return (int)nr;
}
