/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: hypervisor/common/sched/ (pools, dedicated and shared
 * schedulers), mostly through a simulated-time driver: N CPUs run units
 * with scripted behaviour (CPU-bound, or run-then-block-then-sleep), the
 * driver calls the scheduler exactly as the run loop will (pick on block,
 * timer expiry and kick; wake from "interrupts"), and checks invariants at
 * every decision.
 */
#include <tessera/cpumask.h>
#include <tessera/lib.h>
#include <tessera/sched.h>
#include <tessera/time.h>
#include "test.h"

#define MS(x)   ((uint64_t)(x) * NSEC_PER_MSEC)
#define US(x)   ((uint64_t)(x) * NSEC_PER_USEC)
#define SEC(x)  ((uint64_t)(x) * NSEC_PER_SEC)
#define NEVER   UINT64_MAX

/* ---- the simulated machine ---- */

#define SIM_CPUS    8
#define SIM_UNITS   64

struct vcpu {                       /* the lead's vCPU embeds the unit like this */
    struct sched_unit unit;
    uint64_t burst_ns;              /* run this long, then block; 0: CPU-bound */
    uint64_t sleep_ns;              /* ...and sleep this long */
    uint64_t burst_left;
    uint64_t wake_at;               /* NEVER: no wake-up scheduled */
    uint64_t woke_at;
    bool waiting;                   /* woken, not yet run */
    uint64_t ran_ns;                /* measured by the driver */
    uint64_t max_latency, sum_latency, nr_wakes;
    int home;                       /* dedicated: the only CPU it may run on */
};

static struct {
    unsigned int nr_cpus;
    uint64_t now;
    struct vcpu *v[SIM_UNITS];
    unsigned int nr;
    struct {
        struct vcpu *curr;
        uint64_t timer;             /* 0: none */
        bool kick;
    } cpu[SIM_CPUS];
    bool work_conserving;           /* check: no idle CPU while an allowed,
                                       uncapped unit waits */
    bool dedicated_checks;          /* check: timer 0, each unit on one CPU */
    unsigned int violations;
    uint64_t picks;
} sim;

static struct vcpu *vcpu_of(struct sched_unit *u)
{
    return u ? container_of(u, struct vcpu, unit) : NULL;
}

static void sim_reset(unsigned int nr_cpus)
{
    cpumask_t online;

    memset(&sim, 0, sizeof(sim));
    sim.nr_cpus = nr_cpus;
    cpumask_fill(&online, nr_cpus);
    CHECK_EQ(sched_init(&online), 0);
}

/* A vCPU in no pool yet. */
static struct vcpu *sim_new(uint32_t domid, uint64_t burst, uint64_t sleep)
{
    struct vcpu *v = calloc(1, sizeof(*v));

    sched_unit_init(&v->unit, domid, sim.nr);
    v->burst_ns = v->burst_left = burst;
    v->sleep_ns = sleep;
    v->wake_at = NEVER;
    v->home = -1;
    return v;
}

static void sim_track(struct vcpu *v)
{
    BUG_ON(sim.nr == SIM_UNITS);
    sim.v[sim.nr++] = v;
}

/* A new vCPU in pool (not yet woken). */
static struct vcpu *sim_add(const char *pool, uint32_t domid, uint64_t burst, uint64_t sleep)
{
    struct vcpu *v = sim_new(domid, burst, sleep);

    CHECK_EQ(sched_unit_insert(&v->unit, sched_pool_find(pool)), 0);
    sim_track(v);
    return v;
}

static void sim_free(void)
{
    for (unsigned int i = 0; i < sim.nr; i++) {
        sched_unit_remove(&sim.v[i]->unit, sim.now);
        free(sim.v[i]);
    }
    sim.nr = 0;
}

static void sim_kick(int cpu)
{
    if (cpu < 0)
        return;
    CHECK(cpu < (int)sim.nr_cpus);
    if (cpu < (int)sim.nr_cpus)
        sim.cpu[cpu].kick = true;
}

static void violation(const char *what, unsigned int cpu, const struct vcpu *v)
{
    if (sim.violations++ < 5)
        test_fail(__FILE__, __LINE__, "t=%llu ns cpu %u d%uv%u: %s",
                  (unsigned long long)sim.now, cpu, v ? v->unit.domid : 0,
                  v ? v->unit.vcpu_id : 0, what);
}

static void sim_pick(unsigned int cpu)
{
    struct sched_decision d = sched_pick(cpu, sim.now);
    struct vcpu *v = vcpu_of(d.unit);

    sim.picks++;
    sim.cpu[cpu].kick = false;
    sim.cpu[cpu].timer = d.timer_ns;
    sim_kick(d.kick);
    if (!sched_pool_of_cpu(cpu) && (v || d.timer_ns))
        violation("a CPU in no pool was given work", cpu, v);
    if (d.timer_ns && d.timer_ns <= sim.now)
        violation("timer not in the future", cpu, v);
    if (sim.dedicated_checks && d.timer_ns)
        violation("dedicated CPU got a timer", cpu, v);
    if (v) {
        if (!cpumask_test(cpu, &v->unit.affinity))
            violation("runs outside its affinity", cpu, v);
        if (v->unit.pool != sched_pool_of_cpu(cpu))
            violation("runs on a CPU of another pool", cpu, v);
        for (unsigned int c = 0; c < sim.nr_cpus; c++)
            if (c != cpu && sim.cpu[c].curr == v)
                violation("runs on two CPUs", cpu, v);
        if (v->unit.state != SCHED_RUNNING || v->unit.cpu != (int)cpu)
            violation("picked but not RUNNING here", cpu, v);
        if (sim.dedicated_checks) {
            if (v->home < 0)
                v->home = (int)cpu;
            else if (v->home != (int)cpu)
                violation("dedicated unit moved", cpu, v);
        }
        if (v->waiting) {
            uint64_t lat = sim.now - v->woke_at;
            v->waiting = false;
            v->max_latency = MAX(v->max_latency, lat);
            if (getenv("SIM_DEBUG") && lat > US(600))
                printf("    lat %llu at %llu d%u\n", (unsigned long long)lat, (unsigned long long)sim.now, v->unit.domid);
            v->sum_latency += lat;
            v->nr_wakes++;
        }
    }
    sim.cpu[cpu].curr = v;
}

static void sim_wake(struct vcpu *v)
{
    v->wake_at = NEVER;
    if (v->unit.state == SCHED_BLOCKED && v->unit.cpu < 0) {
        v->woke_at = sim.now;
        v->waiting = true;
    }
    sim_kick(sched_wake(&v->unit, sim.now));
}

