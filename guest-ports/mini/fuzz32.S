/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * long fuzz_call32(uint32_t nr, const uint32_t args[6]): one hypercall from
 * 32-bit code. A far return enters the 32-bit code segment 0x18 (L=0, D=1:
 * compatibility mode under long mode, SDM vol. 3 5.2.1), which loads the
 * 32-bit hypercall ABI's registers (EBX, ECX, EDX, ESI, EDI, EBP; Xen
 * public/arch-x86/xen-x86_32.h), calls the hypercall page's VMMCALL/VMCALL
 * and far-jumps back to the 64-bit segment 0x08. Everything it touches is
 * below 4 GiB (mini is identity mapped in its first GiB). The 64-bit ABI's
 * registers that 32-bit code cannot write (R8-R10) hold poison: a
 * hypervisor that took the call for a 64-bit one would read them.
 */
    .text
    .code64
    .globl fuzz_call32
fuzz_call32:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, saved_rsp(%rip)
    movl %edi, call_nr(%rip)
    movl %esi, call_args(%rip)
    movabsq $0xdeadbeef0000ffff, %rax
    movq %rax, %r8
    movq %rax, %r9
    movq %rax, %r10
    pushq $0x18
    leaq 1f(%rip), %rax
    pushq %rax
    lretq

    .code32
1:  movl call_args, %eax
    movl 0(%eax), %ebx
    movl 4(%eax), %ecx
    movl 8(%eax), %edx
    movl 12(%eax), %esi
    movl 16(%eax), %edi
    movl 20(%eax), %ebp
    movl call_nr, %eax
    call *fuzz32_entry
    movl %eax, call_ret
    ljmp $0x08, $2f

    .code64
2:  movq saved_rsp(%rip), %rsp
    movslq call_ret(%rip), %rax
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret

    .data
    .p2align 3
    .globl fuzz32_entry
fuzz32_entry:   .long 0
call_nr:        .long 0
call_args:      .long 0
call_ret:       .long 0
saved_rsp:      .quad 0
