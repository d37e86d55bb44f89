/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's end of each boot-time domain's PV console ring
 * (public/io/console.h): what the guest writes is printed on the hypervisor
 * console as "(name) line"; serial input goes to the domain that has the
 * input focus, which three Ctrl-A in a row move along.
 */
#ifndef TESSERA_CONSOLE_RING_H
#define TESSERA_CONSOLE_RING_H

#include <public/xen/io/console.h>
#include <tessera/types.h>

struct domain;

/* Where the ring sits: the last of the PVH special pages
 * (arch_special_gfn()). */
#define CONSOLE_RING_SPECIAL_INDEX  15

/* Index bookkeeping of one ring, kept by us: the guest can write every
 * field of the page, so our own positions are the truth and its out_cons
 * and in_prod are only ever written, never believed. */
struct ring_io {
    struct xencons_interface *intf;
    uint32_t out_cons;
    uint32_t in_prod;
    uint64_t nr_bogus;              /* times the guest's indices made no sense */
};

/* Takes up to max bytes the guest produced in out[], passing each to
 * put(ctx, c), and publishes the new out_cons. Returns the number taken,
 * or -1 if out_prod is more than a ring ahead of us (a hostile or broken
 * guest): then everything up to out_prod is dropped. */
int ring_io_take_output(struct ring_io *r, unsigned int max,
                        void (*put)(void *ctx, char c), void *ctx);
/* Appends up to n bytes to in[] as far as the guest has room; returns how
 * many. A guest whose in_cons is not within a ring behind us gets none. */
unsigned int ring_io_give_input(struct ring_io *r, const char *s, unsigned int n);

/* At build: allocates the ring, maps it at its special gfn, allocates its
 * event port, sets HVM_PARAM_CONSOLE_PFN / _EVTCHN. 0 or -errno. */
int console_ring_attach(struct domain *d);
/* At build, instead, for a ring the control domain serves: the page at
 * the special gfn is already the domain's RAM (zeroed); allocates a port
 * unbound with domain 0 as its remote and sets the two parameters. The
 * hypervisor never touches this ring. 0 or -errno. */
int console_ring_attach_dom0(struct domain *d);
/* From domain_shutdown(): no more output taken or input given. */
void console_ring_detach(struct domain *d);
/* From free_domain(): frees the page (after every CPU let go of d). */
void console_ring_free(struct domain *d);

/* The poll's work (output of every ring, serial input), if its timer said
 * it is due: from each CPU's run loop, never in interrupt context. */
void console_ring_work(void);

/* Serial input (console_input.c), from the poll. */
void console_input_char(char c);
/* The ring that has the input focus gets s (console_ring.c); false if
 * the focus is the hypervisor's. name gets the domain's name. */
bool console_ring_focus_next(char *name, size_t size);
void console_ring_input(const char *s, unsigned int n);
/* The control domain's input (console_io.c): whether there is a control
 * domain to switch to, and bytes for it (raises its VIRQ_CONSOLE). */
bool console_dom0_present(void);
/* Starts the poll that reads serial input and drains the rings, if no
 * ring has started it yet. */
void console_ring_poll_start(void);
/* At dom0's start: serial input goes to dom0 (console_input.c). */
void console_input_focus_dom0(void);
void console_dom0_input(const char *s, unsigned int n);

#endif
