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
/* Builds and starts one described domain. */
int bootdom_build(const struct bootdom_spec *spec, int boot_index);
/* True once the other CPUs may leave their idle loop for the run loop. */
bool run_loop_is_open(void);

#endif
