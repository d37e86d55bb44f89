// SPDX-License-Identifier: GPL-2.0-only
/* Request handlers, one per message type of io/xs_wire.h, with the
 * semantics of docs/misc/xenstore.txt. */
#include "proto.h"
#include "domain.h"
#include "watch.h"
#include "control.h"
#include "log.h"
#include "util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#define MAXVEC 1100	/* SET_PERMS may carry ~1000 entries in 4096 bytes */
#define PATHBUF (XS_ABS_PATH_MAX + 64)

struct req {
	struct conn *c;
	const struct xs_hdr *h;
	const char *data;
	struct txn *t;		/* the view: the transaction or the direct one */
	const char *vec[MAXVEC];
	int nvec;
};

static struct txn direct;

void proto_init(void)
{
	txn_init(&direct, true, 0);
}

static void reply(struct req *r, uint32_t type, const void *d, size_t len)
{
	conn_queue(r->c, type, r->h->req_id, r->h->tx_id, d, len);
}

static int reply_str(struct req *r, const char *s)
{
	reply(r, r->h->type, s, strlen(s) + 1);
	return 0;
}

static int ok(struct req *r)
{
	return reply_str(r, "OK");
}

static bool valid_chars(const char *p)
{
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '/' || *p == '_' ||
		      *p == '@'))
			return false;
	return true;
}

/* Relative paths are relative to the caller's /local/domain/<id>. */
static int canon(struct req *r, const char *in, char *out, bool *relative)
{
	size_t l = strlen(in);

	if (in[0] == '/') {
		if (l > XS_ABS_PATH_MAX)
			return EINVAL;
		memcpy(out, in, l + 1);
	} else {
		if (l > XS_REL_PATH_MAX)
			return EINVAL;
		snprintf(out, PATHBUF, "/local/domain/%u/%s", r->c->dom->domid, in);
	}
	if (relative)
		*relative = in[0] != '/';
	l = strlen(out);
	if (!valid_chars(out) || strstr(out, "//") || (l > 1 && out[l - 1] == '/'))
		return EINVAL;
	return 0;
}

static int nstrings(struct req *r, int min)
{
	r->nvec = split_strings(r->data, r->h->len, r->vec, MAXVEC);
	return (r->nvec < min || r->nvec > MAXVEC) ? EINVAL : 0;
}

/* A missing node (Xen's errno_from_parents): the caller learns ENOENT only
 * if it has one of the `need` rights on the nearest existing ancestor, else
 * EACCES. So creating (need WRITE) requires write access to that ancestor,
 * and names cannot be probed through unreadable parents. */
static int missing_errno(struct req *r, const char *path, unsigned need)
{
	char *p = xstrdup(path), *q;
	struct node *n = NULL;
	int err = ENOENT;

	while ((q = path_parent(p))) {
		free(p);
		p = q;
		if ((n = txn_get(r->t, p)))
			break;
	}
	if (n && !(node_perm(r->c->dom, n) & need))
		err = EACCES;
	free(p);
	return err;
}

static int get_node(struct req *r, const char *path, unsigned need, struct node **out)
{
	struct node *n = txn_get(r->t, path);

	if (!n)
		return missing_errno(r, path, need);
	if ((node_perm(r->c->dom, n) & need) != need)
		return EACCES;
	*out = n;
	return 0;
}

static int node_size_ok(struct req *r, uint32_t vlen, uint32_t np)
{
	if (domain_priv(r->c->dom))
		return 0;
	return vlen + np * sizeof(struct perm) > quota.node_size ? ENOSPC : 0;
}

/* Create path and any missing ancestors; each inherits its parent's
 * permissions, except that a node an unprivileged domain creates is owned
 * by that domain. */
static int create_path(struct req *r, const char *path, struct node **out)
{
	char *pp = path_parent(path);
	struct node *parent = txn_get(r->t, pp), *n;
	struct domain *d = r->c->dom;
	struct perm *p;
	uint32_t np;
	int err = 0;

	if (!parent)
		err = create_path(r, pp, &parent);
	free(pp);
	if (err)
		return err;
	if (!domain_priv(d) && d->nodes + r->t->created >= (long)quota.nodes)
		return ENOSPC;
	p = xmemdup(parent->perms, parent->nperms * sizeof(*p));
	np = perms_drop_stale(p, parent->nperms, parent->perms_gen);
	if (!domain_priv(d))
		p[0].id = d->domid;
	n = txn_create(r->t, path, p, np);
	free(p);
	*out = n;
	return 0;
}

