/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TESS_DOMCTL_create: a domU built from a stage with the boot-time PVH
 * builder (bootdom_build_images), from a spec made of the call's fields and
 * checked as a module line's would be. The stage is used up whatever the
 * outcome. Runtime domains have no boot index: their end is reported
 * (VIRQ_DOM_EXC, the log) and never acted on by the hypervisor; with
 * TESS_CREATE_KEEP they stay listed once ended until destroyed, with
 * TESS_CREATE_CONSOLE_DOM0 their console ring is dom0's to serve.
 */
#include <public/xen/errno.h>
#include <tessera/bootdom_spec.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/heap.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include <tessera/sched.h>
#include <tessera/time.h>
#include "private.h"

#define MAX_CREATING    4       /* creates under way at once */

/* Names of domains being created: unique among these and the live ones. */
static spinlock_t names_lock = SPINLOCK_INIT;
static char creating[MAX_CREATING][TESS_NAME_MAX];

static bool name_live(const char *name)
{
    for (struct domain *d = domain_first_live(); d; d = domain_next_live(d))
        if (!strcmp(d->name, name))
            return true;
    return false;
}

/* -XEN_EEXIST (taken), -XEN_EBUSY (too many creates at once), or 0 and
 * the name held in *slot until unreserve(). */
static long reserve_name(const char *name, int *slot)
{
    unsigned long flags = spin_lock_irqsave(&names_lock);
    long rc = name_live(name) ? -XEN_EEXIST : -XEN_EBUSY;

    for (int i = 0; i < MAX_CREATING && rc != -XEN_EEXIST; i++)
        if (!strcmp(creating[i], name))
            rc = -XEN_EEXIST;
    for (int i = 0; i < MAX_CREATING && rc == -XEN_EBUSY; i++)
        if (!creating[i][0]) {
            strlcpy(creating[i], name, sizeof(creating[i]));
            *slot = i;
            rc = 0;
        }
    spin_unlock_irqrestore(&names_lock, flags);
    return rc;
}

static void unreserve(int slot)
{
    unsigned long flags = spin_lock_irqsave(&names_lock);

    creating[slot][0] = '\0';
    spin_unlock_irqrestore(&names_lock, flags);
}

static bool terminated(const char *s, size_t size)
{
    return strnlen(s, size) < size;
}

/* The call's fields as a boot-time spec, checked as bootdom_spec.c and
 * bootdom_check_placement check a module line's. */
static long make_spec(const struct tess_create *c, struct bootdom_spec *spec)
{
    const char *pool = c->pool[0] ? c->pool : BOOTDOM_DEFAULT_POOL;
    struct sched_pool *p;
    cpumask_t pool_cpus;

#define CREATE_FLAGS (TESS_CREATE_PAUSED | TESS_CREATE_CONSOLE_DOM0 | TESS_CREATE_KEEP)
    if ((c->flags & ~CREATE_FLAGS) || !terminated(c->name, sizeof(c->name)) ||
        !bootdom_valid_name(c->name) || !terminated(c->cmdline, sizeof(c->cmdline)) ||
        !terminated(c->pool, sizeof(c->pool)) || c->has_cpus > 1)
        return -XEN_EINVAL;
    if (!c->nr_vcpus || c->nr_vcpus > BOOTDOM_MAX_VCPUS || c->weight > BOOTDOM_MAX_WEIGHT ||
        c->cap > BOOTDOM_MAX_CAP)
        return -XEN_EINVAL;
    if (!c->mem_bytes || c->mem_bytes % MiB(2) || c->mem_bytes > BOOTDOM_MEM_MAX)
        return -XEN_EINVAL;
    if (c->mem_bytes > (uint64_t)page_alloc_free_pages() << PAGE_SHIFT)
        return -XEN_ENOMEM;
    p = sched_pool_find(pool);
    if (!p)
        return -XEN_ENOENT;
    memset(spec, 0, sizeof(*spec));
    if (c->has_cpus) {
        bool any = false, outside = false;
        sched_pool_cpus(p, &pool_cpus);
        for (unsigned int cpu = 0; cpu < TESS_CPU_WORDS * 64; cpu++) {
            if (!(c->cpus[cpu / 64] & (1ull << (cpu % 64))))
                continue;
            any = true;
            outside |= cpu >= CPUMASK_BITS || !cpumask_test(cpu, &pool_cpus);
        }
        if (!any || outside)
            return -XEN_EINVAL;
        spec->has_cpus = true;
        memcpy(spec->cpus, c->cpus, sizeof(spec->cpus));
    }
    strlcpy(spec->name, c->name, sizeof(spec->name));
    strlcpy(spec->pool, pool, sizeof(spec->pool));
    strlcpy(spec->cmdline, c->cmdline, sizeof(spec->cmdline));
    spec->mem = c->mem_bytes;
    spec->vcpus = c->nr_vcpus;
    spec->weight = c->weight;
    spec->cap = c->cap;
    spec->kernel_module = spec->initrd_module = -1;
    spec->console_dom0 = c->flags & TESS_CREATE_CONSOLE_DOM0;
    spec->keep_ended = c->flags & TESS_CREATE_KEEP;
    return 0;
}

static long build(const struct tess_create *c, const struct bootdom_spec *spec,
                  const struct pvh_images *im, uint32_t *domid)
{
    bool paused = c->flags & TESS_CREATE_PAUSED;
    uint64_t t0 = time_now_ns();
    struct domain *d;
    int slot;
    long rc = reserve_name(spec->name, &slot);

    if (rc)
        return rc;
    rc = bootdom_build_images(spec, -1, im, !paused, &d);
    if (!rc) {
        /* Until here d was BUILDING and not paused: "being built" to the
         * other control calls, which left it alone. */
        if (paused)
            __atomic_store_n(&d->paused, true, __ATOMIC_SEQ_CST);
        *domid = d->id;
        printk("ctl: dom %s id=%u created%s in %llu us\n", d->name, d->id,
               paused ? ", paused" : "", (unsigned long long)((time_now_ns() - t0) / 1000));
    }
    unreserve(slot);
    return rc;
}

long ctl_create(struct vcpu *v, struct tess_create *c)
{
    struct bootdom_spec *spec;
    struct pvh_images im;
    bool complete;
    void *stage;
    long rc = stage_take(v, c->stage, &im, &complete, &stage);

    if (rc)
        return rc;
    spec = xmalloc(sizeof(*spec));
    if (!spec)
        rc = -XEN_ENOMEM;
    else if (!complete)
        rc = -XEN_EINVAL;
    else
        rc = make_spec(c, spec);
    if (!rc)
        rc = build(c, spec, &im, &c->domid);
    if (rc) {
        bool named = terminated(c->name, sizeof(c->name)) && bootdom_valid_name(c->name);
        printk(LOG_WARN "ctl: dom %s not created (%ld)%s\n", named ? c->name : "(bad name)",
               rc, complete ? "" : ": its stage is not fully written");
    }
    xfree(spec);
    stage_release(stage);
    return rc;
}
