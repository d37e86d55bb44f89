/* SPDX-License-Identifier: GPL-2.0-only */
/* CPU pools from the pool= boot option, and where boot domains go in them
 * (see tessera/bootdom_spec.h and docs/boot-domains.md). */
#include <tessera/bootdom_spec.h>
#include <tessera/cmdline.h>
#include <tessera/lib.h>

static bool cpu_in(const uint64_t *set, unsigned int cpu)
{
    return set[cpu / 64] & (1ULL << (cpu % 64));
}

/* The first CPU in a but not in b, or BOOTDOM_MAX_CPUS. */
static unsigned int first_outside(const uint64_t *a, const uint64_t *b)
{
    for (unsigned int c = 0; c < BOOTDOM_MAX_CPUS; c++)
        if (cpu_in(a, c) && !cpu_in(b, c))
            return c;
    return BOOTDOM_MAX_CPUS;
}

static unsigned int cpu_count(const uint64_t *set)
{
    unsigned int n = 0;

    for (unsigned int c = 0; c < BOOTDOM_MAX_CPUS; c++)
        n += cpu_in(set, c);
    return n;
}

const struct pool_spec *pool_spec_find(const struct pool_specs *ps, const char *name)
{
    for (unsigned int i = 0; i < ps->nr; i++)
        if (!strcmp(ps->pool[i].name, name))
            return &ps->pool[i];
    return NULL;
}

/* Copies the next ':'-separated field of *pp into buf; false if too long. */
static bool take_field(const char **pp, char *buf, size_t size)
{
    const char *p = *pp;
    size_t n = 0;

    while (p[n] && p[n] != ':')
        n++;
    *pp = p[n] ? p + n + 1 : p + n;
    if (n >= size)
        return false;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return true;
}

int pool_spec_option(const char *val, void *var)
{
    struct pool_specs *ps = var;
    struct pool_spec pool;
    char name[BOOTDOM_NAME_MAX + 2], list[256], sched[16];
    const char *p = val, *colon;
    unsigned int colons = 0;
    int rc;

    for (colon = strchr(val, ':'); colon; colon = strchr(colon + 1, ':'))
        colons++;
    if (colons != 2) {
        printk(LOG_ERR "pool=%s: expected <name>:<cpu list>:<dedicated|shared>\n", val);
        return -EINVAL;
    }
    if (!take_field(&p, name, sizeof(name)) || !bootdom_valid_name(name) ||
        !strcmp(name, BOOTDOM_DEFAULT_POOL)) {
        printk(LOG_ERR "pool=%s: bad pool name (1-%u of A-Z a-z 0-9 _ . -, not '%s')\n", val,
               BOOTDOM_NAME_MAX, BOOTDOM_DEFAULT_POOL);
        return -EINVAL;
    }
    if (pool_spec_find(ps, name)) {
        printk(LOG_ERR "pool=%s: pool '%s' already defined\n", val, name);
        return -EINVAL;
    }
    if (ps->nr >= BOOTDOM_MAX_POOLS) {
        printk(LOG_ERR "pool=%s: more than %u pools\n", val, BOOTDOM_MAX_POOLS);
        return -ENOSPC;
    }
    memset(&pool, 0, sizeof(pool));
    memcpy(pool.name, name, strlen(name) + 1);
    if (!take_field(&p, list, sizeof(list))) {
        printk(LOG_ERR "pool=%s: CPU list too long\n", val);
        return -EINVAL;
    }
    if (!list[0]) {
        printk(LOG_ERR "pool=%s: empty CPU list\n", val);
        return -EINVAL;
    }
    if ((rc = parse_cpu_list(list, pool.cpus, BOOTDOM_MAX_CPUS)) < 0) {
        printk(LOG_ERR "pool=%s: bad CPU list '%s' (like 1,3-5; CPUs 0 to %u)\n", val, list,
               BOOTDOM_MAX_CPUS - 1);
        return rc;
    }
    if (!take_field(&p, sched, sizeof(sched)) ||
        (strcmp(sched, "dedicated") && strcmp(sched, "shared"))) {
        printk(LOG_ERR "pool=%s: unknown scheduler (dedicated or shared)\n", val);
        return -EINVAL;
    }
    pool.sched = strcmp(sched, "dedicated") ? POOL_SHARED : POOL_DEDICATED;
    for (unsigned int i = 0; i < ps->nr; i++) {
        uint64_t none[BOOTDOM_CPU_WORDS] = { 0 };
        uint64_t both[BOOTDOM_CPU_WORDS];
        unsigned int c;

        for (unsigned int w = 0; w < BOOTDOM_CPU_WORDS; w++)
            both[w] = pool.cpus[w] & ps->pool[i].cpus[w];
        if ((c = first_outside(both, none)) < BOOTDOM_MAX_CPUS) {
            printk(LOG_ERR "pool=%s: CPU %u is already in pool '%s'\n", val, c,
                   ps->pool[i].name);
            return -EINVAL;
        }
    }
    ps->pool[ps->nr++] = pool;
    return 0;
}

