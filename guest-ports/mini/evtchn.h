/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mini's event-channel helpers (evtchn.c): the event_channel_op calls, its
 * own mapping of shared_info, and an upcall handler on a vector that counts
 * upcalls, records the TSC of the last one and clears the vCPU's
 * evtchn_upcall_pending and evtchn_pending_sel (not the pending bits).
 */
#ifndef MINI_EVTCHN_H
#define MINI_EVTCHN_H

#include <public/xen/event_channel.h>
#include <public/xen/xen.h>
#include "mini.h"

#define EVTCHN_VECTOR   0xf4

extern struct shared_info *ev_shared;       /* NULL until evtchn_map_shared_info() */
extern volatile unsigned int ev_upcalls;
extern volatile uint64_t ev_upcall_tsc;
/* Called from the upcall handler with interrupts off, if set. */
extern void (*volatile ev_upcall_hook)(void);

long evtchn_op(unsigned int cmd, void *arg);
/* HVM_PARAM_CONSOLE_EVTCHN: the console ring's port, bound to the
 * hypervisor when the domain was built (0: none). */
evtchn_port_t console_evtchn_port(void);
/* Maps shared_info over a page of mini's own; 0 or the hypercall's error. */
long evtchn_map_shared_info(void);
/* Installs the handler and sets HVM_PARAM_CALLBACK_IRQ to its vector (or 0). */
long evtchn_callback(bool on);

long evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);
/* Ports to itself until one is refused or max are had: how many, the last
 * one had, and the refusal (0 if max was reached). */
unsigned int evtchn_alloc_until_refused(unsigned int max, evtchn_port_t *last, long *rc);
long evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *port);
long evtchn_send(evtchn_port_t port);
long evtchn_close(evtchn_port_t port);
long evtchn_status(evtchn_port_t port, struct evtchn_status *st);

/* 2-level bits of shared_info. */
bool ev_pending(evtchn_port_t port);
void ev_clear_pending(evtchn_port_t port);
void ev_set_mask(evtchn_port_t port, bool masked);
/* Spins (yielding) until cond() or ms of TSC time pass; true if cond(). */
bool ev_wait(bool (*cond)(void), unsigned long ms);

/* Two domains: side A allocates port 1 for peer, side B binds to it;
 * returns 0 with the connected local port, or an error (-ETIME). */
long evtchn_pair_connect(bool side_a, domid_t peer, evtchn_port_t *port);

/* evtchn_stress.c: vCPU 1 hammers ops (and sends to_peer) until the
 * domain ends; the report counts its rounds and errors so far. */
long evtchn_stress_start(evtchn_port_t to_peer);
void evtchn_stress_report(void);

void tests_evtchn(void);
void tests_evtchn_fifo(void);
void tests_evtchn_pair(const char *role);
/* role: NULL for one domain, "a..."/"b..." for a pair. */
void bench_evtchn(const char *role);
/* gnttab_bench.c: the grant-op benchmark, mini.pair=a (maps) | b (grants). */
void bench_gnttab(const char *role);

#endif
