/* SPDX-License-Identifier: GPL-2.0-only */
/* What the PVH domain builder (pvh_build.c) shares with dom0's (dom0_build.c). */
#ifndef ASM_PVH_BUILD_H
#define ASM_PVH_BUILD_H

#include <tessera/bootdom_spec.h>
#include <tessera/cpumask.h>
#include <tessera/domain.h>
#include <tessera/guest_copy.h>

/* Writes into a domain's RAM (ctx: the struct domain). */
extern const struct guest_copy_ops pvh_guest_ops;

/* A boot module's bytes. */
const void *bootdom_module_data(int index, size_t *size);

/* cfg's name, vCPUs, pool, CPUs, weight, cap and limits from spec; cpus
 * holds the CPU mask cfg points at. -ENOENT (logged) for an unknown pool. */
int bootdom_domain_config(const struct bootdom_spec *spec, int boot_index,
                          struct domain_config *cfg, cpumask_t *cpus);

/* Gives vCPU 0 the PVH entry state (%ebx = start info) and starts d. */
int pvh_start_vcpu0(struct domain *d, uint32_t entry, uint64_t start_info);

/* Builds and starts dom0 (dom0_build.c). */
int dom0_build(const struct bootdom_spec *spec, int boot_index);

#endif
