/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains and their vCPUs.
 *
 * Life of a domain: domain_create() (BUILDING) -> domain_start() (RUNNING)
 * -> domain_shutdown() (DYING: every vCPU taken off its CPU) -> reaped once
 * every CPU has passed a quiescent point (DEAD, memory freed, rebuilt if it
 * asked for a reboot).
 */
#ifndef TESSERA_DOMAIN_H
#define TESSERA_DOMAIN_H

#include <asm/domain.h>
#include <asm/spinlock.h>
#include <tessera/budget.h>
#include <tessera/event.h>
#include <tessera/pv_time.h>
#include <tessera/rate_limit.h>
#include <public/xen/vcpu.h>
#include <tessera/sched.h>
#include <tessera/types.h>

#define DOMAIN_MAX_VCPUS    64
#define DOMAIN_NAME_MAX     31
#define DOMAIN_NR_PARAMS    64      /* HVM_PARAM_* slots kept */

enum domain_state { DOM_BUILDING, DOM_RUNNING, DOM_DYING, DOM_DEAD };

/* Why a domain ended; the numbers are the ABI's SHUTDOWN_* (sched.h). */
enum domain_end {
    DOM_END_POWEROFF = 0,
    DOM_END_REBOOT = 1,
    DOM_END_SUSPEND = 2,
    DOM_END_CRASH = 3,
    DOM_END_WATCHDOG = 4,
    DOM_END_SOFT_RESET = 5,
};

struct domain;

struct vcpu {
    struct domain *domain;
    unsigned int id;
    struct sched_unit unit;
    bool initialised;               /* has a register state to run */
    bool state_claimed;             /* someone is giving it its first state
                                       (VCPUOP_initialise or a SIPI); under
                                       the domain's lock, so only one does */
    bool up;                        /* started (vCPU 0) or VCPUOP_up'd */
    bool started;                   /* ran at least once */
    volatile bool blocked;          /* in SCHEDOP_block or HLT */
    volatile int run_cpu;           /* the CPU whose run loop has it, or -1 */
    struct pv_time_vcpu pvtime;     /* time info and timers (pv_time.h) */
    uint64_t nr_hypercalls;
    bool hypercall_compat;          /* the current hypercall came from 32-bit
                                       code (set by the arch's entry) */
    /* Where the hypervisor writes this vCPU's events and time: its slot in
     * shared_info (ids < XEN_LEGACY_MAX_VCPUS), or the guest RAM page it
     * registered (VCPUOP_register_vcpu_info); NULL for neither. */
    struct vcpu_info *vcpu_info;
    bool vcpu_info_registered;
    /* Time in each run state (public/vcpu.h), copied to runstate_gpa (0:
     * none registered) at every change (runstate.c). */
    struct vcpu_runstate_info runstate;
    uint64_t runstate_gpa;
    struct arch_vcpu arch;          /* what only the arch sees (asm/domain.h) */
};

/* The guest's memory map as the ABI hands it out (E820 entries, 20 bytes). */
struct e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __packed;

struct ram_chunk {
    paddr_t pa;
    uint64_t gfn;
    unsigned int order;
};

struct domain {
    uint16_t id;
    char name[DOMAIN_NAME_MAX + 1];
    bool is_hardware;               /* dom0: privileged, owns the machine's devices */
    /* Kept, once ended, in the live list (memory held, state DYING) until
     * domain_destroy(): the toolstack reads its end (TESS_CREATE_KEEP).
     * kept: it has ended so and waits; under lock. */
    bool keep_ended;
    bool kept;
    bool console_dom0;              /* its console ring is dom0's to serve */
    volatile enum domain_state state;
    enum domain_end end_reason;
    /* Held off every CPU by the control domain (common/ctl/domctl.c): a
     * vCPU picked while it is set leaves again without entering the guest,
     * and vcpu_wake() leaves it blocked; once cleared, the vCPUs that are
     * up and not blocked are woken. Set on a BUILDING domain once it is
     * built and waits to be started (TESS_CREATE_PAUSED). */
    volatile bool paused;
    spinlock_t lock;
    struct p2m *p2m;
    uint64_t mem_bytes;
    struct ram_chunk *chunks;
    unsigned int nr_chunks;
    unsigned int nr_vcpus;
    struct vcpu *vcpus[DOMAIN_MAX_VCPUS];
    struct sched_pool *pool;
    cpumask_t affinity;
    uint64_t params[DOMAIN_NR_PARAMS];
    struct shared_info *shared_info;    /* the hypervisor's page, zeroed at creation */
    uint64_t shared_info_gfn;           /* where the guest mapped it, or ~0 */
    struct grant_table *grant_table;    /* tessera/grant_table.h */
    struct e820_entry *e820;        /* XENMEM_memory_map */
    unsigned int nr_e820;
    uint64_t created_ns;
    int boot_index;                 /* which boot-time spec built it, or -1 */
    /* The live list, walked without a lock (domain_by_id): a domain keeps
     * its link when it leaves the list, so a reader standing on it still
     * finds the rest. Never reused for another list. */
    struct domain *next_live;
    struct domain *next_dying;      /* the dying list, under domains_lock */
    uint64_t *quiesce_snapshot;     /* cpu_quiescent_seq when it died */
    struct console_ring *console_ring;  /* console_ring.c; NULL: none */
    spinlock_t console_lock;        /* vCPUs write at once */
    char console_line[128];
    unsigned int console_len;
    struct rate_bucket console_rate;    /* console_io and port 0xe9 */
    bool console_rate_warned;
    struct evtchn_domain evtchn;    /* event channels (tessera/event.h) */
    struct arch_domain arch;        /* what only the arch sees (asm/domain.h) */
    struct domain_budget budget;    /* what it may make us allocate (budget.h) */
};

