/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupts into vCPUs (hvm/intr.c). Two sources feed a vCPU:
 *
 *  - the event-channel upcall: when the domain has set HVM_PARAM_CALLBACK_IRQ
 *    to a vector (type 2, public/hvm/params.h), that vector is injected
 *    whenever the vCPU's vcpu_info has evtchn_upcall_pending set and the
 *    guest can take an interrupt. Like Xen's "vector callback" it bypasses
 *    the local APIC (no IRR/ISR, no EOI): the guest's handler clears
 *    evtchn_upcall_pending itself.
 *  - the emulated local APIC (vlapic), for fixed interrupts with IRR/ISR/EOI.
 *
 * Whoever makes an interrupt pending (an event channel send, a vlapic IPI, a
 * timer) calls vcpu_kick(): it wakes the vCPU if it blocked, and makes its
 * CPU leave guest mode if it is running there, so the next VM entry sees it.
 */
#ifndef ASM_HVM_INTR_H
#define ASM_HVM_INTR_H

#include <tessera/arch.h>
#include <tessera/types.h>

struct vcpu;

/* Before each VM entry, interrupts off: injects the highest pending source
 * if the guest can take it now, else asks for an interrupt-window exit. */
void hvm_intr_assist(struct vcpu *v);
/* After each exit, before it is handled: an APIC interrupt the guest took
 * since the entry moves from IRR to ISR. */
void hvm_intr_after_exit(struct vcpu *v);
/* hvm_intr_pending(), hvm_intr_deliverable() and vcpu_kick(), which
 * common/ calls too, are declared in tessera/arch.h. */

#endif