/* Wakes every vCPU now (they start BLOCKED). */
static void sim_start(void)
{
    for (unsigned int i = 0; i < sim.nr; i++)
        sim_wake(sim.v[i]);
}

static void check_work_conserving(void)
{
    for (unsigned int c = 0; c < sim.nr_cpus; c++) {
        if (sim.cpu[c].curr || sim.cpu[c].kick)
            continue;
        for (unsigned int i = 0; i < sim.nr; i++) {
            struct sched_unit *u = &sim.v[i]->unit;
            if (u->state == SCHED_RUNNABLE && !u->cap && u->pool == sched_pool_of_cpu(c) &&
                cpumask_test(c, &u->affinity))
                violation("CPU idles while a unit it may run waits", c, sim.v[i]);
        }
    }
}

static void sim_run_until(uint64_t end)
{
    unsigned int stalled = 0;

    for (;;) {
        /* A scheduler bug must fail the test, not hang it. */
        if (stalled++ > 100000) {
            violation("no progress: 100000 events without time passing", 0, NULL);
            return;
        }
        for (unsigned int c = 0; c < sim.nr_cpus; c++)
            if (sim.cpu[c].kick)
                sim_pick(c);
        if (sim.work_conserving)
            check_work_conserving();

        uint64_t next = end;
        for (unsigned int c = 0; c < sim.nr_cpus; c++) {
            struct vcpu *v = sim.cpu[c].curr;
            if (sim.cpu[c].timer)
                next = MIN(next, sim.cpu[c].timer);
            if (v && v->burst_ns)
                next = MIN(next, sim.now + v->burst_left);
        }
        for (unsigned int i = 0; i < sim.nr; i++)
            next = MIN(next, sim.v[i]->wake_at);
        next = MAX(next, sim.now);
        if (next > sim.now)
            stalled = 0;

        /* Time passes: running vCPUs make progress. */
        for (unsigned int c = 0; c < sim.nr_cpus; c++) {
            struct vcpu *v = sim.cpu[c].curr;
            if (v) {
                v->ran_ns += next - sim.now;
                if (v->burst_ns)
                    v->burst_left -= next - sim.now;
            }
        }
        sim.now = next;
        if (sim.now >= end)
            return;

        /* Events at now, in a fixed order: bursts end, wake-ups, timers. */
        for (unsigned int c = 0; c < sim.nr_cpus; c++) {
            struct vcpu *v = sim.cpu[c].curr;
            if (v && v->burst_ns && !v->burst_left) {
                sched_block(&v->unit, sim.now);
                v->burst_left = v->burst_ns;
                v->wake_at = sim.now + v->sleep_ns;
                sim_pick(c);
            }
        }
        for (unsigned int i = 0; i < sim.nr; i++)
            if (sim.v[i]->wake_at <= sim.now)
                sim_wake(sim.v[i]);
        for (unsigned int c = 0; c < sim.nr_cpus; c++) {
            if (sim.cpu[c].timer && sim.cpu[c].timer <= sim.now) {
                sim.cpu[c].timer = 0;
                sim_pick(c);
            }
        }
    }
}

/* |got - want| <= want * pct / 100 */
#define CHECK_NEAR(got, want, pct) do { \
        double _g = (double)(got), _w = (double)(want); \
        if (_g < _w * (1 - (pct) / 100.0) || _g > _w * (1 + (pct) / 100.0)) \
            test_fail(__FILE__, __LINE__, "%s = %.0f, want %.0f +- %d%%", #got, _g, _w, (pct)); \
    } while (0)

static cpumask_t mask_of(const char *list)
{
    cpumask_t m;

    cpumask_clear(&m);
    for (const char *s = list; *s; ) {
        unsigned int a = (unsigned int)strtoul(s, (char **)&s, 10), b = a;
        if (*s == '-')
            b = (unsigned int)strtoul(s + 1, (char **)&s, 10);
        for (unsigned int c = a; c <= b; c++)
            cpumask_set(c, &m);
        if (*s == ',')
            s++;
    }
    return m;
}

/* ---- cpumask ---- */

static void test_cpumask(void)
{
    cpumask_t a, b, c;
    unsigned int cpu, n = 0;

    cpumask_clear(&a);
    CHECK(cpumask_empty(&a));
    CHECK_EQ(cpumask_first(&a), CPUMASK_BITS);
    cpumask_set(0, &a);
    cpumask_set(63, &a);
    cpumask_set(64, &a);
    cpumask_set(255, &a);
    cpumask_set(256, &a);               /* out of range: ignored */
    CHECK_EQ(cpumask_weight(&a), 4);
    CHECK(cpumask_test(63, &a) && cpumask_test(64, &a) && !cpumask_test(65, &a));
    CHECK(!cpumask_test(256, &a));
    CHECK_EQ(cpumask_first(&a), 0);
    CHECK_EQ(cpumask_next(0, &a), 63);
    CHECK_EQ(cpumask_next(63, &a), 64);
    CHECK_EQ(cpumask_next(64, &a), 255);
    CHECK_EQ(cpumask_next(255, &a), CPUMASK_BITS);
    for_each_cpu(cpu, &a)
        n++;
    CHECK_EQ(n, 4);
    cpumask_clear_cpu(63, &a);
    CHECK(!cpumask_test(63, &a));

    cpumask_fill(&b, 65);
    CHECK_EQ(cpumask_weight(&b), 65);
    CHECK(cpumask_test(64, &b) && !cpumask_test(65, &b));
    cpumask_fill(&c, CPUMASK_BITS);
    CHECK_EQ(cpumask_weight(&c), CPUMASK_BITS);
    cpumask_and(&c, &a, &b);            /* {0, 64} */
    CHECK_EQ(cpumask_weight(&c), 2);
    CHECK(cpumask_subset(&c, &a) && cpumask_subset(&c, &b) && !cpumask_subset(&a, &b));
    CHECK(cpumask_intersects(&a, &b));
    cpumask_andnot(&c, &a, &b);         /* {255} */
    CHECK_EQ(cpumask_first(&c), 255);
    cpumask_or(&c, &c, &b);
    CHECK_EQ(cpumask_weight(&c), 66);
    c = mask_of("1,3-5,200");
    CHECK_EQ(cpumask_weight(&c), 5);
    CHECK(cpumask_equal(&c, &c));
}

/* ---- pools ---- */

