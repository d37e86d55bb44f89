// SPDX-License-Identifier: GPL-2.0-only
#include "control.h"
#include "domain.h"
#include "txn.h"
#include "watch.h"
#include "conn.h"
#include "log.h"
#include <stdio.h>
#include <string.h>
#include <errno.h>

static unsigned *quota_field(const char *name)
{
	if (!strcmp(name, "nodes")) return &quota.nodes;
	if (!strcmp(name, "node-size")) return &quota.node_size;
	if (!strcmp(name, "watches")) return &quota.watches;
	if (!strcmp(name, "transactions")) return &quota.transactions;
	if (!strcmp(name, "transaction-nodes")) return &quota.transaction_nodes;
	if (!strcmp(name, "outstanding")) return &quota.outstanding;
	if (!strcmp(name, "priv-outstanding")) return &quota.priv_outstanding;
	return NULL;
}

static void outf(struct buf *out, const char *fmt, unsigned long v, const char *s)
{
	char line[128];
	int l = snprintf(line, sizeof(line), fmt, s, v);
	buf_add(out, line, l);
}

int control_run(const char **vec, int n, struct buf *out)
{
	const char *cmd = vec[0];
	unsigned long v;
	unsigned *q;
	struct conn *c;
	unsigned nconn = 0;

	if (!strcmp(cmd, "check")) {
		buf_adds(out, "OK");
	} else if (!strcmp(cmd, "log") && n == 2 && (!strcmp(vec[1], "on") || !strcmp(vec[1], "off"))) {
		log_verbose = vec[1][1] == 'n';
		buf_adds(out, "OK");
	} else if (!strcmp(cmd, "print") && n >= 2) {
		logmsg("control: %s", vec[1]);
		buf_adds(out, "OK");
	} else if (!strcmp(cmd, "quota") && n == 1) {
		static const char *const names[] = { "nodes", "node-size", "watches",
						     "transactions", "transaction-nodes",
						     "outstanding", "priv-outstanding" };
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			outf(out, "%s %lu\n", *quota_field(names[i]), names[i]);
		buf_add(out, "", 1);
	} else if (!strcmp(cmd, "quota") && n == 3) {
		if (!(q = quota_field(vec[1])) || !parse_uint(vec[2], 0xffffffffUL, &v))
			return EINVAL;
		/* Below one full reply, no connection would ever be read again. */
		if ((q == &quota.outstanding || q == &quota.priv_outstanding) && v < 8192)
			return EINVAL;
		*q = v;
		buf_adds(out, "OK");
	} else if (!strcmp(cmd, "memreport")) {
		for (c = conn_list; c; c = c->next)
			nconn++;
		outf(out, "%s %lu\n", store_main()->count, "nodes");
		outf(out, "%s %lu\n", store_mem(), "node-bytes");
		outf(out, "%s %lu\n", watch_total(), "watches");
		outf(out, "%s %lu\n", nconn, "connections");
		outf(out, "%s %lu\n", domain_count(), "domains");
		outf(out, "%s %lu\n", stat_requests, "requests");
		outf(out, "%s %lu\n", stat_handle_ns, "handle-ns");
		outf(out, "%s %lu\n", stat_events_merged, "events-merged");
		outf(out, "%s %lu\n", stat_events_dropped, "events-dropped");
		buf_add(out, "", 1);
	} else if (!strcmp(cmd, "help")) {
		buf_adds(out, "check\nlog on|off\nprint STRING\nquota [NAME VALUE]\nmemreport\nhelp\n");
	} else {
		return EINVAL;
	}
	return 0;
}
