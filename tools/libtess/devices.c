/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * Linux's Xen device files for a backend in the control domain: event
 * channels through /dev/xen/evtchn, another domain's frame mapped through
 * /dev/xen/privcmd's IOCTL_PRIVCMD_MMAPBATCH_V2. The ioctl layouts are
 * Linux's include/uapi/xen/evtchn.h and privcmd.h.
 *
 * Event channels: each port bound on the file descriptor is masked once it
 * fires; read() gives the fired ports, and writing a port back unmasks it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "private.h"

#define EVTCHN_PATH "/dev/xen/evtchn"

struct evtchn_bind_virq {
    unsigned int virq;
};
struct evtchn_bind_interdomain {
    unsigned int remote_domain, remote_port;
};
struct evtchn_port_arg {
    unsigned int port;
};
#define IOCTL_EVTCHN_BIND_VIRQ \
    _IOC(_IOC_NONE, 'E', 0, sizeof(struct evtchn_bind_virq))
#define IOCTL_EVTCHN_BIND_INTERDOMAIN \
    _IOC(_IOC_NONE, 'E', 1, sizeof(struct evtchn_bind_interdomain))
#define IOCTL_EVTCHN_UNBIND _IOC(_IOC_NONE, 'E', 3, sizeof(struct evtchn_port_arg))
#define IOCTL_EVTCHN_NOTIFY _IOC(_IOC_NONE, 'E', 4, sizeof(struct evtchn_port_arg))

struct privcmd_mmapbatch_v2 {
    unsigned int num;
    uint16_t dom;
    uint64_t addr;
    const unsigned long *arr;
    int *err;
};
#define IOCTL_PRIVCMD_MMAPBATCH_V2 \
    _IOC(_IOC_NONE, 'P', 4, sizeof(struct privcmd_mmapbatch_v2))

static int ioctl_result(long rc)
{
    return rc < 0 ? -errno : (int)rc;
}

int libtess_evtchn_open(void)
{
    int fd = open(EVTCHN_PATH, O_RDWR | O_CLOEXEC);

    return fd < 0 ? -errno : fd;
}

int libtess_evtchn_bind_virq(int fd, unsigned int virq)
{
    struct evtchn_bind_virq b = { .virq = virq };

    return ioctl_result(ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &b));
}

int libtess_evtchn_bind_interdomain(int fd, uint32_t domid, uint32_t port)
{
    struct evtchn_bind_interdomain b = { .remote_domain = domid, .remote_port = port };

    return ioctl_result(ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b));
}

int libtess_evtchn_unbind(int fd, uint32_t port)
{
    struct evtchn_port_arg a = { .port = port };

    return ioctl_result(ioctl(fd, IOCTL_EVTCHN_UNBIND, &a));
}

int libtess_evtchn_notify(int fd, uint32_t port)
{
    struct evtchn_port_arg a = { .port = port };

    return ioctl_result(ioctl(fd, IOCTL_EVTCHN_NOTIFY, &a));
}

int libtess_evtchn_pending(int fd, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    uint32_t port;
    int n = poll(&p, 1, timeout_ms);

    if (n < 0)
        return -errno;
    if (n == 0)
        return -EAGAIN;
    if (read(fd, &port, sizeof(port)) != (ssize_t)sizeof(port))
        return errno ? -errno : -EIO;
    return (int)(port & 0x7fffffff);
}

int libtess_evtchn_unmask(int fd, uint32_t port)
{
    return write(fd, &port, sizeof(port)) == (ssize_t)sizeof(port) ? 0 : -errno;
}

void *libtess_map_foreign(struct libtess *h, uint32_t domid, uint64_t gfn)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned long frame = (unsigned long)gfn;
    int err = 0;
    void *p;

    if (!h || h->fd < 0)
        return NULL;
    p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, h->fd, 0);
    if (p == MAP_FAILED) {
        tess_fail(h, -errno, "map of domain %u's frame %#llx: mmap: %s", domid,
                  (unsigned long long)gfn, strerror(errno));
        return NULL;
    }
    struct privcmd_mmapbatch_v2 m = {
        .num = 1, .dom = (uint16_t)domid, .addr = (uint64_t)(uintptr_t)p, .arr = &frame,
        .err = &err,
    };
    int rc = ioctl_result(ioctl(h->fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m));
    if (rc < 0 || err) {
        tess_fail(h, rc < 0 ? rc : err, "map of domain %u's frame %#llx: %s", domid,
                  (unsigned long long)gfn, strerror(-(rc < 0 ? rc : err)));
        munmap(p, page);
        return NULL;
    }
    return p;
}

void libtess_unmap_foreign(void *p)
{
    if (p)
        munmap(p, (size_t)sysconf(_SC_PAGESIZE));
}
