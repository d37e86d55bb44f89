/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TESS_STORED_RING_HOST_H
#define TESS_STORED_RING_HOST_H

/* Host stand-in for the hypervisor side of the ring: INTRODUCE of domain N
 * maps DIR/N.page (4096 bytes, shared with a test "guest"), polls the FIFO
 * DIR/N.kick for guest notifications and writes a byte to the FIFO
 * DIR/N.evt to notify the guest. Domains without these files get no ring. */
void ring_host_init(const char *dir);

#endif
