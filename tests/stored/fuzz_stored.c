// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer target: the first byte picks the transport.
 *   even: the bytes are a client's socket stream (message framing, every
 *         handler) from dom0 or from an unprivileged domain;
 *   odd:  the bytes become a shared ring page (indices included) that a
 *         hostile guest controls, served until the daemon makes no progress.
 * The store is reset between inputs so runs stay independent. */
#include "conn.h"
#include "domain.h"
#include "proto.h"
#include "ring.h"
#include "txn.h"
#include <stdlib.h>
#include <string.h>

static const uint8_t *in_p;
static size_t in_left;

static int fz_read(struct conn *c, void *buf, size_t len)
{
	if (!in_left)
		return 0;
	if (len > in_left)
		len = in_left;
	/* deliver in small pieces to exercise partial reads */
	if (len > 7 && (in_p[0] & 1))
		len = 7;
	memcpy(buf, in_p, len);
	in_p += len;
	in_left -= len;
	return len;
}

static int fz_write(struct conn *c, const void *buf, size_t len)
{
	return len;
}

static const struct transport fz_transport = { fz_read, fz_write, NULL };

static void no_notify(void *opaque)
{
}

static struct xs_ring_page page;
static struct ring_port port = { &page, no_notify, NULL, NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	static struct quota saved;
	struct domain *guest;
	struct conn *c;
	int i;

	if (!init) {
		domain_init();
		store_init();
		proto_init();
		saved = quota;
		init = true;
	}
	quota = saved;	/* CONTROL may have changed them */
	if (size < 2)
		return 0;
	guest = domain_lookup_or_new(3);
	guest->introduced = true;
	if (!(data[0] & 1)) {
		in_p = data + 2;
		in_left = size - 2;
		c = conn_new(&fz_transport, NULL, -1, (data[1] & 1) ? guest : domain_get(0));
		for (i = 0; i < 10000 && in_left && !c->dead; i++)
			conn_service(c);
	} else {
		size_t n = size - 1 < sizeof(page) ? size - 1 : sizeof(page);

		memset(&page, 0, sizeof(page));
		memcpy(&page, data + 1, n);
		c = ring_conn_new(&port, -1, guest);
		for (i = 0; i < 64 && !c->dead; i++) {
			uint32_t before = page.req_cons;
			conn_service(c);
			page.rsp_cons = page.rsp_prod;	/* the guest eats replies */
			if (page.req_cons == before)
				break;
		}
	}
	conn_kill(c, "fuzz done");
	conn_reap();
	store_reset();
	return 0;
}
