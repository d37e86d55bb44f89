/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pools, CPUs and the generic scheduler entry points (see tessera/sched.h).
 *
 * This file owns unit states, pool membership, runtime/wait accounting and
 * per-CPU statistics; the pool's scheduler (ops, private.h) only decides.
 *
 * Locking: each pool has a lock, taken by every entry point that touches
 * the pool or its units. The pool table (create/destroy) additionally takes
 * pools_lock, always before a pool lock. A CPU's pool may change (create and
 * destroy move idle CPUs), so sched_pick re-checks it after locking; the
 * entry points on a unit do the same with its pool (lock_unit_pool).
 * Inserting, removing and configuring one unit are serialized by the caller
 * (they happen in domain management, one operation per vCPU at a time).
 */
#include <tessera/heap.h>
#include <tessera/lib.h>
#include <tessera/sched.h>
#include "private.h"

void *sched_zalloc(size_t size) { return xzalloc(size); }
void sched_free(void *p) { if (p) xfree(p); }

static struct sched_pool pools[SCHED_MAX_POOLS];    /* [0] is the default pool */
static struct sched_cpu cpu_state[SCHED_MAX_CPUS];
static sched_lock_t pools_lock = SCHED_LOCK_INIT;

static const struct sched_params default_params = {
    .slice_ns = 10000000,           /* 10 ms */
    .min_gran_ns = 500000,          /* 0.5 ms */
    .cap_period_ns = 100000000,     /* 100 ms */
    .wake_credit_ns = 5000000,      /* 5 ms: half a slice */
};

struct sched_cpu *sched_cpu(unsigned int cpu)
{
    BUG_ON(cpu >= SCHED_MAX_CPUS);
    return &cpu_state[cpu];
}

static const struct sched_ops *ops_of(enum sched_kind kind)
{
    return kind == SCHED_DEDICATED ? &sched_dedicated_ops : &sched_shared_ops;
}

/* ---- state and accounting helpers (pool lock held) ---- */

static uint64_t elapsed(uint64_t since, uint64_t now)
{
    return now > since ? now - since : 0;
}

static void set_state(struct sched_unit *u, enum sched_state s, uint64_t now)
{
    if (u->state == SCHED_RUNNABLE) {
        uint64_t w = elapsed(u->since_ns, now);
        u->wait_ns += w;
        u->max_wait_ns = MAX(u->max_wait_ns, w);
    }
    u->state = s;
    u->since_ns = now;
}

/* Charges the time since c->since_ns to its current unit (or idle). */
static void account_cpu(struct sched_cpu *c, uint64_t now)
{
    uint64_t dt = elapsed(c->since_ns, now);

    if (c->curr) {
        c->curr->runtime_ns += dt;
        c->stats.busy_ns += dt;
    } else {
        c->stats.idle_ns += dt;
    }
    c->since_ns = MAX(c->since_ns, now);
}

static unsigned long lock_pool(struct sched_pool *p)
{
    return sched_lock(&p->lock);
}

static void unlock_pool(struct sched_pool *p, unsigned long f)
{
    sched_unlock(&p->lock, f);
}

/* The entry points on one unit start here: its pool, locked (*f for
 * unlock_pool), or NULL if it is in none. u->pool is written under the pool
 * lock (insert, remove), so it is looked at again once locked, as
 * sched_pick does for a CPU: a unit removed meanwhile is in none. */
static struct sched_pool *lock_unit_pool(const struct sched_unit *u, unsigned long *f)
{
    for (;;) {
        struct sched_pool *p = __atomic_load_n(&u->pool, __ATOMIC_ACQUIRE);
        if (!p)
            return NULL;
        *f = lock_pool(p);
        if (u->pool == p)
            return p;
        unlock_pool(p, *f);
    }
}

/* ---- pools ---- */

static void pool_teardown(struct sched_pool *p)
{
    while (p->units) {
        struct sched_unit *u = p->units;
        p->units = u->pool_next;
        p->ops->remove(p, u);
        u->priv = NULL;
        u->pool_next = NULL;
        u->pool = NULL;
        u->cpu = -1;
        u->state = SCHED_OFFLINE;
    }
    p->nr_units = 0;
    p->ops->pool_free(p);
    p->priv = NULL;
    p->name[0] = '\0';
}

