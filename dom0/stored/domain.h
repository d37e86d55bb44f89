/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TESS_STORED_DOMAIN_H
#define TESS_STORED_DOMAIN_H
#include <stdint.h>
#include <stdbool.h>
#include "node.h"

struct conn;

struct quota {
	unsigned nodes;		/* nodes owned by a domain */
	unsigned node_size;	/* value + perms bytes of one node */
	unsigned watches;	/* per domain */
	unsigned transactions;	/* open at once, per domain */
	unsigned transaction_nodes;	/* nodes one transaction may copy */
	unsigned outstanding;	/* bytes of pending output per connection */
	unsigned priv_outstanding;	/* privileged: pending bytes before events drop */
	unsigned priv_watches;	/* safety caps for privileged connections */
	unsigned priv_transactions;
};
extern struct quota quota;

struct domain {
	unsigned domid;
	bool introduced;
	uint64_t mfn;
	unsigned port;
	int target;		/* domid this one is a stub domain for, or -1 */
	long nodes;
	unsigned watches;
	unsigned txns;
	struct conn *conn;	/* ring connection, if any */
	struct node *owned;	/* main-store nodes it owns (node->onext) */
	/* Store generation at the last RELEASE of this id (0: never). A
	 * permission entry naming the id that was set before it is stale. */
	uint64_t released_gen;
};

void domain_init(void);
struct domain *domain_get(unsigned domid);	/* NULL if unknown */
struct domain *domain_lookup_or_new(unsigned domid);
bool domain_priv(const struct domain *d);
unsigned perm_for(const struct domain *d, const struct perm *p, uint32_t np, uint64_t pgen);
static inline unsigned node_perm(const struct domain *d, const struct node *n)
{
	return perm_for(d, n->perms, n->nperms, n->perms_gen);
}
/* RELEASE: entries set until now name a domain that is gone, and no stub
 * domain keeps d as its target. */
void domain_released(struct domain *d);
/* Whether an entry naming domid, set at store generation pgen, is stale. */
bool perm_stale(unsigned domid, uint64_t pgen);
/* Drops stale entries (a stale owner becomes dom0); returns the new count. */
uint32_t perms_drop_stale(struct perm *p, uint32_t np, uint64_t pgen);
char *domain_home(unsigned domid, char *buf, size_t len);
unsigned domain_count(void);

/* Hooks for the ring transport when a domain is introduced or released. */
struct ring_backend {
	struct conn *(*attach)(struct domain *d);
	void (*detach)(struct domain *d);
};
extern const struct ring_backend *ring_backend;

#endif
