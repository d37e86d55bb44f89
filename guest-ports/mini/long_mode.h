/* SPDX-License-Identifier: GPL-2.0-only */
/* For mini's assembly: from 32-bit protected mode, turn on PAE paging on
 * the page tables at cr3 (an operand) and long mode; the next far jump to a
 * 64-bit code segment enters it (SDM vol. 3 10.8.5). Clobbers eax, ecx, edx. */
#ifndef MINI_LONG_MODE_H
#define MINI_LONG_MODE_H

.macro enter_long_mode cr3
    movl %cr4, %eax
    orl $0x20, %eax                     /* PAE */
    movl %eax, %cr4
    movl \cr3, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx              /* EFER.LME */
    rdmsr
    orl $0x100, %eax
    wrmsr
    movl %cr0, %eax
    orl $0x80010001, %eax               /* PG, WP, PE */
    movl %eax, %cr0
.endm

#endif
