/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * svm_enter(vmcb_pa, regs, host_area_pa): run the guest until #VMEXIT.
 *
 * VMRUN saves and restores only part of the host state (APM2 15.5.1);
 * FS, GS, TR, LDTR and the SYSCALL/SYSENTER MSRs are switched with
 * VMLOAD/VMSAVE (APM2 15.5.2), so the guest's are loaded before VMRUN and
 * the host's (from host_area_pa) after it. Until that host VMLOAD, GS base
 * is the guest's: nothing here may touch per-CPU data. The caller has
 * interrupts disabled; GIF is cleared around the switch so an interrupt
 * or NMI arriving meanwhile is held until STGI.
 *
 * RFLAGS.IF is set between CLGI and VMRUN: with V_INTR_MASKING the host's
 * IF, as VMRUN saves it, decides whether a physical interrupt exits the
 * guest (APM2 15.21.1); with IF clear a timer or a kick would wait until
 * the guest exits on its own. GIF=0 still holds it until VMRUN, and again
 * from #VMEXIT until STGI, by which time IF is clear again: the interrupt
 * is taken where the caller re-enables interrupts.
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

    .text
    .code64
    .globl svm_enter
svm_enter:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdx                   /* 16(%rsp): host area */
    push %rsi                   /*  8(%rsp): guest regs */
    push %rdi                   /*  0(%rsp): VMCB */

    clgi
    sti
    mov %rsi, %rax
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
    mov (%rsp), %rax            /* guest RAX lives in the VMCB */
    vmload %rax
    vmrun %rax
    vmsave %rax                 /* RAX is the host's again: the VMCB address */

    push %rdi
    mov 16(%rsp), %rdi          /* guest regs (one push deeper) */
    pop R_RDI(%rdi)
    mov %rbx, R_RBX(%rdi)
    mov %rcx, R_RCX(%rdi)
    mov %rdx, R_RDX(%rdi)
    mov %rsi, R_RSI(%rdi)
    mov %rbp, R_RBP(%rdi)
    mov %r8, R_R8(%rdi)
    mov %r9, R_R9(%rdi)
    mov %r10, R_R10(%rdi)
    mov %r11, R_R11(%rdi)
    mov %r12, R_R12(%rdi)
    mov %r13, R_R13(%rdi)
    mov %r14, R_R14(%rdi)
    mov %r15, R_R15(%rdi)

    mov 16(%rsp), %rax
    vmload %rax                 /* host FS/GS/TR/LDTR and syscall MSRs */
    cli
    stgi

    add $24, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
