/* SPDX-License-Identifier: GPL-2.0-only */
#include "mini.h"

/* CPUID 0x40000003 subleaf 0 ECX: the guest TSC's frequency in kHz
 * (public/arch-x86/cpuid.h, "Leaf 4" of the Xen leaves counting from 1). */
uint64_t tsc_khz(void)
{
    uint32_t r[4];
    cpuid(0x40000003, 0, r);
    return r[2];
}

uint64_t tsc_to_ns(uint64_t ticks)
{
    uint64_t khz = tsc_khz();
    if (!khz)
        return 0;
    /* ticks * 1e6 / khz without overflow for any realistic uptime */
    return ticks / khz * 1000000 + ticks % khz * 1000000 / khz;
}
