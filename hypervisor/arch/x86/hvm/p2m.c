/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The p2m's generic part (see asm/p2m.h): walks, maps, splits, flush
 * accounting and table-page lifetime. Entry encodings are in p2m_npt.c and
 * p2m_ept.c, reached through struct p2m_format_ops.
 *
 * A change is made in two passes under the lock: the first only reads and
 * counts the table pages the change needs, which are then allocated; the
 * second cannot fail. So -ENOMEM leaves the tables untouched.
 *
 * Entries are written with single 64-bit stores, and a new table is filled
 * before the entry pointing at it is written, since other CPUs' walkers read
 * the tables while we change them.
 *
 * Unlinked table pages wait on a FIFO, chained through their struct
 * page_info (next; u holds the flush sequence number at unlink time, low 32
 * bits), until a flush requested after their unlink has completed.
 *
 * An unmap that leaves a table with no present entry unlinks that table the
 * same way (and its parent, if that is now empty too; never the root), so a
 * guest that maps and unmaps across its address space holds only the
 * tables of what is mapped now. Every table page, the root included, is
 * charged to the domain's budget (tessera/budget.h) when one is given.
 */
#include <tessera/budget.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include "p2m_format.h"

#include <asm/spinlock.h>

struct p2m {
    const struct p2m_format_ops *ops;
    enum p2m_format format;
    paddr_t root;
    unsigned int max_order;
    bool need_flush;
    uint64_t flush_seq;             /* flush requests handed out */
    struct page_info *pending_head, *pending_tail;
    unsigned long nr_tables;        /* table pages held, pending ones included */
    unsigned long nr_pending;
    struct domain_budget *budget;   /* NULL: none */
    spinlock_t lock;
};

static inline void lock(struct p2m *p2m)   { spin_lock(&p2m->lock); }
static inline void unlock(struct p2m *p2m) { spin_unlock(&p2m->lock); }

enum change_kind { CH_MAP, CH_SET_TYPE };

struct change {
    enum change_kind kind;
    uint64_t gfn, mfn;              /* mfn: CH_MAP with a present type only */
    unsigned int level;             /* of the target entry: order / 9 */
    enum p2m_type type;             /* CH_MAP: P2M_INVALID unmaps */
};

static inline uint64_t *table_va(paddr_t pa)
{
    return phys_to_virt(pa);
}

static inline unsigned int slot(uint64_t gfn, unsigned int level)
{
    return (gfn >> (9 * level)) & 511;
}

static inline uint64_t frames_at(unsigned int level)
{
    return 1ULL << (9 * level);
}

static inline uint64_t read_entry(const uint64_t *pe)
{
    return __atomic_load_n(pe, __ATOMIC_RELAXED);
}

static inline void write_entry(uint64_t *pe, uint64_t e)
{
    __atomic_store_n(pe, e, __ATOMIC_RELEASE);
}

/* ---- table pages ---- */

/* The caller has charged the page to the budget. */
static paddr_t table_alloc(struct p2m *p2m)
{
    paddr_t pa = alloc_pages(0, PA_ZERO);

    if (pa)
        p2m->nr_tables++;
    return pa;
}

static void table_free(struct p2m *p2m, paddr_t pa)
{
    free_pages(pa, 0);
    p2m->nr_tables--;
    budget_uncharge(p2m->budget, BUDGET_P2M_PAGES, 1);
}

static void pending_add(struct p2m *p2m, paddr_t pa)
{
    struct page_info *pg = pa_to_page(pa);

    pg->next = NULL;
    pg->u = (uint32_t)p2m->flush_seq;
    if (p2m->pending_tail)
        p2m->pending_tail->next = pg;
    else
        p2m->pending_head = pg;
    p2m->pending_tail = pg;
    p2m->nr_pending++;
}

/* Frees pending pages unlinked before flush request `ticket` (their tag is
 * the sequence number then, so tag < ticket), or all of them. */