static int pool_setup(struct sched_pool *p, const char *name, enum sched_kind kind,
                      const cpumask_t *cpus)
{
    *p = (struct sched_pool){ .kind = kind, .ops = ops_of(kind), .lock = SCHED_LOCK_INIT,
                              .params = default_params };
    snprintf(p->name, sizeof(p->name), "%s", name);
    if (cpus)
        p->cpus = *cpus;
    int rc = p->ops->pool_init(p);
    if (rc)
        p->name[0] = '\0';
    return rc;
}

int sched_init(const cpumask_t *online)
{
    unsigned long f = sched_lock(&pools_lock);
    unsigned int cpu;
    int rc;

    for (unsigned int i = 0; i < SCHED_MAX_POOLS; i++)
        if (pools[i].name[0])
            pool_teardown(&pools[i]);
    memset(cpu_state, 0, sizeof(cpu_state));
    if (!online || cpumask_empty(online)) {
        printk(LOG_ERR "sched: no CPU to schedule on\n");
        rc = -EINVAL;
    } else {
        rc = pool_setup(&pools[0], SCHED_DEFAULT_POOL, SCHED_SHARED, online);
        if (!rc)
            for_each_cpu(cpu, online) {
                cpu_state[cpu].online = true;
                cpu_state[cpu].pool = &pools[0];
            }
    }
    sched_unlock(&pools_lock, f);
    return rc;
}

static bool valid_pool_name(const char *name)
{
    size_t n = name ? strlen(name) : 0;

    if (n == 0 || n > SCHED_POOL_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.'))
            return false;
    }
    return true;
}

/* pools_lock held. */
static struct sched_pool *find_locked(const char *name)
{
    for (unsigned int i = 0; i < SCHED_MAX_POOLS; i++)
        if (pools[i].name[0] && !strcmp(pools[i].name, name))
            return &pools[i];
    return NULL;
}


/* pools_lock and the default pool's lock held: may cpus leave it? */
static int check_cpus_movable(const char *name, const cpumask_t *cpus)
{
    struct sched_pool *def = &pools[0];
    unsigned int cpu;
    cpumask_t left;

    for_each_cpu(cpu, cpus) {
        if (cpu_state[cpu].curr) {
            printk(LOG_ERR "sched: pool '%s': CPU %u is running d%uv%u\n", name, cpu,
                   cpu_state[cpu].curr->domid, cpu_state[cpu].curr->vcpu_id);
            return -EBUSY;
        }
    }
    /* A unit left with no CPU it may use would never run again. */
    cpumask_andnot(&left, &def->cpus, cpus);
    for (struct sched_unit *u = def->units; u; u = u->pool_next) {
        if (!cpumask_intersects(&left, &u->affinity)) {
            printk(LOG_ERR "sched: pool '%s': d%uv%u in pool '%s' could then run on no CPU\n",
                   name, u->domid, u->vcpu_id, def->name);
            return -EBUSY;
        }
    }
    return 0;
}

static int check_new_pool(const char *name, enum sched_kind kind)
{
    if (!valid_pool_name(name)) {
        printk(LOG_ERR "sched: bad pool name '%s' (1-%u of A-Z a-z 0-9 - _ .)\n",
               name ? name : "(null)", SCHED_POOL_NAME_MAX);
        return -EINVAL;
    }
    if (kind != SCHED_DEDICATED && kind != SCHED_SHARED) {
        printk(LOG_ERR "sched: pool '%s': unknown scheduler %d\n", name, (int)kind);
        return -EINVAL;
    }
    return 0;
}

/* pools_lock held: a free slot set up as pool name, with no CPU. */
static int new_pool_locked(const char *name, enum sched_kind kind, struct sched_pool **out)
{
    struct sched_pool *p = NULL;
    int rc;

    if (find_locked(name)) {
        printk(LOG_ERR "sched: pool '%s' exists already\n", name);
        return -EEXIST;
    }
    for (unsigned int i = 1; i < SCHED_MAX_POOLS && !p; i++)
        if (!pools[i].name[0])
            p = &pools[i];
    if (!p) {
        printk(LOG_ERR "sched: pool '%s': too many pools (%u)\n", name, SCHED_MAX_POOLS);
        return -ENOSPC;
    }
    rc = pool_setup(p, name, kind, NULL);
    if (rc)
        printk(LOG_ERR "sched: pool '%s': out of memory\n", name);
    *out = p;
    return rc;
}

