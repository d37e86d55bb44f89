/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TESS_STORED_PROTO_H
#define TESS_STORED_PROTO_H
#include "conn.h"

/* Handle one complete request; data holds hdr->len bytes plus a NUL. */
void proto_handle(struct conn *c, const struct xs_hdr *h, const char *data);
void proto_init(void);
/* RELEASE of an introduced domain other than 0: its ring closed, its nodes
 * and rights gone. The caller fires @releaseDomain. */
struct domain;
void store_release_domain(struct domain *d);

#endif
