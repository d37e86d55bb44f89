/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A host GSI routed to a guest's interrupt model (gsi_route.c): the host
 * IOAPIC pin gets a hypervisor vector, with the trigger and polarity the
 * guest asked for, aimed at one host CPU; the vector's handler
 * calls the owner's function. A level pin is masked from the interrupt
 * until the owner says the guest EOI'd it (gsi_route_eoi), so a line the
 * guest has not serviced yet cannot storm the host.
 */
#ifndef ASM_GSI_ROUTE_H
#define ASM_GSI_ROUTE_H

#include <tessera/types.h>

/* Interrupt context, with no lock held. */
typedef void (*gsi_route_fn)(uint32_t gsi);

/* Routes gsi with mode (RTE_LEVEL, RTE_ACTIVE_LOW of asm/io_apic.h) to
 * the CPU with APIC ID apic_id, unmasked. 0, or -EPERM (the hypervisor's
 * own GSI), -ENOENT (no IOAPIC has it), -EEXIST (routed already), -ENOSPC
 * (no free vector), -ERANGE (apic_id does not fit an IOAPIC destination). */
int gsi_route_bind(uint32_t gsi, uint64_t mode, uint32_t apic_id, gsi_route_fn fn);
/* The guest changed trigger, polarity or mask of a routed gsi. */
void gsi_route_update(uint32_t gsi, uint64_t mode, bool masked);
/* The guest is done with a level interrupt (or nobody will EOI it): the
 * host pin is unmasked unless the guest has it masked. */
void gsi_route_eoi(uint32_t gsi);
/* Masks the host pin and frees its vector. */
void gsi_route_unbind(uint32_t gsi);

#endif
