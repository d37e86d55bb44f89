/* SPDX-License-Identifier: GPL-2.0-only */
/* The guest transport: the shared xenstore page of io/xs_wire.h. Whoever
 * maps the page (the hypervisor glue, or a host test harness) hands over
 * the page pointer and a notify callback; nothing else is needed here. */
#ifndef TESS_STORED_RING_H
#define TESS_STORED_RING_H
#include "xs_proto.h"
#include "conn.h"
#include <stddef.h>

struct ring_port {
	struct xs_ring_page *page;
	void (*notify)(void *opaque);	/* kick the guest's event channel */
	void *opaque;
	void (*release)(struct ring_port *p);	/* unmap; called on close */
	/* The poll fd is readable: take the event (e.g. drain a FIFO, or read
	 * and unmask an event channel). NULL: the fd is read and discarded. */
	void (*kicked)(struct ring_port *p);
};

/* Copy up to len request bytes out of the ring. Returns bytes copied, or -1
 * if the guest published impossible indices. */
int ring_read(struct ring_port *p, void *buf, size_t len);
/* Copy up to len reply bytes into the ring. Returns bytes copied or -1. */
int ring_write(struct ring_port *p, const void *buf, size_t len);
/* Serve a domain over a ring; the connection owns the port. */
struct conn *ring_conn_new(struct ring_port *p, int poll_fd, struct domain *d);

#endif
