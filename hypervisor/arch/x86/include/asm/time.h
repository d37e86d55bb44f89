/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <tessera/types.h>

/* Reference clocks the TSC can be calibrated against (from ACPI). */
struct time_sources {
    paddr_t  hpet_base;         /* 0 if none */
    uint16_t pm_timer_port;     /* 0 if none */
    bool     pm_timer_32bit;
};

/* Measures the TSC frequency; returns the source it used ("hpet", ...). */
const char *time_calibrate_tsc(const struct time_sources *src);

#endif
