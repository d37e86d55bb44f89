/* SPDX-License-Identifier: GPL-2.0-only */
/* What the boot CPU offers, read once from CPUID. */
#ifndef ASM_CPUFEATURE_H
#define ASM_CPUFEATURE_H

#include <tessera/types.h>

struct cpu_features {
    char vendor[13];
    char brand[49];
    unsigned int family, model, stepping;
    uint32_t max_leaf, max_ext_leaf;
    bool vmx, svm, ept, npt, vpid, unrestricted_guest, nrip_save, decode_assists;
    bool x2apic, tsc_deadline, invariant_tsc, page1gb, nx, pcid, xsave;
    bool hypervisor;            /* CPUID.1:ECX[31]: we are ourselves a guest */
    unsigned int phys_addr_bits;
};

extern struct cpu_features boot_cpu;

void cpu_features_detect(void);
void cpu_features_print(void);

#endif