static void pending_release(struct p2m *p2m, uint64_t ticket, bool all)
{
    struct page_info *pg;

    while ((pg = p2m->pending_head) &&
           (all || (int32_t)(pg->u - (uint32_t)ticket) < 0)) {
        p2m->pending_head = pg->next;
        if (!p2m->pending_head)
            p2m->pending_tail = NULL;
        pg->next = NULL;
        pg->u = 0;
        p2m->nr_pending--;
        table_free(p2m, page_to_pa(pg));
    }
}

/* The table at pa (level `level`) and every table below it: pending. */
static void unlink_tables(struct p2m *p2m, paddr_t pa, unsigned int level)
{
    const uint64_t *t = table_va(pa);

    if (level > 0)
        for (unsigned int i = 0; i < 512; i++) {
            uint64_t e = read_entry(&t[i]);
            if (p2m->ops->present(e) && !p2m->ops->is_leaf(e, level))
                unlink_tables(p2m, p2m->ops->table_pa(e), level - 1);
        }
    pending_add(p2m, pa);
}

static void free_tables(struct p2m *p2m, paddr_t pa, unsigned int level)
{
    const uint64_t *t = table_va(pa);

    if (level > 0)
        for (unsigned int i = 0; i < 512; i++) {
            uint64_t e = t[i];
            if (p2m->ops->present(e) && !p2m->ops->is_leaf(e, level))
                free_tables(p2m, p2m->ops->table_pa(e), level - 1);
        }
    table_free(p2m, pa);
}

/* ---- the change engine ---- */

/* The present leaf e at level already gives ch's whole range what ch asks. */
static bool leaf_satisfies(const struct p2m *p2m, uint64_t e, unsigned int level,
                           const struct change *ch)
{
    enum p2m_type t = p2m->ops->type(e);

    if (ch->kind == CH_SET_TYPE)
        return t == ch->type;
    if (ch->type == P2M_INVALID || t != ch->type)
        return false;
    return p2m->ops->leaf_mfn(e, level) + (ch->gfn & (frames_at(level) - 1)) == ch->mfn;
}

/* Pass one: how many table pages the change will allocate. */
static unsigned int tables_needed(const struct p2m *p2m, const struct change *ch)
{
    const uint64_t *t = table_va(p2m->root);

    for (unsigned int lv = P2M_LEVELS - 1; lv > ch->level; lv--) {
        uint64_t e = read_entry(&t[slot(ch->gfn, lv)]);

        if (!p2m->ops->present(e))
            return (ch->kind == CH_MAP && ch->type != P2M_INVALID) ? lv - ch->level : 0;
        if (p2m->ops->is_leaf(e, lv))
            return leaf_satisfies(p2m, e, lv, ch) ? 0 : lv - ch->level;
        t = table_va(p2m->ops->table_pa(e));
    }
    return 0;
}

/* Writes new over the entry at pe (level), which held old. */
static void replace_entry(struct p2m *p2m, uint64_t *pe, uint64_t old, uint64_t new,
                          unsigned int level)
{
    const struct p2m_format_ops *ops = p2m->ops;

    if (!ops->present(old)) {
        write_entry(pe, new);           /* not present -> anything: nothing cached */
        return;
    }
    if (!ops->is_leaf(old, level)) {
        /* Any translation under the table may be cached, and so may the
         * table itself in the paging-structure caches. */
        write_entry(pe, new);
        unlink_tables(p2m, ops->table_pa(old), level - 1);
        p2m->need_flush = true;
        return;
    }
    if (!((old ^ new) & ~ops->hw_written))
        return;
    write_entry(pe, new);
    if (ops->needs_flush(old, new, level))
        p2m->need_flush = true;
}

/* Re-types every present leaf at or under the entry pe (level). */
static void set_type_under(struct p2m *p2m, uint64_t *pe, unsigned int level,
                           enum p2m_type type)
{
    const struct p2m_format_ops *ops = p2m->ops;
    uint64_t e = read_entry(pe);

    if (!ops->present(e))
        return;
    if (ops->is_leaf(e, level)) {
        replace_entry(p2m, pe, e, ops->leaf(ops->leaf_mfn(e, level), type, level), level);
        return;
    }
    uint64_t *t = table_va(ops->table_pa(e));
    for (unsigned int i = 0; i < 512; i++)
        set_type_under(p2m, &t[i], level - 1, type);
}

