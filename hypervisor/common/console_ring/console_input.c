/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Serial input switching, as on Xen (drivers/char/console.c): three
 * Ctrl-A in a row move the input focus from the hypervisor to each domain
 * with a console ring in turn and back. Ctrl-A's are held back while they
 * might be a switch; any other character releases them to the focus first.
 * With the hypervisor focused, input is discarded (there are no debug keys
 * yet).
 */
#include <tessera/console.h>
#include <tessera/console_ring.h>
#include <tessera/domain.h>
#include <tessera/lib.h>

#define SWITCH_CHAR     0x01        /* Ctrl-A */
#define SWITCH_COUNT    3

static unsigned int held;           /* Ctrl-A's seen in a row; poll only */

static void switch_focus(void)
{
    char name[DOMAIN_NAME_MAX + 1], line[128];

    if (console_ring_focus_next(name, sizeof(name)))
        snprintf(line, sizeof(line),
                 "*** Serial input to dom %s (type 'CTRL-a' three times to switch input)\n",
                 name);
    else
        snprintf(line, sizeof(line),
                 "*** Serial input to the hypervisor (type 'CTRL-a' three times to switch input)\n");
    console_emit_always(line);
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
        console_ring_input(ctrl_a, held);
        held = 0;
    }
    console_ring_input(&c, 1);
}
