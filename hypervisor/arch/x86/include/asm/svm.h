/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD SVM: the VMCB and the constants the backend uses. Layout and numbers
 * from the AMD64 Architecture Programmer's Manual vol. 2 (APM2), appendix B
 * (VMCB layout) and appendix C (exit codes).
 */
#ifndef ASM_SVM_H
#define ASM_SVM_H

#include <asm/x86-defns.h>
#include <tessera/types.h>

#define VM_CR_SVMDIS        (1u << 4)     /* in MSR_VM_CR (asm/x86-defns.h) */

/* CPUID 0x8000000a EDX (APM2 15.4, CPUID Fn8000_000A) */
#define SVM_FEAT_NPT        (1u << 0)
#define SVM_FEAT_NRIPS      (1u << 3)
#define SVM_FEAT_DECODE     (1u << 7)

struct vmcb_seg {
    uint16_t sel;
    uint16_t attr;      /* packed: type:4 s:1 dpl:2 p:1 avl:1 l:1 db:1 g:1 */
    uint32_t limit;
    uint64_t base;
} __packed;

/* Intercept vector 3 (offset 0x0c) and 4 (0x10), APM2 table B-1. */
#define INTERCEPT_INTR          (1u << 0)
#define INTERCEPT_VINTR         (1u << 4)
#define INTERCEPT_NMI           (1u << 1)
#define INTERCEPT_SMI           (1u << 2)
#define INTERCEPT_INIT          (1u << 3)
#define INTERCEPT_RDPMC         (1u << 15)
#define INTERCEPT_CPUID         (1u << 18)
#define INTERCEPT_RSM           (1u << 19)
#define INTERCEPT_IRET          (1u << 20)
#define INTERCEPT_INVD          (1u << 22)
#define INTERCEPT_HLT           (1u << 24)
#define INTERCEPT_INVLPGA       (1u << 26)
#define INTERCEPT_IOIO          (1u << 27)
#define INTERCEPT_MSR           (1u << 28)
#define INTERCEPT_TASK_SWITCH   (1u << 29)
#define INTERCEPT_SHUTDOWN      (1u << 31)
#define INTERCEPT_VMRUN         (1u << 0)
#define INTERCEPT_VMMCALL       (1u << 1)
#define INTERCEPT_VMLOAD        (1u << 2)
#define INTERCEPT_VMSAVE        (1u << 3)
#define INTERCEPT_STGI          (1u << 4)
#define INTERCEPT_CLGI          (1u << 5)
#define INTERCEPT_SKINIT        (1u << 6)
#define INTERCEPT_RDTSCP        (1u << 7)
#define INTERCEPT_ICEBP         (1u << 8)
#define INTERCEPT_WBINVD        (1u << 9)
#define INTERCEPT_MONITOR       (1u << 10)
#define INTERCEPT_MWAIT         (1u << 11)
#define INTERCEPT_XSETBV        (1u << 13)

/* intercept_dr: reads of DR0-15 in bits 0-15, writes in 16-31 (APM2 15.12) */
#define INTERCEPT_DR_ALL        0xffffffffu

#define TLB_CONTROL_NOTHING     0
#define TLB_CONTROL_FLUSH_ASID  3

#define NESTED_CTL_NP_ENABLE    (1u << 0)

/* EVENTINJ / EXITINTINFO (APM2 15.20) */
#define EVENT_VALID             (1u << 31)
#define EVENT_ERR_VALID         (1u << 11)
#define EVENT_TYPE_INTR         (0u << 8)
#define EVENT_TYPE_NMI          (2u << 8)
#define EVENT_TYPE_EXCEPTION    (3u << 8)
#define EVENT_TYPE_SOFT_INT     (4u << 8)

struct vmcb {
    /* control area, 0x000 */
    uint32_t intercept_cr;          /* 0x000: reads 0-15, writes 16-31 */
    uint32_t intercept_dr;          /* 0x004 */
    uint32_t intercept_exceptions;  /* 0x008 */
    uint32_t intercept_misc1;       /* 0x00c */
    uint32_t intercept_misc2;       /* 0x010 */
    uint32_t intercept_misc3;       /* 0x014 */
    uint8_t  rsvd0[0x03c - 0x018];
    uint16_t pause_filter_threshold;/* 0x03c */
    uint16_t pause_filter_count;    /* 0x03e */
    uint64_t iopm_base_pa;          /* 0x040 */
    uint64_t msrpm_base_pa;         /* 0x048 */
    uint64_t tsc_offset;            /* 0x050 */
    uint32_t asid;                  /* 0x058 */
    uint8_t  tlb_control;           /* 0x05c */
    uint8_t  rsvd1[3];
    uint64_t vintr;                 /* 0x060: V_TPR, V_IRQ, V_INTR_MASKING... */
    uint64_t interrupt_shadow;      /* 0x068 */
    uint64_t exitcode;              /* 0x070 */
    uint64_t exitinfo1;             /* 0x078 */
    uint64_t exitinfo2;             /* 0x080 */
    uint64_t exitintinfo;           /* 0x088 */
    uint64_t nested_ctl;            /* 0x090 */
    uint64_t avic_apic_bar;         /* 0x098 */
    uint64_t ghcb_pa;               /* 0x0a0 */
    uint64_t eventinj;              /* 0x0a8 */
    uint64_t n_cr3;                 /* 0x0b0 */
    uint64_t virt_ext;              /* 0x0b8 */
    uint32_t clean_bits;            /* 0x0c0 */
    uint32_t rsvd2;
    uint64_t next_rip;              /* 0x0c8 */
    uint8_t  insn_len;              /* 0x0d0 */
    uint8_t  insn_bytes[15];
    uint8_t  rsvd3[0x400 - 0x0e0];
    /* state save area, 0x400 */
    struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;   /* 0x400 */
    uint8_t  rsvd4[0x4cb - 0x4a0];
    uint8_t  cpl;                   /* 0x4cb */
    uint32_t rsvd5;
    uint64_t efer;                  /* 0x4d0 */
    uint8_t  rsvd6[0x548 - 0x4d8];
    uint64_t cr4;                   /* 0x548 */
    uint64_t cr3;                   /* 0x550 */
    uint64_t cr0;                   /* 0x558 */
    uint64_t dr7;                   /* 0x560 */
    uint64_t dr6;                   /* 0x568 */
    uint64_t rflags;                /* 0x570 */
    uint64_t rip;                   /* 0x578 */
    uint8_t  rsvd7[0x5d8 - 0x580];
    uint64_t rsp;                   /* 0x5d8 */
    uint8_t  rsvd8[0x5f8 - 0x5e0];
    uint64_t rax;                   /* 0x5f8 */
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base;        /* 0x600 */
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;           /* 0x628 */
    uint64_t cr2;                   /* 0x640 */
    uint8_t  rsvd9[0x668 - 0x648];
    uint64_t g_pat;                 /* 0x668 */
    uint64_t dbgctl;                /* 0x670 */
    uint8_t  rsvd10[0x1000 - 0x678];
} __packed;

