/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry from the boot loader: both Multiboot headers, then the path from
 * 32-bit protected mode (paging off, as both specs leave us) to long mode on
 * our own identity-mapped page tables, and into C.
 *
 * Register contract on entry (Multiboot 1 spec 3.2, Multiboot2 spec 3.3):
 *   EAX = loader magic, EBX = physical address of the boot information.
 */
#include <asm/boot.h>

#define MB2_MAGIC           0xe85250d6
#define MB2_ARCH_I386       0
#define MB1_MAGIC           0x1badb002
/* MB1 flags: page-align modules, want memory info, header carries load
 * addresses (the "a.out kludge": lets QEMU's -kernel load an ELF64). */
#define MB1_FLAGS           0x00010003

        .section .text.head, "ax", @progbits
        .code32
        .globl  _start
_start:
        jmp     start32

/* ---- Multiboot2 header (must be 8-byte aligned, within the first 32 KiB) */
        .balign 8
mb2_header:
        .long   MB2_MAGIC
        .long   MB2_ARCH_I386
        .long   mb2_header_end - mb2_header
        .long   -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
        /* information request: cmdline(1), modules(3), mmap(6), ACPI(14,15) */
        .balign 8
mb2_tag_info:
        .short  1, 0
        .long   mb2_tag_info_end - mb2_tag_info
        .long   1, 3, 6, 14, 15
mb2_tag_info_end:
        /* modules page-aligned */
        .balign 8
        .short  6, 0
        .long   8
        /* end tag */
        .balign 8
        .short  0, 0
        .long   8
mb2_header_end:

/* ---- Multiboot1 header (4-byte aligned, within the first 8 KiB) */
        .balign 4
mb1_header:
        .long   MB1_MAGIC
        .long   MB1_FLAGS
        .long   -(MB1_MAGIC + MB1_FLAGS)
        .long   mb1_header              /* header_addr */
        .long   __image_start           /* load_addr */
        .long   __data_end              /* load_end_addr */
        .long   __bss_end               /* bss_end_addr */
        .long   _start                  /* entry_addr */

no_long_mode_msg:
        .asciz  "tessera: this CPU has no long mode; halted.\r\n"

start32:
        cli
        cld
        mov     %eax, %edi
        mov     %ebx, %esi
        rdtsc                           /* boot-time origin, see time.c */
        mov     %eax, entry_tsc
        mov     %edx, entry_tsc + 4

        /* Zero .bss ourselves: not every loader is trusted to. */
        mov     $__bss_start, %ebx
1:      movl    $0, (%ebx)
        add     $4, %ebx
        cmp     $__bss_end, %ebx
        jb      1b

        mov     $boot_stack_top, %esp

        /* Long mode present? CPUID 0x80000001 EDX bit 29. */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      no_long_mode
        mov     $0x80000001, %eax
        cpuid
        bt      $29, %edx
        jnc     no_long_mode
        mov     %edx, %ebp              /* keep NX support bit (20) */

        /* Identity map 0..4 GiB with 2 MiB pages: PML4[0] -> PDPT,
         * PDPT[0..3] -> four page directories. */
        mov     $boot_pdpt, %eax
        or      $(PTE_P | PTE_W), %eax
        mov     %eax, boot_pml4
        xor     %ecx, %ecx
1:      mov     %ecx, %eax
        shl     $12, %eax
        add     $boot_pd, %eax
        or      $(PTE_P | PTE_W), %eax
        mov     %eax, boot_pdpt(, %ecx, 8)
        inc     %ecx
        cmp     $4, %ecx
        jb      1b
        xor     %ecx, %ecx
1:      mov     %ecx, %eax
        shl     $21, %eax
        or      $(PTE_P | PTE_W | PTE_PS), %eax
        mov     %eax, boot_pd(, %ecx, 8)
        mov     %ecx, %eax
        shr     $11, %eax               /* bits 32+ of the address: i >> 11 */
        mov     %eax, boot_pd + 4(, %ecx, 8)
        inc     %ecx
        cmp     $2048, %ecx
        jb      1b

        mov     %cr4, %eax
        or      $X86_CR4_PAE, %eax
        mov     %eax, %cr4
        mov     $boot_pml4, %eax
        mov     %eax, %cr3

        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        bt      $20, %ebp
        jnc     1f
        or      $EFER_NXE, %eax
1:      wrmsr

        mov     %cr0, %eax
        or      $(X86_CR0_PG | X86_CR0_PE | X86_CR0_WP), %eax
        mov     %eax, %cr0

        lgdt    boot_gdt_ptr
        ljmp    $BOOT_CS64, $start64

no_long_mode:
        mov     $no_long_mode_msg, %esi
1:      lodsb
        test    %al, %al
        jz      2f
        mov     %al, %bl
3:      mov     $0x3fd, %dx             /* COM1 LSR: wait for THRE */
        in      %dx, %al
        test    $0x20, %al
        jz      3b
        mov     $0x3f8, %dx
        mov     %bl, %al
        out     %al, %dx
        jmp     1b
2:      hlt
        jmp     2b

        .code64
start64:
        mov     $BOOT_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        mov     $boot_stack_top, %rsp
        /* Upper halves of GPRs are undefined after the mode switch
         * (SDM Vol. 1, 3.4.1.1): zero-extend our two arguments. */
        mov     %edi, %edi
        mov     %esi, %esi
        xor     %ebp, %ebp
        call    start_hypervisor
1:      cli
        hlt
        jmp     1b

/* The GDT used until each CPU loads its own (see desc.c). */
        .section .rodata, "a", @progbits
        .balign 16
        .globl  boot_gdt
boot_gdt:
        .quad   0                       /* null */
        .quad   0x00af9b000000ffff      /* 0x08: 64-bit code, DPL0 */
        .quad   0x00cf93000000ffff      /* 0x10: data, DPL0 */
        .quad   0x00cf9b000000ffff      /* 0x18: 32-bit code (AP trampoline) */
boot_gdt_end:
        .globl  boot_gdt_ptr
boot_gdt_ptr:
        .short  boot_gdt_end - boot_gdt - 1
        .quad   boot_gdt

        .section .bss.page_aligned, "aw", @nobits
        .balign 4096
        .globl  boot_pml4
boot_pml4:      .skip 4096
boot_pdpt:      .skip 4096
boot_pd:        .skip 4096 * 4
        .globl  boot_stack_top
boot_stack:     .skip BOOT_STACK_SIZE
boot_stack_top:
