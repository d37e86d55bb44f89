/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercalls: one table from number to handler (common/hypercall.c). Each
 * handler gets the calling vCPU and its six arguments, already taken from
 * the registers the guest's mode uses, and returns what the guest sees in
 * RAX: >= 0, or a negated Xen errno (public/xen/errno.h).
 */
#ifndef TESSERA_HYPERCALL_H
#define TESSERA_HYPERCALL_H

#include <tessera/types.h>

struct vcpu;

/* A handler that has done a bounded part of the work updates arg[] to
 * describe the rest and returns this: the guest re-executes the call with
 * the new arguments (Xen's continuations), so no call holds a CPU long. */
#define HYPERCALL_CONTINUE  (1L << 62)

/* The Xen version we report (XENVER_version, CPUID 0x40000001): the ABI
 * level Tessera follows. */
#define TESSERA_XEN_MAJOR   4
#define TESSERA_XEN_MINOR   17

typedef long (*hypercall_fn)(struct vcpu *v, uint64_t arg[6]);

/* The handler's result for call nr, or -XEN_ENOSYS; called by the arch's
 * entry, which has checked the caller's privilege and decoded nr and arg[]
 * (and set v->hypercall_compat) from the guest's registers. */
long hypercall_call(struct vcpu *v, uint64_t nr, uint64_t arg[6]);
int hypercall_page_write(struct vcpu *v, uint64_t gpa);

long do_console_io(struct vcpu *v, uint64_t arg[6]);
long do_xen_version(struct vcpu *v, uint64_t arg[6]);
long do_sched_op(struct vcpu *v, uint64_t arg[6]);
long do_hvm_op(struct vcpu *v, uint64_t arg[6]);
long do_memory_op(struct vcpu *v, uint64_t arg[6]);
long do_vcpu_op(struct vcpu *v, uint64_t arg[6]);
long do_grant_table_op(struct vcpu *v, uint64_t arg[6]);
long do_physdev_op(struct vcpu *v, uint64_t arg[6]);
long do_platform_op(struct vcpu *v, uint64_t arg[6]);
/* Tessera's control interface, the control domain only (common/ctl/). */
long do_tess_sysctl(struct vcpu *v, uint64_t arg[6]);
long do_tess_domctl(struct vcpu *v, uint64_t arg[6]);

/* XENMEM_machine_memory_map: the machine's own E820 map, for the
 * hardware domain only (arch/x86/machine_memmap.c). */
long arch_machine_memory_map(struct vcpu *v, uint64_t arg);

/* XENMEM_add_to_physmap (physmap.c). */
long memory_add_to_physmap(struct vcpu *v, uint64_t arg);
/* Maps machine frame mfn at gfn of d (a hole or RAM there, else -XEN_EBUSY),
 * unmapping old_gfn (~0: none) first, and flushes. Caller holds
 * gnttab_physmap_lock(d). */
struct domain;
int physmap_place_frame(struct domain *d, uint64_t mfn, uint64_t gfn, uint64_t old_gfn);

#endif