/* The node named by the first argument, which the caller must be able to read. */
static int readable_arg(struct req *r, struct node **n)
{
	char path[PATHBUF];
	int err;

	if ((err = nstrings(r, 1)) || (err = canon(r, r->vec[0], path, NULL)))
		return err;
	return get_node(r, path, XS_PERM_READ, n);
}

static int do_read(struct req *r)
{
	struct node *n;
	int err;

	if ((err = readable_arg(r, &n)))
		return err;
	reply(r, XS_READ, n->value, n->vlen);
	return 0;
}

static int do_write(struct req *r)
{
	const char *nul = memchr(r->data, 0, r->h->len);
	char path[PATHBUF];
	const char *val;
	uint32_t vlen;
	struct node *n;
	int err;

	if (!nul)
		return EINVAL;
	val = nul + 1;
	vlen = r->h->len - (val - r->data);
	if ((err = canon(r, r->data, path, NULL)))
		return err;
	err = get_node(r, path, XS_PERM_WRITE, &n);
	if (!err) {
		if ((err = node_size_ok(r, vlen, n->nperms)))
			return err;
	} else {
		if (err != ENOENT)
			return err;
		if ((err = node_size_ok(r, vlen, 1)) || (err = create_path(r, path, &n)))
			return err;
	}
	node_set_value(n, val, vlen);
	txn_dirty(r->t, n);
	return ok(r);
}

static int do_mkdir(struct req *r)
{
	char path[PATHBUF];
	struct node *n;
	int err;

	if ((err = nstrings(r, 1)) || (err = canon(r, r->vec[0], path, NULL)))
		return err;
	err = get_node(r, path, XS_PERM_WRITE, &n);
	if (err == ENOENT && !(err = create_path(r, path, &n)))
		txn_dirty(r->t, n);
	return err ? err : ok(r);
}

static int do_rm(struct req *r)
{
	char path[PATHBUF], *pp;
	struct node *n;
	int err;

	if ((err = nstrings(r, 1)) || (err = canon(r, r->vec[0], path, NULL)))
		return err;
	if (strcmp(path, "/") == 0)
		return EINVAL;
	err = get_node(r, path, XS_PERM_WRITE, &n);
	if (err == ENOENT) {
		/* Removing a missing node is fine if its parent exists. */
		pp = path_parent(path);
		n = txn_get(r->t, pp);
		free(pp);
		return n ? ok(r) : ENOENT;
	}
	if (err)
		return err;
	txn_remove(r->t, n);
	return ok(r);
}

static int do_directory(struct req *r)
{
	struct node *n;
	int err;

	if ((err = readable_arg(r, &n)))
		return err;
	txn_children(r->t, n);
	reply(r, XS_DIRECTORY, n->children, n->clen);
	return 0;
}

/* Reply: generation, then as many whole child names from the byte offset
 * as fit; an extra empty string marks the end of the list. */
static int do_directory_part(struct req *r)
{
	char path[PATHBUF], gen[32];
	unsigned long off;
	size_t glen, len = 0, max;
	struct buf b = { 0 };
	struct node *n;
	int err;

	if ((err = nstrings(r, 2)) || (err = canon(r, r->vec[0], path, NULL)))
		return err;
	if (!parse_uint(r->vec[1], 0xffffffffUL, &off))
		return EINVAL;
	if ((err = get_node(r, path, XS_PERM_READ, &n)))
		return err;
	txn_children(r->t, n);
	glen = snprintf(gen, sizeof(gen), "%llu", (unsigned long long)n->gen) + 1;
	buf_add(&b, gen, glen);
	max = XS_PAYLOAD_MAX - glen - 1;
	while (off + len < n->clen) {
		size_t l = strnlen(n->children + off + len, n->clen - off - len) + 1;
		if (len + l >= max)
			break;
		len += l;
	}
	if (off < n->clen)
		buf_add(&b, n->children + off, len);
	if (off >= n->clen || off + len == n->clen)
		buf_add(&b, "", 1);
	reply(r, XS_DIRECTORY_PART, b.p, b.len);
	buf_free(&b);
	return 0;
}

