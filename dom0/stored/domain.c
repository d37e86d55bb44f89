// SPDX-License-Identifier: GPL-2.0-only
#include "domain.h"
#include "xs_proto.h"
#include "txn.h"
#include "util.h"
#include <stdio.h>

struct quota quota = {
	.nodes = 1000,
	.node_size = 2048,
	.watches = 128,
	.transactions = 10,
	.transaction_nodes = 1024,
	.outstanding = 1 << 20,
	.priv_outstanding = 16 << 20,
	.priv_watches = 1 << 20,
	.priv_transactions = 1024,
};

const struct ring_backend *ring_backend;
static struct domain *domains[DOMID_FIRST_RESERVED];
static unsigned ndomains;

/* Each domain counts the main-store nodes it owns and keeps them on a
 * list, so RELEASE finds them without walking the store. */
static void account(struct node *n, int delta)
{
	unsigned domid = n->perms[0].id;
	struct domain *d;

	if (domid >= DOMID_FIRST_RESERVED)
		return;
	d = domain_lookup_or_new(domid);
	d->nodes += delta;
	if (delta > 0) {
		n->onext = d->owned;
		n->opprev = &d->owned;
		d->owned = n;
		if (n->onext)
			n->onext->opprev = &n->onext;
	} else {
		*n->opprev = n->onext;
		if (n->onext)
			n->onext->opprev = n->opprev;
	}
}

void domain_init(void)
{
	struct domain *d0 = domain_lookup_or_new(0);

	d0->introduced = true;
	store_account = account;
}

struct domain *domain_get(unsigned domid)
{
	return domid < DOMID_FIRST_RESERVED ? domains[domid] : NULL;
}

struct domain *domain_lookup_or_new(unsigned domid)
{
	struct domain *d = domains[domid];

	if (!d) {
		d = xzalloc(sizeof(*d));
		d->domid = domid;
		d->target = -1;
		domains[domid] = d;
		ndomains++;
	}
	return d;
}

unsigned domain_count(void)
{
	return ndomains;
}

bool domain_priv(const struct domain *d)
{
	return d->domid == 0;
}

/* Xen's generation count (XSA-322/417): an entry naming a domain id counts
 * only for the domain that held the id when the entry was set, not for the
 * next one introduced with that id. RELEASE also removes such entries from
 * the store (proto.c); this catches those a transaction commits later. */
bool perm_stale(unsigned domid, uint64_t pgen)
{
	const struct domain *x = domain_get(domid);

	return x && x->released_gen > pgen;
}

uint32_t perms_drop_stale(struct perm *p, uint32_t np, uint64_t pgen)
{
	uint32_t i, n = 1;

	if (perm_stale(p[0].id, pgen))
		p[0].id = 0;
	for (i = 1; i < np; i++)
		if (!perm_stale(p[i].id, pgen))
			p[n++] = p[i];
	return n;
}

void domain_released(struct domain *d)
{
	unsigned i;

	d->released_gen = store_gen_next();
	for (i = 0; i < DOMID_FIRST_RESERVED; i++)
		if (domains[i] && domains[i]->target == (int)d->domid)
			domains[i]->target = -1;
}

static bool perm_names(const struct domain *d, const struct perm *e, uint64_t pgen)
{
	return (e->id == d->domid || (d->target >= 0 && e->id == (unsigned)d->target)) &&
	       !perm_stale(e->id, pgen);
}

/* docs/misc/xenstore.txt: the first entry names the owner (full access)
 * and gives everybody else's default; later entries override it for one
 * domain. A stub domain (SET_TARGET) acts with its target's rights too. */
unsigned perm_for(const struct domain *d, const struct perm *p, uint32_t np, uint64_t pgen)
{
	const unsigned all = XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;
	uint32_t i;

	if (domain_priv(d) || perm_names(d, &p[0], pgen))
		return all;
	for (i = 1; i < np; i++)
		if (perm_names(d, &p[i], pgen))
			return p[i].bits;
	return p[0].bits;
}

char *domain_home(unsigned domid, char *buf, size_t len)
{
	snprintf(buf, len, "/local/domain/%u", domid);
	return buf;
}