/* Guest-physical RAM, in pages. */
struct gfn_range {
    uint64_t gfn;
    uint64_t nr;
};

struct domain_config {
    const char *name;
    const struct gfn_range *ram;
    unsigned int nr_ram;
    unsigned int nr_vcpus;
    struct sched_pool *pool;
    const cpumask_t *cpus;          /* NULL: every CPU of the pool */
    unsigned int weight;            /* each vCPU's, in a shared pool; 0: default */
    unsigned int cap;               /* each vCPU's, percent of a CPU; 0: none */
    int boot_index;
    bool hardware;                  /* the control domain: id 0, privileged */
    bool keep_ended;                /* once ended, kept until domain_destroy() */
    /* RAM blocks the caller already took from the page allocator, mapped
     * at their gfn (dom0: gfn == machine frame); the domain owns them from
     * the call on, whether it succeeds or not. */
    const struct ram_chunk *blocks;
    unsigned int nr_blocks;
    const uint32_t *budget;         /* [BUDGET_NR] limits, 0: default; NULL: all */
};

/* Allocates the domain, its RAM (ram: fresh frames at those gfns; blocks:
 * the caller's) and vCPUs. */
int domain_create(const struct domain_config *cfg, struct domain **out);
/* Puts vCPU 0 (already given its initial state) on the scheduler. */
int domain_start(struct domain *d);
/* Ends the domain for reason; idempotent (the first reason wins). */
void domain_shutdown(struct domain *d, enum domain_end reason);
/* Ends d (as a poweroff) if it has not ended, and lets its memory go,
 * also for a domain kept after its end (keep_ended). */
void domain_destroy(struct domain *d);
/* domain_shutdown(CRASH) with a reason on the console. */
void domain_crash(struct domain *d, const char *fmt, ...) __printf(2, 3);
/* The live domain with that id, or NULL. Without a lock: the result stays
 * valid (its memory is not freed, though it may start dying) until this
 * CPU next passes a quiescent point, the top of its run loop, which is
 * after the current hypercall or exit has been handled: use it within
 * that, never keep it beyond (Xen holds an RCU read lock for the same). */
struct domain *domain_by_id(uint16_t id);
const char *domain_end_name(enum domain_end reason);
/* The live domain with the smallest id >= from, or NULL; under the rules
 * of domain_by_id(). */
struct domain *domain_next(uint32_t from);
/* The live domains in list order (not by id), under the same rules:
 * for (d = domain_first_live(); d; d = domain_next_live(d)). */
struct domain *domain_first_live(void);
struct domain *domain_next_live(const struct domain *d);

/* After a change to d->p2m that needs a TLB flush (p2m.h): returns once no
 * CPU can use a translation from before it, and frees the tables it
 * unlinked. From a vCPU of d or with d not running. */
void domain_p2m_flush(struct domain *d);

/* Copies between the hypervisor and guest-physical memory (RAM only). */
int copy_to_gpa(struct domain *d, uint64_t gpa, const void *src, size_t len);
int copy_from_gpa(struct domain *d, void *dst, uint64_t gpa, size_t len);
int zero_gpa(struct domain *d, uint64_t gpa, size_t len);

/* Per-CPU entry points of the run loop (arch/x86/hvm/run.c). */
void vcpu_wake(struct vcpu *v);
void vcpu_block(struct vcpu *v);
void vcpu_block_poll(struct vcpu *v);  /* SCHEDOP_poll: only for what it can take now */
void vcpu_down(struct vcpu *v);     /* HLT with interrupts off */
/* Run states (runstate.c): a change of v's state, and
 * VCPUOP_register_runstate_memory_area for t. */
void runstate_set(struct vcpu *v, int state);
long runstate_register(struct vcpu *v, struct vcpu *t, uint64_t arg);
void vcpu_yield(struct vcpu *v);
void cpu_resched(int cpu);          /* cpu < 0: nothing */
__noreturn void cpu_run_loop(void);

/* A domain's console output, one line at a time (common/console/
 * console_io.c): from its console ring, and, rate-limited, from console_io
 * and port 0xe9; guest_console_end() reports what the limit dropped. */
void guest_console_putc(struct domain *d, char c);
void guest_console_write(struct domain *d, const char *s, size_t n);
void guest_console_end(struct domain *d);

/* Called once a boot-time domain (boot_index >= 0) has been freed. */
extern void (*domain_end_hook)(int boot_index, enum domain_end reason);

/* Called at every quiescent point of a CPU's run loop: frees domains no
 * CPU can be running any more (domain.c). */
void domain_reap(void);
extern volatile uint64_t cpu_quiescent_seq[];

#endif
