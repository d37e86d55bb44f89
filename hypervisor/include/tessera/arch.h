/* SPDX-License-Identifier: GPL-2.0-only */
/* The functions common/ may call in arch/: the whole interface. */
#ifndef TESSERA_ARCH_H
#define TESSERA_ARCH_H

#include <tessera/types.h>

unsigned int arch_cpu_id(void);                 /* logical number of this CPU */
void arch_timer_program(uint64_t deadline_ns);  /* 0 disarms */
void arch_cpu_kick(unsigned int cpu);           /* make it re-check its timers */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
void arch_halt_enable_irq(void);                /* sti;hlt: wait for an interrupt */

#endif
