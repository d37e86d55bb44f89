/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The interface between common/ and the architecture (arch/x86): the whole
 * of it. common/ calls these functions and the hvm_* ones that the
 * tessera/ headers declare, and includes no asm/ header but these, which
 * every architecture provides with the same names:
 *
 *   asm/spinlock.h   spinlock_t and spin_lock*()
 *   asm/percpu.h     the CPU table: cpus[], nr_cpus_online, MAX_CPUS
 *   asm/domain.h     struct arch_vcpu and struct arch_domain, included by
 *                    tessera/domain.h only; common/ never looks inside
 *
 * tests/unit/test_arch_boundary.py fails the build on any other.
 */
#ifndef TESSERA_ARCH_H
#define TESSERA_ARCH_H

#include <tessera/types.h>

struct domain;
struct vcpu;

/* CPUs, interrupts and timers. */
unsigned int arch_cpu_id(void);                 /* logical number of this CPU */
void arch_timer_program(uint64_t deadline_ns);  /* 0 disarms */
void arch_cpu_kick(unsigned int cpu);           /* make it re-check its timers */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
void arch_halt_enable_irq(void);                /* sti;hlt: wait for an interrupt */

/* The machine. arch_virt_start: hardware virtualization enabled on every
 * CPU (hvm/hvm.c); false if guests cannot run, said on the console.
 * arch_boot_modules: the command lines of the boot loader's modules, at
 * most max, returning how many (bootinfo.c). */
bool arch_virt_start(void);
bool arch_virt_ready(void);
unsigned int arch_boot_modules(const char *lines[], unsigned int max);
__noreturn void machine_reboot(void);
__noreturn void machine_poweroff(void);

/* Domains and vCPUs (arch/x86/domain.c). create: 0 or a negative errno,
 * having undone its own work; destroy: safe on what create left, and for
 * the domain also when create failed half-way. */
int arch_domain_create(struct domain *d);       /* d->p2m (charged to d->budget), devices */
void arch_domain_destroy(struct domain *d);
int arch_vcpu_create(struct vcpu *v);           /* registers, FPU, local APIC */
void arch_vcpu_destroy(struct vcpu *v);
/* "dom X id=N: vcpu V: E exits reason=count...", at the domain's end. */
void arch_vcpu_print_stats(const struct vcpu *v);
/* v's exits so far: all of them, and those for an interrupt (timer ticks,
 * kicks). Read without a lock: a count may be one behind. */
void arch_vcpu_exit_counts(const struct vcpu *v, uint64_t *all, uint64_t *intr);

/* True if the arch emulates a device in guest frame gfn of d (the local
 * APIC page...): nothing may be mapped there (hvm/mmio.c). */
bool arch_gfn_emulated(const struct domain *d, uint64_t gfn);

/* The gfn of special page index (rings...) in the guest memory layout the
 * arch gives its domains (asm/pvh_layout.h). */
uint64_t arch_special_gfn(unsigned int index);

/* VCPUOP_initialise: t's first register state, in the arch's format, read
 * from the guest address arg of the calling vCPU v. 0 or -XEN_E*. */
long arch_vcpu_initialise(struct vcpu *v, struct vcpu *t, uint64_t arg);

/* Something became pending for v (an event, a timer): wake it, or make its
 * CPU leave guest mode so that the next entry sees it (hvm/intr.c). */
void vcpu_kick(struct vcpu *v);
/* True if an interrupt is pending that v could take with interrupts
 * enabled; and if v, running on this CPU, would take one at its next
 * entry as its flags are now (Xen's local_events_need_delivery()). */
bool hvm_intr_pending(struct vcpu *v);
bool hvm_intr_deliverable(struct vcpu *v);

#endif
