/* SPDX-License-Identifier: GPL-2.0-only */
/* What a guest sees of the CPU: CPUID and MSRs (arch/x86/hvm/cpuid.c, msr.c). */
#ifndef TESSERA_HVM_POLICY_H
#define TESSERA_HVM_POLICY_H

#include <tessera/hypercall.h>  /* TESSERA_XEN_MAJOR/MINOR */
#include <tessera/types.h>

struct vcpu;

/* Writing a guest-physical page address here makes it the hypercall page
 * (CPUID 0x40000002 EBX, public/arch-x86/cpuid.h). */
#define HYPERCALL_PAGE_MSR  0x40000000u

void cpuid_policy(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
/* 0, or -EPERM: the guest gets #GP(0). */
int msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
int msr_write(struct vcpu *v, uint32_t msr, uint64_t val);

#endif
