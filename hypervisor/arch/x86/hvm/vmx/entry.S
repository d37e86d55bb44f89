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

#include <asm/guest_regs_asm.h>

#define VMCS_HOST_RSP 0x6c14

    .text
    .code64
    .globl vmx_enter
vmx_enter:
    HOST_CALLEE_SAVED_PUSH
    push %rdi                   /* 0(%rsp): guest regs, found again on exit */

    mov $VMCS_HOST_RSP, %edx
    vmwrite %rsp, %rdx
    jbe .Lfail                  /* CF or ZF: the flags say which failure */

    mov %rdi, %rax
    test %esi, %esi             /* ZF: not launched yet. MOVs keep the flags. */
    GUEST_REGS_LOAD_FROM_RAX
    mov GREG_RAX(%rax), %rax
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
    GUEST_REGS_SAVE_TO_RAX
    popq GREG_RAX(%rax)
    add $8, %rsp
    xor %eax, %eax

.Lout:
    HOST_CALLEE_SAVED_POP
    ret
