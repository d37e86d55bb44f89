/* SPDX-License-Identifier: GPL-2.0-only */
/* A client connection: framing of requests, queue of replies and events,
 * its watches and transactions. The transport (socket or ring) is behind
 * two callbacks. */
#ifndef TESS_STORED_CONN_H
#define TESS_STORED_CONN_H
#include "xs_proto.h"
#include "txn.h"
#include <stdbool.h>
#include <stddef.h>

struct conn;
struct domain;

struct transport {
	/* Return bytes moved, 0 if none possible now, -1 if the peer is gone
	 * or broke the transport (then the connection is closed). */
	int (*read)(struct conn *c, void *buf, size_t len);
	int (*write)(struct conn *c, const void *buf, size_t len);
	void (*close)(struct conn *c);
	/* Optional: poll() reported the fd readable. */
	void (*readable)(struct conn *c);
};

struct outmsg {
	struct outmsg *next;
	struct outmsg *hnext;	/* an event's chain in the connection's index */
	uint32_t hash;
	bool event;		/* a WATCH_EVENT (a new identical one is merged) */
	size_t len, off;
	char data[];
};

struct watch {
	struct watch *next;	/* the connection's list */
	struct watch *hnext;	/* chain in the index by path */
	uint32_t hash;
	struct conn *conn;
	char *path;		/* absolute, or a special @name */
	char *token;
	bool relative;
};

struct conn {
	struct conn *next, *prev;
	unsigned id;
	const struct transport *tp;
	void *tp_data;
	int fd;			/* for poll; -1 if none */
	bool fd_is_kick;	/* fd only signals "look at the ring" */
	struct domain *dom;
	/* request being read */
	struct xs_hdr hdr;
	size_t got;
	char in[XS_PAYLOAD_MAX + 1];
	/* replies and events waiting to be sent */
	struct outmsg *out_head, *out_tail;
	size_t out_bytes;
	unsigned long events_dropped;	/* privileged: over the output quota */
	struct outmsg **evidx;	/* queued events by hash of path and token */
	size_t evidx_nb, nevents;
	struct watch *watches;
	unsigned nwatches;
	struct txn *txns;
	unsigned ntxns;
	uint32_t next_txid;
	bool dead;
};

extern struct conn *conn_list;
/* Requests handled and time spent handling them (store time, no I/O);
 * watch events merged with an identical queued one, or dropped because a
 * privileged connection was over its quota. */
extern uint64_t stat_requests, stat_handle_ns, stat_events_merged, stat_events_dropped;
struct conn *conn_new(const struct transport *tp, void *tp_data, int fd, struct domain *d);
void conn_kill(struct conn *c, const char *why);	/* marks dead */
void conn_reap(void);			/* frees dead connections */
/* Read and handle requests, then flush replies; returns false if dead. */
bool conn_service(struct conn *c);
void conn_flush(struct conn *c);
void conn_queue(struct conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
		const void *data, size_t len);
bool conn_wants_input(const struct conn *c);
void conn_reset_watches(struct conn *c);
void conn_drop_state(struct conn *c);

#endif
