/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall page a guest asks for by writing its guest-physical
 * address to the MSR CPUID leaf 0x40000002 names (public/arch-x86/cpuid.h).
 * Entry n, at offset 32 * n, is "mov $n, %eax; vmmcall (or vmcall); ret",
 * so a guest never needs to know which CPU vendor it runs on.
 */
#include "backend.h"
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>

#define ENTRY_SIZE  32

int hypercall_page_write(struct vcpu *v, uint64_t val)
{
    static uint8_t page[PAGE_SIZE];     /* same for every guest on this CPU type */
    static bool built;

    /* Bits 11:0 select which page of the hypercall area: there is one. */
    if (val & (PAGE_SIZE - 1))
        return -EPERM;
    /* Two CPUs may build it at once: they write the same bytes, and no
     * CPU copies it out before a builder has published it (release). */
    if (!__atomic_load_n(&built, __ATOMIC_ACQUIRE)) {
        memset(page, 0xcc, sizeof(page));       /* int3 between entries */
        for (unsigned int n = 0; n < PAGE_SIZE / ENTRY_SIZE; n++) {
            uint8_t *e = page + n * ENTRY_SIZE;
            e[0] = 0xb8;                        /* mov $n, %eax */
            memcpy(e + 1, &n, 4);
            memcpy(e + 5, hvm->hypercall_insn, 3);
            e[8] = 0xc3;                        /* ret */
        }
        __atomic_store_n(&built, true, __ATOMIC_RELEASE);
    }
    return copy_to_gpa(v->domain, val, page, sizeof(page)) ? -EPERM : 0;
}
