/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What PV time and the console backend need from event channels
 * (hypervisor/common/event/, built in parallel). Declared here until that
 * lands; the names are the ones agreed for tessera/event.h, and
 * event_api_bridge.c gives -ENOSYS versions (weak) so the tree links
 * before then. Callers must cope with -ENOSYS.
 */
#ifndef TESSERA_EVENT_API_H
#define TESSERA_EVENT_API_H

#include <tessera/types.h>

struct vcpu;
struct domain;

/* Raises virq (public/xen.h VIRQ_*) on v if the guest bound it; kicks v. */
int evtchn_send_virq(struct vcpu *v, unsigned int virq);

/* A port of d whose other end is the hypervisor: when the guest sends on it
 * (EVTCHNOP_send), fn(d, port, data) runs. Returns the port (> 0) or a
 * negative -XEN_E*. */
typedef void (*evtchn_xen_fn)(struct domain *d, unsigned int port, void *data);
int evtchn_alloc_xen_bound(struct domain *d, evtchn_xen_fn fn, void *data);

/* Makes port of d pending toward the guest (as a send from the other end). */
int evtchn_raise(struct domain *d, unsigned int port);

#endif
