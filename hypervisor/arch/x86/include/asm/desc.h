/* SPDX-License-Identifier: GPL-2.0-only */
/* GDT, TSS and IDT layouts (SDM Vol. 3A, 3.4.5, 7.7, 6.14.1). */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#include <asm/boot.h>
#include <tessera/types.h>

#define GDT_ENTRIES     6       /* null, code64, data, code32, TSS (2 slots) */

/* Interrupt stack table slots (1-based in the IDT gate). */
#define IST_NMI         1
#define IST_DF          2
#define IST_MC          3
#define IST_COUNT       3

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __packed;

struct idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t  ist;
    uint8_t  type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __packed;

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __packed;

void idt_init(void);

#endif
