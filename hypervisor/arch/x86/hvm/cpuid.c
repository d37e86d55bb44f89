/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CPUID a guest sees: the host's, less what the hypervisor does not
 * virtualize (SVM/VMX, XSAVE and the AVX family whose state is not switched,
 * monitor/mwait, performance counters), with the hypervisor bit set and the
 * hypervisor leaves at 0x40000000 that Xen's ABI defines
 * (xen/include/public/arch-x86/cpuid.h).
 *
 * Topology is the guest's own, not the host's: APIC ID = 2 * vCPU id, as on
 * Xen and in the MADT (asm/acpi_tables.h), one thread per core, every
 * vCPU in one package (leaves 1, 4, 0xB, 0x80000008; AMD's 0x8000001E is
 * hidden with TOPOEXT).
 */
#include <asm/hvm.h>
#include <asm/processor.h>
#include <asm/acpi_tables.h>
#include <tessera/domain.h>
#include <asm/hvm_policy.h>
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
#define L1_EDX_MCE          (1u << 7)
#define L1_EDX_MCA          (1u << 14)
#define L1_EDX_ACPI         (1u << 22)
#define L1_EDX_TM           (1u << 29)
#define L1_EDX_PBE          (1u << 31)
#define L1_EDX_APIC         (1u << 9)
#define L1_EDX_HTT          (1u << 28)

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
#define E1_ECX_CMP_LEGACY   (1u << 1)
#define E1_ECX_TOPOEXT      (1u << 22)
/* RDTSCP reads IA32_TSC_AUX, which neither backend switches per guest:
 * hidden, so guests (Linux's setup_getcpu) do not try to write it. */
#define E1_EDX_RDTSCP       (1u << 27)

/* Leaf 0xB level types (SDM vol. 2A, CPUID leaf 0BH) */
#define TOPO_SMT            1
#define TOPO_CORE           2

/* Leaf 0x40000004 EAX (public/arch-x86/cpuid.h): vCPU id in EBX, domain id in ECX. */
#define XEN_HVM_CPUID_VCPU_ID_PRESENT   (1u << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT     (1u << 4)

/* Bits of the APIC ID below the package: enough for 2 * nr_vcpus ids. */
static uint32_t package_shift(const struct domain *d)
{
    uint32_t shift = 1;

    while ((1u << shift) < 2 * d->nr_vcpus)
        shift++;
    return shift;
}

/* Leaf 0xB: an SMT level of one thread (APIC ID bit 0, always 0), then a
 * core level holding every vCPU; EDX is the x2APIC ID at every subleaf. */
static void topology_leaf(const struct vcpu *v, uint32_t subleaf, uint32_t out[4])
{
    out[3] = acpi_vcpu_apic_id(v->id);
    out[2] = subleaf & 0xff;
    if (subleaf == 0) {
        out[0] = 1;
        out[1] = 1;
        out[2] |= TOPO_SMT << 8;
    } else if (subleaf == 1) {
        out[0] = package_shift(v->domain);
        out[1] = v->domain->nr_vcpus;
        out[2] |= TOPO_CORE << 8;
    } else {
        out[0] = out[1] = 0;
    }
}

/* The hypervisor leaves Xen's ABI defines at 0x40000000 (public/arch-x86/cpuid.h). */
static void xen_leaf(const struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    uint32_t *a = &out[0], *b = &out[1], *c = &out[2], *d = &out[3];

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
}

/* Leaf 1 over the host's: ids is the number of APIC IDs in the package. */
static void features_leaf(const struct vcpu *v, uint32_t ids, uint32_t out[4])
{
    uint32_t *b = &out[1], *c = &out[2], *d = &out[3];

    /* EBX[31:24] initial APIC ID, [23:16] addressable IDs in the package */
    *b = (*b & 0xffffu) | (acpi_vcpu_apic_id(v->id) & 0xff) << 24 | MIN(ids, 128u) << 16;
    *d |= L1_EDX_HTT;                           /* [23:16] is valid */
    *c &= ~(L1_ECX_MONITOR | L1_ECX_VMX | L1_ECX_SMX | L1_ECX_EST | L1_ECX_TM2 |
            L1_ECX_PDCM | L1_ECX_TSC_DEADLINE | L1_ECX_XSAVE |
            L1_ECX_OSXSAVE | L1_ECX_AVX | L1_ECX_F16C | L1_ECX_FMA);
    *c |= L1_ECX_HYPERVISOR;
    /* The emulated local APIC (hvm/vlapic.c), with x2APIC mode and
     * without TSC-deadline mode. */
    *c |= L1_ECX_X2APIC;
    /* No machine-check MSRs are emulated (msr.c gives #GP): without
     * MCE/MCA in CPUID a guest does not look for them. */
    *d &= ~(L1_EDX_ACPI | L1_EDX_TM | L1_EDX_PBE | L1_EDX_MCE | L1_EDX_MCA);
    *d |= L1_EDX_APIC;
}

/* Leaf 7: subleaf 0 EBX less what needs hypervisor support, nothing else. */
static void ext_features_leaf(uint32_t subleaf, uint32_t out[4])
{
    uint32_t *a = &out[0], *b = &out[1], *c = &out[2], *d = &out[3];

    if (subleaf == 0) {
        *a = 0;
        *b &= L7_EBX_ALLOWED;
        *c = *d = 0;
    } else {
        *a = *b = *c = *d = 0;
    }
}

void cpuid_policy(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    uint32_t *a = &out[0], *b = &out[1], *c = &out[2], *d = &out[3];
    uint32_t ids = 1u << package_shift(v->domain);     /* APIC IDs in the package */

    if (leaf >= HV_LEAF_BASE && leaf < HV_LEAF_BASE + 0x10000) {
        xen_leaf(v, leaf, subleaf, out);
        return;
    }

    cpuid_count(leaf, subleaf, a, b, c, d);
    switch (leaf) {
    case 0x1:
        features_leaf(v, ids, out);
        break;
    case 0x5:           /* monitor/mwait */
    case 0x6:           /* thermal and power */
    case 0xa:           /* performance monitoring */
    case 0xd:           /* XSAVE state */
    case 0x8000000a:    /* SVM */
        *a = *b = *c = *d = 0;
        break;
    case 0x7:
        ext_features_leaf(subleaf, out);
        break;
    case 0x4:
        /* EAX[31:26] cores per package - 1, [25:14] threads per cache - 1 */
        if (*a & 0x1f)
            *a = (*a & 0x3fffu) | (MIN(ids, 64u) - 1) << 26;
        break;
    case 0xb:
        topology_leaf(v, subleaf, out);
        break;
    case 0x80000001:
        *c &= ~(E1_ECX_SVM | E1_ECX_MWAITX | E1_ECX_PERFCTR | E1_ECX_CMP_LEGACY |
                E1_ECX_TOPOEXT);
        *d &= ~E1_EDX_RDTSCP;
        break;
    case 0x80000008:
        /* ECX[15:12] APIC ID bits per package, [7:0] threads - 1 (AMD APM 3, E.4.7) */
        *c = (*c & ~0xf0ffu) | package_shift(v->domain) << 12 | (MIN(ids, 256u) - 1);
        break;
    case 0x8000001e:
        *a = *b = *c = *d = 0;
        break;
    }
}
