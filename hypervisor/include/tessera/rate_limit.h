/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A token bucket in bytes: up to burst bytes at once, then rate bytes a
 * second; what is over is dropped and counted. Used for what a domain
 * writes to the hypervisor console (console_io, port 0xe9). Not locked:
 * the caller holds the lock guarding the bucket.
 */
#ifndef TESSERA_RATE_LIMIT_H
#define TESSERA_RATE_LIMIT_H

#include <tessera/types.h>

struct rate_cfg {
    bool unlimited;
    uint32_t rate;                  /* bytes a second */
    uint32_t burst;                 /* bytes; rate 0 and burst 0 lets nothing by */
};

/* All zero is a valid start: the first take fills the bucket. */
struct rate_bucket {
    bool primed;
    uint64_t tokens;
    uint64_t last_ns;               /* tokens are counted up to here */
    uint64_t dropped;               /* bytes refused since the start */
};

/* How many of want bytes may go now (a prefix); the rest is counted in
 * b->dropped. */
uint32_t rate_take(struct rate_bucket *b, const struct rate_cfg *c, uint64_t now_ns,
                   uint32_t want);

#endif
