/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Application-processor start-up code. The BSP copies this blob to a free
 * page below 1 MiB and patches the fields of struct trampoline_params (see
 * asm/smp.h, same offsets) before sending INIT-SIPI-SIPI. An AP starts here
 * in real mode at CS:IP = (page >> 4):0 (SDM Vol. 3A, 9.4.4.1) and goes
 * straight to long mode on the BSP's page tables.
 */
#include <asm/boot.h>

        .section .trampoline, "a", @progbits
        .code16
        .globl  trampoline_blob
trampoline_blob:
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        movzwl  %ax, %ebx
        shl     $4, %ebx                        /* EBX = blob's physical base */

        lgdtl   tp_gdt_desc - trampoline_blob
        mov     %cr0, %eax
        or      $X86_CR0_PE, %eax
        mov     %eax, %cr0
        ljmpl   *(tp_jump32 - trampoline_blob)

        .code32
        .globl  trampoline_pm_entry
trampoline_pm_entry:
        mov     $BOOT_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss

        mov     %cr4, %eax
        or      $X86_CR4_PAE, %eax
        mov     %eax, %cr4
        mov     tp_cr3 - trampoline_blob(%ebx), %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      tp_efer - trampoline_blob(%ebx), %eax
        wrmsr
        mov     %cr0, %eax
        or      $(X86_CR0_PG | X86_CR0_WP), %eax
        mov     %eax, %cr0
        ljmpl   *(tp_jump64 - trampoline_blob)(%ebx)

        .balign 8
        .globl  trampoline_params
trampoline_params:
tp_gdt:                                 /* copy of boot_gdt */
        .quad   0
        .quad   0x00af9b000000ffff
        .quad   0x00cf93000000ffff
        .quad   0x00cf9b000000ffff
tp_gdt_desc:
        .short  31
        .long   0                       /* patched: base + (tp_gdt - blob) */
        .short  0
tp_jump32:
        .long   0                       /* patched: base + (pm_entry - blob) */
        .short  BOOT_CS32
        .short  0
tp_jump64:
        .long   0                       /* patched: ap_entry64 (below 4 GiB) */
        .short  BOOT_CS64
        .short  0
tp_cr3:
        .long   0                       /* patched: page-table root, below 4 GiB */
tp_efer:
        .long   0                       /* patched: EFER bits to set (LME, NXE) */
        .globl  trampoline_blob_end
trampoline_blob_end:

/* 64-bit landing pad, in the image (not copied). The AP is on the boot GDT
 * with no stack; the BSP published the stack in ap_boot_stack. */
        .text
        .code64
        .globl  ap_entry64
ap_entry64:
        mov     $BOOT_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        mov     ap_boot_stack(%rip), %rsp
        xor     %ebp, %ebp
        call    ap_start
1:      cli
        hlt
        jmp     1b