static void test_pool_errors(void)
{
    cpumask_t m, none;
    char name[40];

    cpumask_clear(&none);
    CHECK_EQ(sched_init(&none), -EINVAL);
    sim_reset(32);
    CHECK(sched_pool_find("default"));
    CHECK_EQ(sched_pool_kind(sched_pool_find("default")), SCHED_SHARED);
    CHECK(sched_pool_of_cpu(31) == sched_pool_find("default"));
    CHECK(!sched_pool_of_cpu(32));

    m = mask_of("2-3");
    CHECK_EQ(sched_pool_create("rt", &m, SCHED_DEDICATED), 0);
    CHECK(sched_pool_of_cpu(2) == sched_pool_find("rt"));
    CHECK_STR(sched_pool_name(sched_pool_find("rt")), "rt");

    host_log_clear();
    CHECK_EQ(sched_pool_create("rt", &m, SCHED_SHARED), -EEXIST);
    CHECK_LOG("pool 'rt' exists already");
    CHECK_EQ(sched_pool_create("default", &m, SCHED_SHARED), -EEXIST);
    m = mask_of("3-4");
    CHECK_EQ(sched_pool_create("b", &m, SCHED_SHARED), -EBUSY);
    CHECK_LOG("CPU 3 is in pool 'rt' already");
    CHECK(!sched_pool_find("b"));
    m = mask_of("31-32");
    CHECK_EQ(sched_pool_create("b", &m, SCHED_SHARED), -EINVAL);
    CHECK_LOG("CPU 32 is not online");
    CHECK_EQ(sched_pool_create("b", &none, SCHED_SHARED), -EINVAL);
    CHECK_LOG("no CPUs given");
    CHECK_EQ(sched_pool_create("b", NULL, SCHED_SHARED), -EINVAL);
    m = mask_of("5");
    CHECK_EQ(sched_pool_create("", &m, SCHED_SHARED), -EINVAL);
    CHECK_EQ(sched_pool_create(NULL, &m, SCHED_SHARED), -EINVAL);
    CHECK_EQ(sched_pool_create("a b", &m, SCHED_SHARED), -EINVAL);
    CHECK_EQ(sched_pool_create("x/y", &m, SCHED_SHARED), -EINVAL);
    memset(name, 'n', 32);
    name[32] = '\0';
    CHECK_EQ(sched_pool_create(name, &m, SCHED_SHARED), -EINVAL);
    name[31] = '\0';
    CHECK_EQ(sched_pool_create(name, &m, SCHED_SHARED), 0);     /* 31 is fine */
    CHECK_EQ(sched_pool_create("k", &m, (enum sched_kind)7), -EINVAL);

    /* 16 pools in all, default included. */
    int rc = 0;
    unsigned int made = 0;
    for (unsigned int cpu = 6; cpu < 31 && !rc; cpu++) {
        m = mask_of("0");
        cpumask_clear(&m);
        cpumask_set(cpu, &m);
        snprintf(name, sizeof(name), "p%u", cpu);
        rc = sched_pool_create(name, &m, SCHED_SHARED);
        made += !rc;
    }
    CHECK_EQ(rc, -ENOSPC);
    CHECK_EQ(made, SCHED_MAX_POOLS - 3);
    CHECK_LOG("too many pools");

    /* Destroy: not the default pool, not with units; CPUs go back. */
    CHECK_EQ(sched_pool_destroy(sched_pool_find("default")), -EINVAL);
    struct sched_pool *rt = sched_pool_find("rt");
    struct sched_unit u;
    sched_unit_init(&u, 1, 0);
    CHECK_EQ(sched_unit_insert(&u, rt), 0);
    CHECK_EQ(sched_unit_insert(&u, rt), -EINVAL);       /* already in */
    CHECK_EQ(sched_pool_nr_units(rt), 1);
    CHECK_EQ(sched_pool_destroy(rt), -EBUSY);
    CHECK_LOG("still has 1 vCPUs");
    CHECK_EQ(sched_unit_remove(&u, 0), -1);
    CHECK_EQ(sched_pool_destroy(rt), 0);
    CHECK(!sched_pool_find("rt"));
    CHECK(sched_pool_of_cpu(2) == sched_pool_find("default"));
    CHECK_EQ(sched_pool_destroy(rt), -EINVAL);          /* twice */
    m = mask_of("2");
    CHECK_EQ(sched_pool_create("again", &m, SCHED_DEDICATED), 0);

    /* A CPU running a unit, or the last CPU a unit may use, stays. */
    sim_reset(4);
    struct vcpu *v = sim_add("default", 1, 0, 0);
    m = mask_of("3");
    CHECK_EQ(sched_unit_set_affinity(&v->unit, &m, 0), -1);
    host_log_clear();
    CHECK_EQ(sched_pool_create("x", &m, SCHED_SHARED), -EBUSY);
    CHECK_LOG("d1v0 in pool 'default' could then run on no CPU");
    m = mask_of("2-3");
    CHECK_EQ(sched_unit_set_affinity(&v->unit, &m, 0), -1);
    sim_start();
    sim_run_until(MS(1));
    CHECK(v->unit.state == SCHED_RUNNING);
    CHECK_EQ(v->unit.cpu, 2);
    m = mask_of("2");
    CHECK_EQ(sched_pool_create("x", &m, SCHED_SHARED), -EBUSY);
    CHECK_LOG("CPU 2 is running d1v0");
    m = mask_of("3");
    CHECK_EQ(sched_pool_create("x", &m, SCHED_SHARED), 0);     /* CPU 2 is left to it */
    /* Affinity with no CPU of its pool, and inserting such a unit. */
    CHECK_EQ(sched_unit_set_affinity(&v->unit, &m, 0), -EINVAL);
    CHECK_LOG("new affinity has no CPU of pool 'default'");
    struct sched_unit w;
    sched_unit_init(&w, 2, 0);
    CHECK_EQ(sched_unit_set_affinity(&w, &m, 0), -1);
    CHECK_EQ(sched_unit_insert(&w, sched_pool_find("default")), -EINVAL);
    CHECK_LOG("its affinity has no CPU of pool 'default'");
    CHECK(w.state == SCHED_OFFLINE);

    /* Parameters. */
    CHECK_EQ(sched_kind_parse("dedicated"), SCHED_DEDICATED);
    CHECK_EQ(sched_kind_parse("shared"), SCHED_SHARED);
    CHECK_EQ(sched_kind_parse("credit"), -EINVAL);
    CHECK_EQ(sched_kind_parse(NULL), -EINVAL);
    CHECK_STR(sched_kind_name(SCHED_DEDICATED), "dedicated");
    CHECK_EQ(sched_unit_set_params(&v->unit, 0, 0), -EINVAL);
    CHECK_EQ(sched_unit_set_params(&v->unit, 65536, 0), -EINVAL);
    CHECK_EQ(sched_unit_set_params(&v->unit, 256, 101), -EINVAL);
    CHECK_EQ(sched_unit_set_params(&v->unit, 1, 100), 0);
    struct sched_params p;
    sched_pool_get_params(sched_pool_find("default"), &p);
    CHECK_EQ(p.slice_ns, MS(10));
    CHECK_EQ(p.cap_period_ns, MS(100));
    struct sched_params bad = p;
    bad.min_gran_ns = MS(20);
    CHECK_EQ(sched_pool_set_params(sched_pool_find("default"), &bad), -EINVAL);
    bad = p;
    bad.slice_ns = 0;
    CHECK_EQ(sched_pool_set_params(sched_pool_find("default"), &bad), -EINVAL);
    bad = p;
    bad.slice_ns = MS(200);
    CHECK_EQ(sched_pool_set_params(sched_pool_find("default"), &bad), -EINVAL);
    p.slice_ns = MS(5);
    CHECK_EQ(sched_pool_set_params(sched_pool_find("default"), &p), 0);
    sim_free();
}

