/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mini's entry points. The hypervisor starts vCPU 0 at pvh_entry32 in the
 * PVH ABI's state (Xen docs/misc/pvh.pandoc): 32-bit flat protected mode,
 * paging off, %ebx = the hvm_start_info's physical address. We build an
 * identity map of the first GiB and of 3-4 GiB with 2 MiB pages, enter long mode and call
 * mini_main. Secondary vCPUs start directly in long mode at ap_entry64
 * (VCPUOP_initialise with a 64-bit context), %rbx = their index.
 */
#include "long_mode.h"

#define XEN_ELFNOTE_PHYS32_ENTRY    18
#define STACK_SIZE                  16384
#define MAX_VCPUS                   16

    /* ELF note: name "Xen", type 18, 4-byte entry address (public/elfnote.h). */
    .section .note.xen, "a"
    .p2align 2
    .long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .long pvh_entry32

    .section .text.entry, "ax"
    .code32
    .globl pvh_entry32
pvh_entry32:
    cld
    movl %ebx, %esi                     /* keep the start info */
    movl $(boot_stack + STACK_SIZE), %esp

    /* PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] = 2 MiB page i (P, RW, PS). */
    movl $pdpt, %eax
    orl $3, %eax
    movl %eax, pml4
    movl $pd, %eax
    orl $3, %eax
    movl %eax, pdpt
    movl $pd_high, %eax                 /* PDPT[3]: 3-4 GiB, where MMIO lives */
    orl $3, %eax
    movl %eax, pdpt + 24
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax
    movl %eax, pd(, %ecx, 8)
    movl $0, pd + 4(, %ecx, 8)
    addl $0xc0000000, %eax
    movl %eax, pd_high(, %ecx, 8)
    movl $0, pd_high + 4(, %ecx, 8)
    incl %ecx
    cmpl $512, %ecx
    jne 1b

    enter_long_mode $pml4
    lgdt gdt_desc
    ljmp $0x08, $entry64

    .code64
entry64:
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl %eax, %fs
    movl %eax, %gs
    movq $(boot_stack + STACK_SIZE), %rsp
    movl %esi, %edi
    call mini_main
2:  hlt
    jmp 2b

    /* A secondary vCPU: long mode already, on our page tables; load our
     * own descriptor tables, switch to its stack, run ap_main(index). */
    .globl ap_entry64
ap_entry64:
    lgdt gdt_desc
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl %eax, %fs
    movl %eax, %gs
    pushq $0x08
    leaq 3f(%rip), %rax
    pushq %rax
    lretq
3:  movq %rbx, %rdi
    call ap_main
4:  hlt
    jmp 4b

    .section .rodata
    .p2align 4
gdt:
    .quad 0
    .quad 0x00af9b000000ffff            /* 0x08: 64-bit code */
    .quad 0x00cf93000000ffff            /* 0x10: data */
    .quad 0x00cf9b000000ffff            /* 0x18: 32-bit code, L=0 D=1 (fuzz32.S) */
gdt_end:
    .globl gdt_desc
gdt_desc:
    .word gdt_end - gdt - 1
    .quad gdt

    .section .bss
    .p2align 12
    .globl pml4
pml4:   .skip 4096
pdpt:   .skip 4096
pd:     .skip 4096
pd_high: .skip 4096
    .p2align 4
boot_stack:
    .skip STACK_SIZE
