/* SPDX-License-Identifier: GPL-2.0-only */
/* The wall clock: read once at boot from the platform's RTC, then carried
 * forward by the hypervisor's own clock (time_now_ns). */
#ifndef TESSERA_WALLCLOCK_H
#define TESSERA_WALLCLOCK_H

#include <tessera/types.h>

struct rtc_time {
    unsigned int year;          /* full year, e.g. 2026 */
    unsigned int mon, day;      /* 1-based */
    unsigned int hour, min, sec;
};

/* Seconds since 1970-01-01 00:00:00 UTC, or -1 if a field is out of range
 * (years 1970..9999). */
int64_t rtc_time_to_unix(const struct rtc_time *t);

/* Reads the CMOS RTC (arch); false if it does not answer sensibly. */
bool arch_rtc_read(struct rtc_time *t);

/* Reads the RTC and records the wall time at system time 0. */
void wallclock_init(void);
/* Wall time at system time 0, in ns since the epoch (0: unknown). */
uint64_t wallclock_boot_ns(void);

#endif
