/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/common/time/wallclock.c (date to Unix seconds),
 * checked against the host C library's timegm(). */
#define _GNU_SOURCE
#include <time.h>
#include <tessera/wallclock.h>
#include <tessera/time.h>
#include "test.h"

/* The RTC the code under test reads (arch_rtc_read) and the clock. */
static struct rtc_time fake_rtc;
static bool fake_rtc_ok;
bool arch_rtc_read(struct rtc_time *t) { *t = fake_rtc; return fake_rtc_ok; }
uint64_t time_now_ns(void) { return 5 * NSEC_PER_SEC; }

static int64_t host_timegm(const struct rtc_time *r)
{
    struct tm tm = { .tm_year = (int)r->year - 1900, .tm_mon = (int)r->mon - 1,
                     .tm_mday = (int)r->day, .tm_hour = (int)r->hour,
                     .tm_min = (int)r->min, .tm_sec = (int)r->sec };
    return (int64_t)timegm(&tm);
}

static void test_known_dates(void)
{
    struct rtc_time t = { 1970, 1, 1, 0, 0, 0 };
    CHECK_EQ(rtc_time_to_unix(&t), 0);
    t = (struct rtc_time){ 2000, 2, 29, 12, 0, 0 };
    CHECK_EQ(rtc_time_to_unix(&t), 951825600);
    t = (struct rtc_time){ 2038, 1, 19, 3, 14, 8 };
    CHECK_EQ(rtc_time_to_unix(&t), 2147483648ll);
}

static void test_against_timegm(void)
{
    test_srand(7);
    for (unsigned int i = 0; i < 100000; i++) {
        struct rtc_time t = { .year = 1970 + test_rand() % 400, .mon = 1 + test_rand() % 12,
                              .day = 1 + test_rand() % 28, .hour = test_rand() % 24,
                              .min = test_rand() % 60, .sec = test_rand() % 60 };
        if (i % 7 == 0)
            t.day = 31 - (t.mon == 4 || t.mon == 6 || t.mon == 9 || t.mon == 11);
        if (t.day > 28 && t.mon == 2)
            t.day = 28;
        if (rtc_time_to_unix(&t) != host_timegm(&t)) {
            test_fail(__FILE__, __LINE__, "%u-%u-%u %u:%u:%u: %lld != %lld", t.year, t.mon,
                      t.day, t.hour, t.min, t.sec, (long long)rtc_time_to_unix(&t),
                      (long long)host_timegm(&t));
            return;
        }
    }
}

/* What a broken or hostile RTC could report. */
static void test_out_of_range(void)
{
    static const struct rtc_time bad[] = {
        { 1969, 12, 31, 23, 59, 59 }, { 2026, 0, 1, 0, 0, 0 }, { 2026, 13, 1, 0, 0, 0 },
        { 2026, 1, 0, 0, 0, 0 }, { 2026, 2, 29, 0, 0, 0 }, { 2100, 2, 29, 0, 0, 0 },
        { 2026, 4, 31, 0, 0, 0 }, { 2026, 1, 1, 24, 0, 0 }, { 2026, 1, 1, 0, 60, 0 },
        { 2026, 1, 1, 0, 0, 60 }, { 2026, 165, 165, 165, 165, 165 }, { 10000, 1, 1, 0, 0, 0 },
    };
    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_EQ(rtc_time_to_unix(&bad[i]), -1);
    struct rtc_time leap = { 2024, 2, 29, 0, 0, 0 };
    CHECK(rtc_time_to_unix(&leap) > 0);
}

static void test_boot_wallclock(void)
{
    fake_rtc = (struct rtc_time){ 2026, 12, 2, 17, 0, 0 };
    fake_rtc_ok = true;
    wallclock_init();
    /* Wall time at system time 0: the RTC's reading less the 5 s of uptime. */
    CHECK_EQ(wallclock_boot_ns(), (uint64_t)(host_timegm(&fake_rtc) - 5) * NSEC_PER_SEC);
    CHECK_LOG("2026-12-02 17:00:00");
}

int main(void)
{
    RUN(test_known_dates);
    RUN(test_against_timegm);
    RUN(test_out_of_range);
    RUN(test_boot_wallclock);
    return test_summary();
}
