/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/common/console_ring/console_input.c, the Ctrl-A x3
 * input switch, against a fake set of rings and a fake dom0. */
#include <tessera/console.h>
#include <tessera/console_ring.h>
#include <tessera/lib.h>
#include "test.h"

static const char *const doms[] = { "web", "db" };
static int focus = -1;                  /* -1: the hypervisor */
static char typed[2][256];
static unsigned int nr_typed[2], nr_switches;
static char last_banner[128];
static bool dom0_exists;
static char dom0_typed[256];
static unsigned int nr_dom0_typed;

bool console_dom0_present(void)
{
    return dom0_exists;
}

void console_dom0_input(const char *s, unsigned int n)
{
    CHECK(dom0_exists);
    for (unsigned int i = 0; i < n; i++)
        dom0_typed[nr_dom0_typed++] = s[i];
}

bool console_ring_focus_next(char *name, size_t size)
{
    focus = focus + 1 < (int)ARRAY_SIZE(doms) ? focus + 1 : -1;
    if (focus >= 0)
        snprintf(name, size, "%s", doms[focus]);
    return focus >= 0;
}

void console_ring_input(const char *s, unsigned int n)
{
    for (unsigned int i = 0; i < n && focus >= 0; i++)
        typed[focus][nr_typed[focus]++] = s[i];
}

static unsigned int nr_poll_starts;

void console_ring_poll_start(void)
{
    nr_poll_starts++;
}

void console_emit_always(const char *s)
{
    nr_switches++;
    snprintf(last_banner, sizeof(last_banner), "%s", s);
}

static void type(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        console_input_char(s[i]);
}

static void test_cycle(void)
{
    type("lost", 4);                    /* hypervisor: discarded */
    CHECK_EQ(nr_typed[0] + nr_typed[1], 0);
    type("\1\1\1", 3);
    CHECK_EQ(focus, 0);
    CHECK(strstr(last_banner, "to dom web") != NULL);
    type("hi", 2);
    type("\1\1\1", 3);
    type("yo", 2);
    type("\1\1\1", 3);
    CHECK_EQ(focus, -1);
    CHECK(strstr(last_banner, "to the hypervisor") != NULL);
    CHECK_EQ(nr_switches, 3);
    CHECK(nr_typed[0] == 2 && !memcmp(typed[0], "hi", 2));
    CHECK(nr_typed[1] == 2 && !memcmp(typed[1], "yo", 2));
}

/* One or two Ctrl-A then another key reach the guest; six in a row are two
 * switches and nothing typed. */
static void test_held_ctrl_a(void)
{
    type("\1\1\1", 3);                  /* -> web */
    unsigned int before = nr_typed[0];
    type("\1x\1\1y", 5);
    CHECK_EQ(nr_typed[0] - before, 5);
    CHECK(!memcmp(typed[0] + before, "\1x\1\1y", 5));
    unsigned int switches = nr_switches;
    type("\1\1\1\1\1\1", 6);            /* web -> db -> hypervisor */
    CHECK_EQ(nr_switches - switches, 2);
    CHECK_EQ(focus, -1);
    CHECK_EQ(nr_typed[0] - before, 5);
}

/* With a control domain, it comes first after the hypervisor: hypervisor
 * -> dom0 -> web -> db -> hypervisor; held Ctrl-A's reach it too. */
static void test_dom0_first(void)
{
    unsigned int web = nr_typed[0], db = nr_typed[1];

    dom0_exists = true;
    CHECK_EQ(focus, -1);
    type("\1\1\1", 3);
    CHECK(strstr(last_banner, "to dom0") != NULL);
    CHECK_EQ(focus, -1);                /* no ring has it */
    type("ls\1\n", 4);
    CHECK(nr_dom0_typed == 4 && !memcmp(dom0_typed, "ls\1\n", 4));
    type("\1\1\1", 3);
    CHECK_EQ(focus, 0);
    type("w", 1);
    type("\1\1\1", 3);
    CHECK_EQ(focus, 1);
    type("d", 1);
    type("\1\1\1", 3);
    CHECK_EQ(focus, -1);
    CHECK(strstr(last_banner, "to the hypervisor") != NULL);
    type("lost", 4);
    CHECK_EQ(nr_dom0_typed, 4);
    CHECK_EQ(nr_typed[0] - web, 1);
    CHECK_EQ(nr_typed[1] - db, 1);
    type("\1\1\1", 3);               /* and round again */
    CHECK(strstr(last_banner, "to dom0") != NULL);
    dom0_exists = false;
}

/* At dom0's start the focus is dom0's (as on Xen) and the poll runs even
 * with no ring; the next switch goes on to the rings. */
static void test_focus_starts_on_dom0(void)
{
    unsigned int web = nr_typed[0];

    dom0_exists = true;
    nr_dom0_typed = 0;
    console_input_focus_dom0();
    CHECK(nr_poll_starts == 1);
    CHECK(strstr(last_banner, "to dom0") != NULL);
    type("id\n", 3);
    CHECK(nr_dom0_typed == 3 && !memcmp(dom0_typed, "id\n", 3));
    type("\1\1\1", 3);
    CHECK_EQ(focus, 0);
    type("w", 1);
    CHECK_EQ(nr_typed[0] - web, 1);
    CHECK_EQ(nr_dom0_typed, 3);
    type("\1\1\1", 3);
    type("\1\1\1", 3);                /* db, then the hypervisor */
    CHECK_EQ(focus, -1);
    dom0_exists = false;
}

int main(void)
{
    RUN(test_cycle);
    RUN(test_held_ctrl_a);
    RUN(test_dom0_first);
    RUN(test_focus_starts_on_dom0);
    return test_summary();
}
