/* SPDX-License-Identifier: GPL-2.0-only */
/* The store and its views. A view is either direct (a request outside any
 * transaction, applied to the main store at once) or a transaction: an
 * overlay of copied nodes validated against node generations on commit. */
#ifndef TESS_STORED_TXN_H
#define TESS_STORED_TXN_H
#include "node.h"

struct change {
	char *path;
	bool recursive;		/* a removal: watches below path fire too */
	uint32_t nperms;
	struct perm *perms;	/* perms of the node when it changed */
	uint64_t perms_gen;
};

struct txn {
	struct txn *next;
	uint32_t id;
	bool direct;
	struct htab overlay;
	long created;		/* nodes created minus removed in the overlay */
	size_t nchanges, capchanges;
	struct change *changes;
};

void store_init(void);
void store_reset(void);	/* drop every node (fuzzing) */
uint64_t store_gen_next(void);	/* a generation newer than every node's */
struct htab *store_main(void);
size_t store_mem(void);
/* Called when node n of the main store starts (+1) or stops (-1) being
 * owned by n->perms[0].id. */
extern void (*store_account)(struct node *n, int delta);

void txn_init(struct txn *t, bool direct, uint32_t id);
void txn_destroy(struct txn *t);
struct node *txn_get(struct txn *t, const char *path);
/* Create path (its parent must exist in the view) with the given perms.
 * Records no watch change: only the node a request names fires watches. */
struct node *txn_create(struct txn *t, const char *path, const struct perm *p, uint32_t np);
/* Mark n (returned by txn_get on t) as changed and record a watch change. */
void txn_dirty(struct txn *t, struct node *n);
void txn_set_perms(struct txn *t, struct node *n, const struct perm *p, uint32_t np);
void txn_remove(struct txn *t, struct node *n);
/* Make n->children valid (overlay copies fetch the list lazily). */
void txn_children(struct txn *t, struct node *n);
/* Change in the number of nodes a domain owns that a commit would make. */
struct owner_delta {
	unsigned domid;
	long nodes;
};
/* Accepts (0) or refuses (an errno) a commit's ownership changes. */
typedef int txn_admit_fn(const struct owner_delta *d, size_t n, void *arg);
/* Returns 0, EAGAIN if a node the transaction touched changed meanwhile, or
 * the errno admit() refused the commit with; only 0 applies the overlay.
 * On success changes stay recorded for watches. */
int txn_commit(struct txn *t, txn_admit_fn *admit, void *arg);
void txn_clear_changes(struct txn *t);
/* RELEASE: the nodes of an owner's list go with their subtrees; the
 * removals are recorded in t, a direct view. */
void store_forget_owned(struct txn *t, struct node *owned);
char *path_parent(const char *path);	/* malloc'd; NULL for "/" */
const char *path_base(const char *path);

#endif
