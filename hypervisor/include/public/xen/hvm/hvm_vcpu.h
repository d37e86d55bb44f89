/* SPDX-License-Identifier: GPL-2.0-only */
/* A vCPU's first register state for VCPUOP_initialise on HVM/PVH guests
 * (Xen's public/hvm/hvm_vcpu.h). */
#ifndef PUBLIC_XEN_HVM_HVM_VCPU_H
#define PUBLIC_XEN_HVM_HVM_VCPU_H

#include <stdint.h>

#define VCPU_HVM_MODE_32B   0
#define VCPU_HVM_MODE_64B   1

struct vcpu_hvm_x86_32 {
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t eip, eflags;
    uint32_t cr0, cr3, cr4;
    uint32_t pad1;
    uint64_t efer;
    uint32_t cs_base, ds_base, ss_base, es_base, tr_base;
    uint32_t cs_limit, ds_limit, ss_limit, es_limit, tr_limit;
    uint16_t cs_ar, ds_ar, ss_ar, es_ar, tr_ar;
    uint16_t pad2[3];
};

/* Long mode with flat segments implied. */
struct vcpu_hvm_x86_64 {
    uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
    uint64_t rip, rflags;
    uint64_t cr0, cr3, cr4;
    uint64_t efer;
};

struct vcpu_hvm_context {
    uint32_t mode;              /* VCPU_HVM_MODE_* */
    uint32_t pad;
    union {
        struct vcpu_hvm_x86_32 x86_32;
        struct vcpu_hvm_x86_64 x86_64;
    } cpu_regs;
};

#endif