static int do_get_perms(struct req *r)
{
	static const char letters[] = "nrwb";
	char one[16];
	struct buf b = { 0 };
	struct node *n;
	struct perm *p;
	uint32_t i, np;
	int err;

	if ((err = readable_arg(r, &n)))
		return err;
	/* Not the entries naming a released domain: a tool that reads,
	 * edits and writes back permissions must not revive them. */
	p = xmemdup(n->perms, n->nperms * sizeof(*p));
	np = perms_drop_stale(p, n->nperms, n->perms_gen);
	for (i = 0; i < np; i++) {
		snprintf(one, sizeof(one), "%c%u", letters[p[i].bits & 3], p[i].id);
		buf_adds(&b, one);
	}
	free(p);
	reply(r, XS_GET_PERMS, b.p, b.len);
	buf_free(&b);
	return 0;
}

static int do_set_perms(struct req *r)
{
	char path[PATHBUF];
	struct perm *p;
	struct node *n;
	unsigned long id;
	int err, i, np;

	if ((err = nstrings(r, 2)) || (err = canon(r, r->vec[0], path, NULL)))
		return err;
	np = r->nvec - 1;
	p = xmalloc(np * sizeof(*p));
	for (i = 0; i < np; i++) {
		const char *s = r->vec[i + 1];
		const char *l = strchr("nrwb", s[0]);
		if (!s[0] || !l || !parse_uint(s + 1, 0xffff, &id)) {
			free(p);
			return EINVAL;
		}
		p[i].bits = l - "nrwb";
		p[i].id = id;
	}
	err = get_node(r, path, XS_PERM_WRITE | XS_PERM_OWNER, &n);
	if (!err && !domain_priv(r->c->dom) && p[0].id != n->perms[0].id)
		err = EPERM;	/* unprivileged domains may not give nodes away */
	if (!err)
		err = node_size_ok(r, n->vlen, np);
	if (!err)
		txn_set_perms(r->t, n, p, np);
	free(p);
	return err ? err : ok(r);
}

static int do_watch(struct req *r, bool add)
{
	char path[PATHBUF];
	bool rel = false;
	int err;

	if ((err = nstrings(r, 2)) || r->nvec != 2)
		return EINVAL;
	if (r->vec[0][0] == '@') {
		if (strlen(r->vec[0]) > XS_REL_PATH_MAX || !valid_chars(r->vec[0]))
			return EINVAL;
		strcpy(path, r->vec[0]);
	} else if ((err = canon(r, r->vec[0], path, &rel))) {
		return err;
	}
	if (!add)
		return (err = watch_del(r->c, path, r->vec[1])) ? err : ok(r);
	if ((err = watch_add(r->c, path, r->vec[1], rel)))
		return err;
	ok(r);
	/* xenstore.txt: a watch fires once as soon as it is set. */
	{
		struct buf b = { 0 };
		buf_adds(&b, r->vec[0]);
		buf_adds(&b, r->vec[1]);
		conn_queue(r->c, XS_WATCH_EVENT, 0, 0, b.p, b.len);
		buf_free(&b);
	}
	return 0;
}

static int do_transaction_start(struct req *r)
{
	struct conn *c = r->c;
	struct txn *t;
	char id[16];

	if (domain_priv(c->dom) ? c->ntxns >= quota.priv_transactions
				: c->dom->txns >= quota.transactions)
		return ENOSPC;
	t = xmalloc(sizeof(*t));
	for (;;) {
		struct txn *x;
		uint32_t cand = c->next_txid++;
		if (cand == 0)
			continue;
		for (x = c->txns; x && x->id != cand; x = x->next)
			;
		if (!x) {
			txn_init(t, false, cand);
			break;
		}
	}
	t->next = c->txns;
	c->txns = t;
	c->ntxns++;
	c->dom->txns++;
	snprintf(id, sizeof(id), "%u", t->id);
	return reply_str(r, id);
}

/* Xen's acc_fix_domains at TRANSACTION_END: a guest's commit is checked
 * again against the node quota as the store is now, so transactions that
 * each stayed within it cannot add up past it. */
static int admit_commit(const struct owner_delta *d, size_t n, void *arg)
{
	const struct conn *c = arg;
	struct domain *owner;
	size_t i;

	if (domain_priv(c->dom))
		return 0;
	for (i = 0; i < n; i++) {
		owner = domain_get(d[i].domid);
		if (d[i].nodes > 0 && owner && !domain_priv(owner) &&
		    owner->nodes + d[i].nodes > (long)quota.nodes)
			return ENOSPC;
	}
	return 0;
}

