/* SPDX-License-Identifier: GPL-2.0-only */
/* hvm_op commands used so far (Xen's public/hvm/hvm_op.h). */
#ifndef PUBLIC_XEN_HVM_HVM_OP_H
#define PUBLIC_XEN_HVM_HVM_OP_H

#include <public/xen/xen.h>

#define HVMOP_set_param     0
#define HVMOP_get_param     1

struct xen_hvm_param {
    domid_t domid;              /* DOMID_SELF or the caller's id */
    uint16_t pad;
    uint32_t index;             /* HVM_PARAM_* */
    uint64_t value;
};

#endif
