/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A runtime domain's xenstore ring (public/io/xs_wire.h): one page of the
 * domain's own RAM at a special gfn, and an unbound event port whose
 * remote end is the control domain. The hypervisor only sets them up;
 * dom0's tess-stored maps the page (a foreign mapping of the domain's RAM,
 * memory/foreign.c, which holds the frame until dom0 unmaps it) and binds
 * the port (docs/stored.md).
 */
#ifndef TESSERA_STORE_RING_H
#define TESSERA_STORE_RING_H

#include <public/tessera/ctl.h>
#include <tessera/types.h>

struct domain;

/* Where the page sits (arch_special_gfn()); the console ring has 15. */
#define STORE_RING_SPECIAL_INDEX    14
/* The control domain, whose xenstored serves the ring (Xen's default). */
#define STORE_RING_BACKEND_DOMID    0

/* At build, once the page at gfn is RAM of d: allocates the port, sets
 * HVM_PARAM_STORE_PFN / _EVTCHN (Linux's xenbus reads them through
 * HVMOP_get_param). 0 or -errno. */
int store_ring_attach(struct domain *d, uint64_t gfn);
/* TESS_DOMCTL_store_ring: d's page and port; -XEN_ENOENT if it has none
 * (boot-time domains, dom0). */
long store_ring_info(const struct domain *d, struct tess_store_ring *out);

#endif
