/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Start-up code for a vCPU woken by INIT-SIPI-SIPI (tests_apic.c copies it
 * to a page below 1 MiB and sends that page's number as the SIPI vector).
 * It begins in real mode with CS = page << 8, IP = 0 (SDM vol. 3 9.4.4),
 * enters 32-bit protected mode, turns on PAE paging with mini's page tables
 * and long mode, and jumps to ap_entry64 with %rbx = its index and its
 * stack: the parameters at the end, filled in by C in the copied page.
 * Nothing here may depend on where it was linked, only on where it runs.
 */
#include "long_mode.h"

#define OFF(x)      ((x) - sipi_tramp_start)
#define PAGE_SIZE   4096

    .section .rodata
    .p2align 4
    .globl sipi_tramp_start
sipi_tramp_start:
    .code16
    cli
    movw %cs, %ax
    movw %ax, %ds
    movzwl %ax, %ebx
    shll $4, %ebx                       /* %ebx = physical base of this page */
    leal OFF(tr_gdt)(%ebx), %eax
    movl %eax, OFF(tr_gdt_desc) + 2
    leal OFF(tr_prot32)(%ebx), %eax
    movl %eax, OFF(tr_far)
    lgdtl OFF(tr_gdt_desc)
    movl %cr0, %eax
    orl $1, %eax                        /* PE */
    movl %eax, %cr0
    ljmpl *OFF(tr_far)

    .code32
tr_prot32:
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    enter_long_mode OFF(sipi_tramp_cr3)(%ebx)
    leal PAGE_SIZE(%ebx), %esp          /* the rest of the page: for the lret */
    leal OFF(tr_long)(%ebx), %eax
    pushl $0x08
    pushl %eax
    lret

    .code64
tr_long:
    movq OFF(sipi_tramp_stack)(%rbx), %rsp
    movq OFF(sipi_tramp_entry)(%rbx), %rax
    movq OFF(sipi_tramp_index)(%rbx), %rbx
    jmp *%rax

    .p2align 3
tr_gdt:
    .quad 0
    .quad 0x00af9b000000ffff            /* 0x08: 64-bit code */
    .quad 0x00cf93000000ffff            /* 0x10: data */
    .quad 0x00cf9b000000ffff            /* 0x18: 32-bit code */
tr_gdt_end:
tr_gdt_desc:
    .word tr_gdt_end - tr_gdt - 1
    .long 0                             /* base: set above */
tr_far:
    .long 0                             /* offset: set above */
    .word 0x18
    .p2align 3
    .globl sipi_tramp_cr3, sipi_tramp_entry, sipi_tramp_stack, sipi_tramp_index
sipi_tramp_cr3:     .quad 0
sipi_tramp_entry:   .quad 0
sipi_tramp_stack:   .quad 0
sipi_tramp_index:   .quad 0
    .globl sipi_tramp_end
sipi_tramp_end:
