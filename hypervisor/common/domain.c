/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Creating, ending and freeing domains (see tessera/domain.h).
 *
 * A domain is freed only once no CPU can still be using it: when it dies,
 * every CPU's quiescent counter is recorded and every CPU kicked; a CPU
 * bumps its counter at the top of its run loop, after it has let go of the
 * vCPU it ran. When every online CPU's counter has moved, nothing refers
 * to the domain any more.
 */
#include <asm/percpu.h>
#include <public/xen/xen.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/console_ring.h>
#include <tessera/ctl.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/grant_table.h>
#include <tessera/heap.h>
#include <tessera/lib.h>
#include <tessera/p2m.h>
#include <tessera/page_alloc.h>
#include <tessera/time.h>

#define FIRST_DOMID     1
#define LAST_DOMID      0x7fef      /* DOMID_FIRST_RESERVED - 1 */

static spinlock_t domains_lock = SPINLOCK_INIT;
static struct domain *domains;      /* live ones */
static struct domain *dying;        /* waiting for every CPU to let go */
static uint16_t next_domid = FIRST_DOMID;

void (*domain_end_hook)(int boot_index, enum domain_end reason);

static const char *const end_names[] = {
    [DOM_END_POWEROFF] = "poweroff", [DOM_END_REBOOT] = "reboot",
    [DOM_END_SUSPEND] = "suspend", [DOM_END_CRASH] = "crash",
    [DOM_END_WATCHDOG] = "watchdog", [DOM_END_SOFT_RESET] = "soft_reset",
};

const char *domain_end_name(enum domain_end reason)
{
    return (unsigned int)reason < ARRAY_SIZE(end_names) ? end_names[reason] : "unknown";
}

static int alloc_domid(uint16_t *out)
{
    for (unsigned int tries = 0; tries <= LAST_DOMID; tries++) {
        uint16_t id = next_domid;
        next_domid = next_domid == LAST_DOMID ? FIRST_DOMID : next_domid + 1;
        if (!domain_by_id(id)) {
            *out = id;
            return 0;
        }
    }
    return -ENOSPC;
}

/* Readers walk the live list with no lock while domain_create() adds at
 * the head and domain_shutdown() unlinks, both under domains_lock: links
 * are published with release stores and read with acquire loads, and an
 * unlinked domain is freed only after every CPU has passed a quiescent
 * point (domain_reap), so no reader can still stand on it then. */
struct domain *domain_by_id(uint16_t id)
{
    for (struct domain *d = __atomic_load_n(&domains, __ATOMIC_ACQUIRE); d;
         d = __atomic_load_n(&d->next_live, __ATOMIC_ACQUIRE))
        if (d->id == id)
            return d;
    return NULL;
}

struct domain *domain_first_live(void)
{
    return __atomic_load_n(&domains, __ATOMIC_ACQUIRE);
}

struct domain *domain_next_live(const struct domain *d)
{
    return __atomic_load_n(&d->next_live, __ATOMIC_ACQUIRE);
}

struct domain *domain_next(uint32_t from)
{
    struct domain *best = NULL;

    for (struct domain *d = domain_first_live(); d; d = domain_next_live(d))
        if (d->id >= from && (!best || d->id < best->id))
            best = d;
    return best;
}

static int add_chunk(struct domain *d, paddr_t pa, uint64_t gfn, unsigned int order,
                     unsigned int *capacity)
{
    if (d->nr_chunks == *capacity) {
        unsigned int cap = *capacity ? *capacity * 2 : 64;
        struct ram_chunk *n = xmalloc(cap * sizeof(*n));
        if (!n)
            return -ENOMEM;
        if (d->chunks)
            memcpy(n, d->chunks, d->nr_chunks * sizeof(*n));
        xfree(d->chunks);
        d->chunks = n;
        *capacity = cap;
    }
    d->chunks[d->nr_chunks++] = (struct ram_chunk){ pa, gfn, order };
    return 0;
}

/* RAM in the largest blocks the alignment allows (1 GiB, 2 MiB, 4 KiB),
 * zeroed: a guest never sees what another left behind. */
