/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PV clock's scale: the factor f = 1e6 / khz (ns per tick) written as
 * mul / 2^32 * 2^shift with mul in [2^31, 2^32), found by moving f into
 * [0.5, 1) by powers of two and rounding mul to nearest.
 */
#include <tessera/lib.h>
#include <tessera/pvclock.h>
#include <tessera/time.h>

struct pvclock_scale pvclock_scale_for_khz(uint64_t khz)
{
    /* f = num / den; keep num / den in [0.5, 1) while counting the shift.
     * den stays below 2^32 (it is khz, or at most 2e6), so num < den and
     * num << 32 fit 64 bits (no 128-bit division in the hypervisor). */
    uint64_t num = 1000000, den = khz;
    int shift = 0;

    BUG_ON(khz == 0 || khz >> 32);
    while (num >= den) {
        den <<= 1;
        shift++;
    }
    while (num * 2 < den) {
        num <<= 1;
        shift--;
    }
    uint64_t mul = ((num << 32) + den / 2) / den;
    if (mul >> 32)          /* rounding reached 1.0: 2^31 at the next shift */
        return (struct pvclock_scale){ .mul = 1u << 31, .shift = (int8_t)(shift + 1) };
    return (struct pvclock_scale){ .mul = (uint32_t)mul, .shift = (int8_t)shift };
}

uint64_t pvclock_scale_delta(uint64_t delta, struct pvclock_scale s)
{
    if (s.shift < 0)
        delta >>= -s.shift;
    else
        delta <<= s.shift;
    return (uint64_t)(((unsigned __int128)delta * s.mul) >> 32);
}
