/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The x86 halves of struct vcpu and struct domain (tessera/domain.h): the
 * state only arch/x86 reads or writes. common/ sees them as v->arch and
 * d->arch and never looks inside; they are set up and torn down by the
 * arch_vcpu_* and arch_domain_* hooks (tessera/arch.h, arch/x86/domain.c).
 */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <asm/hvm.h>
#include <asm/hvm_io_stats.h>
#include <asm/hvm_ioport.h>
#include <asm/hvm_mmio.h>
#include <asm/vlapic.h>

/* FXSAVE image of the vCPU's x87/SSE state (SDM vol. 1 10.5.1). */
struct fpu_area {
    uint8_t bytes[512];
} __aligned(16);

struct arch_vcpu {
    struct guest_regs regs;         /* what the backend does not keep */
    void *hw;                       /* the backend's per-vCPU state */
    struct fpu_area *fpu;
    uint64_t nr_exits;
    uint64_t exits_by_reason[HVM_EXIT_NR_REASONS];
    struct hvm_io_stats io_stats;   /* port I/O exits by port (hvm/io_stats.c) */
    struct vlapic vlapic;           /* its local APIC (hvm/vlapic.c) */
    /* An APIC vector the backend was asked to deliver at the CPU's own
     * pace (hvm.h, inject_intr), until the next exit says; or -1. */
    int lapic_vec_offered;
};

struct dom0_io;
struct vioapic_set;

struct arch_domain {
    struct hvm_mmio_range mmio[HVM_MMIO_MAX_RANGES];   /* emulated devices */
    unsigned int nr_mmio;
    struct hvm_ioport_range ioports[HVM_IOPORT_MAX_RANGES];  /* emulated ports */
    unsigned int nr_ioports;
    struct dom0_io *dom0_io;        /* dom0's port pass-through (hvm/dom0_io.c); NULL: domU */
    struct vioapic_set *vioapic;    /* the hardware domain's vIOAPICs (hvm/vioapic.c) */
};

#endif
