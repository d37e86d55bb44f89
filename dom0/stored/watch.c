// SPDX-License-Identifier: GPL-2.0-only
#include "watch.h"
#include "domain.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <stdio.h>

static struct watch **idx;
static size_t idx_nb, idx_count;

unsigned watch_total(void)
{
	return idx_count;
}

static void idx_insert(struct watch *w)
{
	size_t i;

	if (idx_count >= idx_nb) {
		size_t nb = idx_nb ? idx_nb * 2 : 256;
		struct watch **b = xzalloc(nb * sizeof(*b)), *x, *next;
		for (i = 0; i < idx_nb; i++)
			for (x = idx[i]; x; x = next) {
				next = x->hnext;
				x->hnext = b[x->hash & (nb - 1)];
				b[x->hash & (nb - 1)] = x;
			}
		free(idx);
		idx = b;
		idx_nb = nb;
	}
	w->hash = hash_str(w->path);
	i = w->hash & (idx_nb - 1);
	w->hnext = idx[i];
	idx[i] = w;
	idx_count++;
}

static void idx_unlink(struct watch *w)
{
	struct watch **pp = &idx[w->hash & (idx_nb - 1)];

	for (; *pp; pp = &(*pp)->hnext)
		if (*pp == w) {
			*pp = w->hnext;
			idx_count--;
			return;
		}
}

static void send_event(struct watch *w, const char *path)
{
	struct buf b = { 0 };
	char home[40];
	size_t hl;

	if (w->relative) {
		domain_home(w->conn->dom->domid, home, sizeof(home));
		hl = strlen(home);
		if (strncmp(path, home, hl) == 0 && path[hl] == '/')
			path += hl + 1;
	}
	buf_adds(&b, path);
	buf_adds(&b, w->token);
	conn_queue(w->conn, XS_WATCH_EVENT, 0, 0, b.p, b.len);
	buf_free(&b);
}

int watch_add(struct conn *c, const char *path, const char *token, bool relative)
{
	struct watch *w;
	unsigned limit = domain_priv(c->dom) ? quota.priv_watches : quota.watches;
	uint32_t h = hash_str(path);

	for (w = idx_nb ? idx[h & (idx_nb - 1)] : NULL; w; w = w->hnext)
		if (w->conn == c && w->hash == h && strcmp(w->path, path) == 0 &&
		    strcmp(w->token, token) == 0)
			return EEXIST;
	if ((domain_priv(c->dom) ? c->nwatches : c->dom->watches) >= limit)
		return E2BIG;
	w = xzalloc(sizeof(*w));
	w->conn = c;
	w->path = xstrdup(path);
	w->token = xstrdup(token);
	w->relative = relative;
	w->next = c->watches;
	c->watches = w;
	c->nwatches++;
	c->dom->watches++;
	idx_insert(w);
	return 0;
}

static void watch_free(struct watch *w)
{
	idx_unlink(w);
	w->conn->nwatches--;
	w->conn->dom->watches--;
	free(w->path);
	free(w->token);
	free(w);
}

int watch_del(struct conn *c, const char *path, const char *token)
{
	struct watch **pp, *w;

	for (pp = &c->watches; (w = *pp); pp = &w->next)
		if (strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0) {
			*pp = w->next;
			watch_free(w);
			return 0;
		}
	return ENOENT;
}

void watch_del_all(struct conn *c)
{
	struct watch *w;

	while ((w = c->watches)) {
		c->watches = w->next;
		watch_free(w);
	}
}

static bool may_see(struct watch *w, const struct change *ch)
{
	struct domain *d = w->conn->dom;

	if (w->conn->dead)
		return false;
	return domain_priv(d) || (perm_for(d, ch->perms, ch->nperms, ch->perms_gen) & XS_PERM_READ);
}

static void fire_exact(const char *key, const struct change *ch)
{
	uint32_t h = hash_str(key);
	struct watch *w;

	if (!idx_nb)
		return;
	for (w = idx[h & (idx_nb - 1)]; w; w = w->hnext)
		if (w->hash == h && strcmp(w->path, key) == 0 && may_see(w, ch))
			send_event(w, ch->path);
}

/* A change to P fires every watch on P or an ancestor of P (event path P);
 * a removal also fires watches below P, each with its own path. */
static void fire_change(const struct change *ch)
{
	size_t len = strlen(ch->path), i;
	char *p = xstrdup(ch->path);
	struct watch *w;

	for (;;) {
		fire_exact(p, ch);
		if (len <= 1)
			break;
		while (len > 0 && p[len - 1] != '/')
			len--;
		if (len > 1)
			len--;
		p[len] = 0;
	}
	free(p);
	if (!ch->recursive)
		return;
	len = strlen(ch->path);
	for (i = 0; i < idx_nb; i++)
		for (w = idx[i]; w; w = w->hnext)
			if (strncmp(w->path, ch->path, len) == 0 &&
			    (w->path[len] == '/' || (len == 1 && w->path[1])) &&
			    may_see(w, ch))
				send_event(w, w->path);
}

void watch_fire_changes(struct txn *t)
{
	size_t i;

	for (i = 0; i < t->nchanges; i++)
		fire_change(&t->changes[i]);
	txn_clear_changes(t);
}

void watch_fire_special(const char *name)
{
	uint32_t h = hash_str(name);
	struct watch *w;

	if (!idx_nb)
		return;
	for (w = idx[h & (idx_nb - 1)]; w; w = w->hnext)
		if (w->hash == h && strcmp(w->path, name) == 0 && !w->conn->dead &&
		    domain_priv(w->conn->dom))
			send_event(w, name);
}
