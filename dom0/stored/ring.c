// SPDX-License-Identifier: GPL-2.0-only
#include "ring.h"
#include "domain.h"
#include <string.h>
#include <unistd.h>

/* The other side of the page is untrusted: each index is read once into a
 * local, checked, and the data copied only after the check (xs_wire.h: the
 * producer may be at most XENSTORE_RING_SIZE ahead of the consumer). */
int ring_read(struct ring_port *p, void *buf, size_t len)
{
	struct xs_ring_page *pg = p->page;
	uint32_t cons = pg->req_cons, prod = pg->req_prod, avail, first;

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	avail = prod - cons;
	if (avail > XS_RING_SIZE) {
		pg->error = XS_RING_ERR_RINGIDX;
		return -1;
	}
	if (avail > len)
		avail = len;
	if (!avail)
		return 0;
	first = XS_RING_SIZE - XS_RING_MASK(cons);
	if (first > avail)
		first = avail;
	memcpy(buf, pg->req + XS_RING_MASK(cons), first);
	memcpy((char *)buf + first, pg->req, avail - first);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	pg->req_cons = cons + avail;
	p->notify(p->opaque);
	return avail;
}

int ring_write(struct ring_port *p, const void *buf, size_t len)
{
	struct xs_ring_page *pg = p->page;
	uint32_t cons = pg->rsp_cons, prod = pg->rsp_prod, space, first;

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (prod - cons > XS_RING_SIZE) {
		pg->error = XS_RING_ERR_RINGIDX;
		return -1;
	}
	space = XS_RING_SIZE - (prod - cons);
	if (space > len)
		space = len;
	if (!space)
		return 0;
	first = XS_RING_SIZE - XS_RING_MASK(prod);
	if (first > space)
		first = space;
	memcpy(pg->rsp + XS_RING_MASK(prod), buf, first);
	memcpy(pg->rsp, (const char *)buf + first, space - first);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	pg->rsp_prod = prod + space;
	p->notify(p->opaque);
	return space;
}

static int tp_read(struct conn *c, void *buf, size_t len)
{
	return ring_read(c->tp_data, buf, len);
}

static int tp_write(struct conn *c, const void *buf, size_t len)
{
	return ring_write(c->tp_data, buf, len);
}

static void tp_close(struct conn *c)
{
	struct ring_port *p = c->tp_data;

	if (c->dom->conn == c)
		c->dom->conn = NULL;
	if (p->release)
		p->release(p);
}

static void tp_readable(struct conn *c)
{
	struct ring_port *p = c->tp_data;
	char drain[256];

	if (p->kicked)
		p->kicked(p);
	else
		while (read(c->fd, drain, sizeof(drain)) > 0)
			;
}

static const struct transport ring_transport = { tp_read, tp_write, tp_close, tp_readable };

struct conn *ring_conn_new(struct ring_port *p, int poll_fd, struct domain *d)
{
	p->page->server_features = XS_FEATURE_ERROR;
	p->page->connection = XS_CONNECTED;
	struct conn *c = conn_new(&ring_transport, p, poll_fd, d);

	c->fd_is_kick = true;
	return c;
}
