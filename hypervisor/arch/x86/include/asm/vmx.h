/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intel VT-x: MSRs, VMCS field encodings, control bits and exit reasons the
 * VMX backend uses, with the VMX instructions as inline functions. Numbers
 * from the Intel SDM vol. 3, appendices A (VMX capability reporting),
 * B (field encodings) and C (basic exit reasons).
 */
#ifndef ASM_VMX_H
#define ASM_VMX_H

#include <asm/x86-defns.h>
#include <tessera/types.h>

/* MSRs (SDM vol. 3 App. A; vol. 4) */
#define FEATURE_CONTROL_LOCK        (1ull << 0)
#define FEATURE_CONTROL_VMXON_SMX   (1ull << 1)
#define FEATURE_CONTROL_VMXON       (1ull << 2)     /* outside SMX */
#define MSR_IA32_VMX_BASIC          0x00000480
#define MSR_IA32_VMX_PINBASED_CTLS  0x00000481
#define MSR_IA32_VMX_PROCBASED_CTLS 0x00000482
#define MSR_IA32_VMX_EXIT_CTLS      0x00000483
#define MSR_IA32_VMX_ENTRY_CTLS     0x00000484
#define MSR_IA32_VMX_MISC           0x00000485
#define MSR_IA32_VMX_CR0_FIXED0     0x00000486
#define MSR_IA32_VMX_CR0_FIXED1     0x00000487
#define MSR_IA32_VMX_CR4_FIXED0     0x00000488
#define MSR_IA32_VMX_CR4_FIXED1     0x00000489
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x0000048b
#define MSR_IA32_VMX_EPT_VPID_CAP   0x0000048c
#define MSR_IA32_VMX_TRUE_PINBASED  0x0000048d
#define MSR_IA32_VMX_TRUE_PROCBASED 0x0000048e
#define MSR_IA32_VMX_TRUE_EXIT      0x0000048f
#define MSR_IA32_VMX_TRUE_ENTRY     0x00000490

/* IA32_VMX_BASIC (App. A.1) */
#define VMX_BASIC_REVISION(b)       ((uint32_t)(b) & 0x7fffffff)
#define VMX_BASIC_SIZE(b)           ((unsigned int)((b) >> 32) & 0x1fff)
#define VMX_BASIC_32BIT_ADDR        (1ull << 48)
#define VMX_BASIC_MEMTYPE(b)        ((unsigned int)((b) >> 50) & 0xf)
#define VMX_BASIC_TRUE_CTLS         (1ull << 55)

/* IA32_VMX_MISC (App. A.6) */
#define VMX_MISC_LMA_IN_ENTRY_CTL   (1ull << 5)

/* IA32_VMX_EPT_VPID_CAP (App. A.10) */
#define EPT_CAP_WALK_4              (1ull << 6)
#define EPT_CAP_WB                  (1ull << 14)
#define EPT_CAP_2M                  (1ull << 16)
#define EPT_CAP_1G                  (1ull << 17)
#define EPT_CAP_INVEPT              (1ull << 20)
#define EPT_CAP_INVEPT_SINGLE       (1ull << 25)
#define EPT_CAP_INVEPT_ALL          (1ull << 26)
#define VPID_CAP_INVVPID            (1ull << 32)
#define VPID_CAP_INVVPID_SINGLE     (1ull << 41)
#define VPID_CAP_INVVPID_ALL        (1ull << 42)

#define INVEPT_SINGLE               1
#define INVEPT_ALL                  2
#define INVVPID_SINGLE              1
#define INVVPID_ALL                 2

/* Pin-based VM-execution controls (SDM vol. 3 25.6.1) */
#define PIN_EXT_INTR_EXIT           (1u << 0)
#define PIN_NMI_EXIT                (1u << 3)
#define PIN_VIRTUAL_NMIS            (1u << 5)
#define PIN_PREEMPT_TIMER           (1u << 6)
#define PIN_POSTED_INTR             (1u << 7)