static int populate(struct domain *d, const struct gfn_range *r, unsigned int *capacity)
{
    static const unsigned int orders[] = { P2M_ORDER_1G, P2M_ORDER_2M, P2M_ORDER_4K };
    uint64_t gfn = r->gfn, end = r->gfn + r->nr;

    while (gfn < end) {
        paddr_t pa = 0;
        unsigned int order = 0;

        for (size_t i = 0; i < ARRAY_SIZE(orders) && !pa; i++) {
            order = orders[i];
            if ((gfn & ((1ull << order) - 1)) || end - gfn < (1ull << order))
                continue;
            pa = alloc_pages(order, PA_ZERO);
        }
        if (!pa)
            return -ENOMEM;
        int rc = add_chunk(d, pa, gfn, order, capacity);
        if (!rc)
            rc = p2m_map(d->p2m, gfn, pa >> PAGE_SHIFT, order, P2M_RAM_RW);
        if (rc) {
            if (d->nr_chunks && d->chunks[d->nr_chunks - 1].pa == pa)
                d->nr_chunks--;
            free_pages(pa, order);
            return rc;
        }
        d->mem_bytes += PAGE_SIZE << order;
        gfn += 1ull << order;
    }
    return 0;
}

static void free_blocks(const struct ram_chunk *b, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        free_pages(b[i].pa, b[i].order);
}

/* Takes over the blocks the caller allocated (cfg->blocks) as chunks, so
 * that free_domain() gives them back whatever fails later. */
static int own_blocks(struct domain *d, const struct domain_config *cfg, unsigned int *capacity)
{
    for (unsigned int i = 0; i < cfg->nr_blocks; i++) {
        const struct ram_chunk *b = &cfg->blocks[i];
        int rc = add_chunk(d, b->pa, b->gfn, b->order, capacity);
        if (rc) {
            free_blocks(b, cfg->nr_blocks - i);
            return rc;
        }
    }
    return 0;
}

/* Maps the chunks own_blocks() took, once the p2m exists. */
static int map_blocks(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_chunks; i++) {
        const struct ram_chunk *c = &d->chunks[i];
        int rc = p2m_set_range(d->p2m, c->gfn, 1ull << c->order, c->pa >> PAGE_SHIFT,
                               P2M_RAM_RW);
        if (rc)
            return rc;
        d->mem_bytes += PAGE_SIZE << c->order;
    }
    return 0;
}

static void free_vcpu(struct vcpu *v)
{
    if (!v)
        return;
    if (v->unit.state != SCHED_OFFLINE)
        sched_unit_remove(&v->unit, time_now_ns());
    arch_vcpu_destroy(v);
    xfree(v);
}

static uint64_t chunk_bytes(const struct domain *d)
{
    uint64_t bytes = 0;

    for (unsigned int i = 0; i < d->nr_chunks; i++)
        bytes += PAGE_SIZE << d->chunks[i].order;
    return bytes;
}

/* Returns the bytes of RAM not given back: blocks that other domains
 * still map, held until they unmap them (grant/frame_ref.c). */
static uint64_t free_domain(struct domain *d)
{
    uint64_t before = chunk_bytes(d);

    grant_table_destroy(d);     /* may keep RAM blocks others still map */
    uint64_t held = before - chunk_bytes(d);
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        free_vcpu(d->vcpus[i]);
    arch_domain_destroy(d);
    console_ring_free(d);
    if (d->shared_info)
        free_pages(virt_to_phys(d->shared_info), 0);
    for (unsigned int i = 0; i < d->nr_chunks; i++)
        free_pages(d->chunks[i].pa, d->chunks[i].order);
    xfree(d->chunks);
    xfree(d->e820);
    xfree(d->quiesce_snapshot);
    xfree(d);
    return held;
}

static struct vcpu *create_vcpu(struct domain *d, unsigned int id, int *rc)
{
    struct vcpu *v = xzalloc(sizeof(*v));

    *rc = -ENOMEM;
    if (!v)
        return NULL;
    v->domain = d;
    v->id = id;
    v->run_cpu = -1;
    v->runstate.state = RUNSTATE_offline;
    v->runstate.state_entry_time = time_now_ns();
    if (id < XEN_LEGACY_MAX_VCPUS)
        v->vcpu_info = &d->shared_info->vcpu_info[id];
    sched_unit_init(&v->unit, d->id, id);
    *rc = arch_vcpu_create(v);
    if (*rc) {
        xfree(v);
        return NULL;
    }
    return v;
}