/* ---- dedicated ---- */

static void test_dedicated(void)
{
    struct vcpu *v[4];
    cpumask_t m;

    sim_reset(6);
    m = mask_of("1-4");
    CHECK_EQ(sched_pool_create("rt", &m, SCHED_DEDICATED), 0);
    /* One pinned to CPU 3 first: it must get CPU 3. */
    struct vcpu *pinned = sim_new(9, 0, 0);
    m = mask_of("3");
    CHECK_EQ(sched_unit_set_affinity(&pinned->unit, &m, 0), -1);
    CHECK_EQ(sched_unit_insert(&pinned->unit, sched_pool_find("rt")), 0);
    sim_track(pinned);
    for (int i = 0; i < 3; i++)
        v[i] = sim_add("rt", 1, i == 0 ? 0 : US(300 * i), US(700));

    /* A fifth vCPU does not fit, and says why. */
    struct vcpu *extra = sim_new(2, 0, 0);
    host_log_clear();
    CHECK_EQ(sched_unit_insert(&extra->unit, sched_pool_find("rt")), -EBUSY);
    CHECK_LOG("pool 'rt' has no free CPU for d2v4: all 4 are taken");
    CHECK(extra->unit.state == SCHED_OFFLINE && !extra->unit.pool);

    /* Its own CPU is kicked on wake-up. */
    int k = sched_wake(&pinned->unit, 0);
    CHECK_EQ(k, 3);
    sim_kick(k);
    sim.dedicated_checks = true;
    sim_start();
    sim_run_until(SEC(2));
    CHECK_EQ(sim.violations, 0);
    CHECK_EQ(pinned->home, 3);
    /* Four distinct CPUs of the pool. */
    cpumask_clear(&m);
    for (unsigned int i = 0; i < sim.nr; i++) {
        CHECK(sim.v[i]->home >= 1 && sim.v[i]->home <= 4);
        cpumask_set((unsigned int)sim.v[i]->home, &m);
    }
    CHECK_EQ(cpumask_weight(&m), 4);
    /* The CPU-bound ones never leave their CPU: it is theirs. */
    CHECK_EQ(v[0]->ran_ns, SEC(2));
    CHECK_EQ(pinned->ran_ns, SEC(2));
    CHECK_EQ(v[0]->unit.nr_runs, 1);
    /* A blocking one runs exactly its demand, waking at once. */
    CHECK_NEAR(v[1]->ran_ns, SEC(2) * 300 / 1000, 1);
    CHECK_EQ(v[1]->max_latency, 0);
    CHECK_EQ(sched_unit_runtime(&v[1]->unit, sim.now), v[1]->ran_ns);
    /* The CPUs outside the pool never ran anything. */
    struct sched_cpu_stats st;
    CHECK_EQ(sched_cpu_stats(0, sim.now, &st), 0);
    CHECK_EQ(st.busy_ns, 0);
    CHECK_EQ(sched_cpu_stats((unsigned int)v[0]->home, sim.now, &st), 0);
    CHECK_EQ(st.busy_ns, SEC(2));
    CHECK_EQ(st.nr_switches, 1);
    CHECK_EQ(sched_cpu_stats((unsigned int)v[1]->home, sim.now, &st), 0);
    CHECK_NEAR(st.idle_ns, SEC(2) * 700 / 1000, 1);

    /* No migration: affinity may not drop its CPU. */
    m = mask_of("1-4");
    cpumask_clear_cpu((unsigned int)v[0]->home, &m);
    host_log_clear();
    CHECK_EQ(sched_unit_set_affinity(&v[0]->unit, &m, sim.now), -EINVAL);
    CHECK_LOG("cannot move");
    /* Yield changes nothing. */
    sched_unit_yield(&v[0]->unit, sim.now);
    sim_pick((unsigned int)v[0]->home);
    CHECK(sim.cpu[v[0]->home].curr == v[0]);

    /* Removing the running one frees its CPU for the next vCPU. */
    int home = v[0]->home;
    CHECK_EQ(sched_unit_remove(&v[0]->unit, sim.now), home);
    sim.cpu[home].curr = NULL;
    sim_kick(home);
    sim_run_until(sim.now + MS(1));
    CHECK(!sim.cpu[home].curr);
    CHECK_EQ(sched_unit_insert(&extra->unit, sched_pool_find("rt")), 0);
    sim_track(extra);
    sim_wake(extra);
    sim_run_until(sim.now + MS(1));
    CHECK(sim.cpu[home].curr == extra);
    CHECK_EQ(sim.violations, 0);
    sim_free();
}

/* ---- shared: fairness ---- */

static void test_shared_equal(void)
{
    sim_reset(2);
    sim.work_conserving = true;
    for (int i = 0; i < 3; i++)
        sim_add("default", 1, 0, 0);
    sim_start();
    sim_run_until(SEC(10));
    CHECK_EQ(sim.violations, 0);
    for (int i = 0; i < 3; i++) {
        CHECK_NEAR(sim.v[i]->ran_ns, SEC(20) / 3, 2);
        CHECK_EQ(sched_unit_runtime(&sim.v[i]->unit, sim.now), sim.v[i]->ran_ns);
        CHECK(sim.v[i]->unit.max_wait_ns <= MS(20));
    }
    /* Slices are 10 ms: about 100 switches a second per CPU, no more. */
    struct sched_cpu_stats st;
    CHECK_EQ(sched_cpu_stats(0, sim.now, &st), 0);
    CHECK_EQ(st.idle_ns, 0);
    CHECK_EQ(st.busy_ns, SEC(10));
    CHECK(st.nr_switches <= 1000 + 1);
    sim_free();
}

