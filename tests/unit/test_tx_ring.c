// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: hypervisor/drivers/char/tx_ring.c, the serial transmit ring:
 * order kept across the wrap, a full ring drops and counts, and the note
 * saying how much was lost goes in once there is room. */
#include <tessera/lib.h>
#include <tessera/tx_ring.h>
#include "test.h"

static char buf[32];
static struct tx_ring r;

/* Takes everything out of the ring into out (NUL-terminated). */
static size_t drain(char *out, size_t size)
{
    size_t n = 0;
    int c;

    while ((c = tx_ring_peek(&r)) >= 0) {
        if (n + 1 < size)
            out[n++] = (char)c;
        tx_ring_pop(&r);
    }
    out[n] = '\0';
    return n;
}

static void test_empty(void)
{
    tx_ring_init(&r, buf, sizeof(buf));
    CHECK_EQ(tx_ring_used(&r), 0);
    CHECK_EQ(tx_ring_peek(&r), -1);
    tx_ring_pop(&r);                    /* harmless when empty */
    CHECK_EQ(tx_ring_used(&r), 0);
    CHECK_EQ(tx_ring_write(&r, "", 0), 0);
    CHECK_EQ(tx_ring_used(&r), 0);
}

/* Indices run past the buffer many times (and past 2^32 wraps nothing:
 * they are free-running), and bytes come out in order. */
static void test_wrap_keeps_order(void)
{
    char out[64], line[16];

    tx_ring_init(&r, buf, sizeof(buf));
    r.prod = r.cons = 0xfffffff0u;      /* the 32-bit wrap comes up too */
    for (unsigned int i = 0; i < 100; i++) {
        int n = snprintf(line, sizeof(line), "%u:%u\n", i, i * 7);
        CHECK_EQ(tx_ring_write(&r, line, (size_t)n), (size_t)n);
        CHECK_EQ(drain(out, sizeof(out)), (size_t)n);
        CHECK_STR(out, line);
    }
    CHECK_EQ(r.dropped_total, 0);
}

/* A full ring takes what fits, drops the rest and counts it; nothing is
 * taken until the note fits; then the note comes first, on its own line. */
static void test_full_drops_and_counts(void)
{
    char out[64], big[40];

    tx_ring_init(&r, buf, sizeof(buf));
    memset(big, 'x', sizeof(big));
    CHECK_EQ(tx_ring_write(&r, big, sizeof(big)), 32);
    CHECK_EQ(tx_ring_used(&r), 32);
    CHECK_EQ(r.dropped, 8);
    CHECK_EQ(tx_ring_write(&r, "abc", 3), 0);
    CHECK_EQ(r.dropped, 11);
    CHECK_EQ(r.dropped_total, 11);

    /* Room for some bytes, but not for the note: still nothing taken. */
    for (int i = 0; i < 5; i++)
        tx_ring_pop(&r);
    CHECK_EQ(tx_ring_write(&r, "d", 1), 0);
    CHECK_EQ(r.dropped, 12);

    CHECK_EQ(drain(out, sizeof(out)), 27);
    CHECK_EQ(tx_ring_write(&r, "next\n", 5), 5);
    CHECK_EQ(r.dropped, 0);
    CHECK_EQ(r.dropped_total, 12);
    drain(out, sizeof(out));
    /* The cut line is ended first, so the note is on a line of its own. */
    CHECK_STR(out, "\n[12 bytes dropped]\nnext\n");
}

/* With nothing new to print, an empty write still puts the note in (what
 * the sender does once it made room); after a whole line no extra newline. */
static void test_note_on_empty_write(void)
{
    char out[64];

    tx_ring_init(&r, buf, sizeof(buf));
    for (int i = 0; i < 4; i++)
        tx_ring_write(&r, "12345678\n", 9);
    CHECK_EQ(r.dropped, 9 * 4 - 32);
    drain(out, sizeof(out));
    /* 27 bytes were whole lines, then "12345" of the fourth. */
    tx_ring_write(&r, "", 0);
    drain(out, sizeof(out));
    CHECK_STR(out, "\n[4 bytes dropped]\n");
    r.dropped = 3;
    r.mid_line = false;
    tx_ring_write(&r, "", 0);
    drain(out, sizeof(out));
    CHECK_STR(out, "[3 bytes dropped]\n");
    CHECK_EQ(r.dropped, 0);
}

int main(void)
{
    RUN(test_empty);
    RUN(test_wrap_keeps_order);
    RUN(test_full_drops_and_counts);
    RUN(test_note_on_empty_write);
    return test_summary();
}