int pool_specs_finish(struct pool_specs *ps, const uint64_t *online)
{
    struct pool_spec *def;
    int rc = 0;

    for (unsigned int i = 0; i < ps->nr; ) {
        unsigned int c = first_outside(ps->pool[i].cpus, online);

        if (c == BOOTDOM_MAX_CPUS) {
            i++;
            continue;
        }
        printk(LOG_ERR "pool: CPU %u of pool '%s' is not online: pool dropped\n", c,
               ps->pool[i].name);
        memmove(&ps->pool[i], &ps->pool[i + 1], (ps->nr - i - 1) * sizeof(ps->pool[0]));
        ps->nr--;
        rc = -EINVAL;
    }
    def = &ps->pool[ps->nr];
    memset(def, 0, sizeof(*def));
    memcpy(def->name, BOOTDOM_DEFAULT_POOL, sizeof(BOOTDOM_DEFAULT_POOL));
    def->sched = POOL_SHARED;
    for (unsigned int w = 0; w < BOOTDOM_CPU_WORDS; w++) {
        def->cpus[w] = online[w];
        for (unsigned int i = 0; i < ps->nr; i++)
            def->cpus[w] &= ~ps->pool[i].cpus[w];
    }
    if (cpu_count(def->cpus))
        ps->nr++;
    return rc;
}

int bootdom_check_placement(const struct bootdom_specs *doms, const struct pool_specs *ps)
{
    unsigned int used[BOOTDOM_MAX_POOLS + 1] = { 0 };

    for (unsigned int i = 0; i < doms->nr; i++) {
        const struct bootdom_spec *d = &doms->dom[i];
        const struct pool_spec *pool = pool_spec_find(ps, d->pool);
        unsigned int c;

        if (!pool) {
            if (strcmp(d->pool, BOOTDOM_DEFAULT_POOL))
                printk(LOG_ERR "bootdom: domain '%s': pool '%s' does not exist\n", d->name,
                       d->pool);
            else
                printk(LOG_ERR "bootdom: domain '%s': no pool= and no CPU left for pool '%s'\n",
                       d->name, BOOTDOM_DEFAULT_POOL);
            return -EINVAL;
        }
        if (d->has_cpus && (c = first_outside(d->cpus, pool->cpus)) < BOOTDOM_MAX_CPUS) {
            printk(LOG_ERR "bootdom: domain '%s': cpus= has CPU %u, not in pool '%s'\n",
                   d->name, c, pool->name);
            return -EINVAL;
        }
        if (pool->sched != POOL_DEDICATED)
            continue;
        if (d->has_cpus && d->vcpus > cpu_count(d->cpus)) {
            printk(LOG_ERR "bootdom: domain '%s': %u vCPUs on %u pinned CPUs of dedicated "
                   "pool '%s'\n", d->name, d->vcpus, cpu_count(d->cpus), pool->name);
            return -EINVAL;
        }
        used[pool - ps->pool] += d->vcpus;
        if (used[pool - ps->pool] > cpu_count(pool->cpus)) {
            printk(LOG_ERR "bootdom: domain '%s': dedicated pool '%s' has %u CPUs, its "
                   "domains want %u vCPUs\n", d->name, pool->name, cpu_count(pool->cpus),
                   used[pool - ps->pool]);
            return -EINVAL;
        }
    }
    return 0;
}