static void test_shared_weights(void)
{
    /* 2:1 on one CPU. */
    sim_reset(1);
    sim.work_conserving = true;
    struct vcpu *a = sim_add("default", 1, 0, 0), *b = sim_add("default", 2, 0, 0);
    CHECK_EQ(sched_unit_set_params(&a->unit, 512, 0), 0);
    sim_start();
    sim_run_until(SEC(10));
    CHECK_NEAR(a->ran_ns, SEC(10) * 2 / 3, 2);
    CHECK_NEAR(b->ran_ns, SEC(10) / 3, 2);
    sim_free();

    /* 2:2:1:1 on two CPUs: 2/3, 2/3, 1/3, 1/3 of a CPU. */
    sim_reset(2);
    sim.work_conserving = true;
    for (int i = 0; i < 4; i++) {
        struct vcpu *v = sim_add("default", (uint32_t)i / 2, 0, 0);
        CHECK_EQ(sched_unit_set_params(&v->unit, i < 2 ? 512 : 256, 0), 0);
    }
    sim_start();
    sim_run_until(SEC(10));
    CHECK_EQ(sim.violations, 0);
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(sim.v[i]->ran_ns, i < 2 ? SEC(20) / 3 : SEC(10) / 3, 3);
    sim_free();

    /* A weight change applies from then on. */
    sim_reset(1);
    a = sim_add("default", 1, 0, 0);
    b = sim_add("default", 2, 0, 0);
    sim_start();
    sim_run_until(SEC(5));
    CHECK_NEAR(a->ran_ns, SEC(5) / 2, 2);
    CHECK_EQ(sched_unit_set_params(&b->unit, 768, 0), 0);
    uint64_t a0 = a->ran_ns;
    sim_run_until(SEC(10));
    CHECK_NEAR(a->ran_ns - a0, SEC(5) / 4, 3);
    sim_free();
}

/* ---- shared: caps ---- */

static void test_shared_cap(void)
{
    /* Alone on an idle pool, a 50% cap still holds. */
    sim_reset(2);
    struct vcpu *c = sim_add("default", 1, 0, 0);
    CHECK_EQ(sched_unit_set_params(&c->unit, 256, 50), 0);
    sim_start();
    sim_run_until(SEC(10));
    CHECK_EQ(sim.violations, 0);
    CHECK_NEAR(c->ran_ns, SEC(5), 1);
    /* Never more than its budget in any period: checked via max run. */
    struct sched_cpu_stats s0, s1;
    sched_cpu_stats(0, sim.now, &s0);
    sched_cpu_stats(1, sim.now, &s1);
    CHECK_NEAR(s0.idle_ns + s1.idle_ns, SEC(15), 1);
    sim_free();

    /* Next to an uncapped unit on one CPU: 25% vs the rest. */
    sim_reset(1);
    c = sim_add("default", 1, 0, 0);
    struct vcpu *u = sim_add("default", 2, 0, 0);
    CHECK_EQ(sched_unit_set_params(&c->unit, 256, 25), 0);
    sim_start();
    sim_run_until(SEC(10));
    CHECK_NEAR(c->ran_ns, SEC(10) / 4, 2);
    CHECK_NEAR(u->ran_ns, SEC(10) * 3 / 4, 1);
    /* A cap above its fair share does not bind: 2 units, 1 CPU, cap 80. */
    CHECK_EQ(sched_unit_set_params(&c->unit, 256, 80), 0);
    uint64_t c0 = c->ran_ns;
    sim_run_until(SEC(20));
    CHECK_NEAR(c->ran_ns - c0, SEC(10) / 2, 3);
    /* Dropping the cap does not let the lag it built up hog the CPU. */
    CHECK_EQ(sched_unit_set_params(&c->unit, 256, 0), 0);
    c0 = c->ran_ns;
    uint64_t u0 = u->ran_ns;
    sim_run_until(SEC(20) + MS(200));
    CHECK(u->ran_ns - u0 >= MS(50));
    sim_free();

    /* A capped unit waking into a pool of idle CPUs. */
    sim_reset(2);
    c = sim_add("default", 1, MS(30), MS(10));
    CHECK_EQ(sched_unit_set_params(&c->unit, 256, 20), 0);
    sim_start();
    sim_run_until(SEC(10));
    CHECK_EQ(sim.violations, 0);
    CHECK_NEAR(c->ran_ns, SEC(2), 2);
    sim_free();
}

/* ---- shared: latency of I/O-bound units ---- */

static void test_shared_io_latency(void)
{
    struct sched_params p;

    sim_reset(1);
    sim.work_conserving = true;
    struct vcpu *io = sim_add("default", 1, US(50), US(1000));
    struct vcpu *c1 = sim_add("default", 2, 0, 0), *c2 = sim_add("default", 3, 0, 0);
    sim_start();
    /* Latency counts from the first wake-up after the start (where all
     * three arrive at once). */
    sim_run_until(MS(50));
    io->max_latency = io->sum_latency = io->nr_wakes = 0;
    sim_run_until(SEC(10));
    CHECK_EQ(sim.violations, 0);
    sched_pool_get_params(sched_pool_find("default"), &p);
    /* It gets all it asks for, promptly... */
    CHECK_NEAR(io->ran_ns, SEC(10) * 50 / 1050, 2);
    CHECK(io->max_latency <= p.min_gran_ns);
    CHECK(io->sum_latency / io->nr_wakes <= US(100));
    /* ...and the CPU-bound ones share the rest evenly. */
    CHECK_NEAR(c1->ran_ns, (SEC(10) - io->ran_ns) / 2, 2);
    CHECK_NEAR(c2->ran_ns, (SEC(10) - io->ran_ns) / 2, 2);
    if (getenv("TEST_VERBOSE"))
        printf("    io: %llu wakes, avg latency %llu ns, max %llu ns\n",
               (unsigned long long)io->nr_wakes,
               (unsigned long long)(io->sum_latency / io->nr_wakes),
               (unsigned long long)io->max_latency);
    sim_free();

    /* A long sleeper cannot hoard: after 5 s asleep it gets a head start
     * of about wake_credit, not 5 s. */
    sim_reset(1);
    struct vcpu *s = sim_add("default", 1, MS(1), SEC(5));
    struct vcpu *c = sim_add("default", 2, 0, 0);
    s->burst_ns = s->burst_left = SEC(100);    /* busy once it wakes */
    sim_start();
    sched_block(&s->unit, 0);
    sim.cpu[0].kick = true;
    s->waiting = false;
    s->wake_at = SEC(5);
    sim_run_until(SEC(6));
    uint64_t s_after = s->ran_ns;
    /* In the second after waking: half of it each, plus the credit at most. */
    CHECK(s_after <= MS(500) + p.wake_credit_ns + p.slice_ns);
    CHECK(c->ran_ns >= SEC(5) + MS(500) - p.wake_credit_ns - p.slice_ns);
    sim_free();
}

