// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ring backend in dom0 under Tessera (or Xen): a guest's page is a
 * foreign mapping through /dev/xen/privcmd (IOCTL_PRIVCMD_MMAPBATCH_V2,
 * i.e. XENMEM_add_to_physmap_batch with XENMAPSPACE_gmfn_foreign, of the
 * gfn INTRODUCE names), its event channel a /dev/xen/evtchn instance of
 * its own bound with IOCTL_EVTCHN_BIND_INTERDOMAIN to the port INTRODUCE
 * names. dom0's own kernel is served through /dev/xen/xenbus_backend (the
 * kernel's XS_LOCAL ring page and port: Linux
 * drivers/xen/xenbus/xenbus_dev_backend.c), the port bound as a loopback
 * interdomain channel to domain 0.
 *
 * The structures and ioctl numbers are Linux's uapi (include/uapi/xen/
 * privcmd.h, evtchn.h, xenbus_dev.h), written out here so that building
 * needs no Xen headers.
 */
#include "ring_xen.h"
#include "ring.h"
#include "domain.h"
#include "log.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096

struct privcmd_mmapbatch_v2 {
	unsigned int num;
	uint16_t dom;
	uint64_t addr;
	const uint64_t *arr;	/* xen_pfn_t: gfns of the foreign domain */
	int *err;
};
#define IOCTL_PRIVCMD_MMAPBATCH_V2 _IOC(_IOC_NONE, 'P', 4, sizeof(struct privcmd_mmapbatch_v2))

struct ioctl_evtchn_bind_interdomain {
	unsigned int remote_domain, remote_port;
};
struct ioctl_evtchn_port {
	unsigned int port;
};
#define IOCTL_EVTCHN_BIND_INTERDOMAIN \
	_IOC(_IOC_NONE, 'E', 1, sizeof(struct ioctl_evtchn_bind_interdomain))
#define IOCTL_EVTCHN_NOTIFY _IOC(_IOC_NONE, 'E', 4, sizeof(struct ioctl_evtchn_port))
#define IOCTL_XENBUS_BACKEND_EVTCHN _IOC(_IOC_NONE, 'B', 0, 0)

struct xen_port {
	struct ring_port port;
	int evtchn_fd;
	unsigned local_port;
};

static int privcmd_fd = -1;

static void xen_notify(void *opaque)
{
	struct xen_port *x = opaque;
	struct ioctl_evtchn_port n = { x->local_port };

	if (ioctl(x->evtchn_fd, IOCTL_EVTCHN_NOTIFY, &n) < 0)
		dbg("evtchn notify port %u: %s", x->local_port, strerror(errno));
}

/* /dev/xen/evtchn delivers each event as the port number and keeps the
 * port masked until it is written back (Linux drivers/xen/evtchn.c). */
static void xen_kicked(struct ring_port *p)
{
	struct xen_port *x = (struct xen_port *)p;
	uint32_t ports[16];
	ssize_t n;

	while ((n = read(x->evtchn_fd, ports, sizeof(ports))) > 0)
		if (write(x->evtchn_fd, ports, n) < 0)
			dbg("evtchn unmask: %s", strerror(errno));
}

static void xen_release(struct ring_port *p)
{
	struct xen_port *x = (struct xen_port *)p;

	munmap(p->page, PAGE);		/* privcmd drops the foreign mapping */
	close(x->evtchn_fd);		/* unbinds the port */
	free(x);
}

/* A port bound to (domid, remote_port) on a fresh evtchn instance; NULL
 * (logged) if that fails. The page is the caller's until then. */
static struct xen_port *bind_port(unsigned domid, unsigned remote_port, void *page)
{
	struct ioctl_evtchn_bind_interdomain b = { domid, remote_port };
	struct xen_port *x;
	int fd = open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK | O_CLOEXEC), rc;

	if (fd < 0) {
		logmsg("domain %u: /dev/xen/evtchn: %s", domid, strerror(errno));
		return NULL;
	}
	rc = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
	if (rc < 0) {
		logmsg("domain %u: bind to port %u: %s", domid, remote_port, strerror(errno));
		close(fd);
		return NULL;
	}
	x = xzalloc(sizeof(*x));
	x->port.page = page;
	x->port.notify = xen_notify;
	x->port.opaque = x;
	x->port.release = xen_release;
	x->port.kicked = xen_kicked;
	x->evtchn_fd = fd;
	x->local_port = rc;
	return x;
}

/* Serves the ring and says so to the other end (it may have written
 * requests before we were there). */
static struct conn *serve(struct xen_port *x, struct domain *d)
{
	struct conn *c = ring_conn_new(&x->port, x->evtchn_fd, d);

	xen_notify(x);
	return c;
}

static void *map_foreign(unsigned domid, uint64_t gfn)
{
	void *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd_fd, 0);
	int err = 0;
	struct privcmd_mmapbatch_v2 m = {
		.num = 1, .dom = domid, .addr = (uintptr_t)page, .arr = &gfn, .err = &err,
	};

	if (page == MAP_FAILED) {
		logmsg("domain %u: privcmd mmap: %s", domid, strerror(errno));
		return NULL;
	}
	if (ioctl(privcmd_fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m) < 0 || err) {
		logmsg("domain %u: cannot map its ring page (gfn %#llx): %s", domid,
		       (unsigned long long)gfn, strerror(err ? -err : errno));
		munmap(page, PAGE);
		return NULL;
	}
	return page;
}

static struct conn *xen_attach(struct domain *d)
{
	void *page = map_foreign(d->domid, d->mfn);
	struct xen_port *x;

	if (!page)
		return NULL;
	x = bind_port(d->domid, d->port, page);
	if (!x) {
		munmap(page, PAGE);
		return NULL;
	}
	return serve(x, d);
}

static void xen_detach(struct domain *d)
{
}

static const struct ring_backend xen_backend = { xen_attach, xen_detach };

/* dom0's kernel: its ring page and the port it allocated toward itself. */
static void connect_dom0_kernel(void)
{
	int fd = open("/dev/xen/xenbus_backend", O_RDWR | O_CLOEXEC), port;
	struct domain *d0 = domain_get(0);
	struct xen_port *x;
	void *page;

	if (fd < 0)
		fatal("/dev/xen/xenbus_backend: %s", strerror(errno));
	port = ioctl(fd, IOCTL_XENBUS_BACKEND_EVTCHN);
	if (port <= 0)
		fatal("dom0's xenbus port: %s", port < 0 ? strerror(errno) : "none");
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (page == MAP_FAILED)
		fatal("mapping dom0's xenbus page: %s", strerror(errno));
	x = bind_port(0, port, page);
	if (!x)
		fatal("cannot bind dom0's xenbus port %d", port);
	d0->conn = serve(x, d0);
	logmsg("serving dom0's kernel (port %d, local port %u)", port, x->local_port);
}

void ring_xen_init(void)
{
	privcmd_fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (privcmd_fd < 0)
		fatal("/dev/xen/privcmd: %s", strerror(errno));
	ring_backend = &xen_backend;
	connect_dom0_kernel();
}
