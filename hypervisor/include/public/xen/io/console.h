/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PV console ring page (Xen's public/io/console.h): the guest writes
 * out[] and advances out_prod, the backend reads and advances out_cons; the
 * backend writes in[] and advances in_prod, the guest advances in_cons.
 * Indices run freely and wrap at 2^32; a byte's place is its index masked
 * with the ring size minus one. The page is found through
 * HVM_PARAM_CONSOLE_PFN and signalled through HVM_PARAM_CONSOLE_EVTCHN.
 */
#ifndef PUBLIC_XEN_IO_CONSOLE_H
#define PUBLIC_XEN_IO_CONSOLE_H

#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

struct xencons_interface {
    char in[1024];
    char out[2048];
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
};

#endif
