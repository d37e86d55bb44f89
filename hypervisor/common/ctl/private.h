/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the control hypercalls' files (common/ctl/). */
#ifndef CTL_PRIVATE_H
#define CTL_PRIVATE_H

#include <public/tessera/ctl.h>
#include <tessera/bootdom.h>
#include <tessera/cpumask.h>
#include <tessera/types.h>

struct domain;
struct vcpu;

/* Staging limits (stage.c, docs/control.md). */
#define CTL_STAGE_TOTAL_MAX     MiB(512)    /* all stages together, as allocated */
#define CTL_STAGE_IMAGE_MAX     MiB(256)    /* one kernel or initrd */
#define CTL_STAGES_MAX          16

/* Copies the caller's operation, size bytes at la (a tess_sysctl or a
 * tess_domctl: both begin with cmd and interface_version): 0, or
 * -XEN_EPERM (not the control domain; nothing read), -XEN_EFAULT,
 * -XEN_EACCES (another interface version). */
long ctl_copy_op(struct vcpu *v, uint64_t la, void *op, size_t size);

/* stage.c */
long stage_alloc(struct vcpu *v, struct tess_stage_alloc *a);
long stage_write(struct vcpu *v, const struct tess_stage_write *w);
long stage_free(struct vcpu *v, uint32_t handle);
/* Takes the caller's stage out of the table for create, written fully or
 * not (*complete says): *im points into it until stage_release(token).
 * -XEN_ENOENT (unknown), -XEN_EBUSY (another call has it). */
long stage_take(struct vcpu *v, uint32_t handle, struct pvh_images *im, bool *complete,
                void **token);
void stage_release(void *token);

/* create.c */
long ctl_create(struct vcpu *v, struct tess_create *c);

/* sysctl.c: d as tess_dominfo; a CPU mask as ctl.h's words. */
void ctl_dominfo(const struct domain *d, struct tess_dominfo *out);
void ctl_mask_to_words(const cpumask_t *m, uint64_t *words);

/* domctl.c: d's vCPUs held off every CPU (TESS_DOMCTL_pause), and back. */
void ctl_pause(struct domain *d);
long ctl_unpause(struct domain *d);

/* vcpus.c */
long ctl_vcpu_list(struct vcpu *caller, const struct domain *d, struct tess_vcpu_list *l);
long ctl_vcpu_pin(struct domain *d, const struct tess_vcpu_pin *pin);
long ctl_sched_get(const struct domain *d, struct tess_sched *s);
long ctl_sched_set(struct domain *d, const struct tess_sched *s);

/* pools.c */
long ctl_pool_create(const struct tess_pool_op *o);
long ctl_pool_destroy(const struct tess_pool_op *o);
long ctl_pool_cpu_add(const struct tess_pool_op *o);
long ctl_pool_cpu_remove(const struct tess_pool_op *o);
long ctl_pool_migrate(struct domain *d, const char *name);

#endif
