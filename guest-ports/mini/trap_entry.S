/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry stubs for all 256 vectors, 16 bytes apart. Each pushes a zero where
 * the CPU pushes no error code (SDM vol. 3 6.13: exceptions 8, 10-14, 17,
 * 21, 29, 30 have one; interrupts never do), then its vector, and joins
 * trap_common, which hands the frame to trap_handler(frame) and returns
 * with iretq to whatever RIP it left there.
 */
    .text
.macro stub vec
    .p2align 4
stub_\vec:
    .if !(\vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21 || \vec == 29 || \vec == 30)
    pushq $0
    .endif
    pushq $\vec
    jmp trap_common
.endm

    .globl trap_stubs
trap_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    stub \v
    .endr
    /* Interrupts: no error code. */
    .set vec, 32
    .rept 224
    .p2align 4
    pushq $0
    pushq $vec
    jmp trap_common
    .set vec, vec + 1
    .endr

trap_common:
    pushq %rax
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    movq %rsp, %rdi
    call trap_handler
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rax
    addq $16, %rsp                      /* vector, error code */
    iretq
