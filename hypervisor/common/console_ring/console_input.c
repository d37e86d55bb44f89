/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Serial input switching, as on Xen (drivers/char/console.c): three
 * Ctrl-A in a row move the input focus from the hypervisor to the control
 * domain (dom0, when there is one: it reads with CONSOLEIO_read), then to
 * each domain with a console ring in turn and back. Dom0 has the focus
 * from its start, as on Xen. Ctrl-A's are held back
 * while they might be a switch; any other character releases them to the
 * focus first. With the hypervisor focused, input is discarded (there are
 * no debug keys yet).
 */
#include <tessera/console.h>
#include <tessera/console_ring.h>
#include <tessera/domain.h>
#include <tessera/lib.h>

#define SWITCH_CHAR     0x01        /* Ctrl-A */
#define SWITCH_COUNT    3

static unsigned int held;           /* Ctrl-A's seen in a row; poll only */
static bool on_dom0;                /* the focus is dom0's; poll only */
static bool on_ring;                /* the focus is a ring's (as last switched) */

static void switch_focus(void)
{
    char name[DOMAIN_NAME_MAX + 1], line[128];

    if (!on_dom0 && !on_ring && console_dom0_present()) {
        on_dom0 = true;
        console_emit_always("*** Serial input to dom0 (type 'CTRL-a' three times to switch "
                            "input)\n");
        return;
    }
    on_dom0 = false;
    on_ring = console_ring_focus_next(name, sizeof(name));
    if (on_ring)
        snprintf(line, sizeof(line),
                 "*** Serial input to dom %s (type 'CTRL-a' three times to switch input)\n",
                 name);
    else
        snprintf(line, sizeof(line),
                 "*** Serial input to the hypervisor (type 'CTRL-a' three times to switch input)\n");
    console_emit_always(line);
}

void console_input_focus_dom0(void)
{
    on_dom0 = true;
    on_ring = false;
    held = 0;
    console_emit_always("*** Serial input to dom0 (type 'CTRL-a' three times to switch input)\n");
    console_ring_poll_start();
}

static void give(const char *s, unsigned int n)
{
    if (on_dom0)
        console_dom0_input(s, n);
    else
        console_ring_input(s, n);
}

void console_input_char(char c)
{
    static const char ctrl_a[SWITCH_COUNT] = { SWITCH_CHAR, SWITCH_CHAR, SWITCH_CHAR };

    if (c == SWITCH_CHAR) {
        if (++held == SWITCH_COUNT) {
            held = 0;
            switch_focus();
        }
        return;
    }
    if (held) {
        give(ctrl_a, held);
        held = 0;
    }
    give(&c, 1);
}
