/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shared scheduler: weighted fair time-sharing by virtual runtime, with
 * caps. Numbers are the pool's sched_params (defaults in sched.c).
 *
 * Fairness: running for dt adds dt * 256 / weight to a unit's vruntime; a CPU
 * runs the runnable unit with the smallest vruntime among those allowed on
 * it, for at most a slice (10 ms), then looks again. The current unit keeps
 * the CPU at a slice's end while no allowed unit has a smaller vruntime.
 *
 * One runqueue per pool, sorted by vruntime: pools are small (a few to a few
 * dozen CPUs), and a single queue makes every CPU choose the pool-wide best
 * unit it may run, so load balancing (respecting affinity) needs no separate
 * migration logic, and fairness holds across CPUs rather than per CPU. The
 * price is one lock per pool and an O(queued units) insertion.
 *
 * Wake-ups: a waking unit is placed at max(its vruntime, min_vruntime -
 * wake_credit), where min_vruntime is the pool's (monotonic) smallest
 * vruntime among queued-and-eligible and running units and wake_credit is
 * 5 ms: a unit that slept gets slightly ahead of everyone (low latency for
 * I/O-bound units) but cannot hoard the time it slept. sched_wake then names
 * the CPU to kick: an allowed idle CPU (its last one first), else the
 * allowed CPU whose unit has the largest vruntime if that exceeds the woken
 * unit's by more than min_gran (0.5 ms). The picking CPU preempts its unit
 * only once it has run min_gran in its slice (else it keeps it and asks for
 * a timer at that point), which bounds both the wake-up latency and the
 * switch rate.
 *
 * Caps: a capped unit may run cap% of each cap period (100 ms; periods are
 * aligned to multiples of the period length, pool-wide). Once its budget is
 * spent it stays queued but is passed over ("parked") until the next
 * period; a decision's timer never runs past the budget, and a CPU that
 * idles while an allowed unit is parked asks for a timer at the next period
 * boundary. Parked units do not hold min_vruntime back, and a unit's
 * vruntime is lifted to at least min_vruntime - wake_credit whenever it is
 * given a CPU, so a capped unit's lag cannot grow without bound.
 *
 * Idle: a decision with no unit means halt until the timer (if any) or a
 * kick.
 */
#include <tessera/lib.h>
#include <tessera/sched.h>
#include "private.h"

struct sh_unit {
    struct sh_unit *next, *prev;    /* runqueue, sorted by vruntime */
    struct sched_unit *unit;
    bool queued;
    bool yielded;
    uint64_t vruntime;
    uint64_t charged_at;            /* runtime charged up to here (while current) */
    uint64_t slice_start;
    uint64_t cap_period;            /* start of the period cap_used counts in */
    uint64_t cap_used;
};

struct sh_pool {
    struct sh_unit *head;
    uint64_t min_vruntime;
};

static inline struct sh_unit *sh(const struct sched_unit *u)
{
    return u->priv;
}

/* ---- virtual time and caps ---- */

static uint64_t vdelta(const struct sched_unit *u, uint64_t dt)
{
    /* dt < 2^48 ns (3 days) between two charges, so no overflow. */
    return dt * SCHED_DEFAULT_WEIGHT / u->weight;
}

static uint64_t period_start(const struct sched_pool *p, uint64_t now)
{
    return now - now % p->params.cap_period_ns;
}

/* Budget left in the current period: UINT64_MAX if uncapped, 0 if parked. */
static uint64_t cap_left(const struct sched_pool *p, const struct sched_unit *u, uint64_t now)
{
    const struct sh_unit *su = sh(u);
    uint64_t budget, used;

    if (!u->cap)
        return UINT64_MAX;
    budget = p->params.cap_period_ns / 100 * u->cap;
    used = su->cap_period == period_start(p, now) ? su->cap_used : 0;
    return budget > used ? budget - used : 0;
}

/* Charges u (current) for the time since it was last charged. */
static void charge(struct sched_pool *p, struct sched_unit *u, uint64_t now)
{
    struct sh_unit *su = sh(u);
    uint64_t dt = now > su->charged_at ? now - su->charged_at : 0;
    uint64_t ps = period_start(p, now);

    su->charged_at = MAX(su->charged_at, now);
    su->vruntime += vdelta(u, dt);
    if (su->cap_period != ps) {
        /* Only the part of dt inside the new period counts against it. */
        su->cap_period = ps;
        su->cap_used = MIN(dt, now - ps);
    } else {
        su->cap_used += dt;
    }
}