/* Primary processor-based controls (25.6.2) */
#define CPU_INTR_WINDOW_EXIT        (1u << 2)
#define CPU_TSC_OFFSETTING          (1u << 3)
#define CPU_HLT_EXIT                (1u << 7)
#define CPU_INVLPG_EXIT             (1u << 9)
#define CPU_MWAIT_EXIT              (1u << 10)
#define CPU_RDPMC_EXIT              (1u << 11)
#define CPU_RDTSC_EXIT              (1u << 12)
#define CPU_CR3_LOAD_EXIT           (1u << 15)
#define CPU_CR3_STORE_EXIT          (1u << 16)
#define CPU_CR8_LOAD_EXIT           (1u << 19)
#define CPU_CR8_STORE_EXIT          (1u << 20)
#define CPU_TPR_SHADOW              (1u << 21)
#define CPU_NMI_WINDOW_EXIT         (1u << 22)
#define CPU_MOV_DR_EXIT             (1u << 23)
#define CPU_UNCOND_IO_EXIT          (1u << 24)
#define CPU_IO_BITMAPS              (1u << 25)
#define CPU_MONITOR_TRAP_FLAG       (1u << 27)
#define CPU_MSR_BITMAPS             (1u << 28)
#define CPU_MONITOR_EXIT            (1u << 29)
#define CPU_PAUSE_EXIT              (1u << 30)
#define CPU_SECONDARY_CTLS          (1u << 31)

/* Secondary processor-based controls (25.6.2) */
#define CPU2_VIRT_APIC_ACCESS       (1u << 0)
#define CPU2_EPT                    (1u << 1)
#define CPU2_DESC_TABLE_EXIT        (1u << 2)
#define CPU2_RDTSCP                 (1u << 3)
#define CPU2_VIRT_X2APIC            (1u << 4)
#define CPU2_VPID                   (1u << 5)
#define CPU2_WBINVD_EXIT            (1u << 6)
#define CPU2_UNRESTRICTED_GUEST     (1u << 7)
#define CPU2_PAUSE_LOOP_EXIT        (1u << 10)
#define CPU2_RDRAND_EXIT            (1u << 11)
#define CPU2_INVPCID                (1u << 12)
#define CPU2_VMFUNC                 (1u << 13)
#define CPU2_VMCS_SHADOWING         (1u << 14)
#define CPU2_RDSEED_EXIT            (1u << 16)
#define CPU2_EPT_VE                 (1u << 18)
#define CPU2_XSAVES                 (1u << 20)

/* VM-exit controls (25.7.1) */
#define EXIT_SAVE_DEBUG             (1u << 2)
#define EXIT_HOST_64BIT             (1u << 9)
#define EXIT_ACK_INTR               (1u << 15)
#define EXIT_SAVE_PAT               (1u << 18)
#define EXIT_LOAD_PAT               (1u << 19)
#define EXIT_SAVE_EFER              (1u << 20)
#define EXIT_LOAD_EFER              (1u << 21)

/* VM-entry controls (25.8.1) */
#define ENTRY_LOAD_DEBUG            (1u << 2)
#define ENTRY_IA32E_GUEST           (1u << 9)
#define ENTRY_SMM                   (1u << 10)
#define ENTRY_DEACT_DUAL_MONITOR    (1u << 11)
#define ENTRY_LOAD_PAT              (1u << 14)
#define ENTRY_LOAD_EFER             (1u << 15)