int domain_create(const struct domain_config *cfg, struct domain **out)
{
    struct domain *d;
    unsigned int capacity = 0;
    int rc;

    if (!cfg->nr_vcpus || cfg->nr_vcpus > DOMAIN_MAX_VCPUS || !(cfg->nr_ram || cfg->nr_blocks) ||
        !cfg->pool) {
        free_blocks(cfg->blocks, cfg->nr_blocks);
        return -EINVAL;
    }
    d = xzalloc(sizeof(*d));
    if (!d) {
        free_blocks(cfg->blocks, cfg->nr_blocks);
        return -ENOMEM;
    }
    rc = own_blocks(d, cfg, &capacity);
    if (rc)
        goto fail;
    strlcpy(d->name, cfg->name, sizeof(d->name));
    d->state = DOM_BUILDING;
    d->boot_index = cfg->boot_index;
    d->keep_ended = cfg->keep_ended;
    d->pool = cfg->pool;
    d->created_ns = time_now_ns();
    unsigned long flags = spin_lock_irqsave(&domains_lock);
    d->is_hardware = cfg->hardware;
    if (cfg->hardware)
        rc = domain_by_id(0) ? -EEXIST : 0;     /* d->id is 0 already */
    else
        rc = alloc_domid(&d->id);
    spin_unlock_irqrestore(&domains_lock, flags);
    if (rc)
        goto fail;

    rc = -ENOMEM;
    paddr_t shared = alloc_pages(0, PA_ZERO);
    if (!shared)
        goto fail;
    d->shared_info = phys_to_virt(shared);
    d->shared_info_gfn = ~0ull;
    uint64_t ram_pages = 0;
    for (unsigned int i = 0; i < cfg->nr_ram; i++)
        ram_pages += cfg->ram[i].nr;
    for (unsigned int i = 0; i < cfg->nr_blocks; i++)
        ram_pages += 1ull << cfg->blocks[i].order;
    budget_init(&d->budget, ram_pages, cfg->budget);
    rc = arch_domain_create(d);
    if (!rc)
        rc = map_blocks(d);         /* the chunks so far are all cfg->blocks */
    if (rc)
        goto fail;
    rc = grant_table_create(d);
    if (rc)
        goto fail;
    for (unsigned int i = 0; i < cfg->nr_ram; i++) {
        rc = populate(d, &cfg->ram[i], &capacity);
        if (rc)
            goto fail;
    }

    for (d->nr_vcpus = 0; d->nr_vcpus < cfg->nr_vcpus; d->nr_vcpus++) {
        struct vcpu *v = create_vcpu(d, d->nr_vcpus, &rc);
        if (!v)
            goto fail;
        d->vcpus[d->nr_vcpus] = v;
        if (cfg->cpus)
            v->unit.affinity = *cfg->cpus;
        rc = sched_unit_insert(&v->unit, cfg->pool);
        if (!rc && (cfg->weight || cfg->cap))
            rc = sched_unit_set_params(&v->unit,
                                       cfg->weight ? cfg->weight : SCHED_DEFAULT_WEIGHT,
                                       cfg->cap);
        if (rc) {
            d->nr_vcpus++;      /* so free_domain frees it */
            goto fail;
        }
    }

    /* Last: nothing after it can fail, so free_domain needs no undo. */
    rc = evtchn_domain_init(d);
    if (rc)
        goto fail;

    flags = spin_lock_irqsave(&domains_lock);
    d->next_live = domains;
    __atomic_store_n(&domains, d, __ATOMIC_RELEASE);
    spin_unlock_irqrestore(&domains_lock, flags);
    *out = d;
    return 0;

fail:
    free_domain(d);
    return rc;
}

int domain_start(struct domain *d)
{
    /* Under the lock: a domain_shutdown() from another CPU (the control
     * domain's destroy) must not be overwritten with RUNNING. */
    unsigned long flags = spin_lock_irqsave(&d->lock);

    if (d->state != DOM_BUILDING || !d->vcpus[0]->initialised) {
        spin_unlock_irqrestore(&d->lock, flags);
        return -EINVAL;
    }
    d->state = DOM_RUNNING;
    d->vcpus[0]->up = true;
    spin_unlock_irqrestore(&d->lock, flags);
    vcpu_wake(d->vcpus[0]);
    return 0;
}

/* Out of the live list and onto the dying one, to be freed once every CPU
 * has passed a quiescent point (domain_reap). */
static void retire(struct domain *d)
{
    uint64_t *snap = xmalloc(MAX_CPUS * sizeof(*snap));
    unsigned long flags = spin_lock_irqsave(&domains_lock);

    for (struct domain **p = &domains; *p; p = &(*p)->next_live)
        if (*p == d) {
            __atomic_store_n(p, d->next_live, __ATOMIC_RELEASE);
            break;
        }
    /* Without a snapshot (no memory) the domain is never freed: a leak
     * reported here, rather than a use after free. */
    d->quiesce_snapshot = snap;
    if (snap) {
        for (unsigned int c = 0; c < MAX_CPUS; c++)
            snap[c] = __atomic_load_n(&cpu_quiescent_seq[c], __ATOMIC_SEQ_CST);
        d->next_dying = dying;
        __atomic_store_n(&dying, d, __ATOMIC_RELEASE);
    } else {
        printk(LOG_ERR "dom %s: out of memory, its memory stays allocated\n", d->name);
    }
    spin_unlock_irqrestore(&domains_lock, flags);
}

