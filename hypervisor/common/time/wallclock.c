/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The wall clock at system time 0. The CMOS RTC counts whole seconds and we
 * read it once without waiting for a second to turn over, so the result is
 * up to a second behind; guests (Linux) take it only as the boot-time wall
 * clock and NTP corrects the rest. The RTC is taken to hold UTC.
 */
#include <tessera/console.h>
#include <tessera/lib.h>
#include <tessera/time.h>
#include <tessera/wallclock.h>

static uint64_t boot_wall_ns;

static bool leap(unsigned int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned int month_days(unsigned int y, unsigned int m)
{
    static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    return days[m - 1] + (m == 2 && leap(y));
}

int64_t rtc_time_to_unix(const struct rtc_time *t)
{
    if (t->year < 1970 || t->year > 9999 || t->mon < 1 || t->mon > 12 || t->day < 1 ||
        t->day > month_days(t->year, t->mon) || t->hour > 23 || t->min > 59 || t->sec > 59)
        return -1;
    /* Whole years since 1970: 365 days each plus the leap days among them
     * (leap years up to y-1 counted from year 1, minus those before 1970). */
    uint64_t y = t->year - 1;
    uint64_t days = (uint64_t)(t->year - 1970) * 365 +
                    (y / 4 - y / 100 + y / 400) - (1969 / 4 - 1969 / 100 + 1969 / 400);
    for (unsigned int m = 1; m < t->mon; m++)
        days += month_days(t->year, m);
    days += t->day - 1;
    return (int64_t)(((days * 24 + t->hour) * 60 + t->min) * 60 + t->sec);
}

void wallclock_init(void)
{
    struct rtc_time t;
    int64_t secs;

    if (!arch_rtc_read(&t) || (secs = rtc_time_to_unix(&t)) < 0) {
        printk(LOG_WARN "time: no usable RTC; guests see a wall clock of 1970\n");
        return;
    }
    uint64_t now = time_now_ns();
    uint64_t wall = (uint64_t)secs * NSEC_PER_SEC;
    boot_wall_ns = wall > now ? wall - now : 0;
    printk("time: RTC says %04u-%02u-%02u %02u:%02u:%02u UTC\n", t.year, t.mon, t.day,
           t.hour, t.min, t.sec);
}

uint64_t wallclock_boot_ns(void)
{
    return boot_wall_ns;
}