/* The superpage e at level becomes a table of 512 leaves one level down
 * with the same translations and type, in the new table at pa.
 *
 * Changing the page size of a present entry is a flush in its own right,
 * even with every translation kept: SDM vol.3 §29.4.3.4 (28.3.3.4) lists
 * changing bit 7 of an EPT PDPTE/PDE, and for ordinary paging, which NPT
 * is, §4.10.4.2 warns that a CPU may then hold both the large and the small
 * translations of an address. */
static void split(struct p2m *p2m, uint64_t *pe, uint64_t e, unsigned int level, paddr_t pa)
{
    const struct p2m_format_ops *ops = p2m->ops;
    uint64_t *t = table_va(pa);
    uint64_t mfn = ops->leaf_mfn(e, level);
    enum p2m_type type = ops->type(e);

    for (unsigned int i = 0; i < 512; i++)
        t[i] = ops->leaf(mfn + i * frames_at(level - 1), type, level - 1);
    write_entry(pe, ops->table(pa));
    p2m->need_flush = true;
}

/* Not-present entries are all-zero in both formats (tessera/p2m.h), and
 * the hardware sets accessed bits only in present ones: a table is empty
 * when its words are. A test per word, not a format call per entry: an
 * unmap that empties a table reads all 512. */
static bool table_empty(const uint64_t *t)
{
    for (unsigned int i = 0; i < 512; i++)
        if (read_entry(&t[i]))
            return false;
    return true;
}

/* After an unmap wrote the entry path[level]: each table on the path, from
 * the one holding it upwards (never the root), that has no present entry
 * left is unlinked from its parent and waits for the flush. */
static void prune(struct p2m *p2m, uint64_t *const *path, unsigned int level)
{
    for (unsigned int lv = level; lv < P2M_LEVELS - 1; lv++) {
        uint64_t *t = (uint64_t *)((uintptr_t)path[lv] & ~(uintptr_t)(PAGE_SIZE - 1));

        if (!table_empty(t))
            return;
        write_entry(path[lv + 1], 0);
        pending_add(p2m, virt_to_phys(t));
        p2m->need_flush = true;
    }
}

/* Pass two: cannot fail; takes table pages from spare[] as pass one said. */
static void apply(struct p2m *p2m, const struct change *ch, paddr_t *spare)
{
    const struct p2m_format_ops *ops = p2m->ops;
    uint64_t *t = table_va(p2m->root);
    uint64_t *path[P2M_LEVELS];         /* the entry used at each level */
    unsigned int lv;

    for (lv = P2M_LEVELS - 1; lv > ch->level; lv--) {
        uint64_t *pe = &t[slot(ch->gfn, lv)];
        uint64_t e = read_entry(pe);

        path[lv] = pe;
        if (!ops->present(e)) {
            if (ch->kind != CH_MAP || ch->type == P2M_INVALID)
                return;
            paddr_t pa = *spare++;
            write_entry(pe, ops->table(pa));
            t = table_va(pa);
            continue;
        }
        if (ops->is_leaf(e, lv)) {
            if (leaf_satisfies(p2m, e, lv, ch))
                return;
            paddr_t pa = *spare++;
            split(p2m, pe, e, lv, pa);
            t = table_va(pa);
            continue;
        }
        t = table_va(ops->table_pa(e));
    }

    uint64_t *pe = &t[slot(ch->gfn, lv)];
    path[lv] = pe;
    if (ch->kind == CH_SET_TYPE) {
        set_type_under(p2m, pe, lv, ch->type);
    } else {
        uint64_t new = ch->type == P2M_INVALID ? 0 : ops->leaf(ch->mfn, ch->type, lv);
        replace_entry(p2m, pe, read_entry(pe), new, lv);
        if (ch->type == P2M_INVALID)
            prune(p2m, path, lv);
    }
}

