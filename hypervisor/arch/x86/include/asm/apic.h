/* SPDX-License-Identifier: GPL-2.0-only */
/* Local APIC in xAPIC (MMIO) or x2APIC (MSR) mode (SDM Vol. 3A, ch. 11). */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <tessera/types.h>

#define APIC_ID         0x020
#define APIC_VERSION    0x030
#define APIC_TPR        0x080
#define APIC_EOI        0x0b0
#define APIC_LDR        0x0d0
#define APIC_DFR        0x0e0
#define APIC_SVR        0x0f0
#define APIC_ESR        0x280
#define APIC_ICR        0x300
#define APIC_ICR2       0x310
#define APIC_LVT_TIMER  0x320
#define APIC_LVT_THERM  0x330
#define APIC_LVT_PERF   0x340
#define APIC_LVT_LINT0  0x350
#define APIC_LVT_LINT1  0x360
#define APIC_LVT_ERROR  0x370
#define APIC_TMICT      0x380
#define APIC_TMCCT      0x390
#define APIC_TDCR       0x3e0

#define APIC_DM_FIXED   (0u << 8)
#define APIC_DM_NMI     (4u << 8)
#define APIC_DM_INIT    (5u << 8)
#define APIC_DM_STARTUP (6u << 8)
#define APIC_LEVEL_ASSERT (1u << 14)
#define APIC_TRIGGER_LEVEL (1u << 15)
#define APIC_DEST_ALL_BUT_SELF (3u << 18)
#define APIC_LVT_MASKED (1u << 16)

void apic_bsp_init(paddr_t mmio_base);  /* choose mode, enable on the BSP */
void apic_cpu_init(void);               /* every CPU, BSP included */
bool apic_ready(void);
bool apic_x2apic_mode(void);
uint32_t apic_read(uint32_t reg);
void apic_write(uint32_t reg, uint32_t v);
uint32_t apic_current_id(void);
void apic_eoi(void);
void apic_send_ipi(uint32_t apic_id, uint32_t icr_low);
void apic_send_ipi_all_but_self(uint32_t delivery, uint8_t vector);
void pic_disable(void);

/* One-shot timer: fire VEC_TIMER on this CPU at the given TSC value
 * (TSC-deadline mode), or as close as the LAPIC counter allows. */
void apic_timer_init(void);             /* every CPU */
void apic_timer_arm(uint64_t deadline_tsc);
void apic_timer_disarm(void);
bool apic_timer_uses_tsc_deadline(void);

#endif
