// SPDX-License-Identifier: GPL-2.0-only
#include "txn.h"
#include "domain.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>
#include <errno.h>

static struct htab main_store;
static uint64_t gen_counter;
static size_t main_mem;

static void account_none(struct node *n, int delta)
{
}
void (*store_account)(struct node *n, int delta) = account_none;

struct htab *store_main(void)
{
	return &main_store;
}

size_t store_mem(void)
{
	return main_mem + main_store.nb * sizeof(void *);
}

static void main_insert(struct node *n)
{
	n->gen = ++gen_counter;
	n->dirty = n->deleted = false;
	ht_insert(&main_store, n);
	main_mem += node_mem(n);
	store_account(n, 1);
}

static void main_remove(struct node *n)
{
	ht_unlink(&main_store, n);
	main_mem -= node_mem(n);
	store_account(n, -1);
	node_free(n);
}

uint64_t store_gen_next(void)
{
	return ++gen_counter;
}

void store_init(void)
{
	static const char *const initial[] = { "/", "/local", "/local/domain", "/tool" };
	struct perm p = { 0, 0 };
	struct txn t;
	size_t i;

	ht_init(&main_store, 1024);
	txn_init(&t, true, 0);
	for (i = 0; i < sizeof(initial) / sizeof(initial[0]); i++)
		txn_create(&t, initial[i], &p, 1);
	txn_destroy(&t);
}

void store_reset(void)
{
	struct node *n;
	size_t i;

	for (i = 0; i < main_store.nb; i++)
		for (n = main_store.b[i]; n; n = n->hnext)
			store_account(n, -1);
	ht_destroy(&main_store);
	main_mem = 0;
	store_init();
}

char *path_parent(const char *path)
{
	const char *s = strrchr(path, '/');
	char *r;

	if (!s || strcmp(path, "/") == 0)
		return NULL;
	if (s == path)
		return xstrdup("/");
	r = xmalloc(s - path + 1);
	memcpy(r, path, s - path);
	r[s - path] = 0;
	return r;
}

const char *path_base(const char *path)
{
	return strrchr(path, '/') + 1;
}

void txn_init(struct txn *t, bool direct, uint32_t id)
{
	memset(t, 0, sizeof(*t));
	t->direct = direct;
	t->id = id;
	if (!direct)
		ht_init(&t->overlay, 16);
}

void txn_clear_changes(struct txn *t)
{
	size_t i;

	for (i = 0; i < t->nchanges; i++) {
		free(t->changes[i].path);
		free(t->changes[i].perms);
	}
	t->nchanges = 0;
}

void txn_destroy(struct txn *t)
{
	txn_clear_changes(t);
	free(t->changes);
	t->changes = NULL;
	t->capchanges = 0;
	if (!t->direct)
		ht_destroy(&t->overlay);
}

static void record_change(struct txn *t, const struct node *n, bool recursive)
{
	struct change *c;

	if (t->nchanges == t->capchanges) {
		t->capchanges = t->capchanges * 2 + 8;
		t->changes = xrealloc(t->changes, t->capchanges * sizeof(*c));
	}
	c = &t->changes[t->nchanges++];
	c->path = xstrdup(n->path);
	c->recursive = recursive;
	c->nperms = n->nperms;
	c->perms = xmemdup(n->perms, n->nperms * sizeof(struct perm));
	c->perms_gen = n->perms_gen;
}

/* Overlay entry for path, copied from the main store on first access; an
 * absent node gets a deleted placeholder so a concurrent create conflicts. */
static struct node *overlay_entry(struct txn *t, const char *path)
{
	struct node *o = ht_find(&t->overlay, path), *m;

	if (o)
		return o;
	m = ht_find(&main_store, path);
	if (m) {
		o = node_copy(m, false);
		o->seen_gen = m->gen;
	} else {
		o = node_new(path);
		o->deleted = true;
	}
	ht_insert(&t->overlay, o);
	return o;
}

struct node *txn_get(struct txn *t, const char *path)
{
	struct node *o;

	if (t->direct)
		return ht_find(&main_store, path);
	o = overlay_entry(t, path);
	return o->deleted ? NULL : o;
}

/* A changed node gets a new generation in its view too: DIRECTORY_PART
 * readers in a transaction see its child list change. Conflicts are judged
 * by seen_gen, and committing gives overlay nodes a new one anyway. */
static void mark(struct txn *t, struct node *n)
{
	n->gen = ++gen_counter;
	if (!t->direct)
		n->dirty = true;
}

struct node *txn_create(struct txn *t, const char *path, const struct perm *p, uint32_t np)
{
	char *ppath = path_parent(path);
	struct node *parent = ppath ? txn_get(t, ppath) : NULL, *n;

	free(ppath);
	if (t->direct) {
		n = node_new(path);
		node_set_perms(n, p, np);
		n->perms_gen = gen_counter;
		main_insert(n);
	} else {
		n = overlay_entry(t, path);
		n->deleted = false;
		node_set_perms(n, p, np);
		n->perms_gen = gen_counter;
		t->created++;
	}
	if (parent) {
		if (t->direct)
			main_mem -= node_mem(parent);
		if (parent->lazy)
			node_child_op(parent, '+', path_base(path));
		else
			node_child_add(parent, path_base(path));
		if (t->direct)
			main_mem += node_mem(parent);
		mark(t, parent);
	}
	mark(t, n);
	return n;
}

void txn_dirty(struct txn *t, struct node *n)
{
	mark(t, n);
	record_change(t, n, false);
}

void txn_set_perms(struct txn *t, struct node *n, const struct perm *p, uint32_t np)
{
	if (t->direct) {
		store_account(n, -1);
		main_mem -= node_mem(n);
	}
	node_set_perms(n, p, np);
	n->perms_gen = gen_counter;
	if (t->direct) {
		store_account(n, 1);
		main_mem += node_mem(n);
	}
	txn_dirty(t, n);
}