static int do_transaction_end(struct req *r)
{
	struct conn *c = r->c;
	struct txn **pp, *t;
	bool commit;
	int err = 0;

	if (nstrings(r, 1) || r->nvec != 1 ||
	    (strcmp(r->vec[0], "T") && strcmp(r->vec[0], "F")))
		return EINVAL;
	commit = r->vec[0][0] == 'T';
	for (pp = &c->txns; (t = *pp) && t->id != r->h->tx_id; pp = &t->next)
		;
	if (!t)
		return ENOENT;
	*pp = t->next;
	c->ntxns--;
	c->dom->txns--;
	if (commit)
		err = txn_commit(t, admit_commit, c);
	if (commit && !err)
		watch_fire_changes(t);
	txn_destroy(t);
	free(t);
	return err ? err : ok(r);
}

static int parse_domid(const char *s, unsigned long *id)
{
	return parse_uint(s, DOMID_FIRST_RESERVED - 1, id) ? 0 : EINVAL;
}

static int do_introduce(struct req *r)
{
	unsigned long id, mfn, port;
	struct domain *d;

	if (!domain_priv(r->c->dom))
		return EACCES;
	if (nstrings(r, 3) || parse_domid(r->vec[0], &id) || id == 0 ||
	    !parse_uint(r->vec[1], ~0UL, &mfn) || !parse_uint(r->vec[2], 0xffffffffUL, &port))
		return EINVAL;
	d = domain_lookup_or_new(id);
	if (d->introduced)
		return ok(r);
	d->introduced = true;
	d->mfn = mfn;
	d->port = port;
	if (ring_backend)
		d->conn = ring_backend->attach(d);
	logmsg("introduced domain %lu (mfn %#lx, port %lu%s)", id, mfn, port,
	       d->conn ? "" : ", no ring");
	ok(r);
	watch_fire_special("@introduceDomain");
	return 0;
}

static int introduced_domid(struct req *r, int idx, struct domain **out)
{
	unsigned long id;
	struct domain *d;

	if (!domain_priv(r->c->dom))
		return EACCES;
	if (nstrings(r, idx + 1) || parse_domid(r->vec[idx], &id))
		return EINVAL;
	d = domain_get(id);
	if (!d || !d->introduced)
		return ENOENT;
	*out = d;
	return 0;
}

/* The toolstack's /vm/UUID of a domain (its home's "vm", which only dom0
 * may write), so a domain released here leaves nothing, even when it ended
 * before the toolstack could read it; NULL if there is none. */
static struct node *vm_node(struct txn *t, const char *home)
{
	char path[64], vm[64];
	struct node *n;

	snprintf(path, sizeof(path), "%s/vm", home);
	n = txn_get(t, path);
	if (!n || n->vlen <= 4 || n->vlen >= sizeof(vm) || memcmp(n->value, "/vm/", 4))
		return NULL;
	memcpy(vm, n->value, n->vlen);
	vm[n->vlen] = '\0';
	if (strspn(vm + 4, "0123456789abcdefABCDEF-") != n->vlen - 4)
		return NULL;
	return txn_get(t, vm);
}

void store_release_domain(struct domain *d)
{
	char home[40];
	struct txn t;
	struct node *n;

	if (d->conn) {
		conn_kill(d->conn, "domain released");
		if (ring_backend)
			ring_backend->detach(d);
		d->conn = NULL;
	}
	d->introduced = false;
	d->target = -1;
	domain_released(d);
	txn_init(&t, true, 0);
	domain_home(d->domid, home, sizeof(home));
	if ((n = vm_node(&t, home)))
		txn_remove(&t, n);
	if ((n = txn_get(&t, home)))
		txn_remove(&t, n);
	store_forget_owned(&t, d->owned);
	watch_fire_changes(&t);
	txn_destroy(&t);
	logmsg("released domain %u", d->domid);
}

static int do_release(struct req *r)
{
	struct domain *d;
	int err;

	if ((err = introduced_domid(r, 0, &d)))
		return err;
	if (d->domid == 0)
		return EINVAL;
	store_release_domain(d);
	ok(r);
	watch_fire_special("@releaseDomain");
	return 0;
}

static int do_get_domain_path(struct req *r)
{
	unsigned long id;
	char home[40];

	if (nstrings(r, 1) || !parse_uint(r->vec[0], 0xffff, &id))
		return EINVAL;
	return reply_str(r, domain_home(id, home, sizeof(home)));
}

