/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * Tessera's control interface: the domain-control and system-control
 * operations of the toolstack (docs/control.md). Not part of the Xen guest
 * ABI and not Xen's domctl/sysctl layouts, though it uses their hypercall
 * numbers: every call starts with interface_version, and a caller built
 * for another version (Xen's own tools included) gets -EACCES.
 *
 * Only the control domain may call them; any other domain gets -EPERM.
 * Addresses are the caller's guest-linear addresses, as for every
 * hypercall; from Linux, through /dev/xen/privcmd's IOCTL_PRIVCMD_HYPERCALL.
 *
 * Shared by the hypervisor (GPL-2.0-only) and libtess (LGPL-2.1): plain C,
 * fixed-width fields, no padding the compiler would choose.
 */
#ifndef PUBLIC_TESSERA_CTL_H
#define PUBLIC_TESSERA_CTL_H

#include <stdint.h>

#define TESS_CTL_INTERFACE_VERSION  0x54450001u     /* "TE", 1 */

#define __HYPERVISOR_tess_sysctl    35              /* Xen's sysctl number */
#define __HYPERVISOR_tess_domctl    36              /* Xen's domctl number */

#define TESS_NAME_MAX       32      /* domain and pool names, NUL included */
#define TESS_CMDLINE_MAX    1024    /* guest command line, NUL included */
#define TESS_CPU_WORDS      4       /* physical CPUs 0..255, one bit each */

/* ---- system control (__HYPERVISOR_tess_sysctl) ---- */

#define TESS_SYSCTL_physinfo        1
#define TESS_SYSCTL_domain_list     2
#define TESS_SYSCTL_pool_list       3
/* Reserved for the next layer (docs/control.md says which exist): */
#define TESS_SYSCTL_pool_create     4   /* a new, empty pool */
#define TESS_SYSCTL_pool_destroy    5   /* an empty pool other than default */
#define TESS_SYSCTL_pool_cpu_add    6   /* a CPU of no pool into a pool */
#define TESS_SYSCTL_pool_cpu_remove 7   /* a CPU out of its pool, into none */
#define TESS_SYSCTL_console_read    8   /* the hypervisor's console history (dmesg) */

struct tess_physinfo {
    uint32_t nr_cpus;               /* CPUs online */
    uint32_t max_cpu_id;
    uint64_t total_pages;           /* 4 KiB pages of RAM the hypervisor manages */
    uint64_t free_pages;
    uint64_t cpu_khz;               /* TSC frequency */
    uint64_t online_cpus[TESS_CPU_WORDS];
    uint64_t evtchn_ports;          /* event channel ports bound, all domains together */
};

/* One domain, as TESS_SYSCTL_domain_list and TESS_DOMCTL_getinfo give it. */
#define TESS_DOMINF_running     (1u << 0)   /* started and not ended */
#define TESS_DOMINF_paused      (1u << 1)   /* by TESS_DOMCTL_pause */
#define TESS_DOMINF_dying       (1u << 2)   /* ended, memory still held */
#define TESS_DOMINF_hardware    (1u << 3)   /* the control domain */
#define TESS_DOMINF_boot        (1u << 4)   /* built at boot from a module */
struct tess_dominfo {
    uint32_t domid;
    uint32_t flags;                 /* TESS_DOMINF_* */
    uint32_t end_reason;            /* SHUTDOWN_* of sched.h, when dying */
    uint32_t nr_vcpus;
    uint64_t mem_pages;             /* RAM it was given */
    uint64_t cpu_time_ns;           /* all its vCPUs together */
    char name[TESS_NAME_MAX];
    char pool[TESS_NAME_MAX];
};

/* Fills up to max entries at buffer, ordered by domid from first_domid on;
 * sets nr to how many it wrote. */
struct tess_domain_list {
    uint32_t first_domid;           /* in */
    uint32_t max;                   /* in: entries the buffer holds, at most 1024 */
    uint64_t buffer;                /* in: struct tess_dominfo[max] */
    uint32_t nr;                    /* out */
    uint32_t pad;
};

struct tess_poolinfo {
    uint32_t pool_id;
    uint32_t dedicated;             /* 1: a core per vCPU, no ticks */
    uint32_t nr_domains;
    uint32_t pad;
    uint64_t cpus[TESS_CPU_WORDS];
    char name[TESS_NAME_MAX];
};

struct tess_pool_list {
    uint32_t max;                   /* in: entries the buffer holds, at most 64 */
    uint32_t nr;                    /* out */
    uint64_t buffer;                /* in: struct tess_poolinfo[max] */
};

struct tess_sysctl {
    uint32_t cmd;                   /* TESS_SYSCTL_* */
    uint32_t interface_version;     /* TESS_CTL_INTERFACE_VERSION */
    union {
        struct tess_physinfo physinfo;
        struct tess_domain_list domain_list;
        struct tess_pool_list pool_list;
        uint8_t pad[256];
    } u;
};

/* ---- domain control (__HYPERVISOR_tess_domctl) ---- */

/*
 * Creating a domain takes three steps, so that no call copies more than a
 * bounded amount or holds a CPU for long:
 *   stage_alloc  reserves room for a kernel (and an initrd) in the
 *                hypervisor, counted against a system-wide limit;
 *   stage_write  copies up to TESS_STAGE_CHUNK bytes into it, at an offset;
 *   create       builds the domain from the staged images with the PVH
 *                builder boot-time domains use, and frees the stage.
 * A stage not used within the control domain's life is freed with it;
 * stage_free drops one early.
 */
#define TESS_DOMCTL_stage_alloc     1
#define TESS_DOMCTL_stage_write     2
#define TESS_DOMCTL_stage_free      3
#define TESS_DOMCTL_create          4
#define TESS_DOMCTL_getinfo         5
#define TESS_DOMCTL_pause           6
#define TESS_DOMCTL_unpause         7
#define TESS_DOMCTL_shutdown        8
#define TESS_DOMCTL_destroy         9
/* Reserved for the next layer (docs/control.md says which exist): */
#define TESS_DOMCTL_vcpu_list       10  /* per vCPU: CPU, state, time, affinity */
#define TESS_DOMCTL_vcpu_pin        11  /* one vCPU's hard affinity */
#define TESS_DOMCTL_sched_get       12  /* weight and cap */
#define TESS_DOMCTL_sched_set       13
#define TESS_DOMCTL_pool_migrate    14  /* the domain into another pool */
#define TESS_DOMCTL_store_ring      15  /* its xenstore ring page and port */
#define TESS_DOMCTL_console_ring    16  /* its PV console ring page and port */

#define TESS_STAGE_CHUNK    (1u << 20)

struct tess_stage_alloc {
    uint64_t kernel_size;           /* in: bytes, > 0 */
    uint64_t initrd_size;           /* in: bytes, 0: none */
    uint32_t stage;                 /* out: handle */
    uint32_t pad;
};

#define TESS_STAGE_KERNEL   0
#define TESS_STAGE_INITRD   1
struct tess_stage_write {
    uint32_t stage;
    uint32_t which;                 /* TESS_STAGE_KERNEL or _INITRD */
    uint64_t offset;                /* within that image */
    uint64_t len;                   /* at most TESS_STAGE_CHUNK */
    uint64_t buffer;                /* the caller's bytes */
};

#define TESS_CREATE_PAUSED  (1u << 0)   /* built but not started: unpause starts it */
struct tess_create {
    uint32_t stage;                 /* in: fully written */
    uint32_t flags;                 /* in: TESS_CREATE_* */
    uint64_t mem_bytes;             /* in: a multiple of 2 MiB */
    uint32_t nr_vcpus;              /* in */
    uint32_t weight;                /* in: shared pools; 0: default */
    uint32_t cap;                   /* in: percent of a CPU; 0: none */
    uint32_t has_cpus;              /* in: 1: run only on cpus[] (within the pool) */
    uint64_t cpus[TESS_CPU_WORDS];  /* in */
    char name[TESS_NAME_MAX];       /* in: [A-Za-z0-9_.-], unique */
    char pool[TESS_NAME_MAX];       /* in: "" is "default" */
    char cmdline[TESS_CMDLINE_MAX]; /* in */
    uint32_t domid;                 /* out */
    uint32_t pad;
};

struct tess_domctl {
    uint32_t cmd;                   /* TESS_DOMCTL_* */
    uint32_t interface_version;     /* TESS_CTL_INTERFACE_VERSION */
    uint32_t domid;                 /* the domain acted on (getinfo .. destroy) */
    uint32_t reason;                /* shutdown: SHUTDOWN_* of sched.h */
    union {
        struct tess_stage_alloc stage_alloc;
        struct tess_stage_write stage_write;
        uint32_t stage_free;        /* the handle */
        struct tess_create create;
        struct tess_dominfo getinfo;    /* out */
        uint8_t pad[1280];
    } u;
};

#endif