void txn_children(struct txn *t, struct node *n)
{
	struct node *m;

	if (!n->lazy)
		return;
	m = ht_find(&main_store, n->path);
	if (m && m->clen) {
		n->children = xmemdup(m->children, m->clen);
		n->clen = n->ccap = m->clen;
	}
	node_apply_ops(n);
}

static void remove_tree(struct txn *t, struct node *n)
{
	size_t off = 0;

	txn_children(t, n);
	while (off < n->clen) {
		const char *name = n->children + off;
		size_t plen = strlen(n->path), nlen = strlen(name);
		char *cpath = xmalloc(plen + nlen + 2);
		struct node *c;

		memcpy(cpath, n->path, plen);
		cpath[plen] = '/';
		memcpy(cpath + plen + (plen > 1), name, nlen + 1);
		off += nlen + 1;
		c = txn_get(t, cpath);
		free(cpath);
		if (c)
			remove_tree(t, c);
	}
	if (t->direct) {
		main_remove(n);
	} else {
		n->deleted = true;
		n->dirty = true;
		node_set_value(n, NULL, 0);
		free(n->children);
		n->children = NULL;
		n->clen = n->ccap = 0;
		t->created--;
	}
}

void txn_remove(struct txn *t, struct node *n)
{
	char *ppath = path_parent(n->path);
	struct node *parent = txn_get(t, ppath);

	record_change(t, n, true);
	if (parent) {
		if (t->direct)
			main_mem -= node_mem(parent);
		if (parent->lazy)
			node_child_op(parent, '-', path_base(n->path));
		else
			node_child_del(parent, path_base(n->path));
		if (t->direct)
			main_mem += node_mem(parent);
		mark(t, parent);
	}
	free(ppath);
	remove_tree(t, n);
}

static void delta_add(struct owner_delta **d, size_t *n, unsigned domid, long v)
{
	size_t i;

	for (i = 0; i < *n && (*d)[i].domid != domid; i++)
		;
	if (i == *n) {
		*d = xrealloc(*d, (*n + 1) * sizeof(**d));
		(*d)[(*n)++] = (struct owner_delta){ domid, 0 };
	}
	(*d)[i].nodes += v;
}

/* Nodes owned per domain that applying the overlay adds (or removes). */
static size_t owner_deltas(struct txn *t, struct owner_delta **d)
{
	struct node *o, *m;
	size_t i, n = 0;

	*d = NULL;
	for (i = 0; i < t->overlay.nb; i++)
		for (o = t->overlay.b[i]; o; o = o->hnext) {
			if (!o->dirty)
				continue;
			if ((m = ht_find(&main_store, o->path)))
				delta_add(d, &n, m->perms[0].id, -1);
			if (!o->deleted)
				delta_add(d, &n, o->perms[0].id, 1);
		}
	return n;
}

int txn_commit(struct txn *t, txn_admit_fn *admit, void *arg)
{
	struct owner_delta *d;
	struct node *o, *m, *next;
	size_t i, n;
	int err;

	if (t->direct)
		return 0;
	for (i = 0; i < t->overlay.nb; i++)
		for (o = t->overlay.b[i]; o; o = o->hnext) {
			m = ht_find(&main_store, o->path);
			if ((m ? m->gen : 0) != o->seen_gen)
				return EAGAIN;
		}
	/* Permissions copied before a RELEASE name the old domain. */
	for (i = 0; i < t->overlay.nb; i++)
		for (o = t->overlay.b[i]; o; o = o->hnext)
			if (o->dirty && !o->deleted)
				o->nperms = perms_drop_stale(o->perms, o->nperms, o->perms_gen);
	n = owner_deltas(t, &d);
	err = admit(d, n, arg);
	free(d);
	if (err)
		return err;
	for (i = 0; i < t->overlay.nb; i++) {
		for (o = t->overlay.b[i]; o; o = next) {
			next = o->hnext;
			if (!o->dirty)
				continue;
			m = ht_find(&main_store, o->path);
			if (m && o->lazy && !o->deleted) {
				/* Unchanged since read (generation checked): take
				 * its list and replay this transaction's edits. */
				main_mem -= m->ccap;
				o->children = m->children;
				o->clen = m->clen;
				o->ccap = m->ccap;
				m->children = NULL;
				m->clen = m->ccap = 0;
				node_apply_ops(o);
			}
			if (m)
				main_remove(m);
			if (!o->deleted) {
				ht_unlink(&t->overlay, o);
				main_insert(o);
			}
		}
	}
	return 0;
}

/* RELEASE of domid (Xen's domain_tree_remove, XSA-419 default): the nodes
 * it owns (the owner's list, owned[0..n)) go with their subtrees, recorded
 * in t (direct) so watches fire; "/" is given to dom0 instead. */
void store_forget_owned(struct txn *t, struct node *owned)
{
	char **paths = NULL;
	size_t n = 0, cap = 0, i;
	struct node *x;

	for (x = owned; x; x = x->onext) {
		if (n == cap) {
			cap = cap * 2 + 16;
			paths = xrealloc(paths, cap * sizeof(*paths));
		}
		paths[n++] = xstrdup(x->path);
	}
	for (i = 0; i < n; i++) {
		if ((x = txn_get(t, paths[i]))) {
			if (strcmp(x->path, "/")) {
				txn_remove(t, x);
			} else {
				struct perm *p = xmemdup(x->perms, x->nperms * sizeof(*p));
				p[0].id = 0;
				txn_set_perms(t, x, p, x->nperms);
				free(p);
			}
		}
		free(paths[i]);
	}
	free(paths);
}
