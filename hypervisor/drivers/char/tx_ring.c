/* SPDX-License-Identifier: GPL-2.0-only */
/* The serial transmit ring: see tessera/tx_ring.h. */
#include <tessera/lib.h>
#include <tessera/tx_ring.h>

void tx_ring_init(struct tx_ring *r, char *buf, uint32_t size)
{
    *r = (struct tx_ring){ .buf = buf, .size = size };
}

static void put(struct tx_ring *r, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        r->buf[r->prod++ & (r->size - 1)] = s[i];
    if (n)
        r->mid_line = s[n - 1] != '\n';
}

size_t tx_ring_write(struct tx_ring *r, const char *s, size_t n)
{
    uint32_t room = r->size - tx_ring_used(r);

    if (r->dropped) {
        char note[48];
        int len = snprintf(note, sizeof(note), "%s[%llu bytes dropped]\n",
                           r->mid_line ? "\n" : "", (unsigned long long)r->dropped);
        if ((uint32_t)len > room) {
            r->dropped += n;
            r->dropped_total += n;
            return 0;
        }
        put(r, note, (size_t)len);
        room -= (uint32_t)len;
        r->dropped = 0;
    }
    size_t take = MIN(n, (size_t)room);
    put(r, s, take);
    r->dropped += n - take;
    r->dropped_total += n - take;
    return take;
}

int tx_ring_peek(const struct tx_ring *r)
{
    if (r->prod == r->cons)
        return -1;
    return (unsigned char)r->buf[r->cons & (r->size - 1)];
}

void tx_ring_pop(struct tx_ring *r)
{
    if (r->prod != r->cons)
        r->cons++;
}
