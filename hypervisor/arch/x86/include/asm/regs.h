/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <tessera/types.h>

/* The frame entry.S builds, lowest address first. */
struct cpu_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;     /* pushed by the CPU */
};

typedef void (*irq_handler_t)(struct cpu_regs *regs);

/* Vectors the hypervisor uses for its own interrupts. */
#define VEC_TIMER       0xf0
#define VEC_CALL        0xf1
#define VEC_COM1        0xe0        /* COM1's IRQ through the IOAPIC (com1_irq.c) */
#define VEC_APIC_ERROR  0xfe
#define VEC_SPURIOUS    0xff

void set_irq_handler(unsigned int vector, irq_handler_t fn);
/* A free vector in 0x30-0xdf with fn as its handler, or -ENOSPC; the handler
 * finds its source from regs->vector and does its own apic_eoi(). */
int irq_vector_alloc(irq_handler_t fn);
void irq_vector_free(unsigned int vector);
void do_interrupt(struct cpu_regs *regs);
void show_registers(const struct cpu_regs *regs);
void show_stack_trace(uint64_t rbp);

#endif
