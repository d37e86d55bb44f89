/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU state. GS base points at the CPU's own struct cpu, whose first
 * field points at itself, so this_cpu() is one load. */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <asm/desc.h>
#include <tessera/types.h>

#define MAX_CPUS 256

struct cpu_call;

struct cpu {
    struct cpu *self;               /* must stay first: read via %gs:0 */
    unsigned int id;                /* logical number, 0 = boot CPU */
    uint32_t apic_id;
    uint32_t acpi_uid;
    volatile bool online;
    void *stack_top;
    void *ist_stacks[IST_COUNT];
    struct tss tss __aligned(16);
    uint64_t gdt[GDT_ENTRIES] __aligned(16);
    struct cpu_call *volatile call; /* pending cross-CPU call, see smp.c */
    void *timers;                   /* per-CPU timer queue, see timer.c */
    uint64_t irq_count;
};

extern struct cpu cpus[MAX_CPUS];
extern unsigned int nr_cpus_possible;   /* described by firmware (and maxcpus=) */
extern unsigned int nr_cpus_online;

static inline struct cpu *this_cpu(void)
{
    struct cpu *c;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(c));
    return c;
}

static inline unsigned int smp_processor_id(void)
{
    return this_cpu()->id;
}

void percpu_activate(struct cpu *c);     /* load GDT/TSS/IDT, set GS base */

#endif
