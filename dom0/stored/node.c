// SPDX-License-Identifier: GPL-2.0-only
#include "node.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

void ht_init(struct htab *h, size_t nb)
{
	h->nb = nb;
	h->count = 0;
	h->b = xzalloc(nb * sizeof(*h->b));
}

struct node *ht_find(const struct htab *h, const char *path)
{
	uint32_t hv = hash_str(path);
	struct node *n;

	for (n = h->b[hv & (h->nb - 1)]; n; n = n->hnext)
		if (n->hash == hv && strcmp(n->path, path) == 0)
			return n;
	return NULL;
}

static void ht_grow(struct htab *h)
{
	size_t nb = h->nb * 2, i;
	struct node **b = xzalloc(nb * sizeof(*b));

	for (i = 0; i < h->nb; i++) {
		struct node *n = h->b[i], *next;
		for (; n; n = next) {
			next = n->hnext;
			n->hnext = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	}
	free(h->b);
	h->b = b;
	h->nb = nb;
}

void ht_insert(struct htab *h, struct node *n)
{
	size_t i;

	if (h->count >= h->nb)
		ht_grow(h);
	n->hash = hash_str(n->path);
	i = n->hash & (h->nb - 1);
	n->hnext = h->b[i];
	h->b[i] = n;
	h->count++;
}

void ht_unlink(struct htab *h, struct node *n)
{
	struct node **pp = &h->b[n->hash & (h->nb - 1)];

	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == n) {
			*pp = n->hnext;
			h->count--;
			return;
		}
	}
}

void ht_destroy(struct htab *h)
{
	size_t i;

	for (i = 0; i < h->nb; i++) {
		struct node *n = h->b[i], *next;
		for (; n; n = next) {
			next = n->hnext;
			node_free(n);
		}
	}
	free(h->b);
	h->b = NULL;
	h->nb = h->count = 0;
}

struct node *node_new(const char *path)
{
	struct node *n = xzalloc(sizeof(*n));

	n->path = xstrdup(path);
	return n;
}

struct node *node_copy(const struct node *o, bool with_children)
{
	struct node *n = node_new(o->path);

	node_set_value(n, o->value, o->vlen);
	node_set_perms(n, o->perms, o->nperms);
	if (!with_children)
		n->lazy = o->clen > 0;
	else if (o->clen) {
		n->children = xmemdup(o->children, o->clen);
		n->clen = n->ccap = o->clen;
	}
	n->gen = o->gen;
	n->perms_gen = o->perms_gen;
	return n;
}

void node_free(struct node *n)
{
	if (!n)
		return;
	free(n->path);
	free(n->value);
	free(n->perms);
	free(n->children);
	free(n->ops);
	free(n);
}

void node_set_value(struct node *n, const char *v, uint32_t len)
{
	free(n->value);
	n->value = len ? xmemdup(v, len) : NULL;
	n->vlen = len;
}

void node_set_perms(struct node *n, const struct perm *p, uint32_t np)
{
	free(n->perms);
	n->perms = xmemdup(p, np * sizeof(*p));
	n->nperms = np;
}

static char *child_find(const struct node *n, const char *name)
{
	char *p = n->children, *end = n->children + n->clen;
	size_t l = strlen(name) + 1;

	while (p < end) {
		size_t cl = strlen(p) + 1;
		if (cl == l && memcmp(p, name, l) == 0)
			return p;
		p += cl;
	}
	return NULL;
}

bool node_child_has(const struct node *n, const char *name)
{
	return child_find(n, name) != NULL;
}

void node_child_add(struct node *n, const char *name)
{
	size_t l = strlen(name) + 1;

	if (n->clen + l > n->ccap) {
		n->ccap = (n->clen + l) * 2;
		n->children = xrealloc(n->children, n->ccap);
	}
	memcpy(n->children + n->clen, name, l);
	n->clen += l;
}

void node_child_del(struct node *n, const char *name)
{
	char *p = child_find(n, name);
	size_t l;

	if (!p)
		return;
	l = strlen(p) + 1;
	memmove(p, p + l, n->clen - (p - n->children) - l);
	n->clen -= l;
}

size_t node_mem(const struct node *n)
{
	return sizeof(*n) + strlen(n->path) + 1 + n->vlen + n->nperms * sizeof(struct perm) +
	       n->ccap;
}

void node_child_op(struct node *n, char op, const char *name)
{
	size_t l = strlen(name) + 1;

	if (n->opslen + l + 1 > n->opscap) {
		n->opscap = (n->opslen + l + 1) * 2;
		n->ops = xrealloc(n->ops, n->opscap);
	}
	n->ops[n->opslen] = op;
	memcpy(n->ops + n->opslen + 1, name, l);
	n->opslen += l + 1;
}

void node_apply_ops(struct node *n)
{
	uint32_t off = 0;

	while (off < n->opslen) {
		const char *name = n->ops + off + 1;
		if (n->ops[off] == '+')
			node_child_add(n, name);
		else
			node_child_del(n, name);
		off += strlen(name) + 2;
	}
	free(n->ops);
	n->ops = NULL;
	n->opslen = n->opscap = 0;
	n->lazy = false;
}
