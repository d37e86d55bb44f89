/* SPDX-License-Identifier: GPL-2.0-only */
/* The token bucket of tessera/rate_limit.h. */
#include <tessera/lib.h>
#include <tessera/rate_limit.h>

#define NS_PER_S    1000000000ull

static void refill(struct rate_bucket *b, const struct rate_cfg *c, uint64_t now)
{
    if (!b->primed) {
        b->primed = true;
        b->tokens = c->burst;
        b->last_ns = now;
        return;
    }
    if (now <= b->last_ns || !c->rate) {
        b->last_ns = MAX(b->last_ns, now);
        return;
    }
    uint64_t elapsed = now - b->last_ns;
    /* Past the time that fills an empty bucket, it is full; below it,
     * elapsed * rate < burst * 10^9 + rate, which fits in 64 bits. */
    if (elapsed >= (uint64_t)c->burst * NS_PER_S / c->rate + 1) {
        b->tokens = c->burst;
        b->last_ns = now;
        return;
    }
    uint64_t add = elapsed * c->rate / NS_PER_S;
    if (!add)
        return;
    b->tokens = MIN(b->tokens + add, (uint64_t)c->burst);
    /* Only the time those whole bytes took is used up: the fraction of a
     * byte left over counts toward the next one. */
    b->last_ns += add * NS_PER_S / c->rate;
}

uint32_t rate_take(struct rate_bucket *b, const struct rate_cfg *c, uint64_t now_ns,
                   uint32_t want)
{
    if (c->unlimited)
        return want;
    refill(b, c, now_ns);
    uint32_t n = (uint32_t)MIN((uint64_t)want, b->tokens);
    b->tokens -= n;
    b->dropped += want - n;
    return n;
}