int sched_pool_create(const char *name, const cpumask_t *cpus, enum sched_kind kind)
{
    struct sched_pool *p = NULL;
    unsigned long f, fd;
    unsigned int cpu;
    int rc = check_new_pool(name, kind);

    if (rc)
        return rc;
    if (!cpus || cpumask_empty(cpus)) {
        printk(LOG_ERR "sched: pool '%s': no CPUs given\n", name);
        return -EINVAL;
    }

    f = sched_lock(&pools_lock);
    if (find_locked(name)) {
        printk(LOG_ERR "sched: pool '%s' exists already\n", name);
        rc = -EEXIST;
        goto out;
    }
    for_each_cpu(cpu, cpus) {
        if (!cpu_state[cpu].online) {
            printk(LOG_ERR "sched: pool '%s': CPU %u is not online\n", name, cpu);
            rc = -EINVAL;
            goto out;
        }
        if (cpu_state[cpu].pool != &pools[0]) {
            if (cpu_state[cpu].pool)
                printk(LOG_ERR "sched: pool '%s': CPU %u is in pool '%s' already\n", name,
                       cpu, cpu_state[cpu].pool->name);
            else
                printk(LOG_ERR "sched: pool '%s': CPU %u is in no pool\n", name, cpu);
            rc = -EBUSY;
            goto out;
        }
    }
    /* Set up (and allocate) before taking the default pool's lock. */
    rc = new_pool_locked(name, kind, &p);
    if (rc)
        goto out;
    fd = lock_pool(&pools[0]);
    rc = check_cpus_movable(name, cpus);
    if (!rc) {
        cpumask_andnot(&pools[0].cpus, &pools[0].cpus, cpus);
        p->cpus = *cpus;
        for_each_cpu(cpu, cpus)
            cpu_state[cpu].pool = p;
    }
    unlock_pool(&pools[0], fd);
    if (rc)
        pool_teardown(p);
out:
    sched_unlock(&pools_lock, f);
    return rc;
}

int sched_pool_create_empty(const char *name, enum sched_kind kind)
{
    struct sched_pool *p;
    unsigned long f;
    int rc = check_new_pool(name, kind);

    if (rc)
        return rc;
    f = sched_lock(&pools_lock);
    rc = new_pool_locked(name, kind, &p);
    sched_unlock(&pools_lock, f);
    return rc;
}

/* pools_lock held: a CPU taken out of p that has not picked since (its
 * next pick locks p). */
static bool has_leaving_cpu(const struct sched_pool *p)
{
    for (unsigned int cpu = 0; cpu < SCHED_MAX_CPUS; cpu++)
        if (cpu_state[cpu].pool == p && cpu_state[cpu].leaving)
            return true;
    return false;
}

int sched_pool_destroy(struct sched_pool *p)
{
    unsigned long f, fd;
    unsigned int cpu;
    int rc = 0;

    if (!p || p == &pools[0] || !p->name[0])
        return -EINVAL;
    f = sched_lock(&pools_lock);
    fd = lock_pool(&pools[0]);
    if (p->nr_units) {
        printk(LOG_ERR "sched: pool '%s' still has %u vCPUs\n", p->name, p->nr_units);
        rc = -EBUSY;
    } else if (has_leaving_cpu(p)) {
        printk(LOG_ERR "sched: pool '%s': a CPU is still leaving it\n", p->name);
        rc = -EBUSY;
    } else {
        /* No units: every CPU of p is idle. */
        cpumask_or(&pools[0].cpus, &pools[0].cpus, &p->cpus);
        for_each_cpu(cpu, &p->cpus)
            cpu_state[cpu].pool = &pools[0];
        pool_teardown(p);
    }
    unlock_pool(&pools[0], fd);
    sched_unlock(&pools_lock, f);
    return rc;
}

/* pools_lock and p's lock held: would some unit of p be left with no CPU
 * it may run on, once cpus has left? */
static int check_units_keep_a_cpu(struct sched_pool *p, const cpumask_t *left)
{
    for (struct sched_unit *u = p->units; u; u = u->pool_next) {
        if (!cpumask_intersects(left, &u->affinity)) {
            printk(LOG_ERR "sched: d%uv%u in pool '%s' would have no CPU left to run on\n",
                   u->domid, u->vcpu_id, p->name);
            return -EBUSY;
        }
    }
    return 0;
}