static int change(struct p2m *p2m, const struct change *ch)
{
    paddr_t spare[P2M_LEVELS];
    unsigned int n, got;
    int rc = 0;

    lock(p2m);
    n = tables_needed(p2m, ch);
    if (budget_charge(p2m->budget, BUDGET_P2M_PAGES, n)) {
        unlock(p2m);
        return -ENOMEM;
    }
    for (got = 0; got < n; got++)
        if (!(spare[got] = table_alloc(p2m)))
            break;
    if (got < n) {
        budget_uncharge(p2m->budget, BUDGET_P2M_PAGES, n - got);
        while (got)
            table_free(p2m, spare[--got]);
        rc = -ENOMEM;
    } else {
        apply(p2m, ch, spare);
    }
    unlock(p2m);
    return rc;
}

/* ---- the API ---- */

static bool order_ok(unsigned int order)
{
    return order == P2M_ORDER_4K || order == P2M_ORDER_2M || order == P2M_ORDER_1G;
}

static bool gfn_ok(uint64_t gfn, unsigned int order)
{
    return !(gfn >> P2M_GFN_BITS) && IS_ALIGNED(gfn, 1ULL << order);
}

struct p2m *p2m_create(enum p2m_format format)
{
    const struct p2m_format_ops *ops;

    switch (format) {
    case P2M_NPT: ops = &p2m_npt_ops; break;
    case P2M_EPT: ops = &p2m_ept_ops; break;
    default:      return NULL;
    }
    _Static_assert(sizeof(struct p2m) <= PAGE_SIZE, "struct p2m fits its page");
    paddr_t self = alloc_pages(0, PA_ZERO);
    if (!self)
        return NULL;
    struct p2m *p2m = phys_to_virt(self);
    p2m->ops = ops;
    p2m->format = format;
    p2m->max_order = P2M_ORDER_1G;
    p2m->lock = (spinlock_t)SPINLOCK_INIT;
    if (!(p2m->root = table_alloc(p2m))) {
        free_pages(self, 0);
        return NULL;
    }
    return p2m;
}

void p2m_destroy(struct p2m *p2m)
{
    if (!p2m)
        return;
    pending_release(p2m, 0, true);
    free_tables(p2m, p2m->root, P2M_LEVELS - 1);
    BUG_ON(p2m->nr_tables != 0);
    free_pages(virt_to_phys(p2m), 0);
}

enum p2m_format p2m_format(const struct p2m *p2m)
{
    return p2m->format;
}

int p2m_set_budget(struct p2m *p2m, struct domain_budget *budget)
{
    int rc;

    lock(p2m);
    rc = budget_charge(budget, BUDGET_P2M_PAGES, (uint32_t)p2m->nr_tables);
    if (!rc) {
        budget_uncharge(p2m->budget, BUDGET_P2M_PAGES, (uint32_t)p2m->nr_tables);
        p2m->budget = budget;
    }
    unlock(p2m);
    return rc;
}

int p2m_set_max_order(struct p2m *p2m, unsigned int order)
{
    if (!order_ok(order))
        return -EINVAL;
    p2m->max_order = order;
    return 0;
}

int p2m_map(struct p2m *p2m, uint64_t gfn, uint64_t mfn, unsigned int order,
            enum p2m_type type)
{
    if (!order_ok(order) || order > p2m->max_order || !gfn_ok(gfn, order) ||
        (unsigned int)type >= P2M_NR_TYPES)
        return -EINVAL;
    if (type != P2M_INVALID && ((mfn >> P2M_MFN_BITS) || !IS_ALIGNED(mfn, 1ULL << order)))
        return -EINVAL;

    struct change ch = { CH_MAP, gfn, mfn, order / 9, type };
    return change(p2m, &ch);
}

int p2m_unmap(struct p2m *p2m, uint64_t gfn, unsigned int order)
{
    return p2m_map(p2m, gfn, P2M_NO_MFN, order, P2M_INVALID);
}

