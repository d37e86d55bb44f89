/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scheduler: which vCPU each physical CPU runs, and until when. Pure
 * decision logic; it never runs anything itself.
 *
 * Physical CPUs are grouped into pools, each with one scheduler:
 *   SCHED_DEDICATED  one unit per CPU, for good: no slices, no timer, no
 *                    migration; the CPU idles (halts) while its unit blocks.
 *   SCHED_SHARED     weighted fair time-sharing with caps (sched_shared.c).
 * The pool "default" (shared) holds every CPU that no named pool holds.
 *
 * A unit (one per vCPU) is embedded in the caller's vCPU structure; it goes
 * OFFLINE -> (sched_unit_insert) BLOCKED -> (sched_wake) RUNNABLE ->
 * (picked) RUNNING -> RUNNABLE / BLOCKED ... -> (sched_unit_remove) OFFLINE.
 *
 * The caller's contract, per CPU:
 *  - call sched_pick(cpu, now) when the current unit blocked or yielded
 *    (after sched_block/sched_unit_yield), when the decision's timer expires, and
 *    on a kick (the IPI sent because sched_wake/_remove/_set_* returned cpu);
 *  - run decision.unit until decision.timer_ns (absolute, time_now_ns()
 *    terms; 0 = arm no timer), or halt when decision.unit is NULL (idle);
 *  - a unit stays "running" on its CPU until that CPU's next sched_pick, even
 *    after sched_block: the CPU that ran it must pick next.
 * Every entry point takes the pool's lock (irqsave); none allocates except
 * sched_pool_create and sched_unit_insert. "now" must not go backwards.
 */
#ifndef TESSERA_SCHED_H
#define TESSERA_SCHED_H

#include <tessera/cpumask.h>
#include <tessera/types.h>

#define SCHED_MAX_CPUS          CPUMASK_BITS
#define SCHED_MAX_POOLS         16
#define SCHED_POOL_NAME_MAX     31      /* characters, without the NUL */
#define SCHED_DEFAULT_POOL      "default"

#define SCHED_DEFAULT_WEIGHT    256
#define SCHED_MIN_WEIGHT        1
#define SCHED_MAX_WEIGHT        65535
#define SCHED_MAX_CAP           100     /* percent of one CPU; 0 = no cap */

enum sched_kind { SCHED_DEDICATED, SCHED_SHARED };

enum sched_state {
    SCHED_OFFLINE,      /* in no pool */
    SCHED_BLOCKED,      /* waiting for an event (or not started yet) */
    SCHED_RUNNABLE,     /* wants a CPU */
    SCHED_RUNNING,      /* some CPU's current unit */
};

struct sched_pool;

struct sched_unit {
    /* Identity and policy: set by the caller (sched_unit_init, then
     * sched_unit_set_params / sched_unit_set_affinity once inserted). */
    uint32_t domid;
    uint32_t vcpu_id;
    uint32_t weight;            /* per domain; SCHED_DEFAULT_WEIGHT */
    uint32_t cap;               /* percent of one CPU, 0 = none (shared only) */
    cpumask_t affinity;         /* CPUs it may run on */

    /* Owned by the scheduler (read-only for others, under the pool lock). */
    enum sched_state state;
    struct sched_pool *pool;
    int cpu;                    /* CPU it is current on, or -1 */
    int last_cpu;               /* CPU it last ran on, or -1 */
    struct sched_unit *pool_next;   /* the pool's list of all its units */

    /* Accounting, for `tess list` (ns; up to the last sched_pick/block/wake). */
    uint64_t runtime_ns;        /* time running */
    uint64_t wait_ns;           /* time runnable but not running */
    uint64_t max_wait_ns;       /* longest runnable-but-not-running stretch */
    uint64_t nr_runs;           /* times it was given a CPU */
    uint64_t since_ns;          /* when it entered its current state */

    void *priv;                 /* the pool's scheduler's per-unit data */
};

struct sched_decision {
    struct sched_unit *unit;    /* NULL: idle, halt */
    uint64_t timer_ns;          /* call sched_pick again then; 0 = no timer */
    int kick;                   /* sched_pick: a CPU to kick (the unit a CPU
                                   leaving its pool let go of), or -1 */
};

/* Per pool, settable for shared pools (dedicated ignores them). */
struct sched_params {
    uint64_t slice_ns;          /* longest run before others are considered */
    uint64_t min_gran_ns;       /* shortest run before a wake-up preempts it */
    uint64_t cap_period_ns;     /* caps are enforced per period of this length */
    uint64_t wake_credit_ns;    /* how far before the pool's least-served unit
                                   a waking unit may be placed (vruntime) */
};

struct sched_cpu_stats {
    uint64_t nr_switches;       /* decisions that changed the current unit
                                   (idle counts as a unit) */
    uint64_t nr_picks;
    uint64_t idle_ns;
    uint64_t busy_ns;
};

/* ---- pools ---- */

/* (Re)starts the scheduler: forgets every pool and unit (units still
 * inserted are dropped, OFFLINE) and puts the CPUs of online into the
 * default pool. Returns 0 or -EINVAL (no CPU) / -ENOMEM. */
int sched_init(const cpumask_t *online);

/* Moves cpus out of the default pool into a new pool. cpus must be online,
 * in the default pool, idle, and not the only CPUs some default-pool unit
 * may run on. Returns 0, or -EINVAL (bad name, no CPUs, CPU not online),
 * -EEXIST (name taken), -EBUSY (a CPU is in another pool, running, or the
 * last allowed CPU of a unit), -ENOSPC (too many pools), -ENOMEM. Every
 * failure is explained with LOG_ERR. */
int sched_pool_create(const char *name, const cpumask_t *cpus, enum sched_kind kind);
/* A named pool with no CPU, for sched_pool_cpu_add: 0 or as
 * sched_pool_create. */