/* VMCS field encodings (App. B) */
enum vmcs_field {
    /* 16-bit */
    VMCS_VPID                   = 0x0000,
    GUEST_ES_SEL                = 0x0800,
    GUEST_CS_SEL                = 0x0802,
    GUEST_SS_SEL                = 0x0804,
    GUEST_DS_SEL                = 0x0806,
    GUEST_FS_SEL                = 0x0808,
    GUEST_GS_SEL                = 0x080a,
    GUEST_LDTR_SEL              = 0x080c,
    GUEST_TR_SEL                = 0x080e,
    HOST_ES_SEL                 = 0x0c00,
    HOST_CS_SEL                 = 0x0c02,
    HOST_SS_SEL                 = 0x0c04,
    HOST_DS_SEL                 = 0x0c06,
    HOST_FS_SEL                 = 0x0c08,
    HOST_GS_SEL                 = 0x0c0a,
    HOST_TR_SEL                 = 0x0c0c,
    /* 64-bit */
    IO_BITMAP_A                 = 0x2000,
    IO_BITMAP_B                 = 0x2002,
    MSR_BITMAP                  = 0x2004,
    EXIT_MSR_STORE_ADDR         = 0x2006,
    EXIT_MSR_LOAD_ADDR          = 0x2008,
    ENTRY_MSR_LOAD_ADDR         = 0x200a,
    TSC_OFFSET                  = 0x2010,
    EPT_POINTER                 = 0x201a,
    GUEST_PHYSICAL_ADDRESS      = 0x2400,
    VMCS_LINK_POINTER           = 0x2800,
    GUEST_IA32_DEBUGCTL         = 0x2802,
    GUEST_IA32_PAT              = 0x2804,
    GUEST_IA32_EFER             = 0x2806,
    GUEST_PDPTE0                = 0x280a,
    GUEST_PDPTE1                = 0x280c,
    GUEST_PDPTE2                = 0x280e,
    GUEST_PDPTE3                = 0x2810,
    HOST_IA32_PAT               = 0x2c00,
    HOST_IA32_EFER              = 0x2c02,
    /* 32-bit */
    PIN_BASED_CTLS              = 0x4000,
    CPU_BASED_CTLS              = 0x4002,
    EXCEPTION_BITMAP            = 0x4004,
    PF_ERROR_CODE_MASK          = 0x4006,
    PF_ERROR_CODE_MATCH         = 0x4008,
    CR3_TARGET_COUNT            = 0x400a,
    EXIT_CTLS                   = 0x400c,
    EXIT_MSR_STORE_COUNT        = 0x400e,
    EXIT_MSR_LOAD_COUNT         = 0x4010,
    ENTRY_CTLS                  = 0x4012,
    ENTRY_MSR_LOAD_COUNT        = 0x4014,
    ENTRY_INTR_INFO             = 0x4016,
    ENTRY_EXCEPTION_ERROR_CODE  = 0x4018,
    ENTRY_INSTRUCTION_LEN       = 0x401a,
    TPR_THRESHOLD               = 0x401c,
    SECONDARY_CTLS              = 0x401e,
    VM_INSTRUCTION_ERROR        = 0x4400,
    EXIT_REASON                 = 0x4402,
    EXIT_INTR_INFO              = 0x4404,
    EXIT_INTR_ERROR_CODE        = 0x4406,
    IDT_VECTORING_INFO          = 0x4408,
    IDT_VECTORING_ERROR_CODE    = 0x440a,
    EXIT_INSTRUCTION_LEN        = 0x440c,
    EXIT_INSTRUCTION_INFO       = 0x440e,
    GUEST_ES_LIMIT              = 0x4800,
    GUEST_CS_LIMIT              = 0x4802,
    GUEST_SS_LIMIT              = 0x4804,
    GUEST_DS_LIMIT              = 0x4806,
    GUEST_FS_LIMIT              = 0x4808,
    GUEST_GS_LIMIT              = 0x480a,
    GUEST_LDTR_LIMIT            = 0x480c,
    GUEST_TR_LIMIT              = 0x480e,
    GUEST_GDTR_LIMIT            = 0x4810,
    GUEST_IDTR_LIMIT            = 0x4812,
    GUEST_ES_AR                 = 0x4814,
    GUEST_CS_AR                 = 0x4816,
    GUEST_SS_AR                 = 0x4818,
    GUEST_DS_AR                 = 0x481a,
    GUEST_FS_AR                 = 0x481c,
    GUEST_GS_AR                 = 0x481e,
    GUEST_LDTR_AR               = 0x4820,
    GUEST_TR_AR                 = 0x4822,
    GUEST_INTERRUPTIBILITY      = 0x4824,
    GUEST_ACTIVITY_STATE        = 0x4826,
    GUEST_SYSENTER_CS           = 0x482a,
    GUEST_PREEMPT_TIMER         = 0x482e,
    HOST_SYSENTER_CS            = 0x4c00,
    /* natural width */
    CR0_GUEST_HOST_MASK         = 0x6000,
    CR4_GUEST_HOST_MASK         = 0x6002,
    CR0_READ_SHADOW             = 0x6004,
    CR4_READ_SHADOW             = 0x6006,
    EXIT_QUALIFICATION          = 0x6400,
    GUEST_LINEAR_ADDRESS        = 0x640a,
    GUEST_CR0                   = 0x6800,
    GUEST_CR3                   = 0x6802,
    GUEST_CR4                   = 0x6804,
    GUEST_ES_BASE               = 0x6806,
    GUEST_CS_BASE               = 0x6808,
    GUEST_SS_BASE               = 0x680a,
    GUEST_DS_BASE               = 0x680c,
    GUEST_FS_BASE               = 0x680e,
    GUEST_GS_BASE               = 0x6810,
    GUEST_LDTR_BASE             = 0x6812,
    GUEST_TR_BASE               = 0x6814,
    GUEST_GDTR_BASE             = 0x6816,
    GUEST_IDTR_BASE             = 0x6818,
    GUEST_DR7                   = 0x681a,
    GUEST_RSP                   = 0x681c,
    GUEST_RIP                   = 0x681e,
    GUEST_RFLAGS                = 0x6820,
    GUEST_PENDING_DBG           = 0x6822,
    GUEST_SYSENTER_ESP          = 0x6824,
    GUEST_SYSENTER_EIP          = 0x6826,
    HOST_CR0                    = 0x6c00,
    HOST_CR3                    = 0x6c02,
    HOST_CR4                    = 0x6c04,
    HOST_FS_BASE                = 0x6c06,
    HOST_GS_BASE                = 0x6c08,
    HOST_TR_BASE                = 0x6c0a,
    HOST_GDTR_BASE              = 0x6c0c,
    HOST_IDTR_BASE              = 0x6c0e,
    HOST_SYSENTER_ESP           = 0x6c10,
    HOST_SYSENTER_EIP           = 0x6c12,
    HOST_RSP                    = 0x6c14,
    HOST_RIP                    = 0x6c16,
};

