/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CPUID a guest sees: the host's, less what the hypervisor does not
 * virtualize (SVM/VMX, XSAVE and the AVX family whose state is not switched,
 * monitor/mwait, performance counters), with the hypervisor bit set and the
 * hypervisor leaves at 0x40000000 that Xen's ABI defines
 * (xen/include/public/arch-x86/cpuid.h).
 */
#include <asm/hvm.h>
#include <asm/processor.h>
#include <tessera/domain.h>
#include <tessera/hvm_policy.h>
#include <tessera/time.h>

#define HV_LEAF_BASE        0x40000000u
#define HV_LEAF_MAX         (HV_LEAF_BASE + 5)

/* Leaf 1 */
#define L1_ECX_MONITOR      (1u << 3)
#define L1_ECX_VMX          (1u << 5)
#define L1_ECX_SMX          (1u << 6)
#define L1_ECX_EST          (1u << 7)
#define L1_ECX_TM2          (1u << 8)
#define L1_ECX_PDCM         (1u << 15)
#define L1_ECX_X2APIC       (1u << 21)
#define L1_ECX_TSC_DEADLINE (1u << 24)
#define L1_ECX_XSAVE        (1u << 26)
#define L1_ECX_OSXSAVE      (1u << 27)
#define L1_ECX_AVX          (1u << 28)
#define L1_ECX_F16C         (1u << 29)
#define L1_ECX_FMA          (1u << 12)
#define L1_ECX_HYPERVISOR   (1u << 31)
#define L1_EDX_ACPI         (1u << 22)
#define L1_EDX_TM           (1u << 29)
#define L1_EDX_PBE          (1u << 31)
#define L1_EDX_APIC         (1u << 9)

/* Leaf 7 subleaf 0 EBX: only what needs no hypervisor support. */
#define L7_EBX_ALLOWED      ((1u << 0) /* FSGSBASE */ | (1u << 3) /* BMI1 */ |   \
                             (1u << 7) /* SMEP */ | (1u << 8) /* BMI2 */ |      \
                             (1u << 9) /* ERMS */ | (1u << 18) /* RDSEED */ |   \
                             (1u << 19) /* ADX */ | (1u << 20) /* SMAP */ |     \
                             (1u << 23) /* CLFLUSHOPT */ | (1u << 29) /* SHA */)

/* 0x80000001 ECX */
#define E1_ECX_SVM          (1u << 2)
#define E1_ECX_MWAITX       (1u << 29)
#define E1_ECX_PERFCTR      (1u << 23)

/* Leaf 0x40000004 EAX (public/arch-x86/cpuid.h): vCPU id in EBX, domain id in ECX. */
#define XEN_HVM_CPUID_VCPU_ID_PRESENT   (1u << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT     (1u << 4)

void cpuid_policy(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    uint32_t *a = &out[0], *b = &out[1], *c = &out[2], *d = &out[3];

    if (leaf >= HV_LEAF_BASE && leaf < HV_LEAF_BASE + 0x10000) {
        *a = *b = *c = *d = 0;
        switch (leaf) {
        case HV_LEAF_BASE:
            *a = HV_LEAF_MAX;
            *b = 0x566e6558;            /* "XenV" */
            *c = 0x65584d4d;            /* "MMXe" */
            *d = 0x4d4d566e;            /* "nVMM" */
            break;
        case HV_LEAF_BASE + 1:
            *a = (TESSERA_XEN_MAJOR << 16) | TESSERA_XEN_MINOR;
            break;
        case HV_LEAF_BASE + 2:
            *a = 1;                     /* hypercall pages */
            *b = HYPERCALL_PAGE_MSR;
            break;
        case HV_LEAF_BASE + 3:
            /* Time: subleaf 0 ECX is the guest's TSC frequency in kHz. */
            if (subleaf == 0)
                *c = (uint32_t)time_tsc_khz();
            break;
        case HV_LEAF_BASE + 4:
            *a = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT;
            *b = v->id;
            *c = v->domain->id;
            break;
        }
        return;
    }

    cpuid_count(leaf, subleaf, a, b, c, d);
    switch (leaf) {
    case 0x1:
        *b = (*b & 0x00ffffffu) | (v->id << 24);    /* initial APIC id */
        *c &= ~(L1_ECX_MONITOR | L1_ECX_VMX | L1_ECX_SMX | L1_ECX_EST | L1_ECX_TM2 |
                L1_ECX_PDCM | L1_ECX_X2APIC | L1_ECX_TSC_DEADLINE | L1_ECX_XSAVE |
                L1_ECX_OSXSAVE | L1_ECX_AVX | L1_ECX_F16C | L1_ECX_FMA);
        *c |= L1_ECX_HYPERVISOR;
        /* No local APIC is emulated yet (PVH guests use event channels). */
        *d &= ~(L1_EDX_ACPI | L1_EDX_TM | L1_EDX_PBE | L1_EDX_APIC);
        break;
    case 0x5:           /* monitor/mwait */
    case 0x6:           /* thermal and power */
    case 0xa:           /* performance monitoring */
    case 0xd:           /* XSAVE state */
    case 0x8000000a:    /* SVM */
        *a = *b = *c = *d = 0;
        break;
    case 0x7:
        if (subleaf == 0) {
            *a = 0;
            *b &= L7_EBX_ALLOWED;
            *c = *d = 0;
        } else {
            *a = *b = *c = *d = 0;
        }
        break;
    case 0x80000001:
        *c &= ~(E1_ECX_SVM | E1_ECX_MWAITX | E1_ECX_PERFCTR);
        break;
    }
}
