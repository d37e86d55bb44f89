/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot-time domains and CPU pools as the user describes them: parsed from
 * the Multiboot module command lines and the hypervisor's pool= option,
 * validated, but not yet built. The syntax is in docs/boot-domains.md.
 *
 * Module command lines (one per module, in module order; index i below is
 * the position in the array given):
 *     [path] dom=<name> mem=<size> vcpus=<n> [cpus=<list>] [pool=<name>]
 *            [weight=<n>] [cap=<pct>] [max_evtchn=<port>] [max_grant_frames=<n>]
 *            [max_maptrack=<n>] [p2m_pages=<n>] [-- <guest command line>]
 *     [path] dom0 mem=<size> vcpus=<n> [cpus=<list>] [pool=<name>] [...]
 *            [-- <linux command line>]
 *                            the control domain (docs/dom0.md): at most one,
 *                            named "dom0", built first whatever its position
 *     [path] initrd          the initial ramdisk of the last domain before it
 * A first word without '=' is the module's path (QEMU's -initrd puts it
 * there; GRUB's module2 does not) and is skipped, except that a lone
 * "initrd" is the keyword.
 *
 * Pool option (repeatable): pool=<name>:<cpu list>:<dedicated|shared>.
 * CPUs in no named pool form the shared pool "default".
 */
#ifndef TESSERA_BOOTDOM_SPEC_H
#define TESSERA_BOOTDOM_SPEC_H

#include <tessera/budget.h>
#include <tessera/types.h>

#define BOOTDOM_NAME_MAX        31          /* domain and pool names: [A-Za-z0-9_.-] */
#define BOOTDOM_MAX_DOMAINS     64
#define BOOTDOM_MAX_MODULES     64          /* kernels and initrds */
#define BOOTDOM_MAX_VCPUS       64
#define BOOTDOM_MAX_CPUS        256         /* physical CPU numbers 0..255 */
#define BOOTDOM_CPU_WORDS       (BOOTDOM_MAX_CPUS / 64)
#define BOOTDOM_MEM_MAX         GiB(1024)
#define BOOTDOM_CMDLINE_MAX     1023        /* guest command line, bytes */
#define BOOTDOM_MODLINE_MAX     4096        /* a whole module command line */
#define BOOTDOM_MAX_POOLS       16          /* named pools, besides "default" */
#define BOOTDOM_DEFAULT_POOL    "default"
#define BOOTDOM_DEFAULT_WEIGHT  256         /* as SCHED_DEFAULT_WEIGHT */
#define BOOTDOM_MAX_WEIGHT      65535       /* as SCHED_MAX_WEIGHT */
#define BOOTDOM_MAX_CAP         100         /* percent of one CPU, per vCPU */

struct bootdom_spec {
    char name[BOOTDOM_NAME_MAX + 1];
    uint64_t mem;                           /* bytes, a page multiple */
    unsigned int vcpus;
    bool has_cpus;                          /* cpus= given: pin within the pool */
    uint64_t cpus[BOOTDOM_CPU_WORDS];
    char pool[BOOTDOM_NAME_MAX + 1];        /* "default" when pool= is absent */
    unsigned int weight;                    /* shared pools; 0 when weight= is absent */
    unsigned int cap;                       /* shared pools; 0: no cap */
    uint32_t budget[BUDGET_NR];             /* limits; 0: the default (budget.h) */
    char cmdline[BOOTDOM_CMDLINE_MAX + 1];  /* "" when there is no "--" */
    int kernel_module;
    int initrd_module;                      /* -1: none */
    bool hardware;                          /* the "dom0" module: id 0, owns the machine */
    /* Runtime domains only (common/ctl/create.c; a module line never sets
     * them): TESS_CREATE_CONSOLE_DOM0 and TESS_CREATE_KEEP. */
    bool console_dom0;
    bool keep_ended;
};

struct bootdom_specs {
    unsigned int nr;
    struct bootdom_spec dom[BOOTDOM_MAX_DOMAINS];
};

enum pool_sched {
    POOL_SHARED,                            /* time-sliced */
    POOL_DEDICATED,                         /* one core per vCPU, no ticks */
};

struct pool_spec {
    char name[BOOTDOM_NAME_MAX + 1];
    uint64_t cpus[BOOTDOM_CPU_WORDS];
    enum pool_sched sched;
};

/* All-zero is the valid empty state (a static variable needs no init). */
struct pool_specs {
    unsigned int nr;
    struct pool_spec pool[BOOTDOM_MAX_POOLS + 1];   /* + "default" */
};

/*
 * Parses the module command lines into *out. Returns 0, or at the first
 * error -EINVAL (syntax, duplicate or missing key, misplaced initrd,
 * duplicate domain name, a second dom0), -ERANGE (a number out of bounds) or -ENOSPC (more
 * than BOOTDOM_MAX_DOMAINS), after a LOG_ERR line naming the module number
 * and the offending token.
 */
int bootdom_parse_modules(struct bootdom_specs *out, const char *const *cmdlines,
                          unsigned int nr_modules);

/*
 * One pool= value, "name:cpus:sched", added to *(struct pool_specs *)var;
 * the signature of a BOOT_OPT_REPEAT custom option (tessera/cmdline.h).
 * Checks the syntax, duplicate names and CPUs already in an earlier pool;
 * a bad value is reported (LOG_ERR), not added, and -EINVAL/-ERANGE/-ENOSPC
 * returned.
 */
int pool_spec_option(const char *val, void *var);

/*
 * Once the online CPUs are known: drops (with a LOG_ERR line) every pool
 * naming a CPU that is not online, then adds the shared pool "default" with
 * the online CPUs left over, if any. Returns 0, or -EINVAL if a pool was
 * dropped. online has BOOTDOM_CPU_WORDS words.
 */
int pool_specs_finish(struct pool_specs *ps, const uint64_t *online);

/*
 * Checks the domains against the pools: each pool= exists; cpus= is a
 * subset of the domain's pool; in a dedicated pool the domains' vCPUs
 * together fit its CPUs, and a pinned domain's vCPUs fit its cpus=.
 * Returns 0 or -EINVAL (with a LOG_ERR line naming the domain).
 */
int bootdom_check_placement(const struct bootdom_specs *doms, const struct pool_specs *ps);

/* 1..BOOTDOM_NAME_MAX characters of [A-Za-z0-9_.-]. */
bool bootdom_valid_name(const char *s);

const struct pool_spec *pool_spec_find(const struct pool_specs *ps, const char *name);

#endif