/* Basic exit reasons (App. C) */
#define EXIT_REASON_EXCEPTION_NMI   0
#define EXIT_REASON_EXT_INTR        1
#define EXIT_REASON_TRIPLE_FAULT    2
#define EXIT_REASON_INIT            3
#define EXIT_REASON_SIPI            4
#define EXIT_REASON_IO_SMI          5
#define EXIT_REASON_OTHER_SMI       6
#define EXIT_REASON_INTR_WINDOW     7
#define EXIT_REASON_NMI_WINDOW      8
#define EXIT_REASON_TASK_SWITCH     9
#define EXIT_REASON_CPUID           10
#define EXIT_REASON_GETSEC          11
#define EXIT_REASON_HLT             12
#define EXIT_REASON_INVD            13
#define EXIT_REASON_INVLPG          14
#define EXIT_REASON_RDPMC           15
#define EXIT_REASON_RDTSC           16
#define EXIT_REASON_RSM             17
#define EXIT_REASON_VMCALL          18
#define EXIT_REASON_VMCLEAR         19
#define EXIT_REASON_VMLAUNCH        20
#define EXIT_REASON_VMPTRLD         21
#define EXIT_REASON_VMPTRST         22
#define EXIT_REASON_VMREAD          23
#define EXIT_REASON_VMRESUME        24
#define EXIT_REASON_VMWRITE         25
#define EXIT_REASON_VMXOFF          26
#define EXIT_REASON_VMXON           27
#define EXIT_REASON_CR_ACCESS       28
#define EXIT_REASON_DR_ACCESS       29
#define EXIT_REASON_IO              30
#define EXIT_REASON_RDMSR           31
#define EXIT_REASON_WRMSR           32
#define EXIT_REASON_INVALID_STATE   33
#define EXIT_REASON_MSR_LOADING     34
#define EXIT_REASON_MWAIT           36
#define EXIT_REASON_MTF             37
#define EXIT_REASON_MONITOR         39
#define EXIT_REASON_PAUSE           40
#define EXIT_REASON_MCE_DURING_ENTRY 41
#define EXIT_REASON_TPR_BELOW       43
#define EXIT_REASON_APIC_ACCESS     44
#define EXIT_REASON_EOI_INDUCED     45
#define EXIT_REASON_GDTR_IDTR       46
#define EXIT_REASON_LDTR_TR         47
#define EXIT_REASON_EPT_VIOLATION   48
#define EXIT_REASON_EPT_MISCONFIG   49
#define EXIT_REASON_INVEPT          50
#define EXIT_REASON_RDTSCP          51
#define EXIT_REASON_PREEMPT_TIMER   52
#define EXIT_REASON_INVVPID         53
#define EXIT_REASON_WBINVD          54
#define EXIT_REASON_XSETBV          55
#define EXIT_REASON_APIC_WRITE      56
#define EXIT_REASON_RDRAND          57
#define EXIT_REASON_INVPCID         58
#define EXIT_REASON_VMFUNC          59
#define EXIT_REASON_ENCLS           60
#define EXIT_REASON_RDSEED          61
#define EXIT_REASON_XSAVES          63
#define EXIT_REASON_XRSTORS         64
#define EXIT_REASON_ENTRY_FAILURE   (1u << 31)