void domain_shutdown(struct domain *d, enum domain_end reason)
{
    unsigned long flags = spin_lock_irqsave(&d->lock);

    if (d->state == DOM_DYING || d->state == DOM_DEAD) {
        spin_unlock_irqrestore(&d->lock, flags);
        return;
    }
    d->state = DOM_DYING;
    d->end_reason = reason;
    /* Decided here, once: a domain_destroy() may retire it from now on. */
    bool keep = d->kept = d->keep_ended;
    spin_unlock_irqrestore(&d->lock, flags);
    console_ring_detach(d);
    pv_time_domain_shutdown(d);

    printk("tessera: dom %s id=%u %s\n", d->name, d->id, domain_end_name(reason));
    guest_console_end(d);
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        sched_unit_remove(&d->vcpus[i]->unit, time_now_ns());
    /* Peers see their ports to it unbound from now on. */
    evtchn_domain_destroy(d);
    if (!keep)
        retire(d);
    for (unsigned int c = 0; c < nr_cpus_online; c++)
        cpu_resched((int)c);
}

void domain_destroy(struct domain *d)
{
    domain_shutdown(d, DOM_END_POWEROFF);

    unsigned long flags = spin_lock_irqsave(&d->lock);
    bool waiting = d->kept;
    d->kept = false;
    spin_unlock_irqrestore(&d->lock, flags);
    if (!waiting)
        return;
    retire(d);
    /* Every CPU to a quiescent point soon (an idle one would not come by
     * itself), so that domain_reap() frees it. */
    for (unsigned int c = 0; c < nr_cpus_online; c++)
        cpu_resched((int)c);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    char buf[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk(LOG_ERR "dom %s id=%u crashed: %s\n", d->name, d->id, buf);
    domain_shutdown(d, DOM_END_CRASH);
}

static bool all_cpus_moved_on(const struct domain *d)
{
    for (unsigned int c = 0; c < MAX_CPUS; c++)
        if (cpus[c].online &&
            __atomic_load_n(&cpu_quiescent_seq[c], __ATOMIC_SEQ_CST) == d->quiesce_snapshot[c])
            return false;
    return true;
}

void domain_reap(void)
{
    struct domain *done = NULL;

    if (!__atomic_load_n(&dying, __ATOMIC_ACQUIRE))
        return;
    unsigned long flags = spin_lock_irqsave(&domains_lock);
    for (struct domain **p = &dying; *p;) {
        struct domain *d = *p;
        if (all_cpus_moved_on(d)) {
            *p = d->next_dying;
            d->next_dying = done;
            done = d;
        } else {
            p = &d->next_dying;
        }
    }
    spin_unlock_irqrestore(&domains_lock, flags);

    while (done) {
        struct domain *d = done;
        int boot_index = d->boot_index;
        enum domain_end reason = d->end_reason;
        char name[DOMAIN_NAME_MAX + 1];
        unsigned int id = d->id;

        done = d->next_dying;
        d->state = DOM_DEAD;
        for (unsigned int i = 0; i < d->nr_vcpus; i++)
            if (d->vcpus[i]->started)
                arch_vcpu_print_stats(d->vcpus[i]);
        strlcpy(name, d->name, sizeof(name));
        char peaks[160];
        budget_format(&d->budget, peaks, sizeof(peaks));
        /* The stages it made, if it was the control domain; here, not in
         * free_domain(), which a failed create calls before the id is its. */
        ctl_domain_freed(d->id);
        uint64_t mem = d->mem_bytes, held = free_domain(d);
        uint64_t ram = mem - MIN(mem, held);
        if (held)
            printk("dom %s id=%u: %llu MiB returned, %llu KiB held until unmapped; peak %s\n",
                   name, id, (unsigned long long)ram >> 20, (unsigned long long)held >> 10,
                   peaks);
        else
            printk("dom %s id=%u: %llu MiB returned; peak %s\n", name, id,
                   (unsigned long long)ram >> 20, peaks);
        if (boot_index >= 0 && domain_end_hook)
            domain_end_hook(boot_index, reason);
    }
}
