/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hardware state that is the vCPU's own or nobody's (docs/vcpu-state.md):
 * the debug registers keep what this vCPU wrote across switches and never
 * show another domain's; RDPMC reads no host counter (#GP: no vPMU);
 * WBINVD and INVD are skipped by the hypervisor, not run (the integration
 * test counts their exits). dr_pair_run() is one side of the two-domain
 * case (mini.dr=write|read, both domains pinned to one CPU): the writer
 * fills DR0-3 with markers and yields, the reader, which never writes
 * them, must only ever read the zeros INIT left.
 */
#include <public/xen/sched.h>
#include "hypercall.h"
#include "mini.h"

#define DR_MARKER   0x5ec0de00dead0000ul    /* | round << 4 | register */
#define DR_ROUNDS   3000
#define CACHE_FLUSHES 1000                  /* WBINVD; and 10 INVD */

/* DR7: breakpoint 0 enabled (L0), on data reads or writes (R/W0 = 11b)
 * of 8 bytes (LEN0 = 10b) (SDM vol. 3 18.2.4). */
#define DR7_L0_RW8  (0x400ul | 1ul | (3ul << 16) | (2ul << 18))

#define DEFINE_DR(n) \
    static inline uint64_t get_dr##n(void) \
    { uint64_t v; __asm__ volatile("mov %%db" #n ", %0" : "=r"(v)); return v; } \
    static inline void set_dr##n(uint64_t v) \
    { __asm__ volatile("mov %0, %%db" #n :: "r"(v) : "memory"); }
DEFINE_DR(0)
DEFINE_DR(1)
DEFINE_DR(2)
DEFINE_DR(3)
DEFINE_DR(7)
#undef DEFINE_DR

static void get_dr0_3(uint64_t dr[4])
{
    dr[0] = get_dr0();
    dr[1] = get_dr1();
    dr[2] = get_dr2();
    dr[3] = get_dr3();
}

static void set_dr0_3(const uint64_t dr[4])
{
    set_dr0(dr[0]);
    set_dr1(dr[1]);
    set_dr2(dr[2]);
    set_dr3(dr[3]);
}

static void yield(void)
{
    HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
}

/* Writes markers for round r, yields, and checks they came back. */
static bool dr_round_trip(unsigned int r, uint64_t got[4])
{
    uint64_t want[4];

    for (unsigned int i = 0; i < 4; i++)
        want[i] = DR_MARKER | (uint64_t)r << 4 | i;
    set_dr0_3(want);
    yield();
    get_dr0_3(got);
    return !memcmp(got, want, sizeof(want));
}

static volatile uint64_t watched __attribute__((aligned(8)));

/* A data breakpoint armed before a yield must still fire after it: DR0 is
 * loaded again at entry even though this vCPU's MOV DR exits once more
 * (DR7 is armed). Another vCPU on the CPU may have loaded its own DR0.
 * Only where the vCPU is pinned to one CPU: QEMU before 9.1 does not arm
 * the breakpoints of the DR7 that VMRUN loads, only those a MOV to DR7
 * armed on that QEMU CPU, so after a move to another CPU it would not
 * fire there (real CPUs and Bochs' VT-x do). */
static int dr_breakpoint_after_yield(void)
{
    uint64_t v;
    int vec;

    set_dr0((uint64_t)(uintptr_t)&watched);
    set_dr7(DR7_L0_RW8);
    yield();
    yield();
    vec = safe_read64((uint64_t)(uintptr_t)&watched, &v);
    set_dr7(0x400);
    set_dr0(0);
    return vec;
}

static void test_debug_registers(void)
{
    uint64_t got[4] = { 0 }, zero[4] = { 0 };
    bool ok = true;
    unsigned int r;

    get_dr0_3(got);
    CHECK("dr.start_zero", !memcmp(got, zero, sizeof(zero)),
          "dr0..3 %#lx %#lx %#lx %#lx", (unsigned long)got[0], (unsigned long)got[1],
          (unsigned long)got[2], (unsigned long)got[3]);
    for (r = 0; r < 20 && ok; r++)
        ok = dr_round_trip(r, got);
    CHECK("dr.kept_across_yields", ok, "round %u: dr0 %#lx dr3 %#lx", r - 1,
          (unsigned long)got[0], (unsigned long)got[3]);
    set_dr0_3(zero);
    uint64_t dr7 = get_dr7();
    CHECK("dr.dr7_reset_value", (dr7 & ~0xd800ul) == 0x400, "dr7 %#lx", (unsigned long)dr7);
}

static void test_rdpmc(void)
{
    uint64_t val = 0;
    int a = safe_rdpmc(0, &val), b = safe_rdpmc(1u << 30, &val);

    /* No vPMU: CPUID leaf 0xa reports no counters, so every index is
     * invalid, and RDPMC with an invalid index is #GP(0). */
    CHECK("insn.rdpmc_gp", a == VEC_GP && b == VEC_GP, "vectors %d %d (value %#lx)", a, b,
          (unsigned long)val);
}

static void test_cache_flush(void)
{
    int vec = 0;
    unsigned int i;

    for (i = 0; i < CACHE_FLUSHES && !vec; i++)
        vec = safe_cache_flush(false);
    CHECK("insn.wbinvd_skipped", !vec, "wbinvd %u: vector %d", i, vec);
    for (i = 0; i < 10 && !vec; i++)
        vec = safe_cache_flush(true);
    CHECK("insn.invd_skipped", !vec, "invd %u: vector %d", i, vec);
}

void tests_vcpu_state(void)
{
    test_debug_registers();
    test_rdpmc();
    test_cache_flush();
}

void dr_pair_run(const char *role)
{
    uint64_t got[4] = { 0 };
    unsigned int r;
    bool ok = true;

    if (!strcmp(role, "write")) {
        int vec = 0;

        /* The breakpoint early, while the reader runs beside us and loads
         * its own DR0 between our turns. */
        for (r = 0; r < DR_ROUNDS && ok; r++) {
            ok = dr_round_trip(r, got);
            if (r == 100)
                vec = dr_breakpoint_after_yield();
        }
        CHECK("dr.pair_writer_kept_its_own", ok, "round %u: dr0 %#lx dr1 %#lx dr2 %#lx dr3 %#lx",
              r - 1, (unsigned long)got[0], (unsigned long)got[1], (unsigned long)got[2],
              (unsigned long)got[3]);
        CHECK("dr.pair_breakpoint_survives", vec == VEC_DB, "vector %d", vec);
    } else if (!strcmp(role, "read")) {
        for (r = 0; r < DR_ROUNDS && ok; r++) {
            get_dr0_3(got);
            ok = !got[0] && !got[1] && !got[2] && !got[3];
            yield();
        }
        CHECK("dr.pair_reader_saw_nothing", ok,
              "round %u: dr0 %#lx dr1 %#lx dr2 %#lx dr3 %#lx (written by another domain)",
              r - 1, (unsigned long)got[0], (unsigned long)got[1], (unsigned long)got[2],
              (unsigned long)got[3]);
    } else {
        CHECK("dr.pair_role", false, "unknown role \"%s\"", role);
    }
}
