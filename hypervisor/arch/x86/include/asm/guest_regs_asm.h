/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest GPRs as the VM-entry stubs (hvm/svm/entry.S, hvm/vmx/entry.S)
 * move them: the offsets of struct guest_regs (asm/hvm.h checks them) and
 * the load/save sequences both stubs use around VMRUN/VMLAUNCH.
 */
#ifndef ASM_GUEST_REGS_ASM_H
#define ASM_GUEST_REGS_ASM_H

#define GREG_RAX    0
#define GREG_RBX    8
#define GREG_RCX    16
#define GREG_RDX    24
#define GREG_RSI    32
#define GREG_RDI    40
#define GREG_RBP    48
#define GREG_R8     56
#define GREG_R9     64
#define GREG_R10    72
#define GREG_R11    80
#define GREG_R12    88
#define GREG_R13    96
#define GREG_R14    104
#define GREG_R15    112

#ifdef __ASSEMBLY__
/* Every guest GPR but RAX from the struct guest_regs at %rax. RAX itself
 * is left to the stub: SVM keeps it in the VMCB, VMX loads it last.
 * MOVs only: the flags are kept (vmx/entry.S tests them afterwards). */
.macro GUEST_REGS_LOAD_FROM_RAX
    mov GREG_RBX(%rax), %rbx
    mov GREG_RCX(%rax), %rcx
    mov GREG_RDX(%rax), %rdx
    mov GREG_RSI(%rax), %rsi
    mov GREG_RDI(%rax), %rdi
    mov GREG_RBP(%rax), %rbp
    mov GREG_R8(%rax), %r8
    mov GREG_R9(%rax), %r9
    mov GREG_R10(%rax), %r10
    mov GREG_R11(%rax), %r11
    mov GREG_R12(%rax), %r12
    mov GREG_R13(%rax), %r13
    mov GREG_R14(%rax), %r14
    mov GREG_R15(%rax), %r15
.endm

/* The host registers the SysV ABI has the callee keep (rbp, rbx,
 * r12-r15): both stubs are C-called functions that run a guest. */
.macro HOST_CALLEE_SAVED_PUSH
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
.endm

.macro HOST_CALLEE_SAVED_POP
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
.endm

/* Every guest GPR but RAX into the struct guest_regs at %rax. */
.macro GUEST_REGS_SAVE_TO_RAX
    mov %rbx, GREG_RBX(%rax)
    mov %rcx, GREG_RCX(%rax)
    mov %rdx, GREG_RDX(%rax)
    mov %rsi, GREG_RSI(%rax)
    mov %rdi, GREG_RDI(%rax)
    mov %rbp, GREG_RBP(%rax)
    mov %r8, GREG_R8(%rax)
    mov %r9, GREG_R9(%rax)
    mov %r10, GREG_R10(%rax)
    mov %r11, GREG_R11(%rax)
    mov %r12, GREG_R12(%rax)
    mov %r13, GREG_R13(%rax)
    mov %r14, GREG_R14(%rax)
    mov %r15, GREG_R15(%rax)
.endm
#endif

#endif