int p2m_set_type(struct p2m *p2m, uint64_t gfn, unsigned int order, enum p2m_type type)
{
    if (!order_ok(order) || order > p2m->max_order || !gfn_ok(gfn, order) ||
        type == P2M_INVALID ||
        (unsigned int)type >= P2M_NR_TYPES)
        return -EINVAL;

    struct change ch = { CH_SET_TYPE, gfn, 0, order / 9, type };
    return change(p2m, &ch);
}

int p2m_set_range(struct p2m *p2m, uint64_t gfn, uint64_t nr, uint64_t mfn,
                  enum p2m_type type)
{
    const uint64_t limit = 1ULL << P2M_GFN_BITS;
    bool unmap = mfn == P2M_NO_MFN;

    if (unmap != (type == P2M_INVALID) || (unsigned int)type >= P2M_NR_TYPES)
        return -EINVAL;
    if (gfn >= limit || nr > limit - gfn)
        return -EINVAL;
    if (!unmap && (mfn >= (1ULL << P2M_MFN_BITS) || nr > (1ULL << P2M_MFN_BITS) - mfn))
        return -EINVAL;

    while (nr) {
        unsigned int order = p2m->max_order;
        uint64_t both = gfn | (unmap ? 0 : mfn);

        while (order && (!IS_ALIGNED(both, 1ULL << order) || nr < (1ULL << order)))
            order -= 9;
        int rc = p2m_map(p2m, gfn, mfn, order, type);
        if (rc)
            return rc;
        gfn += 1ULL << order;
        nr -= 1ULL << order;
        if (!unmap)
            mfn += 1ULL << order;
    }
    return 0;
}

int p2m_lookup(struct p2m *p2m, uint64_t gfn, uint64_t *mfn, enum p2m_type *type,
               unsigned int *order)
{
    const struct p2m_format_ops *ops = p2m->ops;
    uint64_t m = P2M_NO_MFN;
    enum p2m_type ty = P2M_INVALID;
    unsigned int lv = P2M_LEVELS - 1;
    int rc = -ENOENT;

    if (gfn >> P2M_GFN_BITS)
        return -EINVAL;
    lock(p2m);
    const uint64_t *t = table_va(p2m->root);
    for (;; lv--) {
        uint64_t e = read_entry(&t[slot(gfn, lv)]);

        if (!ops->present(e))
            break;
        if (ops->is_leaf(e, lv)) {
            m = ops->leaf_mfn(e, lv) + (gfn & (frames_at(lv) - 1));
            ty = ops->type(e);
            rc = 0;
            break;
        }
        t = table_va(ops->table_pa(e));
    }
    unlock(p2m);
    if (mfn)
        *mfn = m;
    if (type)
        *type = ty;
    if (order)
        *order = 9 * lv;
    return rc;
}

int p2m_gpa_to_hpa(struct p2m *p2m, uint64_t gpa, bool write, uint64_t *hpa)
{
    enum p2m_type type;

    return p2m_gpa_translate(p2m, gpa, write, hpa, &type);
}

int p2m_gpa_translate(struct p2m *p2m, uint64_t gpa, bool write, uint64_t *hpa,
                      enum p2m_type *type_out)
{
    uint64_t mfn;
    enum p2m_type type;

    if (p2m_lookup(p2m, gpa >> PAGE_SHIFT, &mfn, &type, NULL))
        return -EFAULT;
    *type_out = type;
    switch (type) {
    case P2M_RAM_RW:
    case P2M_GRANT_RW:
        break;
    case P2M_RAM_RO:
    case P2M_GRANT_RO:
        if (write)
            return -EFAULT;
        break;
    default:                            /* MMIO: never through a pointer */
        return -EFAULT;
    }
    *hpa = (mfn << PAGE_SHIFT) | (gpa & (PAGE_SIZE - 1));
    return 0;
}

uint64_t p2m_root(const struct p2m *p2m)
{
    return p2m->root;
}

uint64_t p2m_eptp(const struct p2m *p2m)
{
    return p2m->format == P2M_EPT ? p2m->ops->root_pointer(p2m->root) : 0;
}

