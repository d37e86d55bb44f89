/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * A domain's vCPUs (list, pin), its weight and cap, and the hypervisor's
 * console history.
 */
#include <errno.h>
#include <string.h>

#include "private.h"

#define VCPU_MAX    64      /* the interface's limit per call */

int libtess_vcpu_list(struct libtess *h, uint32_t domid, void *out, unsigned int max)
{
    size_t len = VCPU_MAX * sizeof(struct tess_vcpuinfo);
    struct tess_vcpuinfo *buf = tess_buf_alloc(len);
    struct tess_domctl op = { .cmd = TESS_DOMCTL_vcpu_list, .domid = domid };
    int rc;

    if (!buf)
        return tess_fail(h, -errno, "vcpu_list: cannot lock a buffer: %s", strerror(errno));
    op.u.vcpu_list.max = VCPU_MAX;
    op.u.vcpu_list.buffer = (uint64_t)(uintptr_t)buf;
    rc = tess_domctl(h, &op, "vcpu_list");
    rc = tess_list_result(h, rc, op.u.vcpu_list.nr, VCPU_MAX, out, max, buf, sizeof(*buf),
                          "vcpu_list");
    tess_buf_free(buf, len);
    return rc;
}

int libtess_vcpu_pin(struct libtess *h, uint32_t domid, unsigned int vcpu, const char *cpus)
{
    struct tess_domctl op = { .cmd = TESS_DOMCTL_vcpu_pin, .domid = domid };

    op.u.vcpu_pin.vcpu = vcpu;
    if (!cpus || tess_cpumask_parse(cpus, op.u.vcpu_pin.cpus) < 0)
        return tess_fail(h, -EINVAL, "vcpu_pin: bad CPU list '%s'", cpus ? cpus : "");
    return tess_domctl(h, &op, "vcpu_pin");
}

int libtess_sched_get(struct libtess *h, uint32_t domid, uint32_t *weight, uint32_t *cap)
{
    struct tess_domctl op = { .cmd = TESS_DOMCTL_sched_get, .domid = domid };
    int rc = tess_domctl(h, &op, "sched_get");

    if (rc >= 0) {
        *weight = op.u.sched.weight;
        *cap = op.u.sched.cap;
    }
    return rc;
}

int libtess_sched_set(struct libtess *h, uint32_t domid, uint32_t weight, uint32_t cap)
{
    struct tess_domctl op = { .cmd = TESS_DOMCTL_sched_set, .domid = domid };

    op.u.sched.weight = weight;
    op.u.sched.cap = cap;
    return tess_domctl(h, &op, "sched_set");
}

int libtess_console_read(struct libtess *h, uint64_t offset, char *out, unsigned int size,
                         uint64_t *first, uint64_t *end)
{
    struct tess_sysctl op = { .cmd = TESS_SYSCTL_console_read };
    char *buf;
    int rc;

    if (size > TESS_CONSOLE_HISTORY)
        size = TESS_CONSOLE_HISTORY;
    buf = tess_buf_alloc(size ? size : 1);
    if (!buf)
        return tess_fail(h, -errno, "console_read: cannot lock a buffer: %s", strerror(errno));
    op.u.console_read.offset = offset;
    op.u.console_read.buffer = (uint64_t)(uintptr_t)buf;
    op.u.console_read.size = size;
    rc = tess_sysctl(h, &op, "console_read");
    if (rc >= 0 && op.u.console_read.len > size)
        rc = tess_fail(h, -EIO, "console_read: %u bytes for a buffer of %u",
                       op.u.console_read.len, size);
    if (rc >= 0) {
        memcpy(out, buf, op.u.console_read.len);
        *first = op.u.console_read.first;
        *end = op.u.console_read.end;
        rc = (int)op.u.console_read.len;
    }
    tess_buf_free(buf, size ? size : 1);
    return rc;
}