int sched_pool_cpu_remove(unsigned int cpu)
{
    struct sched_cpu *c;
    struct sched_pool *p;
    unsigned long f, fp;
    cpumask_t left;
    int rc;

    if (cpu >= SCHED_MAX_CPUS || !cpu_state[cpu].online)
        return -EINVAL;
    c = &cpu_state[cpu];
    f = sched_lock(&pools_lock);
    p = c->pool;
    if (!p) {
        sched_unlock(&pools_lock, f);
        printk(LOG_ERR "sched: CPU %u is in no pool\n", cpu);
        return -EINVAL;
    }
    fp = lock_pool(p);
    left = p->cpus;
    cpumask_clear_cpu(cpu, &left);
    if (c->leaving) {
        printk(LOG_ERR "sched: CPU %u is leaving pool '%s' already\n", cpu, p->name);
        rc = -EBUSY;
    } else if (!(rc = check_units_keep_a_cpu(p, &left)) &&
               !(rc = p->ops->check_cpu_remove ? p->ops->check_cpu_remove(p, cpu) : 0)) {
        /* From here no wake-up chooses it (the ops look at p->cpus). */
        p->cpus = left;
        if (c->curr) {
            c->leaving = true;
            c->kicked = true;
            rc = 1;
        } else {
            c->pool = NULL;
        }
    }
    unlock_pool(p, fp);
    sched_unlock(&pools_lock, f);
    return rc;
}

int sched_pool_cpu_add(struct sched_pool *p, unsigned int cpu)
{
    unsigned long f, fp;
    int rc = 0;

    if (cpu >= SCHED_MAX_CPUS || !cpu_state[cpu].online)
        return -EINVAL;
    f = sched_lock(&pools_lock);
    if (!p->name[0]) {
        rc = -EINVAL;
    } else if (cpu_state[cpu].pool) {
        printk(LOG_ERR "sched: CPU %u is in pool '%s'%s\n", cpu, cpu_state[cpu].pool->name,
               cpu_state[cpu].leaving ? " until its next pick" : "");
        rc = -EBUSY;
    } else {
        fp = lock_pool(p);
        cpumask_set(cpu, &p->cpus);
        __atomic_store_n(&cpu_state[cpu].pool, p, __ATOMIC_RELEASE);
        unlock_pool(p, fp);
    }
    sched_unlock(&pools_lock, f);
    return rc;
}

bool sched_cpu_free(unsigned int cpu)
{
    return cpu < SCHED_MAX_CPUS && cpu_state[cpu].online &&
           !__atomic_load_n(&cpu_state[cpu].pool, __ATOMIC_ACQUIRE);
}

struct sched_pool *sched_pool_find(const char *name)
{
    unsigned long f = sched_lock(&pools_lock);
    struct sched_pool *p = name ? find_locked(name) : NULL;

    sched_unlock(&pools_lock, f);
    return p;
}

struct sched_pool *sched_pool_at(unsigned int index)
{
    return index < SCHED_MAX_POOLS && pools[index].name[0] ? &pools[index] : NULL;
}

struct sched_pool *sched_pool_of_cpu(unsigned int cpu)
{
    return cpu < SCHED_MAX_CPUS ? cpu_state[cpu].pool : NULL;
}

const char *sched_pool_name(const struct sched_pool *p)
{
    return p->name;
}

enum sched_kind sched_pool_kind(const struct sched_pool *p)
{
    return p->kind;
}

void sched_pool_cpus(const struct sched_pool *p, cpumask_t *out)
{
    *out = p->cpus;
}

unsigned int sched_pool_nr_units(const struct sched_pool *p)
{
    return p->nr_units;
}

void sched_pool_get_params(const struct sched_pool *p, struct sched_params *out)
{
    *out = p->params;
}

int sched_pool_set_params(struct sched_pool *p, const struct sched_params *sp)
{
    unsigned long f;

    if (!sp->slice_ns || !sp->min_gran_ns || !sp->cap_period_ns ||
        sp->min_gran_ns > sp->slice_ns || sp->slice_ns > sp->cap_period_ns)
        return -EINVAL;
    f = lock_pool(p);
    p->params = *sp;
    unlock_pool(p, f);
    return 0;
}

int sched_kind_parse(const char *s)
{
    if (s && !strcmp(s, "dedicated"))
        return SCHED_DEDICATED;
    if (s && !strcmp(s, "shared"))
        return SCHED_SHARED;
    return -EINVAL;
}

const char *sched_kind_name(enum sched_kind kind)
{
    return kind == SCHED_DEDICATED ? "dedicated" : kind == SCHED_SHARED ? "shared" : "?";
}

