/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TESS_STORED_NODE_H
#define TESS_STORED_NODE_H
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

struct perm {
	uint16_t id;
	uint8_t bits;	/* XS_PERM_READ | XS_PERM_WRITE */
};

struct node {
	struct node *hnext;
	uint32_t hash;
	char *path;
	char *value;
	uint32_t vlen;
	uint32_t nperms;
	struct perm *perms;	/* perms[0].id is the owner */
	char *children;		/* child names, each NUL-terminated */
	uint32_t clen, ccap;
	uint64_t gen;		/* bumped on every committed change */
	uint64_t perms_gen;	/* store generation when perms were set */
	/* main store: the owner's list; opprev points at what points here */
	struct node *onext, **opprev;
	/* transaction overlay bookkeeping */
	uint64_t seen_gen;	/* gen in the main store when first read (0: absent) */
	bool dirty;
	bool deleted;
	/* Overlay copies of parents with many children do not copy the list:
	 * they log "+name" / "-name" edits, applied on commit or when read. */
	bool lazy;
	char *ops;
	uint32_t opslen, opscap;
};

/* Hash table of nodes keyed by full path. */
struct htab {
	struct node **b;
	size_t nb, count;
};

void ht_init(struct htab *h, size_t nb);
struct node *ht_find(const struct htab *h, const char *path);
void ht_insert(struct htab *h, struct node *n);
void ht_unlink(struct htab *h, struct node *n);
void ht_destroy(struct htab *h);	/* frees all nodes */

struct node *node_new(const char *path);
struct node *node_copy(const struct node *n, bool with_children);
void node_free(struct node *n);
void node_set_value(struct node *n, const char *v, uint32_t len);
void node_set_perms(struct node *n, const struct perm *p, uint32_t np);
void node_child_add(struct node *n, const char *name);	/* name is absent */
void node_child_op(struct node *n, char op, const char *name);
void node_apply_ops(struct node *n);
void node_child_del(struct node *n, const char *name);
bool node_child_has(const struct node *n, const char *name);
size_t node_mem(const struct node *n);

#endif