static int do_is_introduced(struct req *r)
{
	unsigned long id;
	struct domain *d;

	if (!domain_priv(r->c->dom))
		return EACCES;
	if (nstrings(r, 1) || parse_domid(r->vec[0], &id))
		return EINVAL;
	d = domain_get(id);
	return reply_str(r, d && d->introduced ? "T" : "F");
}

static int do_resume(struct req *r)
{
	struct domain *d;
	int err = introduced_domid(r, 0, &d);

	return err ? err : ok(r);
}

static int do_set_target(struct req *r)
{
	struct domain *d, *tgt;
	int err;

	if ((err = introduced_domid(r, 0, &d)) || (err = introduced_domid(r, 1, &tgt)))
		return err;
	d->target = tgt->domid;
	return ok(r);
}

static int do_reset_watches(struct req *r)
{
	struct txn *t;

	watch_del_all(r->c);
	while ((t = r->c->txns)) {
		r->c->txns = t->next;
		r->c->dom->txns--;
		txn_destroy(t);
		free(t);
	}
	r->c->ntxns = 0;
	return ok(r);
}

static int do_control(struct req *r)
{
	struct buf out = { 0 };
	int err;

	if (!domain_priv(r->c->dom))
		return EACCES;
	if (nstrings(r, 1))
		return EINVAL;
	err = control_run(r->vec, r->nvec, &out);
	if (!err)
		reply(r, XS_CONTROL, out.p, out.len);
	buf_free(&out);
	return err;
}

static bool uses_txn(uint32_t type)
{
	switch (type) {
	case XS_READ: case XS_WRITE: case XS_MKDIR: case XS_RM: case XS_DIRECTORY:
	case XS_DIRECTORY_PART: case XS_GET_PERMS: case XS_SET_PERMS:
		return true;
	default:
		return false;
	}
}

static int dispatch(struct req *r)
{
	switch (r->h->type) {
	case XS_READ: return do_read(r);
	case XS_WRITE: return do_write(r);
	case XS_MKDIR: return do_mkdir(r);
	case XS_RM: return do_rm(r);
	case XS_DIRECTORY: return do_directory(r);
	case XS_DIRECTORY_PART: return do_directory_part(r);
	case XS_GET_PERMS: return do_get_perms(r);
	case XS_SET_PERMS: return do_set_perms(r);
	case XS_WATCH: return do_watch(r, true);
	case XS_UNWATCH: return do_watch(r, false);
	case XS_TRANSACTION_START: return do_transaction_start(r);
	case XS_TRANSACTION_END: return do_transaction_end(r);
	case XS_INTRODUCE: return do_introduce(r);
	case XS_RELEASE: return do_release(r);
	case XS_GET_DOMAIN_PATH: return do_get_domain_path(r);
	case XS_IS_DOMAIN_INTRODUCED: return do_is_introduced(r);
	case XS_RESUME: return do_resume(r);
	case XS_SET_TARGET: return do_set_target(r);
	case XS_RESET_WATCHES: return do_reset_watches(r);
	case XS_CONTROL: return do_control(r);
	default: return EINVAL;	/* WATCH_EVENT and ERROR are replies only */
	}
}

void proto_handle(struct conn *c, const struct xs_hdr *h, const char *data)
{
	static struct req r;
	struct txn *t = &direct;
	int err;

	trace_msg('<', c->id, c->dom->domid, h->type, h->req_id, h->tx_id, data, h->len);
	r.c = c;
	r.h = h;
	r.data = data;
	r.nvec = 0;
	if (h->tx_id && uses_txn(h->type)) {
		for (t = c->txns; t && t->id != h->tx_id; t = t->next)
			;
		if (!t) {
			t = &direct;
			r.t = t;
			err = ENOENT;
			goto out;
		}
	}
	r.t = t;
	/* Xen's transaction-nodes quota: a guest's transaction copies at most
	 * about that many nodes (one request may add a path's ancestors or a
	 * removed subtree past it), so its open transactions cannot hold
	 * copies of the whole store. */
	if (t != &direct && !domain_priv(c->dom) &&
	    t->overlay.count >= quota.transaction_nodes) {
		err = ENOSPC;
		goto out;
	}
	err = dispatch(&r);
out:
	if (err) {
		const char *e = xs_errname(err);
		reply(&r, XS_ERROR, e, strlen(e) + 1);
	}
	if (t == &direct)
		watch_fire_changes(&direct);
}
