/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libtess: Tessera's control calls (public/tessera/ctl.h) from the control
 * domain, through Linux's /dev/xen/privcmd. Flat functions over scalars and
 * strings, so that bindings (tools/python/tessera/libtess.py) need no
 * structure layout: lists are filled into buffers of libtess_record_size()
 * bytes per entry and read back with the libtess_record_* accessors.
 *
 * Every function returns 0 (or a count) or a negative errno; after a
 * failure, libtess_error() says what failed in one line. A handle is used
 * by one thread at a time.
 */
#ifndef LIBTESS_H
#define LIBTESS_H

#include <stddef.h>
#include <stdint.h>

struct libtess;

/* Opens /dev/xen/privcmd: -ENOENT without it (not under Xen's ABI), -EPERM
 * when /proc/xen/capabilities says this is not the control domain. *out is
 * set even on failure, so that libtess_error() can say why; close it. */
int libtess_open(struct libtess **out);
void libtess_close(struct libtess *h);
const char *libtess_error(const struct libtess *h);

/* Flags of libtess_create: the ones of TESS_DOMCTL_create (ctl.h). */
#define LIBTESS_CREATE_PAUSED       1u  /* built, not started: unpause starts it */
#define LIBTESS_CREATE_CONSOLE_DOM0 2u  /* its console ring is ours to serve */
#define LIBTESS_CREATE_KEEP         4u  /* once ended, listed until destroyed */

/* Record kinds: "physinfo", "dominfo", "poolinfo", "vcpuinfo". */
size_t libtess_record_size(const char *kind);
/* Entry i of an array of KIND records at base: a number field into *val
 * (a dominfo's flags also as 0/1 fields "running", "paused", "dying",
 * "hardware", "boot", "shutdown"; a vcpuinfo's as "up", "on_cpu", "blocked"; a
 * vcpuinfo's cpu, -1 when it is on none, as (uint64_t)-1), a name field into buf (NUL-terminated, cut to
 * len), a CPU set into buf as a list ("0-3,6"; -ENOSPC if it does not
 * fit). -ENOENT for a field KIND does not have. */
int libtess_record_u64(const void *base, const char *kind, unsigned int i, const char *field,
                       uint64_t *val);
int libtess_record_str(const void *base, const char *kind, unsigned int i, const char *field,
                       char *buf, size_t len);
int libtess_record_cpus(const void *base, const char *kind, unsigned int i, const char *field,
                        char *buf, size_t len);

/* System: one physinfo record; every domain / pool into max records
 * (returns how many there are, which may be more than max). */
int libtess_physinfo(struct libtess *h, void *out);
int libtess_domain_list(struct libtess *h, void *out, unsigned int max);
int libtess_pool_list(struct libtess *h, void *out, unsigned int max);

/* Called after each chunk staged: bytes done of total (kernel + initrd).
 * Returning nonzero stops the create, which then fails with -EINTR. */
typedef int libtess_progress_fn(uint64_t done, uint64_t total, void *arg);

/* Stages kernel (and initrd, unless NULL) in TESS_STAGE_CHUNK pieces and
 * builds the domain; returns its id, or a negative errno with nothing left
 * behind in the hypervisor. cpus: an xl cpu list ("all", "0-3,^2") or NULL
 * for the pool's CPUs; pool NULL or "": "default"; flags LIBTESS_CREATE_*;
 * progress may be NULL. */
int libtess_create(struct libtess *h, const char *kernel, const char *initrd,
                   const char *cmdline, const char *name, const char *pool, const char *cpus,
                   uint64_t mem_bytes, unsigned int vcpus, unsigned int flags,
                   libtess_progress_fn *progress, void *arg);

/* One domain: getinfo fills one dominfo record; -ESRCH when it is gone. */
int libtess_getinfo(struct libtess *h, uint32_t domid, void *out);
int libtess_pause(struct libtess *h, uint32_t domid);
int libtess_unpause(struct libtess *h, uint32_t domid);
/* Asks the domain to power off (SHUTDOWN_poweroff), as its own call would. */
int libtess_shutdown(struct libtess *h, uint32_t domid);
int libtess_destroy(struct libtess *h, uint32_t domid);
/* A runtime domain's xenstore ring: the gfn of its page and its unbound
 * port (remote: the control domain), for XS_INTRODUCE. -ENOENT if the
 * domain has none (boot-time domains). */