int sched_pool_create_empty(const char *name, enum sched_kind kind);
/* Takes cpu out of its pool: it is free (in no pool) from then on. Refused
 * with -EINVAL (offline or free already), -EBUSY (leaving already, the
 * dedicated unit's CPU, or the last CPU some unit of the pool may run on).
 * Returns 1 if a unit is current there: the CPU lets go of it (queued
 * again, for another CPU of the pool, which sched_pick's kick names) at
 * its next sched_pick, which the caller asks for with a kick; 0 if the CPU
 * is free already. */
int sched_pool_cpu_remove(unsigned int cpu);
/* A free CPU into pool (the caller kicks it, so it picks from there): 0,
 * -EINVAL (offline), -EBUSY (in a pool, or still leaving one). */
int sched_pool_cpu_add(struct sched_pool *pool, unsigned int cpu);
/* Is cpu free (online, in no pool, not leaving one)? */
bool sched_cpu_free(unsigned int cpu);
/* An empty named pool's CPUs go back to the default pool: 0, -EBUSY (has
 * units, or a CPU still leaving it), -EINVAL (the default pool). */
int sched_pool_destroy(struct sched_pool *pool);
struct sched_pool *sched_pool_find(const char *name);
/* The pool in slot index (0: "default"; up to SCHED_MAX_POOLS), or NULL
 * for a free slot: the pool's id for the control interface. */
struct sched_pool *sched_pool_at(unsigned int index);
struct sched_pool *sched_pool_of_cpu(unsigned int cpu);    /* NULL if offline */
const char *sched_pool_name(const struct sched_pool *pool);
enum sched_kind sched_pool_kind(const struct sched_pool *pool);
void sched_pool_cpus(const struct sched_pool *pool, cpumask_t *out);
unsigned int sched_pool_nr_units(const struct sched_pool *pool);
void sched_pool_get_params(const struct sched_pool *pool, struct sched_params *out);
/* 0, or -EINVAL (a zero length, min_gran > slice, slice > period). */
int sched_pool_set_params(struct sched_pool *pool, const struct sched_params *p);
/* "dedicated" / "shared" -> kind, or -EINVAL. */
int sched_kind_parse(const char *s);
const char *sched_kind_name(enum sched_kind kind);

/* ---- units ---- */

/* Zeroes u: default weight, no cap, every CPU allowed, OFFLINE. */
void sched_unit_init(struct sched_unit *u, uint32_t domid, uint32_t vcpu_id);
/* Adds an OFFLINE unit to pool as BLOCKED. Dedicated: binds it to a free
 * CPU of the pool within its affinity, or fails with -EBUSY (LOG_ERR says
 * why). Both: -EINVAL if its affinity has no CPU of the pool, or u is not
 * OFFLINE; -ENOMEM. */
int sched_unit_insert(struct sched_unit *u, struct sched_pool *pool);
/* Takes u out of its pool (OFFLINE), whatever its state. If it was running,
 * returns its CPU, which must call sched_pick before running anything (the
 * caller makes sure the vCPU is not in guest mode any more); else -1. */
int sched_unit_remove(struct sched_unit *u, uint64_t now_ns);
/* Moves the n units of one pool into pool to, all or none: each must be
 * BLOCKED and no CPU's current unit (the caller paused their domain).
 * Their affinity becomes every CPU; weight and cap stay. Returns 0 (also
 * when they are in to already), -EBUSY (a unit runs, or a dedicated pool
 * has too few free CPUs: LOG_ERR), -EINVAL (not all in one pool, or
 * more than SCHED_MOVE_MAX), -ENOMEM. */
#define SCHED_MOVE_MAX  64      /* units per sched_units_move */
int sched_units_move(struct sched_unit *const *units, unsigned int n, struct sched_pool *to);
/* weight SCHED_MIN..MAX_WEIGHT, cap 0..SCHED_MAX_CAP: 0 or -EINVAL. */
int sched_unit_set_params(struct sched_unit *u, uint32_t weight, uint32_t cap);
/* Returns a CPU to kick (>= 0: u runs where it may no longer), -1, or
 * -EINVAL (no CPU of the pool in mask; for a dedicated unit, its CPU is
 * not in mask: dedicated units never migrate). */
int sched_unit_set_affinity(struct sched_unit *u, const cpumask_t *mask, uint64_t now_ns);

/* ---- events ---- */

/* u becomes runnable (no-op unless BLOCKED). Returns the CPU to kick so it
 * runs promptly (an idle CPU it may use, or one to preempt), or -1. */
int sched_wake(struct sched_unit *u, uint64_t now_ns);
/* u waits for an event. If it is running, its CPU must sched_pick next. */
void sched_block(struct sched_unit *u, uint64_t now_ns);
/* u (running) offers its CPU: the next sched_pick there prefers another
 * runnable unit, if any. */
void sched_unit_yield(struct sched_unit *u, uint64_t now_ns);
/* What cpu runs now, and until when. */
struct sched_decision sched_pick(unsigned int cpu, uint64_t now_ns);

/* ---- accounting ---- */

/* Counters up to now_ns. -EINVAL if cpu is in no pool. */
int sched_cpu_stats(unsigned int cpu, uint64_t now_ns, struct sched_cpu_stats *out);
/* The CPU u is current on (it stays so after sched_block until that CPU
 * picks again), or -1. */
int sched_unit_cpu(const struct sched_unit *u);
/* u's hard affinity, read under its pool's lock. */
void sched_unit_affinity(const struct sched_unit *u, cpumask_t *out);
/* u's runtime including the current run, up to now_ns. */
uint64_t sched_unit_runtime(const struct sched_unit *u, uint64_t now_ns);

#endif
