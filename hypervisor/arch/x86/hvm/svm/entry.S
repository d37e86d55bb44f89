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

#include <asm/guest_regs_asm.h>

    .text
    .code64
    .globl svm_enter
svm_enter:
    HOST_CALLEE_SAVED_PUSH
    push %rdx                   /* 16(%rsp): host area */
    push %rsi                   /*  8(%rsp): guest regs */
    push %rdi                   /*  0(%rsp): VMCB */

    clgi
    sti
    mov %rsi, %rax
    GUEST_REGS_LOAD_FROM_RAX
    mov (%rsp), %rax            /* guest RAX lives in the VMCB */
    vmload %rax
    vmrun %rax
    vmsave %rax                 /* RAX is the host's again: the VMCB address */

    mov 8(%rsp), %rax           /* guest regs */
    GUEST_REGS_SAVE_TO_RAX

    mov 16(%rsp), %rax
    vmload %rax                 /* host FS/GS/TR/LDTR and syscall MSRs */
    cli
    stgi

    add $24, %rsp
    HOST_CALLEE_SAVED_POP
    ret
