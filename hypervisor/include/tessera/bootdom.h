/* SPDX-License-Identifier: GPL-2.0-only */
/* Boot-time domains (common/domain_build/bootdom.c, docs/boot-domains.md). */
#ifndef TESSERA_BOOTDOM_H
#define TESSERA_BOOTDOM_H

#include <tessera/bootdom_spec.h>

extern struct pool_specs boot_pools;        /* filled by the pool= option */

/* The after_domains= option: stay, poweroff or reboot once every boot
 * domain has ended. */
extern const struct boot_enum bootdom_opt_after;
/* On the boot CPU once the machine is ready: never returns. */
__noreturn void boot_domains_start(void);
/* Builds and starts one described domain from its boot modules. */
int bootdom_build(const struct bootdom_spec *spec, int boot_index);

/* A PVH domain's images, bytes in the hypervisor's memory: the kernel (a
 * PVH ELF or a bzImage) and the initrd (NULL: none). */
struct pvh_images {
    const void *kernel;
    size_t kernel_size;
    const void *initrd;
    size_t initrd_size;
};
struct domain;
/* Builds a domU (not dom0: spec->hardware is not looked at, nor its module
 * numbers) from spec and im; boot_index -1 for a runtime domain. start:
 * start it; else vCPU 0 is ready and domain_start() starts it. Returns 0
 * and the domain in *out (if out), or a negative errno with nothing left
 * behind (a domain that failed half-way is ending). */
int bootdom_build_images(const struct bootdom_spec *spec, int boot_index,
                         const struct pvh_images *im, bool start, struct domain **out);
/* True once the other CPUs may leave their idle loop for the run loop. */
bool run_loop_is_open(void);

#endif