/* ---- units ---- */

static void unlink_unit(struct sched_pool *p, struct sched_unit *u)
{
    for (struct sched_unit **pp = &p->units; *pp; pp = &(*pp)->pool_next) {
        if (*pp == u) {
            *pp = u->pool_next;
            break;
        }
    }
    u->pool_next = NULL;
    p->nr_units--;
}

void sched_unit_init(struct sched_unit *u, uint32_t domid, uint32_t vcpu_id)
{
    *u = (struct sched_unit){ .domid = domid, .vcpu_id = vcpu_id,
                              .weight = SCHED_DEFAULT_WEIGHT, .state = SCHED_OFFLINE,
                              .cpu = -1, .last_cpu = -1 };
    cpumask_fill(&u->affinity, SCHED_MAX_CPUS);
}

int sched_unit_insert(struct sched_unit *u, struct sched_pool *p)
{
    unsigned long f;
    int rc;

    if (!p || !p->name[0] || u->state != SCHED_OFFLINE || u->pool)
        return -EINVAL;
    f = lock_pool(p);
    if (!cpumask_intersects(&u->affinity, &p->cpus)) {
        printk(LOG_ERR "sched: d%uv%u: its affinity has no CPU of pool '%s'\n",
               u->domid, u->vcpu_id, p->name);
        rc = -EINVAL;
        goto out;
    }
    u->pool = p;
    u->state = SCHED_BLOCKED;
    u->cpu = u->last_cpu = -1;
    u->priv = NULL;
    rc = p->ops->insert(p, u);
    if (rc) {
        u->pool = NULL;
        u->state = SCHED_OFFLINE;
        goto out;
    }
    u->pool_next = p->units;
    p->units = u;
    p->nr_units++;
out:
    unlock_pool(p, f);
    return rc;
}

int sched_unit_remove(struct sched_unit *u, uint64_t now)
{
    unsigned long f;
    struct sched_pool *p = lock_unit_pool(u, &f);
    int kick = -1;

    if (!p)
        return -1;
    if (u->cpu >= 0) {
        struct sched_cpu *c = &cpu_state[u->cpu];
        account_cpu(c, now);
        c->curr = NULL;
        c->kicked = true;
        kick = u->cpu;
        u->cpu = -1;
    }
    set_state(u, SCHED_OFFLINE, now);
    p->ops->remove(p, u);
    u->priv = NULL;
    unlink_unit(p, u);
    u->pool = NULL;
    unlock_pool(p, f);
    return kick;
}

/* Both pools' locks, in table order (the only place two are held; under
 * pools_lock). */
static void lock_two(struct sched_pool *a, struct sched_pool *b, unsigned long *fa,
                     unsigned long *fb)
{
    if (a < b) {
        *fa = lock_pool(a);
        *fb = lock_pool(b);
    } else {
        *fb = lock_pool(b);
        *fa = lock_pool(a);
    }
}

int sched_units_move(struct sched_unit *const *units, unsigned int n, struct sched_pool *to)
{
    void *old_priv[SCHED_MOVE_MAX];
    cpumask_t old_aff[SCHED_MOVE_MAX];
    struct sched_pool *from;
    unsigned long f, ff, ft;
    unsigned int i;
    int rc = 0;

    if (!n || n > SCHED_MOVE_MAX || !to)
        return -EINVAL;
    f = sched_lock(&pools_lock);
    from = units[0]->pool;
    if (!to->name[0] || !from) {
        sched_unlock(&pools_lock, f);
        return -EINVAL;
    }
    if (from == to) {
        sched_unlock(&pools_lock, f);
        return 0;
    }
    lock_two(from, to, &ff, &ft);
    for (i = 0; i < n && !rc; i++) {
        if (units[i]->pool != from)
            rc = -EINVAL;
        else if (units[i]->state != SCHED_BLOCKED || units[i]->cpu >= 0)
            rc = -EBUSY;
    }
    /* Into to, every one, before any leaves from: a failure undoes only
     * to's side. */
    for (i = 0; i < n && !rc; i++) {
        struct sched_unit *u = units[i];
        old_priv[i] = u->priv;
        old_aff[i] = u->affinity;
        cpumask_fill(&u->affinity, SCHED_MAX_CPUS);
        u->priv = NULL;
        rc = to->ops->insert(to, u);
        if (rc) {
            u->priv = old_priv[i];
            u->affinity = old_aff[i];
            while (i-- > 0) {
                to->ops->remove(to, units[i]);
                units[i]->priv = old_priv[i];
                units[i]->affinity = old_aff[i];
            }
            break;
        }
    }
    for (i = 0; i < n && !rc; i++) {
        struct sched_unit *u = units[i];
        void *new_priv = u->priv;
        u->priv = old_priv[i];
        from->ops->remove(from, u);
        unlink_unit(from, u);
        u->priv = new_priv;
        u->last_cpu = -1;
        __atomic_store_n(&u->pool, to, __ATOMIC_RELEASE);
        u->pool_next = to->units;
        to->units = u;
        to->nr_units++;
    }
    unlock_pool(from, ff);
    unlock_pool(to, ft);
    sched_unlock(&pools_lock, f);
    return rc;
}

