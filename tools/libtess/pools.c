/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * CPU pools: create, destroy, a CPU in and out, a domain into another.
 */
#include <errno.h>
#include <string.h>

#include "private.h"

/* name into a fixed field: -EINVAL if it does not fit with its NUL. */
static int set_name(struct libtess *h, char dst[TESS_NAME_MAX], const char *name,
                    const char *what)
{
    size_t n = name ? strlen(name) : 0;

    if (n == 0 || n >= TESS_NAME_MAX)
        return tess_fail(h, -EINVAL, "%s: pool name must be 1-%u characters", what,
                         TESS_NAME_MAX - 1);
    memcpy(dst, name, n + 1);
    return 0;
}

static int pool_op(struct libtess *h, uint32_t cmd, const char *name, uint32_t dedicated,
                   uint32_t cpu, const char *what)
{
    struct tess_sysctl op = { .cmd = cmd };
    int rc = name ? set_name(h, op.u.pool_op.name, name, what) : 0;

    if (rc < 0)
        return rc;
    op.u.pool_op.dedicated = dedicated;
    op.u.pool_op.cpu = cpu;
    return tess_sysctl(h, &op, what);
}

int libtess_pool_create(struct libtess *h, const char *name, int dedicated)
{
    return pool_op(h, TESS_SYSCTL_pool_create, name, dedicated ? 1 : 0, 0, "pool_create");
}

int libtess_pool_destroy(struct libtess *h, const char *name)
{
    return pool_op(h, TESS_SYSCTL_pool_destroy, name, 0, 0, "pool_destroy");
}

int libtess_pool_cpu_add(struct libtess *h, const char *name, unsigned int cpu)
{
    return pool_op(h, TESS_SYSCTL_pool_cpu_add, name, 0, cpu, "pool_cpu_add");
}

int libtess_pool_cpu_remove(struct libtess *h, unsigned int cpu)
{
    return pool_op(h, TESS_SYSCTL_pool_cpu_remove, NULL, 0, cpu, "pool_cpu_remove");
}

int libtess_pool_migrate(struct libtess *h, uint32_t domid, const char *pool)
{
    struct tess_domctl op = { .cmd = TESS_DOMCTL_pool_migrate, .domid = domid };
    int rc = set_name(h, op.u.pool, pool, "pool_migrate");

    return rc < 0 ? rc : tess_domctl(h, &op, "pool_migrate");
}
