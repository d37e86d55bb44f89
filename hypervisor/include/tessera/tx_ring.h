/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A byte ring between whoever prints and the UART that sends: writers never
 * wait. What does not fit is dropped and counted, and a note saying how
 * much was lost ("[N bytes dropped]", on a line of its own) goes in before
 * the next bytes once there is room for it. Not locked: the caller holds
 * the lock that guards the ring.
 */
#ifndef TESSERA_TX_RING_H
#define TESSERA_TX_RING_H

#include <tessera/types.h>

struct tx_ring {
    char *buf;
    uint32_t size;                  /* a power of two */
    uint32_t prod, cons;            /* free-running; prod - cons bytes held */
    uint64_t dropped;               /* lost since the last note */
    uint64_t dropped_total;
    bool mid_line;                  /* the last byte put in was not '\n' */
};

void tx_ring_init(struct tx_ring *r, char *buf, uint32_t size);
static inline uint32_t tx_ring_used(const struct tx_ring *r)
{
    return r->prod - r->cons;
}
/* Appends what fits of s[0..n) and counts the rest as dropped; returns the
 * number of bytes of s taken. A pending note goes in first (also with
 * n == 0); while it does not fit, nothing else is taken. */
size_t tx_ring_write(struct tx_ring *r, const char *s, size_t n);
/* The oldest byte, or -1 if empty; tx_ring_pop() removes it. */
int tx_ring_peek(const struct tx_ring *r);
void tx_ring_pop(struct tx_ring *r);

#endif