/* vruntime of a current unit as of now, without charging it. */
static uint64_t current_vruntime(const struct sched_unit *u, uint64_t now)
{
    const struct sh_unit *su = sh(u);

    return su->vruntime + vdelta(u, now > su->charged_at ? now - su->charged_at : 0);
}

static uint64_t placement_floor(const struct sched_pool *p)
{
    const struct sh_pool *sp = p->priv;

    return sp->min_vruntime > p->params.wake_credit_ns ?
           sp->min_vruntime - p->params.wake_credit_ns : 0;
}

/* ---- the runqueue ---- */

static void enqueue(struct sh_pool *sp, struct sh_unit *su)
{
    struct sh_unit **pp = &sp->head, *prev = NULL;

    /* After its equals: FIFO among units with the same vruntime. */
    while (*pp && (*pp)->vruntime <= su->vruntime) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    su->next = *pp;
    su->prev = prev;
    if (*pp)
        (*pp)->prev = su;
    *pp = su;
    su->queued = true;
}

static void dequeue(struct sh_pool *sp, struct sh_unit *su)
{
    if (!su->queued)
        return;
    if (su->prev)
        su->prev->next = su->next;
    else
        sp->head = su->next;
    if (su->next)
        su->next->prev = su->prev;
    su->next = su->prev = NULL;
    su->queued = false;
}

/* min_vruntime moves forward to the least of: the first eligible queued
 * unit, the units running on the pool's CPUs other than cpu, and chosen
 * (about to run on cpu). */
static void update_min_vruntime(struct sched_pool *p, unsigned int cpu,
                                struct sched_unit *chosen, uint64_t now)
{
    struct sh_pool *sp = p->priv;
    uint64_t m = UINT64_MAX;
    unsigned int c;

    for (struct sh_unit *su = sp->head; su; su = su->next) {
        if (cap_left(p, su->unit, now)) {
            m = su->vruntime;
            break;
        }
    }
    for_each_cpu(c, &p->cpus) {
        struct sched_unit *u = sched_cpu(c)->curr;
        if (c != cpu && u && u->state == SCHED_RUNNING)
            m = MIN(m, sh(u)->vruntime);
    }
    if (chosen)
        m = MIN(m, sh(chosen)->vruntime);
    if (m != UINT64_MAX && m > sp->min_vruntime)
        sp->min_vruntime = m;
}

/* ---- ops ---- */

static int sh_pool_init(struct sched_pool *p)
{
    p->priv = sched_zalloc(sizeof(struct sh_pool));
    return p->priv ? 0 : -ENOMEM;
}

static void sh_pool_free(struct sched_pool *p)
{
    sched_free(p->priv);
}

static int sh_insert(struct sched_pool *p, struct sched_unit *u)
{
    struct sh_pool *sp = p->priv;
    struct sh_unit *su = sched_zalloc(sizeof(*su));

    if (!su)
        return -ENOMEM;
    su->unit = u;
    su->vruntime = sp->min_vruntime;    /* a newcomer starts level with the pool */
    u->priv = su;
    return 0;
}

static void sh_remove(struct sched_pool *p, struct sched_unit *u)
{
    struct sh_unit *su = sh(u);

    if (su)
        dequeue(p->priv, su);
    sched_free(su);
}