/* ---- shared: affinity and balancing ---- */

static void test_shared_affinity(void)
{
    cpumask_t m;

    sim_reset(4);
    sim.work_conserving = true;
    struct vcpu *v[6];
    const char *aff[6] = { "0", "0", "1-2", "1-2", "0-3", "3" };
    for (int i = 0; i < 6; i++) {
        v[i] = sim_add("default", (uint32_t)i, 0, 0);
        m = mask_of(aff[i]);
        CHECK_EQ(sched_unit_set_affinity(&v[i]->unit, &m, 0), -1);
    }
    sim_start();
    sim_run_until(SEC(10));
    CHECK_EQ(sim.violations, 0);
    /* 0 and 1 share CPU 0. The other four share CPUs 1-3 evenly (0.75 of
     * a CPU each), though 5 may only use CPU 3: the pool-wide runqueue
     * balances 2, 3 and 4 around it. */
    CHECK_NEAR(v[0]->ran_ns, SEC(5), 3);
    CHECK_NEAR(v[1]->ran_ns, SEC(5), 3);
    for (int i = 2; i < 6; i++)
        CHECK_NEAR(v[i]->ran_ns, SEC(30) / 4, 3);

    /* Moving a running unit off its CPU kicks that CPU. */
    for (int i = 0; i < 1000 && (v[4]->unit.state != SCHED_RUNNING || v[4]->unit.cpu == 1); i++)
        sim_run_until(sim.now + MS(1));
    int cpu = v[4]->unit.cpu;
    CHECK(cpu == 2 || cpu == 3);
    m = mask_of("1");
    CHECK_EQ(sched_unit_set_affinity(&v[4]->unit, &m, sim.now), cpu);
    sim_kick(cpu);
    uint64_t before[6];
    for (int i = 0; i < 6; i++)
        before[i] = v[i]->ran_ns;
    sim_run_until(sim.now + SEC(3));
    CHECK_EQ(sim.violations, 0);
    /* Now 2, 3, 4 share CPUs 1-2 and 5 has CPU 3 to itself. */
    for (int i = 2; i < 5; i++)
        CHECK_NEAR(v[i]->ran_ns - before[i], SEC(2), 3);
    CHECK_NEAR(v[5]->ran_ns - before[5], SEC(3), 1);
    CHECK_NEAR(v[0]->ran_ns - before[0], SEC(3) / 2, 3);
    sim_free();
}

static void test_shared_many(void)
{
    sim_reset(2);
    sim.work_conserving = true;
    for (int i = 0; i < 16; i++)
        sim_add("default", (uint32_t)i, 0, 0);
    sim_start();
    sim_run_until(SEC(10));
    CHECK_EQ(sim.violations, 0);
    uint64_t max_wait = 0;
    for (int i = 0; i < 16; i++) {
        CHECK_NEAR(sim.v[i]->ran_ns, SEC(20) / 16, 3);
        max_wait = MAX(max_wait, sim.v[i]->unit.max_wait_ns);
    }
    /* Everyone else (15) runs a 10 ms slice on one of 2 CPUs: <= 80 ms. */
    CHECK(max_wait <= MS(80));
    if (getenv("TEST_VERBOSE"))
        printf("    16 on 2: max wait %llu us\n", (unsigned long long)(max_wait / 1000));
    sim_free();

    /* Mixed: blockers of assorted rhythms and CPU hogs, 4 CPUs. */
    sim_reset(4);
    sim.work_conserving = true;
    test_srand(42);
    for (int i = 0; i < 24; i++) {
        uint64_t burst = i % 3 ? US(50 + test_rand() % 5000) : 0;
        sim_add("default", (uint32_t)i, burst, US(100 + test_rand() % 20000));
    }
    sim_start();
    sim_run_until(SEC(10));
    CHECK_EQ(sim.violations, 0);
    for (int i = 0; i < 24; i++) {
        CHECK(sim.v[i]->ran_ns > MS(100));
        CHECK(sim.v[i]->unit.max_wait_ns <= MS(200));
    }
    sim_free();
}

/* ---- shared: yield, block/wake races, removal ---- */

static void test_shared_yield_and_races(void)
{
    sim_reset(1);
    struct vcpu *a = sim_add("default", 1, 0, 0), *b = sim_add("default", 2, 0, 0);
    sim_kick(sched_wake(&a->unit, 0));
    sim_run_until(MS(1));
    CHECK(sim.cpu[0].curr == a);
    /* Alone: yield keeps it. */
    sched_unit_yield(&a->unit, sim.now);
    sim_pick(0);
    CHECK(sim.cpu[0].curr == a);
    /* b wakes without preempting at once (a ran little), then a yields. */
    sim_kick(sched_wake(&b->unit, sim.now));
    sim_run_until(sim.now + US(10));
    sched_unit_yield(&a->unit, sim.now);
    sim_pick(0);
    CHECK(sim.cpu[0].curr == b);
    /* Block, then wake before the CPU picks: it just goes on. */
    sched_block(&b->unit, sim.now);
    CHECK_EQ(sched_wake(&b->unit, sim.now), -1);
    CHECK(b->unit.state == SCHED_RUNNING);
    sim_pick(0);
    CHECK(sim.cpu[0].curr == b);
    /* Waking a runnable or running unit does nothing. */
    CHECK_EQ(sched_wake(&a->unit, sim.now), -1);
    CHECK_EQ(sched_wake(&b->unit, sim.now), -1);
    /* Blocking a queued (not running) unit takes it off the queue. */
    sched_block(&a->unit, sim.now);
    CHECK(a->unit.state == SCHED_BLOCKED);
    sched_block(&b->unit, sim.now);
    sim_pick(0);
    CHECK(!sim.cpu[0].curr);
    CHECK_EQ(sim.cpu[0].timer, 0);      /* idle, nothing parked: no timer */
    sim_free();
}

