/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TESSERA_TIME_H
#define TESSERA_TIME_H

#include <tessera/types.h>

#define NSEC_PER_USEC   1000ULL
#define NSEC_PER_MSEC   1000000ULL
#define NSEC_PER_SEC    1000000000ULL

/* Nanoseconds since the hypervisor's first instruction (0 until calibrated). */
uint64_t time_now_ns(void);
uint64_t tsc_to_ns(uint64_t tsc_delta);
uint64_t ns_to_tsc(uint64_t ns);
uint64_t time_tsc_khz(void);
uint64_t time_entry_tsc(void);
uint64_t time_read_tsc(void);      /* the counter the pvclock ABI scales */
void udelay(unsigned int us);

#endif
