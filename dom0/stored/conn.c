// SPDX-License-Identifier: GPL-2.0-only
#include "conn.h"
#include "domain.h"
#include "watch.h"
#include "proto.h"
#include "log.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct conn *conn_list;
uint64_t stat_requests, stat_handle_ns, stat_events_merged, stat_events_dropped;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}
static unsigned next_conn_id = 1;

struct conn *conn_new(const struct transport *tp, void *tp_data, int fd, struct domain *d)
{
	struct conn *c = xzalloc(sizeof(*c));

	c->id = next_conn_id++;
	c->tp = tp;
	c->tp_data = tp_data;
	c->fd = fd;
	c->dom = d;
	c->next_txid = 1;
	c->next = conn_list;
	if (conn_list)
		conn_list->prev = c;
	conn_list = c;
	dbg("conn %u: new for domain %u", c->id, d->domid);
	return c;
}

void conn_drop_state(struct conn *c)
{
	struct txn *t;
	struct outmsg *m;

	watch_del_all(c);
	while ((t = c->txns)) {
		c->txns = t->next;
		c->dom->txns--;
		txn_destroy(t);
		free(t);
	}
	c->ntxns = 0;
	while ((m = c->out_head)) {
		c->out_head = m->next;
		free(m);
	}
	free(c->evidx);
	c->evidx = NULL;
	c->evidx_nb = c->nevents = 0;
	c->out_tail = NULL;
	c->out_bytes = 0;
	c->got = 0;
}

void conn_kill(struct conn *c, const char *why)
{
	if (c->dead)
		return;
	dbg("conn %u (domain %u): closing: %s", c->id, c->dom->domid, why);
	/* State goes in conn_reap: a kill may happen while walking watches. */
	c->dead = true;
}

void conn_reap(void)
{
	struct conn *c = conn_list, *next;

	for (; c; c = next) {
		next = c->next;
		if (!c->dead)
			continue;
		if (c->prev)
			c->prev->next = c->next;
		else
			conn_list = c->next;
		if (c->next)
			c->next->prev = c->prev;
		conn_drop_state(c);
		if (c->tp->close)
			c->tp->close(c);
		free(c);
	}
}

/* The payload of an event is "path\0token\0". */
static uint32_t event_hash(const char *data)
{
	return hash_str(data) * 31 + hash_str(data + strlen(data) + 1);
}

static void evidx_link(struct conn *c, struct outmsg *m)
{
	struct outmsg **b = &c->evidx[m->hash & (c->evidx_nb - 1)];

	m->hnext = *b;
	*b = m;
	c->nevents++;
}

/* Queues m's index entry; a full index is rebuilt twice as big from the
 * events on the queue (m is not on it yet). */
static void evidx_insert(struct conn *c, struct outmsg *m)
{
	struct outmsg *x;

	if (c->nevents >= c->evidx_nb) {
		c->evidx_nb = c->evidx_nb ? c->evidx_nb * 2 : 16;
		free(c->evidx);
		c->evidx = xzalloc(c->evidx_nb * sizeof(*c->evidx));
		c->nevents = 0;
		for (x = c->out_head; x; x = x->next)
			if (x->event)
				evidx_link(c, x);
	}
	evidx_link(c, m);
}

static void evidx_unlink(struct conn *c, struct outmsg *m)
{
	struct outmsg **pp = &c->evidx[m->hash & (c->evidx_nb - 1)];

	for (; *pp; pp = &(*pp)->hnext)
		if (*pp == m) {
			*pp = m->hnext;
			c->nevents--;
			return;
		}
}

/* xenstore.txt / Xen's send_event: an event identical to one still queued
 * (same path and token) tells the client nothing new; special @ events are
 * always sent. */
static bool event_pending(const struct conn *c, const char *data, size_t len, uint32_t h)
{
	const struct outmsg *m;

	if (data[0] == '@' || !c->evidx_nb)
		return false;
	for (m = c->evidx[h & (c->evidx_nb - 1)]; m; m = m->hnext)
		if (m->hash == h && m->len == sizeof(struct xs_hdr) + len &&
		    memcmp(m->data + sizeof(struct xs_hdr), data, len) == 0) {
			stat_events_merged++;
			return true;
		}
	return false;
}

/* Events cannot be throttled like replies. A privileged connection over its
 * own, larger, pending-output quota loses the event (a guest's writes must
 * never cost dom0 its connection, and a slow backend should rarely lose
 * one); an unprivileged one that let them pile up past twice the quota is
 * closed. Returns false if the event is not queued. */
