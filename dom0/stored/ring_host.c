// SPDX-License-Identifier: GPL-2.0-only
#include "ring_host.h"
#include "ring.h"
#include "domain.h"
#include "log.h"
#include "util.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

struct host_port {
	struct ring_port port;
	int kick_fd, evt_fd;
};

static const char *ring_dir;

static void host_notify(void *opaque)
{
	struct host_port *h = opaque;
	char b = 1;

	if (write(h->evt_fd, &b, 1) < 0) {
		/* FIFO full: the guest has unread notifications already. */
	}
}

static void host_release(struct ring_port *p)
{
	struct host_port *h = (struct host_port *)p;

	munmap(p->page, 4096);
	close(h->kick_fd);
	close(h->evt_fd);
	free(h);
}

static int open_file(unsigned domid, const char *suffix, int flags)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%u.%s", ring_dir, domid, suffix);
	return open(path, flags | O_CLOEXEC);
}

static struct conn *host_attach(struct domain *d)
{
	struct host_port *h;
	void *page;
	int fd = open_file(d->domid, "page", O_RDWR);

	if (fd < 0)
		return NULL;
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (page == MAP_FAILED)
		return NULL;
	h = xzalloc(sizeof(*h));
	h->port.page = page;
	h->port.notify = host_notify;
	h->port.opaque = h;
	h->port.release = host_release;
	h->kick_fd = open_file(d->domid, "kick", O_RDWR | O_NONBLOCK);
	h->evt_fd = open_file(d->domid, "evt", O_RDWR | O_NONBLOCK);
	if (h->kick_fd < 0 || h->evt_fd < 0) {
		logmsg("domain %u: ring page but no kick/evt FIFOs", d->domid);
		host_release(&h->port);
		return NULL;
	}
	return ring_conn_new(&h->port, h->kick_fd, d);
}

static void host_detach(struct domain *d)
{
}

static const struct ring_backend host_backend = { host_attach, host_detach };

void ring_host_init(const char *dir)
{
	ring_dir = dir;
	ring_backend = &host_backend;
}
