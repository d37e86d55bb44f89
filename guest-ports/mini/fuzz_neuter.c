/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the fuzzer keeps from the hypervisor whatever was drawn (docs/mini.md):
 * calls whose documented effect stops the caller, structures it would read
 * from outside the scratch area, console writes and grant batches that would
 * print RAM or run for seconds.
 */
#include <public/xen/sched.h>
#include <public/xen/vcpu.h>
#include <public/xen/xen.h>
#include "fuzz.h"
#include "mini.h"

/* A pointer the hypervisor cannot read anything from (so a stopping call
 * there fails): no guest-physical memory, or not in mini's page tables. */
static bool unreadable(uint64_t p, bool prot32)
{
    if (prot32)
        p = (uint32_t)p;
    return (p >= fz.ram_end && p < HOLE_VIRT_END) || (!prot32 && p >= 0x100000000ul);
}

/* The scratch area also holds what earlier calls wrote there (a memory
 * map names 0x100000): the words a call may read from p are filtered
 * again, as far as a batch of 64 grant ops reaches. */
static void filter_words(uint64_t a)
{
    typedef uint64_t __attribute__((aligned(1), may_alias)) u64_any;

    for (unsigned int i = 0; i < 64 * 40 / 8 + 1 && a + 8 * i + 8 <= fz.a_end; i++) {
        u64_any *w = (u64_any *)(uintptr_t)(a + 8 * i);
        *w = fz_safe(*w);
    }
}

static void filter_scratch(uint64_t p)
{
    filter_words(p & ~7ul);
    if (p & 7)
        filter_words(p);        /* as a misaligned structure reads them */
}

/* Which argument of an implemented hypercall points to a structure the
 * hypervisor reads (that may hold pointers or frame numbers), or -1. */
static int struct_arg_index(uint64_t nr)
{
    switch (nr) {
    case __HYPERVISOR_event_channel_op_compat:
        return 0;
    case __HYPERVISOR_memory_op:
    case __HYPERVISOR_grant_table_op:
    case __HYPERVISOR_sched_op:
    case __HYPERVISOR_event_channel_op:
    case __HYPERVISOR_hvm_op:
        return 1;
    case __HYPERVISOR_vcpu_op:
        return 2;
    }
    return -1;
}

/* The structure at p if it lies wholly in the scratch area, else NULL. */
static const uint8_t *in_scratch(uint64_t p, uint64_t size, bool prot32)
{
    if (prot32)
        p = (uint32_t)p;
    return p >= fz.a_start && p <= fz.a_end - size ? (const uint8_t *)(uintptr_t)p : NULL;
}

/*
 * What stops the caller by its documented effect (public/sched.h,
 * public/vcpu.h): SCHEDOP_shutdown with a valid reason, SCHEDOP_block (no
 * timeout), SCHEDOP_poll without a timeout or with a far one,
 * SCHEDOP_remote_shutdown of ourselves, a SCHEDOP_watchdog with a timeout,
 * VCPUOP_down of vCPU 0. Checked on the arguments as the hypervisor will
 * read them (32-bit halves from 32-bit code), after every draw. Also cuts
 * a CONSOLEIO_write from readable memory to 4 bytes: a long one would
 * print RAM (mini's image too) to the console.
 */
bool fuzz_neuter(struct fuzz_call *c)
{
    uint64_t nr = c->prot32 ? (uint32_t)c->nr : c->nr;
    uint64_t cmd = c->prot32 ? (uint32_t)c->arg[0] : c->arg[0];
    uint64_t p = c->arg[1];
    const uint8_t *s;
    bool stops = false;

    if (nr == __HYPERVISOR_console_io) {
        uint64_t buf = c->prot32 ? (uint32_t)c->arg[2] : c->arg[2];
        uint64_t count = c->prot32 ? (uint32_t)c->arg[1] : c->arg[1];
        if (cmd == CONSOLEIO_write && !unreadable(buf, c->prot32) && count > 4)
            c->arg[1] = 4;
        if (buf < IMAGE_START && count > 4096)             /* would run into mini */
            c->arg[1] = 4096;
    }
    /* A batch of grant ops from low RAM would run into mini's image, the
     * hypervisor writing each op's status as asked; one from higher RAM
     * runs until the hole at ram_end (seconds for 30 MiB under TCG). */
    if (nr == __HYPERVISOR_grant_table_op) {
        uint64_t uop = c->prot32 ? (uint32_t)c->arg[1] : c->arg[1];
        uint64_t count = c->prot32 ? (uint32_t)c->arg[2] : c->arg[2];
        if (uop < fz.image_end && count > 16)
            c->arg[2] = 16;
        else if (uop < fz.ram_end - 64 * 40 && count > 64)
            c->arg[2] = 64;
    }
    /* A structure the hypervisor reads comes from the scratch area, whose
     * words are filtered, or from where it cannot read: elsewhere in RAM
     * the hypervisor's own output (a memory map's 0x100000, say) could
     * name mini's image as a pointer the call then writes through. */
    int at = struct_arg_index(nr);
    if (at >= 0) {
        uint64_t sp = c->prot32 ? (uint32_t)c->arg[at] : c->arg[at];
        if (sp >= fz.a_start && sp < fz.a_end)
            filter_scratch(sp);
        else if (!unreadable(sp, c->prot32))
            c->arg[at] = ~0ul;
    }
    if (nr == __HYPERVISOR_vcpu_op)
        stops = cmd == VCPUOP_down && (uint32_t)c->arg[1] == 0;
    if (nr == __HYPERVISOR_sched_op) {
        switch (cmd) {
        case SCHEDOP_block:
            stops = true;
            break;
        case SCHEDOP_shutdown:
            s = in_scratch(p, 4, c->prot32);
            stops = s ? *(const uint32_t *)s < SHUTDOWN_soft_reset : !unreadable(p, c->prot32);
            break;
        case SCHEDOP_poll:
            s = in_scratch(p, 24, c->prot32);
            if (s) {
                uint64_t t = *(const uint64_t *)(s + 16);
                stops = t == 0 || t > fuzz_now() + 1000000;
            } else {
                stops = !unreadable(p, c->prot32);
            }
            break;
        case SCHEDOP_remote_shutdown:
            s = in_scratch(p, 8, c->prot32);
            stops = s ? (*(const uint16_t *)s == fz.domid || *(const uint16_t *)s == DOMID_SELF)
                      : !unreadable(p, c->prot32);
            break;
        case SCHEDOP_watchdog:
            s = in_scratch(p, 8, c->prot32);
            stops = s ? *(const uint32_t *)(s + 4) != 0 : !unreadable(p, c->prot32);
            break;
        }
    }
    if (stops) {
        c->nr = __HYPERVISOR_sched_op;
        c->arg[0] = SCHEDOP_yield;
    }
    return stops;
}
