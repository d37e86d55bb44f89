/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TESS_STORED_RING_XEN_H
#define TESS_STORED_RING_XEN_H

/* The hypervisor glue, in dom0: INTRODUCE maps the guest's ring page
 * through /dev/xen/privcmd and binds its port through /dev/xen/evtchn; dom0's
 * own kernel is connected at once through /dev/xen/xenbus_backend. Exits
 * (fatal) if dom0's devices are missing. */
void ring_xen_init(void);

#endif
