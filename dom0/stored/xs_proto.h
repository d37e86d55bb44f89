/* SPDX-License-Identifier: GPL-2.0-only */
/* Xenstore wire protocol: message types, errors and the shared ring page.
 * Numbers and layouts follow Xen's public io/xs_wire.h (the ABI). */
#ifndef TESS_XS_PROTO_H
#define TESS_XS_PROTO_H
#include <stdint.h>

enum xs_type {
	XS_CONTROL = 0,
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_GET_PERMS = 3,
	XS_WATCH = 4,
	XS_UNWATCH = 5,
	XS_TRANSACTION_START = 6,
	XS_TRANSACTION_END = 7,
	XS_INTRODUCE = 8,
	XS_RELEASE = 9,
	XS_GET_DOMAIN_PATH = 10,
	XS_WRITE = 11,
	XS_MKDIR = 12,
	XS_RM = 13,
	XS_SET_PERMS = 14,
	XS_WATCH_EVENT = 15,
	XS_ERROR = 16,
	XS_IS_DOMAIN_INTRODUCED = 17,
	XS_RESUME = 18,
	XS_SET_TARGET = 19,
	/* 20 was XS_RESTRICT, removed from the ABI. */
	XS_RESET_WATCHES = 21,
	XS_DIRECTORY_PART = 22,
	XS_TYPE_COUNT = 23,
};

struct xs_hdr {
	uint32_t type;
	uint32_t req_id;
	uint32_t tx_id;
	uint32_t len;
};

#define XS_PAYLOAD_MAX   4096
#define XS_ABS_PATH_MAX  3072
#define XS_REL_PATH_MAX  2048

#define XS_RING_SIZE 1024
#define XS_RING_MASK(i) ((i) & (XS_RING_SIZE - 1))

struct xs_ring_page {
	char req[XS_RING_SIZE];
	char rsp[XS_RING_SIZE];
	volatile uint32_t req_cons, req_prod;
	volatile uint32_t rsp_cons, rsp_prod;
	volatile uint32_t server_features;
	volatile uint32_t connection;
	volatile uint32_t error;
};

#define XS_FEATURE_RECONNECTION 1
#define XS_FEATURE_ERROR        2
#define XS_CONNECTED 0
#define XS_RECONNECT 1
#define XS_RING_ERR_NONE    0
#define XS_RING_ERR_COMM    1
#define XS_RING_ERR_RINGIDX 2
#define XS_RING_ERR_PROTO   3

/* Node permission bits; on the wire a letter n/r/w/b then the domid. */
#define XS_PERM_NONE  0
#define XS_PERM_READ  1
#define XS_PERM_WRITE 2
#define XS_PERM_OWNER 4

#define DOMID_FIRST_RESERVED 0x7FF0

const char *xs_type_name(uint32_t type);
const char *xs_errname(int err);

#endif
