/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * The handle and the hypercall path: /dev/xen/privcmd's
 * IOCTL_PRIVCMD_HYPERCALL, with every argument the hypervisor reads by
 * address copied into locked memory first.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "private.h"

#define PRIVCMD_PATH      "/dev/xen/privcmd"
#define CAPABILITIES_PATH "/proc/xen/capabilities"

/* Linux's include/uapi/xen/privcmd.h: the hypercall number and five
 * arguments, issued by the kernel as they are; the result comes back as
 * the ioctl's (a negative one as -1 and errno). */
struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

int tess_fail(struct libtess *h, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(h->error, sizeof(h->error), fmt, ap);
    va_end(ap);
    return err;
}

const char *libtess_error(const struct libtess *h)
{
    return h ? h->error : "out of memory";
}

/* xenfs lists "control_d" for the control domain only. Without xenfs
 * there is nothing to read, and the hypervisor's -EPERM will tell. */
static int is_control_domain(void)
{
    char caps[128] = "";
    FILE *f = fopen(CAPABILITIES_PATH, "r");

    if (!f)
        return 1;
    if (!fgets(caps, sizeof(caps), f))
        caps[0] = '\0';
    fclose(f);
    return strstr(caps, "control_d") != NULL;
}

int libtess_open(struct libtess **out)
{
    struct libtess *h = calloc(1, sizeof(*h));

    *out = h;
    if (!h)
        return -ENOMEM;
    h->fd = open(PRIVCMD_PATH, O_RDWR | O_CLOEXEC);
    if (h->fd < 0) {
        int err = errno;

        if (err == ENOENT || err == ENXIO || err == ENODEV)
            return tess_fail(h, -ENOENT, "not in the control domain: no %s", PRIVCMD_PATH);
        return tess_fail(h, -err, "%s: %s", PRIVCMD_PATH, strerror(err));
    }
    if (!is_control_domain())
        return tess_fail(h, -EPERM, "not in the control domain: %s lacks control_d",
                         CAPABILITIES_PATH);
    return 0;
}

void libtess_close(struct libtess *h)
{
    if (!h)
        return;
    if (h->fd >= 0)
        close(h->fd);
    free(h);
}

static size_t page_round(size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);

    return (len + page - 1) & ~(page - 1);
}

/* Linux's privcmd passes the caller's addresses on to the hypervisor,
 * which walks the page tables and cannot fault a page in: the memory must
 * be resident for the whole call, so it is locked and touched. */
void *tess_buf_alloc(size_t len)
{
    size_t n = page_round(len);
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        return NULL;
    if (mlock(p, n) < 0) {
        int err = errno;

        munmap(p, n);
        errno = err;
        return NULL;
    }
    memset(p, 0, n);
    return p;
}

void tess_buf_free(void *p, size_t len)
{
    if (!p)
        return;
    size_t n = page_round(len);

    munlock(p, n);
    munmap(p, n);
}

static const char *reason(int err)
{
    switch (err) {
    case -ENOSYS:
        return "the hypervisor does not implement it (ENOSYS)";
    case -EACCES:
        return "the hypervisor speaks another control interface version (EACCES)";
    case -EPERM:
        return "not the control domain (EPERM)";
    default:
        return strerror(-err);
    }
}

static int hypercall(struct libtess *h, unsigned int nr, void *op, size_t len, const char *what)
{
    struct privcmd_hypercall call = { .op = nr };
    void *buf;
    long rc;

    if (!h || h->fd < 0)
        return h ? tess_fail(h, -EBADF, "%s: libtess is not open", what) : -EBADF;
    buf = tess_buf_alloc(len);
    if (!buf)
        return tess_fail(h, -errno, "%s: cannot lock a buffer: %s", what, strerror(errno));
    memcpy(buf, op, len);
    call.arg[0] = (uint64_t)(uintptr_t)buf;
    rc = ioctl(h->fd, IOCTL_PRIVCMD_HYPERCALL, &call);
    if (rc < 0)
        rc = -errno;
    memcpy(op, buf, len);
    tess_buf_free(buf, len);
    if (rc < 0)
        return tess_fail(h, (int)rc, "%s: %s", what, reason((int)rc));
    return (int)rc;
}

int tess_sysctl(struct libtess *h, struct tess_sysctl *op, const char *what)
{
    op->interface_version = TESS_CTL_INTERFACE_VERSION;
    return hypercall(h, __HYPERVISOR_tess_sysctl, op, sizeof(*op), what);
}

int tess_domctl(struct libtess *h, struct tess_domctl *op, const char *what)
{
    op->interface_version = TESS_CTL_INTERFACE_VERSION;
    return hypercall(h, __HYPERVISOR_tess_domctl, op, sizeof(*op), what);
}
