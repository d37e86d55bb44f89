/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TESS_STORED_PROTO_H
#define TESS_STORED_PROTO_H
#include "conn.h"

/* Handle one complete request; data holds hdr->len bytes plus a NUL. */
void proto_handle(struct conn *c, const struct xs_hdr *h, const char *data);
void proto_init(void);

#endif