bool p2m_flush_needed_and_clear(struct p2m *p2m, uint64_t *ticket)
{
    bool needed;

    lock(p2m);
    needed = p2m->need_flush;
    if (needed) {
        p2m->need_flush = false;
        p2m->flush_seq++;
        if (ticket)
            *ticket = p2m->flush_seq;
    }
    unlock(p2m);
    return needed;
}

void p2m_flush_done(struct p2m *p2m, uint64_t ticket)
{
    lock(p2m);
    pending_release(p2m, ticket, false);
    unlock(p2m);
}

uint64_t p2m_flush_requests(const struct p2m *p2m)
{
    return p2m->flush_seq;
}

/* ---- walkers ---- */

static unsigned long count_tables(const struct p2m *p2m, paddr_t pa, unsigned int level)
{
    const uint64_t *t = table_va(pa);
    unsigned long n = 1;

    if (level > 0)
        for (unsigned int i = 0; i < 512; i++) {
            uint64_t e = read_entry(&t[i]);
            if (p2m->ops->present(e) && !p2m->ops->is_leaf(e, level))
                n += count_tables(p2m, p2m->ops->table_pa(e), level - 1);
        }
    return n;
}

unsigned long p2m_table_pages(struct p2m *p2m)
{
    lock(p2m);
    unsigned long n = count_tables(p2m, p2m->root, P2M_LEVELS - 1);
    unlock(p2m);
    return n;
}

unsigned long p2m_pages_held(const struct p2m *p2m)
{
    return p2m->nr_tables + 1;
}

const char *p2m_type_name(enum p2m_type type)
{
    static const char *const names[P2M_NR_TYPES] = {
        [P2M_INVALID] = "invalid", [P2M_RAM_RW] = "ram_rw", [P2M_RAM_RO] = "ram_ro",
        [P2M_MMIO] = "mmio", [P2M_MMIO_RO] = "mmio_ro",
        [P2M_GRANT_RW] = "grant_rw", [P2M_GRANT_RO] = "grant_ro",
    };

    return (unsigned int)type < P2M_NR_TYPES ? names[type] : "?";
}

struct run {
    uint64_t gfn, mfn, nr;
    enum p2m_type type;
    unsigned long runs;
};

static void run_print(struct run *r)
{
    if (!r->nr)
        return;
    printk("  gfn %#llx-%#llx -> mfn %#llx-%#llx %s\n",
           (unsigned long long)r->gfn, (unsigned long long)(r->gfn + r->nr - 1),
           (unsigned long long)r->mfn, (unsigned long long)(r->mfn + r->nr - 1),
           p2m_type_name(r->type));
    r->runs++;
}

static void dump_table(const struct p2m *p2m, paddr_t pa, unsigned int level,
                       uint64_t gfn, struct run *r)
{
    const struct p2m_format_ops *ops = p2m->ops;
    const uint64_t *t = table_va(pa);

    for (unsigned int i = 0; i < 512; i++, gfn += frames_at(level)) {
        uint64_t e = read_entry(&t[i]);

        if (!ops->present(e))
            continue;
        if (!ops->is_leaf(e, level)) {
            dump_table(p2m, ops->table_pa(e), level - 1, gfn, r);
            continue;
        }
        uint64_t mfn = ops->leaf_mfn(e, level);
        enum p2m_type type = ops->type(e);
        if (r->nr && r->gfn + r->nr == gfn && r->mfn + r->nr == mfn && r->type == type) {
            r->nr += frames_at(level);
            continue;
        }
        run_print(r);
        *r = (struct run){ gfn, mfn, frames_at(level), type, r->runs };
    }
}

void p2m_dump(struct p2m *p2m)
{
    struct run r = { 0 };

    lock(p2m);
    printk("p2m %s: root %#llx, %lu table pages (%lu pending), %llu flush requests\n",
           p2m->ops->name, (unsigned long long)p2m->root, p2m->nr_tables,
           p2m->nr_pending, (unsigned long long)p2m->flush_seq);
    dump_table(p2m, p2m->root, P2M_LEVELS - 1, 0, &r);
    run_print(&r);
    printk("p2m %s: %lu runs\n", p2m->ops->name, r.runs);
    unlock(p2m);
}
