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
#define TESS_DOMINF_shutdown    (1u << 5)   /* ended, kept until destroyed
                                               (TESS_CREATE_KEEP); with dying */
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

/* pool_create, pool_destroy, pool_cpu_add (name, cpu), pool_cpu_remove
 * (cpu only). */
struct tess_pool_op {
    char name[TESS_NAME_MAX];       /* in: the pool */
    uint32_t dedicated;             /* in, pool_create: 1 dedicated, 0 shared */
    uint32_t cpu;                   /* in, pool_cpu_add/_remove */
};

/* The hypervisor's console history, bytes numbered from its boot on; only
 * the last TESS_CONSOLE_HISTORY bytes are kept. Copies up to size bytes
 * from offset on (from the oldest kept if offset is older). */
#define TESS_CONSOLE_HISTORY    (64u << 10)
struct tess_console_read {
    uint64_t offset;                /* in */
    uint64_t buffer;                /* in: size bytes */
    uint32_t size;                  /* in: at most TESS_CONSOLE_HISTORY */
    uint32_t len;                   /* out: bytes copied */
    uint64_t first;                 /* out: the offset of the first byte copied */
    uint64_t end;                   /* out: the offset after the last byte written so far */
};

struct tess_sysctl {
    uint32_t cmd;                   /* TESS_SYSCTL_* */
    uint32_t interface_version;     /* TESS_CTL_INTERFACE_VERSION */
    union {
        struct tess_physinfo physinfo;
        struct tess_domain_list domain_list;
        struct tess_pool_list pool_list;
        struct tess_pool_op pool_op;
        struct tess_console_read console_read;
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
/* Its PV console ring is the control domain's to serve (console_ring
 * below): a page of its RAM and an unbound port whose remote is domain 0;
 * the hypervisor neither reads nor writes it. Without it, the hypervisor
 * serves the ring as a boot-time domain's (docs/console.md). */
#define TESS_CREATE_CONSOLE_DOM0 (1u << 1)
/* Once it ends, it stays listed (TESS_DOMINF_shutdown, its end_reason),
 * memory held, until TESS_DOMCTL_destroy: the toolstack reads why it
 * ended and decides. Without it, an ended domain is freed at once. */
#define TESS_CREATE_KEEP    (1u << 2)
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

/* One vCPU, as TESS_DOMCTL_vcpu_list gives it. */
#define TESS_VCPU_up        (1u << 0)   /* started (vCPU 0) or brought up */
#define TESS_VCPU_running   (1u << 1)   /* on a CPU now */
#define TESS_VCPU_blocked   (1u << 2)   /* waiting for an event */
struct tess_vcpuinfo {
    uint32_t vcpu;
    uint32_t flags;                 /* TESS_VCPU_* */
    int32_t cpu;                    /* the CPU it is on, or -1 */
    uint32_t pad;
    uint64_t cpu_time_ns;
    uint64_t nr_exits;              /* exits to the hypervisor */
    uint64_t nr_intr_exits;         /* of which for an interrupt (timer ticks, kicks) */
    uint64_t affinity[TESS_CPU_WORDS];  /* hard affinity (vcpu_pin) */
};

struct tess_vcpu_list {
    uint32_t max;                   /* in: entries the buffer holds, at most 64 */
    uint32_t nr;                    /* out */
    uint64_t buffer;                /* in: struct tess_vcpuinfo[max], by vCPU id */
};

/* Hard affinity: the vCPU runs only on these CPUs of its domain's pool. */
struct tess_vcpu_pin {
    uint32_t vcpu;
    uint32_t pad;
    uint64_t cpus[TESS_CPU_WORDS];
};

/* Every vCPU's weight and cap (shared pools; vCPU 0's for sched_get). */
struct tess_sched {
    uint32_t weight;                /* 1..65535; 256 is the default */
    uint32_t cap;                   /* percent of one CPU, 0..100; 0: none */
};

/* TESS_DOMCTL_store_ring (out): the domain's xenstore ring, for the store
 * daemon to map (XENMEM_add_to_physmap_batch, XENMAPSPACE_gmfn_foreign, of
 * gfn) and bind (EVTCHNOP_bind_interdomain to port, which is unbound with
 * the control domain as its remote end). Runtime domains only. */
struct tess_store_ring {
    uint64_t gfn;
    uint32_t port;
    uint32_t pad;
};

/* Where a TESS_CREATE_CONSOLE_DOM0 domain's console ring is. */
struct tess_console_ring {
    uint64_t gfn;                   /* out: the ring page, a frame of its RAM */
    uint32_t port;                  /* out: its port, unbound, remote domain 0 */
    uint32_t pad;
};

struct tess_domctl {
    uint32_t cmd;                   /* TESS_DOMCTL_* */
    uint32_t interface_version;     /* TESS_CTL_INTERFACE_VERSION */
    uint32_t domid;                 /* the domain acted on (getinfo on) */
    uint32_t reason;                /* shutdown: SHUTDOWN_* of sched.h */
    union {
        struct tess_stage_alloc stage_alloc;
        struct tess_stage_write stage_write;
        uint32_t stage_free;        /* the handle */
        struct tess_create create;
        struct tess_dominfo getinfo;    /* out */
        struct tess_vcpu_list vcpu_list;
        struct tess_vcpu_pin vcpu_pin;
        struct tess_sched sched;        /* sched_get (out), sched_set (in) */
        char pool[TESS_NAME_MAX];       /* pool_migrate: the pool it goes to */
        struct tess_store_ring store_ring;  /* out */
        struct tess_console_ring console_ring;   /* out */
        uint8_t pad[1280];
    } u;
};

#endif