static int sh_wake(struct sched_pool *p, struct sched_unit *u, uint64_t now)
{
    struct sh_unit *su = sh(u);
    int target = -1, last = u->last_cpu;
    uint64_t worst = 0;
    cpumask_t allowed;
    unsigned int cpu;

    su->vruntime = MAX(su->vruntime, placement_floor(p));
    enqueue(p->priv, su);

    /* An idle CPU, its last one first. A CPU whose unit has blocked is about
     * to pick, so it counts as idle: a kick there costs at most an IPI. */
    cpumask_and(&allowed, &p->cpus, &u->affinity);
    if (last >= 0 && cpumask_test((unsigned int)last, &allowed)) {
        struct sched_cpu *c = sched_cpu((unsigned int)last);
        if (!c->kicked && (!c->curr || c->curr->state != SCHED_RUNNING))
            return last;
    }
    for_each_cpu(cpu, &allowed) {
        struct sched_cpu *c = sched_cpu(cpu);
        if (!c->kicked && (!c->curr || c->curr->state != SCHED_RUNNING))
            return (int)cpu;
    }
    if (!cap_left(p, u, now))
        return -1;          /* parked: runs when its period comes round */

    /* Preempt the allowed CPU running the most-served unit, if clearly more
     * served than u. */
    for_each_cpu(cpu, &allowed) {
        struct sched_cpu *c = sched_cpu(cpu);
        if (c->kicked || !c->curr)
            continue;
        uint64_t v = current_vruntime(c->curr, now);
        if (target < 0 || v > worst) {
            target = (int)cpu;
            worst = v;
        }
    }
    if (target >= 0 && su->vruntime + p->params.min_gran_ns < worst)
        return target;
    return -1;
}

static void sh_sleep(struct sched_pool *p, struct sched_unit *u, uint64_t now)
{
    dequeue(p->priv, sh(u));
}

static void sh_yield(struct sched_pool *p, struct sched_unit *u, uint64_t now)
{
    sh(u)->yielded = true;
}

static struct sched_decision sh_pick(struct sched_pool *p, unsigned int cpu,
                                     struct sched_unit *prev, uint64_t now)
{
    const struct sched_params *par = &p->params;
    struct sh_pool *sp = p->priv;
    struct sh_unit *ps = prev ? sh(prev) : NULL, *best = NULL;
    struct sched_decision d = { .unit = NULL, .timer_ns = 0, .kick = -1 };
    bool prev_ok = false, parked = false, hold = false;

    if (prev) {
        charge(p, prev, now);
        prev_ok = prev->state == SCHED_RUNNING && cpumask_test(cpu, &prev->affinity);
        if (prev_ok && !cap_left(p, prev, now)) {
            prev_ok = false;
            parked = true;
        }
    }
    for (struct sh_unit *su = sp->head; su; su = su->next) {
        if (!cpumask_test(cpu, &su->unit->affinity))
            continue;
        if (!cap_left(p, su->unit, now)) {
            parked = true;
            continue;
        }
        best = su;
        break;
    }

    if (prev_ok) {
        if (ps->yielded)
            d.unit = best ? best->unit : prev;
        else if (!best || ps->vruntime <= best->vruntime)
            d.unit = prev;
        else if (now - ps->slice_start < par->min_gran_ns)
            d.unit = prev, hold = true;
        else
            d.unit = best->unit;
    } else if (best) {
        d.unit = best->unit;
    }
    if (ps)
        ps->yielded = false;

    if (prev && d.unit != prev && prev->state == SCHED_RUNNING)
        enqueue(sp, ps);            /* preempted, parked, or not allowed here */
    if (d.unit && d.unit != prev) {
        struct sh_unit *su = sh(d.unit);
        dequeue(sp, su);
        su->vruntime = MAX(su->vruntime, placement_floor(p));
        su->charged_at = now;
        su->slice_start = now;
    } else if (d.unit && now - ps->slice_start >= par->slice_ns) {
        ps->slice_start = now;      /* kept at its slice's end: a new slice */
    }
    update_min_vruntime(p, cpu, d.unit, now);

    if (d.unit) {
        struct sh_unit *su = sh(d.unit);
        uint64_t left = cap_left(p, d.unit, now);
        d.timer_ns = su->slice_start + (hold ? par->min_gran_ns : par->slice_ns);
        if (left != UINT64_MAX)
            d.timer_ns = MIN(d.timer_ns, now + left);
    } else if (parked) {
        d.timer_ns = period_start(p, now) + par->cap_period_ns;
    }
    return d;
}

const struct sched_ops sched_shared_ops = {
    .pool_init = sh_pool_init,
    .pool_free = sh_pool_free,
    .insert = sh_insert,
    .remove = sh_remove,
    .wake = sh_wake,
    .sleep = sh_sleep,
    .yield = sh_yield,
    .pick = sh_pick,
};