int sched_unit_set_params(struct sched_unit *u, uint32_t weight, uint32_t cap)
{
    unsigned long f;

    if (weight < SCHED_MIN_WEIGHT || weight > SCHED_MAX_WEIGHT || cap > SCHED_MAX_CAP)
        return -EINVAL;
    struct sched_pool *p = lock_unit_pool(u, &f);
    u->weight = weight;         /* applies from the next accounting on */
    u->cap = cap;
    if (p)
        unlock_pool(p, f);
    return 0;
}

int sched_unit_set_affinity(struct sched_unit *u, const cpumask_t *mask, uint64_t now)
{
    unsigned long f;
    struct sched_pool *p = lock_unit_pool(u, &f);
    int rc = -1;

    if (!p) {
        if (cpumask_empty(mask))
            return -EINVAL;
        u->affinity = *mask;
        return -1;
    }
    if (!cpumask_intersects(mask, &p->cpus)) {
        printk(LOG_ERR "sched: d%uv%u: new affinity has no CPU of pool '%s'\n",
               u->domid, u->vcpu_id, p->name);
        rc = -EINVAL;
    } else if (p->ops->check_affinity && (rc = p->ops->check_affinity(p, u, mask)) < 0) {
        /* refused */
    } else {
        rc = -1;
        u->affinity = *mask;
        if (u->cpu >= 0 && !cpumask_test((unsigned int)u->cpu, mask)) {
            rc = u->cpu;                /* must leave that CPU */
            cpu_state[rc].kicked = true;
        } else if (u->state == SCHED_RUNNABLE) {
            /* It may now be allowed onto a CPU that idles without a timer. */
            cpumask_t allowed;
            unsigned int cpu;
            cpumask_and(&allowed, mask, &p->cpus);
            for_each_cpu(cpu, &allowed) {
                if (!cpu_state[cpu].curr && !cpu_state[cpu].kicked) {
                    cpu_state[cpu].kicked = true;
                    rc = (int)cpu;
                    break;
                }
            }
        }
    }
    unlock_pool(p, f);
    return rc;
}

/* ---- events ---- */

int sched_wake(struct sched_unit *u, uint64_t now)
{
    unsigned long f;
    struct sched_pool *p = lock_unit_pool(u, &f);
    int kick = -1;

    if (!p)
        return -1;
    if (u->state != SCHED_BLOCKED) {
        /* Already runnable or running, or gone: nothing to do. */
    } else if (u->cpu >= 0) {
        /* Blocked, but its CPU has not picked since: it just goes on. */
        u->state = SCHED_RUNNING;
    } else {
        set_state(u, SCHED_RUNNABLE, now);
        kick = p->ops->wake(p, u, now);
        if (kick >= 0)
            cpu_state[kick].kicked = true;
    }
    unlock_pool(p, f);
    return kick;
}

void sched_block(struct sched_unit *u, uint64_t now)
{
    unsigned long f;
    struct sched_pool *p = lock_unit_pool(u, &f);

    if (!p)
        return;
    if (u->state == SCHED_RUNNING) {
        set_state(u, SCHED_BLOCKED, now);      /* stays current until its CPU picks */
    } else if (u->state == SCHED_RUNNABLE) {
        set_state(u, SCHED_BLOCKED, now);
        p->ops->sleep(p, u, now);
    }
    unlock_pool(p, f);
}

void sched_unit_yield(struct sched_unit *u, uint64_t now)
{
    unsigned long f;
    struct sched_pool *p = lock_unit_pool(u, &f);

    if (!p)
        return;
    if (u->state == SCHED_RUNNING && p->ops->yield)
        p->ops->yield(p, u, now);
    unlock_pool(p, f);
}

