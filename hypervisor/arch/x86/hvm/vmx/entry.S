/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmx_enter(regs, launched): VMLAUNCH (launched == 0) or VMRESUME the
 * current VMCS with the guest GPRs from *regs; returns 0 after the VM exit
 * with the guest GPRs back in *regs, or 1 (VMfailInvalid, CF) / 2
 * (VMfailValid, ZF) if the instruction itself failed (SDM vol. 3 31.2).
 *
 * A VM exit continues at vmx_exit_stub (HOST_RIP) with RSP = HOST_RSP,
 * which is written here just before entry so the stack below it is this
 * frame; everything else the host needs (CR3, segments, GS base, EFER) is
 * loaded from the VMCS host-state area (SDM vol. 3 28.5). RSP and RIP of
 * the guest live in the VMCS, not in *regs. The caller has interrupts
 * disabled; a VM exit leaves RFLAGS = 2 (IF clear) (28.5.3).
 */

#define R_RAX   0
#define R_RBX   8
#define R_RCX   16
#define R_RDX   24
#define R_RSI   32
#define R_RDI   40
#define R_RBP   48
#define R_R8    56
#define R_R9    64
#define R_R10   72
#define R_R11   80
#define R_R12   88
#define R_R13   96
#define R_R14   104
#define R_R15   112

#define VMCS_HOST_RSP 0x6c14

    .text
    .code64
    .globl vmx_enter
vmx_enter:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdi                   /* 0(%rsp): guest regs, found again on exit */

    mov $VMCS_HOST_RSP, %edx
    vmwrite %rsp, %rdx
    jbe .Lfail                  /* CF or ZF: the flags say which failure */

    mov %rdi, %rax
    test %esi, %esi             /* ZF: not launched yet. MOVs keep the flags. */
    mov R_RBX(%rax), %rbx
    mov R_RCX(%rax), %rcx
    mov R_RDX(%rax), %rdx
    mov R_RSI(%rax), %rsi
    mov R_RDI(%rax), %rdi
    mov R_RBP(%rax), %rbp
    mov R_R8(%rax), %r8
    mov R_R9(%rax), %r9
    mov R_R10(%rax), %r10
    mov R_R11(%rax), %r11
    mov R_R12(%rax), %r12
    mov R_R13(%rax), %r13
    mov R_R14(%rax), %r14
    mov R_R15(%rax), %r15
    mov R_RAX(%rax), %rax
    jnz 1f
    vmlaunch
    jmp .Lfail
1:  vmresume
    /* Falls through only if VMRESUME failed. */

.Lfail:
    mov $1, %eax                /* MOV leaves CF/ZF as the instruction set them */
    jc 2f
    mov $2, %eax
2:  add $8, %rsp
    jmp .Lout

    .globl vmx_exit_stub
vmx_exit_stub:
    push %rax
    mov 8(%rsp), %rax           /* guest regs */
    mov %rbx, R_RBX(%rax)
    mov %rcx, R_RCX(%rax)
    mov %rdx, R_RDX(%rax)
    mov %rsi, R_RSI(%rax)
    mov %rdi, R_RDI(%rax)
    mov %rbp, R_RBP(%rax)
    mov %r8, R_R8(%rax)
    mov %r9, R_R9(%rax)
    mov %r10, R_R10(%rax)
    mov %r11, R_R11(%rax)
    mov %r12, R_R12(%rax)
    mov %r13, R_R13(%rax)
    mov %r14, R_R14(%rax)
    mov %r15, R_R15(%rax)
    popq R_RAX(%rax)
    add $8, %rsp
    xor %eax, %eax

.Lout:
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
