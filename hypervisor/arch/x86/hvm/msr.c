/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MSRs a guest may touch. Every other MSR, and every reserved bit of these,
 * gives the guest #GP(0): an unknown MSR never reaches the real one. The
 * syscall and segment-base MSRs do not come here: the backend switches them
 * with the rest of the guest state.
 */
#include "backend.h"
#include <asm/processor.h>
#include <asm/vlapic.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <asm/hvm_policy.h>
#include <tessera/hypercall.h>

/* Intel's IA32_BIOS_SIGN_ID (the loaded microcode's revision in bits 63:32,
 * read after writing 0 and executing CPUID: SDM vol. 3 10.11.7.1) and
 * AMD's read-only PATCH_LEVEL share the number. */
#define MSR_UCODE_REV       0x8b
#define MSR_MTRRCAP         0xfe
#define MSR_MISC_ENABLE     0x1a0
#define MSR_MTRR_DEF_TYPE   0x2ff
#define MSR_K8_INT_PENDING_MSG 0xc0010055u

/* A PAT entry is one of UC, WC, WT, WP, WB, UC-: 0, 1, 4, 5, 6, 7; any
 * other value in any of the eight bytes is #GP (SDM vol. 3 13.12.2). */
static bool pat_valid(uint64_t pat)
{
    for (unsigned int i = 0; i < 8; i++) {
        uint8_t type = (uint8_t)(pat >> (8 * i));

        if (type > 7 || type == 2 || type == 3)
            return false;
    }
    return true;
}

int msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    uint64_t cr0, cr3, cr4, efer;

    if (vlapic_msr_owned(msr))
        return vlapic_msr_read(v, msr, val);
    switch (msr) {
    case MSR_IA32_TSC:
        *val = rdtsc();
        return 0;
    case MSR_UCODE_REV:
        *val = 0;           /* no microcode update was loaded */
        return 0;
    case MSR_IA32_PAT:
        return hvm->get_pat(v, val);
    case MSR_MTRRCAP:
    case MSR_MTRR_DEF_TYPE:
        *val = 0;           /* no MTRRs: everything write-back via the PAT */
        return 0;
    case MSR_MISC_ENABLE:
        *val = 1;           /* fast strings */
        return 0;
    case MSR_K8_INT_PENDING_MSG:
        /* AMD family 0Fh/10h (BKDG): bits 28:27 say C1E is active, which
         * Linux checks for erratum 400 on such CPUs. A vCPU has no C1E. */
        *val = 0;
        return 0;
    case MSR_EFER:
        hvm->paging_state(v, &cr0, &cr3, &cr4, &efer);
        *val = efer;
        return 0;
    }
    return -EPERM;
}

int msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    if (vlapic_msr_owned(msr))
        return vlapic_msr_write(v, msr, val);
    switch (msr) {
    case HYPERCALL_PAGE_MSR:
        return hypercall_page_write(v, val);
    case MSR_UCODE_REV:
        /* Linux (intel_get_microcode_revision) writes 0 before its CPUID;
         * the revision reads back 0 whatever was written. */
        return 0;
    case MSR_IA32_PAT:
        return pat_valid(val) ? hvm->set_pat(v, val) : -EPERM;
    case MSR_MTRR_DEF_TYPE:
        return val == 0 ? 0 : -EPERM;
    case MSR_EFER:
        if (val & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))
            return -EPERM;
        return hvm->set_efer(v, val);
    }
    return -EPERM;
}