static bool event_admitted(struct conn *c, size_t size)
{
	if (domain_priv(c->dom)) {
		if (c->out_bytes + size <= quota.priv_outstanding)
			return true;
		stat_events_dropped++;
		if (!c->events_dropped++)
			logmsg("conn %u (domain %u): pending output over quota, dropping events",
			       c->id, c->dom->domid);
		return false;
	}
	if (c->out_bytes + size <= 2 * (size_t)quota.outstanding)
		return true;
	logmsg("conn %u (domain %u): pending output over quota, closing", c->id,
	       c->dom->domid);
	conn_kill(c, "pending output quota");
	return false;
}

void conn_queue(struct conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
		const void *data, size_t len)
{
	struct outmsg *m;
	bool event = type == XS_WATCH_EVENT;
	uint32_t hash = event ? event_hash(data) : 0;
	struct xs_hdr h;

	if (c->dead)
		return;
	/* xs_wire.h: no message carries more than XENSTORE_PAYLOAD_MAX bytes.
	 * Such a reply becomes E2BIG (libxenstore then uses DIRECTORY_PART);
	 * such an event is not sent (Xen's send_reply and send_event). */
	if (len > XS_PAYLOAD_MAX) {
		if (event)
			return;
		type = XS_ERROR;
		data = "E2BIG";
		len = sizeof("E2BIG");
	}
	/* Replies need no check: they are throttled by not reading requests. */
	if (event && (event_pending(c, data, len, hash) || !event_admitted(c, sizeof(h) + len)))
		return;
	h = (struct xs_hdr){ type, req_id, tx_id, (uint32_t)len };
	trace_msg('>', c->id, c->dom->domid, type, req_id, tx_id, data, len);
	m = xmalloc(sizeof(*m) + sizeof(h) + len);
	m->next = NULL;
	m->len = sizeof(h) + len;
	m->off = 0;
	m->event = event;
	m->hash = hash;
	if (event)
		evidx_insert(c, m);
	memcpy(m->data, &h, sizeof(h));
	if (len)
		memcpy(m->data + sizeof(h), data, len);
	if (c->out_tail)
		c->out_tail->next = m;
	else
		c->out_head = m;
	c->out_tail = m;
	c->out_bytes += m->len;
}

void conn_flush(struct conn *c)
{
	struct outmsg *m;
	int n;

	while (!c->dead && (m = c->out_head)) {
		n = c->tp->write(c, m->data + m->off, m->len - m->off);
		if (n < 0) {
			conn_kill(c, "write failed");
			return;
		}
		if (n == 0)
			return;
		m->off += n;
		c->out_bytes -= n;
		if (m->off == m->len) {
			c->out_head = m->next;
			if (!c->out_head)
				c->out_tail = NULL;
			if (m->event)
				evidx_unlink(c, m);
			free(m);
		}
	}
}

bool conn_wants_input(const struct conn *c)
{
	return !c->dead && c->out_bytes < quota.outstanding;
}

/* Reads at most one message's worth at a time so that a client which never
 * reads its replies is throttled by the pending-output quota. */
bool conn_service(struct conn *c)
{
	int n;

	conn_flush(c);
	while (conn_wants_input(c)) {
		if (c->got < sizeof(c->hdr)) {
			n = c->tp->read(c, (char *)&c->hdr + c->got, sizeof(c->hdr) - c->got);
		} else {
			size_t want = sizeof(c->hdr) + c->hdr.len - c->got;
			n = want ? c->tp->read(c, c->in + c->got - sizeof(c->hdr), want) : 0;
		}
		if (n < 0) {
			conn_kill(c, "read failed or peer closed");
			break;
		}
		c->got += n;
		if (c->got == sizeof(c->hdr) && n > 0) {
			if (c->hdr.len > XS_PAYLOAD_MAX) {
				conn_kill(c, "payload too long");
				break;
			}
			if (c->hdr.type >= XS_TYPE_COUNT || c->hdr.type == 20) {
				conn_kill(c, "bad message type");
				break;
			}
		}
		if (c->got >= sizeof(c->hdr) && c->got == sizeof(c->hdr) + c->hdr.len) {
			c->in[c->hdr.len] = 0;
			c->got = 0;
			uint64_t t0 = now_ns();
			proto_handle(c, &c->hdr, c->in);
			stat_handle_ns += now_ns() - t0;
			stat_requests++;
			continue;
		}
		if (n == 0)
			break;
	}
	conn_flush(c);
	return !c->dead;
}
