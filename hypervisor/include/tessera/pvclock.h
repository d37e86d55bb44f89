/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TSC-to-ns scale of the Xen PV clock (public/xen.h struct
 * vcpu_time_info): ns = ((delta << shift), or >> -shift) * mul >> 32, with
 * a 32-bit mul and a signed shift. The guest computes it with a 64x32 bit
 * multiply (Linux arch/x86/include/asm/pvclock.h), so the shifted delta
 * must stay within 64 bits.
 */
#ifndef TESSERA_PVCLOCK_H
#define TESSERA_PVCLOCK_H

#include <tessera/types.h>

struct pvclock_scale {
    uint32_t mul;
    int8_t shift;
};

/* The scale for a TSC of khz kHz (1 .. 2^32-1), chosen so mul has its top
 * bit set: the most precise the format allows. */
struct pvclock_scale pvclock_scale_for_khz(uint64_t khz);

/* What a guest computes for a TSC delta with that scale. */
uint64_t pvclock_scale_delta(uint64_t delta, struct pvclock_scale s);

#endif