/* Interruption information (VM-entry, VM-exit, IDT-vectoring; 25.8.3, 25.9.2) */
#define INTR_INFO_VECTOR_MASK       0xffu
#define INTR_INFO_TYPE_SHIFT        8
#define INTR_INFO_TYPE_MASK         (7u << 8)
#define INTR_TYPE_EXT_INTR          (0u << 8)
#define INTR_TYPE_NMI               (2u << 8)
#define INTR_TYPE_HW_EXCEPTION      (3u << 8)
#define INTR_TYPE_SW_INTR           (4u << 8)
#define INTR_TYPE_PRIV_SW_EXCEPTION (5u << 8)
#define INTR_TYPE_SW_EXCEPTION      (6u << 8)
#define INTR_INFO_ERROR_VALID       (1u << 11)
#define INTR_INFO_NMI_UNBLOCKED     (1u << 12)
#define INTR_INFO_VALID             (1u << 31)

/* Guest interruptibility state (25.4.2) */
#define INTERRUPTIBILITY_STI        (1u << 0)
#define INTERRUPTIBILITY_MOV_SS     (1u << 1)
#define INTERRUPTIBILITY_NMI        (1u << 3)

/* Segment access rights in the VMCS (25.4.1, table 25-2) */
#define VMX_AR_UNUSABLE             (1u << 16)

/* EPT-violation exit qualification (28.2.1, table 28-7) */
#define EPT_QUAL_READ               (1ull << 0)
#define EPT_QUAL_WRITE              (1ull << 1)
#define EPT_QUAL_FETCH              (1ull << 2)
#define EPT_QUAL_PERMS              (7ull << 3)     /* R/W/X of the entry */

/* I/O exit qualification (table 28-5) */
#define IO_QUAL_SIZE(q)             ((unsigned int)((q) & 7) + 1)
#define IO_QUAL_IN                  (1ull << 3)
#define IO_QUAL_STRING              (1ull << 4)
#define IO_QUAL_REP                 (1ull << 5)
#define IO_QUAL_IMM                 (1ull << 6)
#define IO_QUAL_PORT(q)             ((uint16_t)((q) >> 16))

/* VMX instructions. Each reports VMfailInvalid (CF) or VMfailValid (ZF)
 * through the flags (SDM vol. 3 31.2); the wrappers return false then. */
static inline bool vmxon(paddr_t pa)
{
    bool ok;
    __asm__ volatile("vmxon %1; setnbe %0" : "=qm"(ok) : "m"(pa) : "cc", "memory");
    return ok;
}

static inline void vmxoff(void)
{
    __asm__ volatile("vmxoff" ::: "cc", "memory");
}

static inline bool vmclear(paddr_t pa)
{
    bool ok;
    __asm__ volatile("vmclear %1; setnbe %0" : "=qm"(ok) : "m"(pa) : "cc", "memory");
    return ok;
}

static inline bool vmptrld(paddr_t pa)
{
    bool ok;
    __asm__ volatile("vmptrld %1; setnbe %0" : "=qm"(ok) : "m"(pa) : "cc", "memory");
    return ok;
}

static inline bool vmwrite(unsigned long field, uint64_t value)
{
    bool ok;
    __asm__ volatile("vmwrite %2, %1; setnbe %0" : "=qm"(ok) : "r"(field), "rm"(value)
                     : "cc", "memory");
    return ok;
}

static inline uint64_t vmread(unsigned long field)
{
    uint64_t value = 0;
    __asm__ volatile("vmread %1, %0" : "+rm"(value) : "r"(field) : "cc");
    return value;
}

static inline bool invept(unsigned long type, uint64_t eptp)
{
    struct { uint64_t eptp, zero; } desc = { eptp, 0 };
    bool ok;
    __asm__ volatile("invept %1, %2; setnbe %0" : "=qm"(ok) : "m"(desc), "r"(type)
                     : "cc", "memory");
    return ok;
}

static inline bool invvpid(unsigned long type, uint16_t vpid)
{
    struct { uint64_t vpid, linear; } desc = { vpid, 0 };
    bool ok;
    __asm__ volatile("invvpid %1, %2; setnbe %0" : "=qm"(ok) : "m"(desc), "r"(type)
                     : "cc", "memory");
    return ok;
}

#endif
