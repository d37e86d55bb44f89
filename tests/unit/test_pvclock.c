/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/common/time/pvclock_scale.c against exact
 * 128-bit arithmetic (ns = delta * 1e6 / khz). */
#include <tessera/pvclock.h>
#include <tessera/lib.h>
#include "test.h"

static uint64_t exact_ns(uint64_t delta, uint64_t khz)
{
    return (uint64_t)((unsigned __int128)delta * 1000000 / khz);
}

/* Error allowed: mul rounded to 2^-32 relative to a value >= 2^31 (so
 * 2^-32 of the result, rounded up to 2^-31), the low -shift bits of delta
 * dropped (less than 1 ns since ns-per-tick * 2^-shift < 1), and the final
 * floor: 2 ns plus the relative part. */
static uint64_t allowed(uint64_t ns)
{
    return 2 + (ns >> 31);
}

static void check_one(uint64_t khz, uint64_t delta)
{
    struct pvclock_scale s = pvclock_scale_for_khz(khz);
    uint64_t got = pvclock_scale_delta(delta, s), want = exact_ns(delta, khz);
    uint64_t err = got > want ? got - want : want - got;

    if (err > allowed(want))
        test_fail(__FILE__, __LINE__, "khz %llu delta %llu: got %llu want %llu (mul %#x shift %d)",
                  (unsigned long long)khz, (unsigned long long)delta,
                  (unsigned long long)got, (unsigned long long)want, s.mul, s.shift);
}

static void test_mul_normalised(void)
{
    for (uint64_t khz = 1; khz < (1ull << 32); khz = khz * 3 + 7) {
        struct pvclock_scale s = pvclock_scale_for_khz(khz);
        CHECK(s.mul >= (1u << 31));
        CHECK(s.shift >= -32 && s.shift <= 32);
    }
}

static void test_known_frequencies(void)
{
    /* 1 GHz: one tick is one ns exactly. */
    struct pvclock_scale s = pvclock_scale_for_khz(1000000);
    CHECK_EQ(pvclock_scale_delta(123456789, s), 123456789);
    CHECK_EQ(s.mul, 1u << 31);
    CHECK_EQ(s.shift, 1);
    /* 2 GHz: half a ns per tick. */
    s = pvclock_scale_for_khz(2000000);
    CHECK_EQ(pvclock_scale_delta(2000000000ull, s), 1000000000ull);
    /* Typical and odd ones, a second's and an hour's worth of ticks. */
    static const uint64_t khz[] = { 1, 1000, 14318, 1193182, 2893296, 3000000,
                                    3599999, 4294967295ull, 999999, 1000001 };
    for (unsigned int i = 0; i < ARRAY_SIZE(khz); i++) {
        check_one(khz[i], khz[i] * 1000);
        check_one(khz[i], khz[i] * 1000 * 3600);
        check_one(khz[i], 0);
        check_one(khz[i], 1);
    }
}

static void test_random(void)
{
    test_srand(0x5eed);
    for (unsigned int i = 0; i < 200000; i++) {
        uint64_t khz = 1 + test_rand() % 10000000;          /* up to 10 GHz */
        /* Deltas up to ~1 hour, the longest a guest extrapolates in
         * practice, spread over every magnitude. */
        uint64_t delta = test_rand() >> (test_rand() % 64);
        delta %= khz * 1000 * 3600 + 1;
        check_one(khz, delta);
    }
}

/* The guest's value must never go down as the TSC goes up. */
static void test_monotonic(void)
{
    test_srand(42);
    for (unsigned int i = 0; i < 1000; i++) {
        uint64_t khz = 1 + test_rand() % 10000000;
        struct pvclock_scale s = pvclock_scale_for_khz(khz);
        uint64_t d = test_rand() % (khz * 1000), prev = pvclock_scale_delta(d, s);
        for (unsigned int j = 1; j < 300; j++) {
            uint64_t now = pvclock_scale_delta(d + j, s);
            CHECK(now >= prev);
            prev = now;
        }
    }
}

static void test_bad_khz(void)
{
    EXPECT_PANIC(pvclock_scale_for_khz(0));
    EXPECT_PANIC(pvclock_scale_for_khz(1ull << 32));
}

int main(void)
{
    RUN(test_mul_normalised);
    RUN(test_known_frequencies);
    RUN(test_random);
    RUN(test_monotonic);
    RUN(test_bad_khz);
    return test_summary();
}
