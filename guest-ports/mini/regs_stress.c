/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mini.regs=<seconds>: every vCPU spends that long making exits of the
 * kinds that run hypervisor code between two entries (hypercalls that
 * yield the CPU or not, WBINVD, first MOV DR after a switch), checking
 * after each that the registers a hypercall must leave alone and its
 * debug registers are still its own. A vCPU whose state the hypervisor
 * mixed up with another's, or with its own host state, either fails a
 * check here or crashes, which the integration test sees.
 */
#include <public/xen/sched.h>
#include <public/xen/version.h>
#include <public/xen/xen.h>
#include "hypercall.h"
#include "mini.h"

/* Done by every vCPU however late it started (under a loaded host a
 * secondary vCPU can start after the deadline). */
#define MIN_ROUNDS  100

static volatile uint64_t deadline;
static volatile unsigned int next_index = 1, finished;
static volatile unsigned long rounds[MAX_VCPUS], reg_errors[MAX_VCPUS], dr_errors[MAX_VCPUS],
    flush_errors[MAX_VCPUS];
static volatile unsigned int last_mask[MAX_VCPUS];

static void set_dr0(uint64_t v) { __asm__ volatile("mov %0, %%db0" :: "r"(v) : "memory"); }
static uint64_t get_dr0(void)
{
    uint64_t v;

    __asm__ volatile("mov %%db0, %0" : "=r"(v));
    return v;
}

/* Calls a hypercall page entry (a1 in RDI, the other arguments zero) with
 * RBX and R12-R15 holding seed + 0..4, and returns a mask of those that
 * came back changed (bit 0 RBX, bits 1-4 R12-R15). A hypercall hands back
 * only RAX, and on a continuation its argument registers: the rest is the
 * guest's (public/arch-x86/xen-x86_64.h), whatever the CPU ran meanwhile. */
static unsigned int regs_call(const uint8_t *entry, uint64_t a1, uint64_t seed)
{
    register uint64_t r12 __asm__("r12") = seed + 1;
    register uint64_t r13 __asm__("r13") = seed + 2;
    register uint64_t r14 __asm__("r14") = seed + 3;
    register uint64_t r15 __asm__("r15") = seed + 4;
    register uint64_t r10 __asm__("r10") = 0;
    register uint64_t r8 __asm__("r8") = 0;
    uint64_t rbx = seed, a2 = 0, a3 = 0, ret;

    __asm__ volatile("call *%[entry]"
                     : "=a"(ret), "+b"(rbx), "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15),
                       "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [entry] "r"(entry)
                     : "memory", "cc");
    (void)ret;
    return (unsigned int)((rbx != seed) | (r12 != seed + 1) << 1 | (r13 != seed + 2) << 2 |
                          (r14 != seed + 3) << 3 | (r15 != seed + 4) << 4);
}

static void stress(unsigned int me)
{
    const uint8_t *sched_op = hypercall_page + 32 * __HYPERVISOR_sched_op;
    const uint8_t *version = hypercall_page + 32 * __HYPERVISOR_xen_version;

    for (uint64_t i = 0; i < MIN_ROUNDS || rdtsc() < deadline; i++) {
        uint64_t seed = (uint64_t)me << 56 | i << 8;
        unsigned int mask;

        set_dr0(seed | 0xd0);
        mask = regs_call(sched_op, SCHEDOP_yield, seed);
        mask |= regs_call(version, XENVER_version, seed + 0x10);
        if (mask) {
            reg_errors[me]++;
            last_mask[me] = mask;
        }
        if (get_dr0() != (seed | 0xd0))
            dr_errors[me]++;
        if (safe_cache_flush(false))
            flush_errors[me]++;
        rounds[me]++;
    }
    set_dr0(0);
}

void regs_stress_ap(void);
void regs_stress_ap(void)
{
    unsigned int me = __atomic_fetch_add(&next_index, 1, __ATOMIC_SEQ_CST);

    trap_load_idt();
    if (me < MAX_VCPUS)
        stress(me);
    __atomic_add_fetch(&finished, 1, __ATOMIC_SEQ_CST);
    for (;;)
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
}

__asm__(".pushsection .text\n"
        "regs_stress_entry:\n"
        "    call regs_stress_ap\n"
        "    ud2\n"
        ".popsection\n");

void regs_stress_run(const char *seconds)
{
    extern const char regs_stress_entry[];
    unsigned int secs = 0, started = 0;

    for (const char *p = seconds; *p >= '0' && *p <= '9'; p++)
        secs = secs * 10 + (unsigned int)(*p - '0');
    deadline = rdtsc() + (uint64_t)secs * tsc_khz() * 1000;
    for (unsigned int i = 1; i < nr_vcpus && i < MAX_VCPUS; i++)
        if (!mini_start_vcpu(i, regs_stress_entry, (void *)(uintptr_t)ap_stack_top(i)))
            started++;
    stress(0);
    /* The others stop at the same deadline; give them as long as
     * tests_smp gives secondary vCPUs to come up on a loaded host. */
    uint64_t limit = rdtsc() + tsc_khz() * 150000;
    while (finished < started && rdtsc() < limit)
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    CHECK("regs.all_vcpus_ran", started == nr_vcpus - 1 && finished == started,
          "%u of %u started, %u finished", started, nr_vcpus - 1, finished);
    for (unsigned int i = 0; i < nr_vcpus && i < MAX_VCPUS; i++) {
        printf("mini: regs vcpu %u: %lu rounds\n", i, rounds[i]);
        CHECK("regs.kept_across_exits",
              rounds[i] >= MIN_ROUNDS && !reg_errors[i] && !dr_errors[i] && !flush_errors[i],
              "vcpu %u: %lu rounds, %lu with registers changed (last mask %#x), %lu with dr0 "
              "changed, %lu WBINVD faulted", i, rounds[i], reg_errors[i], last_mask[i],
              dr_errors[i], flush_errors[i]);
    }
}