/* Pool lock held: c (leaving p) lets go of its unit, which waits for
 * another CPU of p if it still wants one, and of p. */
static struct sched_decision leave_pool(struct sched_pool *p, struct sched_cpu *c, uint64_t now)
{
    struct sched_decision d = { .unit = NULL, .timer_ns = 0, .kick = -1 };
    struct sched_unit *prev = c->curr;

    account_cpu(c, now);
    if (prev) {
        prev->cpu = -1;
        if (prev->state == SCHED_RUNNING) {
            /* As a wake-up: ops->wake queues it and names a CPU for it. */
            set_state(prev, SCHED_RUNNABLE, now);
            d.kick = p->ops->wake(p, prev, now);
            if (d.kick >= 0)
                cpu_state[d.kick].kicked = true;
        }
        c->stats.nr_switches++;
    }
    c->curr = NULL;
    c->leaving = false;
    c->stats.nr_picks++;
    __atomic_store_n(&c->pool, NULL, __ATOMIC_RELEASE);
    return d;
}

struct sched_decision sched_pick(unsigned int cpu, uint64_t now)
{
    struct sched_decision d = { .unit = NULL, .timer_ns = 0, .kick = -1 };
    struct sched_cpu *c;
    struct sched_pool *p;
    struct sched_unit *prev;
    unsigned long f;

    if (cpu >= SCHED_MAX_CPUS)
        return d;
    c = &cpu_state[cpu];
    for (;;) {
        p = __atomic_load_n(&c->pool, __ATOMIC_ACQUIRE);
        if (!p)
            return d;
        f = lock_pool(p);
        if (c->pool == p)
            break;
        unlock_pool(p, f);          /* moved to another pool meanwhile */
    }
    c->kicked = false;
    if (c->leaving) {
        d = leave_pool(p, c, now);
        unlock_pool(p, f);
        return d;
    }
    account_cpu(c, now);
    prev = c->curr;
    d = p->ops->pick(p, cpu, prev, now);
    d.kick = -1;
    if (d.unit != prev) {
        if (prev) {
            prev->cpu = -1;
            if (prev->state == SCHED_RUNNING)
                set_state(prev, SCHED_RUNNABLE, now);
        }
        if (d.unit) {
            BUG_ON(d.unit->state != SCHED_RUNNABLE || d.unit->cpu >= 0);
            set_state(d.unit, SCHED_RUNNING, now);
            d.unit->cpu = (int)cpu;
            d.unit->last_cpu = (int)cpu;
            d.unit->nr_runs++;
        }
        c->curr = d.unit;
        c->stats.nr_switches++;
    } else if (prev) {
        BUG_ON(prev->state != SCHED_RUNNING);
    }
    c->stats.nr_picks++;
    unlock_pool(p, f);
    return d;
}

/* ---- accounting ---- */

int sched_cpu_stats(unsigned int cpu, uint64_t now, struct sched_cpu_stats *out)
{
    struct sched_pool *p = sched_pool_of_cpu(cpu);
    struct sched_cpu *c;
    unsigned long f;

    if (!p)
        return -EINVAL;
    c = &cpu_state[cpu];
    f = lock_pool(p);
    *out = c->stats;
    if (c->curr)
        out->busy_ns += elapsed(c->since_ns, now);
    else
        out->idle_ns += elapsed(c->since_ns, now);
    unlock_pool(p, f);
    return 0;
}

void sched_unit_affinity(const struct sched_unit *u, cpumask_t *out)
{
    unsigned long f;
    struct sched_pool *p = lock_unit_pool(u, &f);

    *out = u->affinity;
    if (p)
        unlock_pool(p, f);
}

int sched_unit_cpu(const struct sched_unit *u)
{
    unsigned long f;
    struct sched_pool *p = lock_unit_pool(u, &f);
    int cpu = u->cpu;

    if (p)
        unlock_pool(p, f);
    return p ? cpu : -1;
}

uint64_t sched_unit_runtime(const struct sched_unit *u, uint64_t now)
{
    unsigned long f;
    struct sched_pool *p = lock_unit_pool(u, &f);
    uint64_t rt;

    if (!p)
        return u->runtime_ns;
    rt = u->runtime_ns;
    if (u->cpu >= 0)
        rt += elapsed(cpu_state[u->cpu].since_ns, now);
    unlock_pool(p, f);
    return rt;
}
