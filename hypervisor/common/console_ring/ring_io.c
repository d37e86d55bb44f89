/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The index protocol of the console ring (public/io/console.h): indices
 * run freely modulo 2^32, a byte sits at index & (size - 1), and a
 * producer publishes data before its index (and a consumer reads the index
 * before the data). The guest owns out_prod and in_cons, so those are read
 * once per call and checked to be within one ring of our own position.
 */
#include <tessera/console_ring.h>

#define OUT_SIZE    sizeof(((struct xencons_interface *)0)->out)
#define IN_SIZE     sizeof(((struct xencons_interface *)0)->in)

int ring_io_take_output(struct ring_io *r, unsigned int max,
                        void (*put)(void *ctx, char c), void *ctx)
{
    struct xencons_interface *intf = r->intf;
    uint32_t prod = __atomic_load_n(&intf->out_prod, __ATOMIC_ACQUIRE);
    uint32_t avail = prod - r->out_cons;
    unsigned int n = 0;

    if (avail > OUT_SIZE) {
        r->nr_bogus++;
        r->out_cons = prod;
        __atomic_store_n(&intf->out_cons, prod, __ATOMIC_RELEASE);
        return -1;
    }
    for (; n < avail && n < max; n++) {
        char c = __atomic_load_n(&intf->out[(r->out_cons + n) & (OUT_SIZE - 1)],
                                 __ATOMIC_RELAXED);
        put(ctx, c);
    }
    r->out_cons += n;
    __atomic_store_n(&intf->out_cons, r->out_cons, __ATOMIC_RELEASE);
    return (int)n;
}

unsigned int ring_io_give_input(struct ring_io *r, const char *s, unsigned int n)
{
    struct xencons_interface *intf = r->intf;
    uint32_t cons = __atomic_load_n(&intf->in_cons, __ATOMIC_ACQUIRE);
    uint32_t used = r->in_prod - cons;
    unsigned int done = 0;

    if (used > IN_SIZE) {
        r->nr_bogus++;
        return 0;
    }
    for (; done < n && used + done < IN_SIZE; done++)
        __atomic_store_n(&intf->in[(r->in_prod + done) & (IN_SIZE - 1)], s[done],
                         __ATOMIC_RELAXED);
    r->in_prod += done;
    __atomic_store_n(&intf->in_prod, r->in_prod, __ATOMIC_RELEASE);
    return done;
}
