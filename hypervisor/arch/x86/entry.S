/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupt and exception entry: 256 stubs, 16 bytes apart (desc.c relies on
 * it). Each pushes a dummy error code where the CPU pushes none (SDM Vol. 3A,
 * 6.13: #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX push one), then its
 * vector, and joins the common path that builds struct cpu_regs.
 */
        .text
        .code64

        .macro STUB vec
        .balign 16
        .if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
        .else
        pushq   $0
        .endif
        pushq   $\vec
        jmp     common_interrupt
        .endm

        .balign 16
        .globl  interrupt_stubs
interrupt_stubs:
        .altmacro
        .set    vec, 0
        .rept   256
        STUB    %vec
        .set    vec, vec + 1
        .endr
        .noaltmacro

common_interrupt:
        push    %rax
        push    %rbx
        push    %rcx
        push    %rdx
        push    %rsi
        push    %rdi
        push    %rbp
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        cld
        mov     %rsp, %rdi
        call    do_interrupt
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rbp
        pop     %rdi
        pop     %rsi
        pop     %rdx
        pop     %rcx
        pop     %rbx
        pop     %rax
        add     $16, %rsp               /* vector and error code */
        iretq