_Static_assert(__builtin_offsetof(struct vmcb, exitcode) == 0x070, "vmcb exitcode");
_Static_assert(__builtin_offsetof(struct vmcb, n_cr3) == 0x0b0, "vmcb n_cr3");
_Static_assert(__builtin_offsetof(struct vmcb, next_rip) == 0x0c8, "vmcb next_rip");
_Static_assert(__builtin_offsetof(struct vmcb, es) == 0x400, "vmcb save area");
_Static_assert(__builtin_offsetof(struct vmcb, tr) == 0x490, "vmcb tr");
_Static_assert(__builtin_offsetof(struct vmcb, efer) == 0x4d0, "vmcb efer");
_Static_assert(__builtin_offsetof(struct vmcb, cr4) == 0x548, "vmcb cr4");
_Static_assert(__builtin_offsetof(struct vmcb, rip) == 0x578, "vmcb rip");
_Static_assert(__builtin_offsetof(struct vmcb, rsp) == 0x5d8, "vmcb rsp");
_Static_assert(__builtin_offsetof(struct vmcb, rax) == 0x5f8, "vmcb rax");
_Static_assert(__builtin_offsetof(struct vmcb, cr2) == 0x640, "vmcb cr2");
_Static_assert(__builtin_offsetof(struct vmcb, g_pat) == 0x668, "vmcb g_pat");
_Static_assert(sizeof(struct vmcb) == 0x1000, "vmcb is one page");

/* Exit codes, APM2 appendix C. */
#define VMEXIT_DR_READ_BASE 0x020   /* + DR number */
#define VMEXIT_DR_WRITE_BASE 0x030  /* + DR number */
#define VMEXIT_EXCP_BASE    0x040   /* + vector */
#define VMEXIT_INTR         0x060
#define VMEXIT_NMI          0x061
#define VMEXIT_SMI          0x062
#define VMEXIT_INIT         0x063
#define VMEXIT_VINTR        0x064
#define VMEXIT_RDTSC        0x06e
#define VMEXIT_RDPMC        0x06f
#define VMEXIT_CPUID        0x072
#define VMEXIT_RSM          0x073
#define VMEXIT_IRET         0x074
#define VMEXIT_INVD         0x076
#define VMEXIT_PAUSE        0x077
#define VMEXIT_HLT          0x078
#define VMEXIT_INVLPGA      0x07a
#define VMEXIT_IOIO         0x07b
#define VMEXIT_MSR          0x07c
#define VMEXIT_TASK_SWITCH  0x07d
#define VMEXIT_SHUTDOWN     0x07f
#define VMEXIT_VMRUN        0x080
#define VMEXIT_VMMCALL      0x081
#define VMEXIT_VMLOAD       0x082
#define VMEXIT_VMSAVE       0x083
#define VMEXIT_STGI         0x084
#define VMEXIT_CLGI         0x085
#define VMEXIT_SKINIT       0x086
#define VMEXIT_RDTSCP       0x087
#define VMEXIT_ICEBP        0x088
#define VMEXIT_WBINVD       0x089
#define VMEXIT_MONITOR      0x08a
#define VMEXIT_MWAIT        0x08b
#define VMEXIT_XSETBV       0x08d
#define VMEXIT_NPF          0x400
#define VMEXIT_INVALID      ((uint64_t)-1)

/* IOIO EXITINFO1 (APM2 15.10.2) */
#define IOIO_IN             (1u << 0)
#define IOIO_STR            (1u << 2)
#define IOIO_REP            (1u << 3)
#define IOIO_SZ8            (1u << 4)
#define IOIO_SZ16           (1u << 5)
#define IOIO_SZ32           (1u << 6)

/* NPF EXITINFO1: a #PF error code (APM2 15.25.6) */
#define NPF_PRESENT         (1u << 0)
#define NPF_WRITE           (1u << 1)
#define NPF_FETCH           (1u << 4)

#endif
