/* SPDX-License-Identifier: GPL-2.0-only */
#include "hypercall.h"
#include "mini.h"

uint8_t hypercall_page[4096] __attribute__((aligned(4096)));

/* CPUID 0x40000000 + 2 gives the MSR to write the page's physical address
 * to (public/arch-x86/cpuid.h); we run identity mapped. */
void hypercall_init(void)
{
    uint32_t r[4];

    cpuid(0x40000002, 0, r);
    safe_wrmsr(r[1], (uint64_t)(uintptr_t)hypercall_page);
}

long hypercall5(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                uint64_t a5)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    long ret;

    __asm__ volatile("call *%[entry]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [entry] "r"(hypercall_page + 32 * nr)
                     : "rcx", "r9", "r11", "memory");
    return ret;
}

const uint8_t *hypercall_insn(void)
{
    return hypercall_page + 5;      /* after "mov $0, %eax" */
}

long hypercall_raw(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    long ret;

    /* Jump into entry 0 past its "mov $0, %eax", with our own rax. */
    __asm__ volatile("call *%[insn]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
                     : "a"(nr), [insn] "r"(hypercall_page + 5)
                     : "rcx", "r8", "r9", "r10", "r11", "memory");
    return ret;
}
