/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/common/console_ring/ring_io.c, the console ring's
 * index protocol, with a guest that plays fair and one that does not. */
#include <tessera/console_ring.h>
#include "test.h"

static struct xencons_interface page;
static char got[8192];
static unsigned int nr_got;

static void put(void *ctx, char c)
{
    (void)ctx;
    if (nr_got < sizeof(got))
        got[nr_got++] = c;
}

/* The guest's side: append s to out[] the way hvc_xen does. */
static void guest_write(const char *s, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        page.out[(page.out_prod + i) % sizeof(page.out)] = s[i];
    page.out_prod += n;
}

static struct ring_io fresh(uint32_t start)
{
    memset(&page, 0, sizeof(page));
    page.out_prod = page.out_cons = page.in_prod = page.in_cons = start;
    nr_got = 0;
    return (struct ring_io){ .intf = &page, .out_cons = start, .in_prod = start };
}

static void test_output_in_order(void)
{
    struct ring_io r = fresh(0);

    guest_write("hello\n", 6);
    CHECK_EQ(ring_io_take_output(&r, 100, put, NULL), 6);
    CHECK(nr_got == 6 && !memcmp(got, "hello\n", 6));
    CHECK_EQ(page.out_cons, 6);
    CHECK_EQ(ring_io_take_output(&r, 100, put, NULL), 0);
}

/* Indices wrap at 2^32 and the data wraps at the ring's end. */
static void test_output_wraps(void)
{
    struct ring_io r = fresh(0xfffffff0u);
    char buf[2048];

    for (unsigned int i = 0; i < sizeof(buf); i++)
        buf[i] = (char)('a' + i % 26);
    guest_write(buf, sizeof(buf));
    CHECK_EQ(ring_io_take_output(&r, 1000, put, NULL), 1000);     /* bounded batch */
    CHECK_EQ(ring_io_take_output(&r, 5000, put, NULL), 1048);
    CHECK(nr_got == sizeof(buf) && !memcmp(got, buf, sizeof(buf)));
    CHECK_EQ(page.out_cons, (uint32_t)(0xfffffff0u + 2048));
}

static void test_output_bogus_prod(void)
{
    struct ring_io r = fresh(100);

    page.out_prod = 100 + sizeof(page.out) + 1;         /* a byte more than a ring */
    CHECK_EQ(ring_io_take_output(&r, 100000, put, NULL), -1);
    CHECK_EQ(nr_got, 0);
    CHECK_EQ(r.nr_bogus, 1);
    /* Resynchronised: what it writes next is taken normally. */
    guest_write("ok", 2);
    CHECK_EQ(ring_io_take_output(&r, 100, put, NULL), 2);
    page.out_prod = r.out_cons - 1;                     /* behind us */
    CHECK_EQ(ring_io_take_output(&r, 100, put, NULL), -1);
    /* A guest that rewrites out_cons is not believed. */
    guest_write("xy", 2);
    page.out_cons = 12345;
    CHECK_EQ(ring_io_take_output(&r, 100, put, NULL), 2);
}

static void test_input(void)
{
    struct ring_io r = fresh(0xfffffffeu);
    char big[2000];

    CHECK_EQ(ring_io_give_input(&r, "abc", 3), 3);
    CHECK_EQ(page.in_prod, 1u);
    CHECK(page.in[0x3fe] == 'a' && page.in[0x3ff] == 'b' && page.in[0] == 'c');
    memset(big, 'z', sizeof(big));
    CHECK_EQ(ring_io_give_input(&r, big, sizeof(big)), sizeof(page.in) - 3);   /* full */
    CHECK_EQ(ring_io_give_input(&r, "q", 1), 0);
    page.in_cons += 10;                                 /* guest read 10 */
    CHECK_EQ(ring_io_give_input(&r, big, sizeof(big)), 10);
}

static void test_input_bogus_cons(void)
{
    struct ring_io r = fresh(0);

    page.in_cons = 5;                                   /* ahead of what we gave */
    CHECK_EQ(ring_io_give_input(&r, "a", 1), 0);
    page.in_cons = 0x80000000u;
    CHECK_EQ(ring_io_give_input(&r, "a", 1), 0);
    CHECK_EQ(r.nr_bogus, 2);
    CHECK_EQ(page.in_prod, 0);
}

int main(void)
{
    RUN(test_output_in_order);
    RUN(test_output_wraps);
    RUN(test_output_bogus_prod);
    RUN(test_input);
    RUN(test_input_bogus_cons);
    return test_summary();
}
