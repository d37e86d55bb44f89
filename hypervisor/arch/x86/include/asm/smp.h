/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_SMP_H
#define ASM_SMP_H

#include <tessera/types.h>

/* Mirrors trampoline_params in boot/trampoline.S, field for field. */
struct trampoline_params {
    uint64_t gdt[4];
    uint16_t gdt_limit;
    uint32_t gdt_base;
    uint16_t pad0;
    uint32_t jump32_offset;
    uint16_t jump32_selector;
    uint16_t pad1;
    uint32_t jump64_offset;
    uint16_t jump64_selector;
    uint16_t pad2;
    uint32_t cr3;
    uint32_t efer;
} __packed;

struct cpu_desc {
    uint32_t apic_id;
    uint32_t acpi_uid;
};

/* Starts every CPU in the list but ourselves, at most maxcpus in all.
 * trampoline_page is a free, identity-mapped page below 1 MiB. */
void smp_boot_cpus(const struct cpu_desc *list, unsigned int n, unsigned int maxcpus,
                   paddr_t trampoline_page);

typedef void (*cpu_call_fn)(void *data);
/* Runs fn(data) on the given CPU in interrupt context; waits for it to finish
 * if wait. Runs it directly if cpu is this CPU. Returns -ENODEV if offline. */
int on_cpu(unsigned int cpu, cpu_call_fn fn, void *data, bool wait);
/* Runs fn on every online CPU (this one included) and waits for all. */
void on_each_cpu(cpu_call_fn fn, void *data);

void smp_bsp_init(void);
__noreturn void cpu_idle_loop(void);

#endif
