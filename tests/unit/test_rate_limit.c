// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: hypervisor/common/console/rate_limit.c, the token bucket that
 * limits a domain's console_io and port 0xe9 output. */
#include <tessera/rate_limit.h>
#include "test.h"

#define MS  1000000ull
#define S   1000000000ull

/* A fresh bucket lets a whole burst by, then nothing until time passes. */
static void test_burst_then_dry(void)
{
    struct rate_bucket b = { 0 };
    const struct rate_cfg c = { .rate = 1000, .burst = 4096 };
    uint64_t t = 5 * S;

    CHECK_EQ(rate_take(&b, &c, t, 4000), 4000);
    CHECK_EQ(rate_take(&b, &c, t, 200), 96);        /* a prefix of what was asked */
    CHECK_EQ(b.dropped, 104);
    CHECK_EQ(rate_take(&b, &c, t, 1), 0);
    CHECK_EQ(b.dropped, 105);
}

/* Refill at the rate, with fractions of a byte carried over, never past
 * the burst; time going backwards gives nothing. */
static void test_refill(void)
{
    struct rate_bucket b = { 0 };
    const struct rate_cfg c = { .rate = 1000, .burst = 100 };    /* 1 byte a ms */
    uint64_t t = S;

    CHECK_EQ(rate_take(&b, &c, t, 1000), 100);
    CHECK_EQ(rate_take(&b, &c, t + 10 * MS, 1000), 10);
    /* 0.6 ms twice: the first gives nothing, both together one byte. */
    t += 10 * MS;
    CHECK_EQ(rate_take(&b, &c, t + 600000, 5), 0);
    CHECK_EQ(rate_take(&b, &c, t + 1200000, 5), 1);
    CHECK_EQ(rate_take(&b, &c, t - S, 5), 0);       /* the past */
    /* Much later: full, not more. */
    CHECK_EQ(rate_take(&b, &c, t + 3600 * S, 1000), 100);
    /* Ten seconds of a steady flood get burst + rate * time, no more. */
    uint64_t start = t + 7200 * S, got = 0;
    for (uint64_t now = start; now <= start + 10 * S; now += 250000)
        got += rate_take(&b, &c, now, 64);
    CHECK(got >= 100 + 10000 - 1 && got <= 100 + 10000);
}

/* Huge rates and bursts do not overflow; unlimited lets everything by;
 * rate 0 and burst 0 lets nothing by. */
static void test_limits(void)
{
    struct rate_bucket b = { 0 };
    const struct rate_cfg big = { .rate = 0xffffffffu, .burst = 0xffffffffu };

    CHECK_EQ(rate_take(&b, &big, 1, 0xffffffffu), 0xffffffffu);
    CHECK_EQ(rate_take(&b, &big, 1 + S / 2, 0xffffffffu), 0x7fffffffu);
    CHECK_EQ(rate_take(&b, &big, ~0ull, 0xffffffffu), 0xffffffffu);

    struct rate_bucket u = { 0 };
    const struct rate_cfg unlimited = { .unlimited = true };
    CHECK_EQ(rate_take(&u, &unlimited, 0, 123456), 123456);
    CHECK_EQ(u.dropped, 0);

    struct rate_bucket z = { 0 };
    const struct rate_cfg none = { .rate = 0, .burst = 0 };
    CHECK_EQ(rate_take(&z, &none, S, 10), 0);
    CHECK_EQ(rate_take(&z, &none, 100 * S, 10), 0);
    CHECK_EQ(z.dropped, 20);
}

int main(void)
{
    RUN(test_burst_then_dry);
    RUN(test_refill);
    RUN(test_limits);
    return test_summary();
}