static void test_remove(void)
{
    cpumask_t m;

    sim_reset(3);
    sim.work_conserving = true;
    m = mask_of("2");
    CHECK_EQ(sched_pool_create("other", &m, SCHED_SHARED), 0);
    struct vcpu *v[4];
    for (int i = 0; i < 4; i++)
        v[i] = sim_add("default", (uint32_t)i, 0, 0);
    sim_start();
    sim_run_until(MS(55));
    /* Remove a running one: its CPU must pick next, and never sees it again. */
    struct vcpu *r = NULL;
    for (int i = 0; i < 4 && !r; i++)
        if (v[i]->unit.state == SCHED_RUNNING)
            r = v[i];
    CHECK(r);
    int cpu = r->unit.cpu;
    uint64_t rt = sched_unit_runtime(&r->unit, sim.now);
    CHECK_EQ(sched_unit_remove(&r->unit, sim.now), cpu);
    CHECK(r->unit.state == SCHED_OFFLINE && !r->unit.pool && r->unit.cpu == -1);
    CHECK_EQ(r->unit.runtime_ns, rt);
    CHECK_EQ(r->ran_ns, rt);
    sim.cpu[cpu].curr = NULL;           /* the caller stopped it */
    sim_kick(cpu);
    /* Remove a queued one. */
    struct vcpu *q = NULL;
    for (int i = 0; i < 4 && !q; i++)
        if (v[i]->unit.state == SCHED_RUNNABLE)
            q = v[i];
    CHECK(q);
    CHECK_EQ(sched_unit_remove(&q->unit, sim.now), -1);
    CHECK_EQ(sched_unit_remove(&q->unit, sim.now), -1);       /* twice: no-op */
    CHECK_EQ(sched_pool_nr_units(sched_pool_find("default")), 2);
    uint64_t q_ran = q->ran_ns;
    sim_run_until(SEC(2));
    CHECK_EQ(sim.violations, 0);
    CHECK_EQ(r->ran_ns, rt);
    CHECK_EQ(q->ran_ns, q_ran);
    /* The two left have a CPU each. */
    for (int i = 0; i < 4; i++)
        if (v[i] != r && v[i] != q)
            CHECK(v[i]->unit.state == SCHED_RUNNING);
    /* Remove a blocked one. */
    struct vcpu *b = v[0] != r && v[0] != q ? v[0] : v[1] != r && v[1] != q ? v[1] : v[2];
    int bcpu = b->unit.cpu;
    sched_block(&b->unit, sim.now);
    sim_pick((unsigned int)bcpu);
    CHECK(b->unit.state == SCHED_BLOCKED && b->unit.cpu == -1);
    CHECK_EQ(sched_unit_remove(&b->unit, sim.now), -1);
    /* A removed unit can go into another pool, and runs only there. */
    CHECK_EQ(sched_unit_insert(&r->unit, sched_pool_find("other")), 0);
    sim_wake(r);
    sim_run_until(SEC(3));
    CHECK_EQ(sim.violations, 0);
    CHECK_EQ(r->ran_ns, rt + SEC(1));
    CHECK_EQ(r->unit.cpu, 2);
    sim_free();
}

/* ---- pools are disjoint ---- */

static void test_disjoint_pools(void)
{
    cpumask_t m;

    sim_reset(6);
    sim.work_conserving = true;
    m = mask_of("2-3");
    CHECK_EQ(sched_pool_create("web", &m, SCHED_SHARED), 0);
    m = mask_of("4-5");
    CHECK_EQ(sched_pool_create("rt", &m, SCHED_DEDICATED), 0);
    for (int i = 0; i < 5; i++)
        sim_add("default", 1, i % 2 ? US(700) : 0, US(300));
    for (int i = 0; i < 5; i++)
        sim_add("web", 2, i % 2 ? 0 : US(200), US(900));
    sim_add("rt", 3, 0, 0);
    sim_add("rt", 3, US(100), US(100));
    sim_start();
    sim_run_until(SEC(5));
    CHECK_EQ(sim.violations, 0);        /* sim_pick checks pool membership */
    uint64_t total = 0;
    for (unsigned int i = 0; i < sim.nr; i++) {
        CHECK(sim.v[i]->ran_ns > 0);
        total += sim.v[i]->ran_ns;
    }
    struct sched_cpu_stats st;
    uint64_t busy = 0;
    for (unsigned int c = 0; c < 6; c++) {
        CHECK_EQ(sched_cpu_stats(c, sim.now, &st), 0);
        CHECK_EQ(st.busy_ns + st.idle_ns, SEC(5));
        busy += st.busy_ns;
    }
    CHECK_EQ(busy, total);
    sim_free();
}

/* ---- CPUs leaving and joining pools, units moving between pools ---- */

/* Takes cpu out of its pool as the control domain does: kick it if it
 * must let go of a unit, and let it pick. */
static int sim_cpu_remove(unsigned int cpu)
{
    int rc = sched_pool_cpu_remove(cpu);

    if (rc == 1)
        sim_kick((int)cpu);
    return rc;
}

