/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercalls through the hypercall page (public/arch-x86/xen-x86_64.h):
 * entry n is at offset 32 * n; arguments in rdi, rsi, rdx, r10, r8; the
 * result in rax. hypercall_raw() issues the page's VMCALL/VMMCALL with any
 * number in rax, to test numbers the page has no entry for.
 */
#ifndef MINI_HYPERCALL_H
#define MINI_HYPERCALL_H

#include <stdint.h>

extern uint8_t hypercall_page[4096];

void hypercall_init(void);
long hypercall5(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                uint64_t a5);
long hypercall_raw(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3);
/* The 3 bytes of the instruction the hypervisor put in the page. */
const uint8_t *hypercall_insn(void);

#define HYPERCALL(nr, a1, a2, a3) hypercall5((nr), (uint64_t)(a1), (uint64_t)(a2), \
                                             (uint64_t)(a3), 0, 0)

#endif
