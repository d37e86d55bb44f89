/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest-linear memory access for hypercalls (arch/x86/hvm/guest_mem.c);
 * the guest-physical forms are in tessera/domain.h. All return 0 or -EFAULT. */
#ifndef TESSERA_GUEST_MEM_H
#define TESSERA_GUEST_MEM_H

#include <tessera/types.h>

struct vcpu;

int guest_linear_to_gpa(struct vcpu *v, uint64_t la, bool write, uint64_t *gpa);
int copy_from_guest(struct vcpu *v, void *dst, uint64_t la, size_t len);
int copy_to_guest(struct vcpu *v, uint64_t la, const void *src, size_t len);

#endif