static void test_pool_cpu_moves(void)
{
    struct sched_pool *ded, *web;
    struct vcpu *a, *b, *pinned;
    cpumask_t m;

    sim_reset(4);
    sim.work_conserving = true;
    for (int i = 0; i < 6; i++)
        sim_add("default", 1, i % 2 ? US(700) : 0, US(300));
    pinned = sim_add("default", 2, US(400), US(400));
    m = mask_of("2");
    sim_kick(sched_unit_set_affinity(&pinned->unit, &m, sim.now));
    sim_start();
    sim_run_until(MS(50));

    /* Busy CPU 3 leaves: free at its next pick, its unit runs elsewhere. */
    CHECK(sim_cpu_remove(3) >= 0);
    sim_run_until(MS(100));
    CHECK(sched_cpu_free(3));
    CHECK(sim.cpu[3].curr == NULL);
    CHECK_EQ(sched_pool_of_cpu(3), NULL);
    CHECK_EQ(sim_cpu_remove(3), -EINVAL);       /* free already */
    CHECK_EQ(sim_cpu_remove(7), -EINVAL);       /* not online */
    CHECK_EQ(sim_cpu_remove(2), -EBUSY);        /* pinned's only CPU */

    /* A dedicated pool, empty, then CPU 3. */
    CHECK_EQ(sched_pool_create_empty("ded", SCHED_DEDICATED), 0);
    CHECK_EQ(sched_pool_create_empty("ded", SCHED_SHARED), -EEXIST);
    CHECK_EQ(sched_pool_create_empty("bad name", SCHED_SHARED), -EINVAL);
    ded = sched_pool_find("ded");
    CHECK_EQ(sched_pool_cpu_add(ded, 3), 0);
    CHECK_EQ(sched_pool_cpu_add(ded, 3), -EBUSY);
    CHECK_EQ(sched_pool_cpu_add(ded, 0), -EBUSY);   /* default's */
    CHECK_EQ(sched_pool_cpu_add(ded, 9), -EINVAL);

    /* Two units for one dedicated CPU: neither moves. */
    a = sim_add("default", 3, 0, 0);
    b = sim_add("default", 3, 0, 0);
    struct sched_unit *both[] = { &a->unit, &b->unit };
    unsigned int before = sched_pool_nr_units(sched_pool_find("default"));
    CHECK_EQ(sched_units_move(both, 2, ded), -EBUSY);
    CHECK(a->unit.pool == sched_pool_find("default") && b->unit.pool == a->unit.pool);
    CHECK_EQ(sched_pool_nr_units(sched_pool_find("default")), before);
    CHECK_EQ(sched_pool_nr_units(ded), 0);
    /* A running unit does not move. */
    CHECK_EQ(sched_units_move((struct sched_unit *[]){ &sim.v[0]->unit }, 1, ded), -EBUSY);
    /* One does, pinned affinity forgotten; it runs on CPU 3 only, no timer. */
    cpumask_clear(&m);
    cpumask_set(1, &m);
    sim_kick(sched_unit_set_affinity(&a->unit, &m, sim.now));
    CHECK_EQ(sched_units_move(both, 1, ded), 0);
    CHECK(a->unit.pool == ded && cpumask_test(3, &a->unit.affinity));
    CHECK_EQ(sched_pool_nr_units(ded), 1);
    CHECK_EQ(sched_units_move(both, 1, ded), 0);    /* there already */
    sim_wake(a);
    sim_wake(b);
    sim_run_until(MS(150));
    CHECK(sim.cpu[3].curr == a && sim.cpu[3].timer == 0);
    CHECK_EQ(sim_cpu_remove(3), -EBUSY);        /* a's */
    CHECK_EQ(sched_pool_destroy(ded), -EBUSY);  /* has a */

    /* Random CPU traffic between default and a shared pool while units run:
     * CPU 0 stays in default; the simulator checks no unit runs on a CPU
     * outside its pool, and none is lost (work conserving). */
    CHECK_EQ(sched_pool_create_empty("web", SCHED_SHARED), 0);
    web = sched_pool_find("web");
    CHECK_EQ(sched_pool_cpu_add(web, 3), -EBUSY);
    CHECK(sim_cpu_remove(1) >= 0);
    sim_run_until(sim.now + US(100));
    CHECK_EQ(sched_pool_cpu_add(web, 1), 0);
    sim_kick(1);
    sim_add("web", 4, US(200), US(100));
    sim_add("web", 4, 0, 0);
    cpumask_fill(&m, SCHED_MAX_CPUS);
    sim_kick(sched_unit_set_affinity(&pinned->unit, &m, sim.now));
    test_srand(11);
    unsigned int busy_leaves = 0;
    for (int round = 0; round < 400; round++) {
        unsigned int cpu = 1 + (unsigned int)(test_rand() % 2);
        struct sched_pool *to = test_rand() % 2 ? web : sched_pool_find("default");
        if (sched_cpu_free(cpu))
            CHECK_EQ(sched_pool_cpu_add(to, cpu), 0);
        else
            busy_leaves += sim_cpu_remove(cpu) == 1;
        sim_kick((int)cpu);
        sim_run_until(sim.now + US(test_rand() % 3000));
    }
    CHECK(busy_leaves > 30);            /* CPUs that let go of a running unit */
    CHECK_EQ(sim.violations, 0);
    for (unsigned int i = 0; i < sim.nr; i++)
        CHECK_EQ(sched_unit_runtime(&sim.v[i]->unit, sim.now), sim.v[i]->ran_ns);
    sim_free();
    CHECK_EQ(sched_pool_destroy(web), 0);
}

/* ---- random stress: every entry point, invariants throughout ---- */

static void test_stress(void)
{
    cpumask_t m;

    sim_reset(4);
    m = mask_of("3");
    CHECK_EQ(sched_pool_create("solo", &m, SCHED_DEDICATED), 0);
    test_srand(7);
    for (int i = 0; i < 12; i++) {
        struct vcpu *v = sim_add("default", (uint32_t)i, (i % 4) ? US(10 + test_rand() % 3000) : 0,
                                 US(10 + test_rand() % 3000));
        CHECK_EQ(sched_unit_set_params(&v->unit, 64 + (uint32_t)(test_rand() % 512),
                                       i % 5 == 0 ? 30 : 0), 0);
    }
    sim_add("solo", 99, US(500), US(500));
    sim_start();
    for (int round = 0; round < 2000; round++) {
        sim_run_until(sim.now + US(test_rand() % 5000));
        struct vcpu *v = sim.v[test_rand() % sim.nr];
        if (v->unit.pool == sched_pool_find("solo"))
            continue;
        switch (test_rand() % 6) {
        case 0:                         /* affinity change */
            cpumask_clear(&m);
            cpumask_set((unsigned int)(test_rand() % 3), &m);
            if (test_rand() % 2)
                cpumask_set((unsigned int)(test_rand() % 3), &m);
            sim_kick(sched_unit_set_affinity(&v->unit, &m, sim.now));
            break;
        case 1: {                       /* remove and re-insert */
            int cpu = sched_unit_remove(&v->unit, sim.now);
            if (cpu >= 0) {
                sim.cpu[cpu].curr = NULL;
                sim_kick(cpu);
            }
            v->waiting = false;
            CHECK_EQ(sched_unit_insert(&v->unit, sched_pool_find("default")), 0);
            sim_wake(v);
            break;
        }
        case 2:
            if (v->unit.state == SCHED_RUNNING)
                sched_unit_yield(&v->unit, sim.now);
            break;
        case 3:
            sched_unit_set_params(&v->unit, 1 + (uint32_t)(test_rand() % 1000),
                                  (uint32_t)(test_rand() % 3) * 40);
            break;
        default:
            break;
        }
    }
    CHECK_EQ(sim.violations, 0);
    for (unsigned int c = 0; c < 4; c++) {
        struct sched_cpu_stats st;
        sched_cpu_stats(c, sim.now, &st);
        CHECK_EQ(st.busy_ns + st.idle_ns, sim.now);
    }
    for (unsigned int i = 0; i < sim.nr; i++)
        CHECK_EQ(sched_unit_runtime(&sim.v[i]->unit, sim.now), sim.v[i]->ran_ns);
    sim_free();
}

int main(void)
{
    RUN(test_cpumask);
    RUN(test_pool_errors);
    RUN(test_dedicated);
    RUN(test_shared_equal);
    RUN(test_shared_weights);
    RUN(test_shared_cap);
    RUN(test_shared_io_latency);
    RUN(test_shared_affinity);
    RUN(test_shared_many);
    RUN(test_shared_yield_and_races);
    RUN(test_remove);
    RUN(test_disjoint_pools);
    RUN(test_pool_cpu_moves);
    RUN(test_stress);
    sched_init(NULL);                   /* frees what the scheduler holds */
    return test_summary();
}