int libtess_store_ring(struct libtess *h, uint32_t domid, uint64_t *gfn, uint32_t *port);

/* Pools: a new empty one (dedicated: a CPU per vCPU, no ticks; else
 * shared), an empty one destroyed, a free CPU into one, a CPU out of its
 * pool (free from then on), a domain with all its vCPUs into another. */
int libtess_pool_create(struct libtess *h, const char *name, int dedicated);
int libtess_pool_destroy(struct libtess *h, const char *name);
int libtess_pool_cpu_add(struct libtess *h, const char *name, unsigned int cpu);
int libtess_pool_cpu_remove(struct libtess *h, unsigned int cpu);
int libtess_pool_migrate(struct libtess *h, uint32_t domid, const char *pool);

/* A domain's vCPUs into max vcpuinfo records (returns how many it has);
 * one vCPU's hard affinity (cpus: an xl cpu list, within its pool); every
 * vCPU's weight (1-65535) and cap (percent, 0: none), vCPU 0's read. */
int libtess_vcpu_list(struct libtess *h, uint32_t domid, void *out, unsigned int max);
int libtess_vcpu_pin(struct libtess *h, uint32_t domid, unsigned int vcpu, const char *cpus);
int libtess_sched_get(struct libtess *h, uint32_t domid, uint32_t *weight, uint32_t *cap);
int libtess_sched_set(struct libtess *h, uint32_t domid, uint32_t weight, uint32_t cap);

/* The hypervisor's console history (its last 64 KiB), bytes numbered from
 * its boot: up to size bytes from offset on (from the oldest kept if
 * offset is older) into out; *first is the number of the first byte
 * copied, *end that after the last written so far. Returns the count. */
int libtess_console_read(struct libtess *h, uint64_t offset, char *out, unsigned int size,
                         uint64_t *first, uint64_t *end);

/* Asks it to end for a reason of public/xen/sched.h (SHUTDOWN_reboot...). */
int libtess_shutdown_reason(struct libtess *h, uint32_t domid, unsigned int reason);

/* A LIBTESS_CREATE_CONSOLE_DOM0 domain's console ring: its gfn and its
 * unbound port (remote: us). -ENOENT for a ring the hypervisor serves. */
int libtess_console_ring(struct libtess *h, uint32_t domid, uint64_t *gfn, uint32_t *port);
/* The ring's index protocol from the backend's side, ring being the
 * mapped page; *out_cons / *in_prod are the caller's positions (0 for a
 * new domain), which the guest's own indices are checked against. take:
 * up to len bytes the guest wrote, or -EPROTO when its out_prod is more
 * than a ring ahead (all of it dropped, reading goes on from there). give:
 * as many of len bytes as in[] has room for, or -EPROTO when its in_cons
 * is not within a ring behind us. */
int libtess_console_take(void *ring, uint32_t *out_cons, char *buf, size_t len);
int libtess_console_give(void *ring, uint32_t *in_prod, const char *buf, size_t len);

/* Another domain's frame gfn, mapped read-write into this process
 * (/dev/xen/privcmd); NULL on failure (libtess_error says why). */
void *libtess_map_foreign(struct libtess *h, uint32_t domid, uint64_t gfn);
void libtess_unmap_foreign(void *p);

/* /dev/xen/evtchn: open gives a file descriptor (close(2) it), binds give
 * the local port; pending waits up to timeout_ms (-1: for ever) for a
 * port that fired and returns it (-EAGAIN: none), the port then stays
 * masked until unmask. Negative errno on failure. */
int libtess_evtchn_open(void);
int libtess_evtchn_bind_virq(int fd, unsigned int virq);
int libtess_evtchn_bind_interdomain(int fd, uint32_t domid, uint32_t port);
int libtess_evtchn_unbind(int fd, uint32_t port);
int libtess_evtchn_notify(int fd, uint32_t port);
int libtess_evtchn_pending(int fd, int timeout_ms);
int libtess_evtchn_unmask(int fd, uint32_t port);

#endif
