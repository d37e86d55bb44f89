/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/common/time/pv_time.c, what it writes into a
 * vCPU's vcpu_time_info and the domain's wall clock, with the clock and
 * the TSC's frequency faked. */
#include <public/xen/xen.h>
#include <tessera/domain.h>
#include <tessera/pv_time.h>
#include <tessera/pvclock.h>
#include <tessera/time.h>
#include <tessera/wallclock.h>
#include "../../hypervisor/common/time/private.h"
#include "test.h"

static uint64_t khz = 2893296, entry_tsc = 1000;
static unsigned int follows;

uint64_t time_tsc_khz(void) { return khz; }
uint64_t time_entry_tsc(void) { return entry_tsc; }
uint64_t time_read_tsc(void) { return __builtin_ia32_rdtsc(); }
uint64_t tsc_to_ns(uint64_t d) { return pvclock_scale_delta(d, pvclock_scale_for_khz(khz)); }
uint64_t time_now_ns(void) { return tsc_to_ns(__builtin_ia32_rdtsc() - entry_tsc); }
unsigned int arch_cpu_id(void) { return 3; }
uint64_t wallclock_boot_ns(void) { return 1764700000ull * NSEC_PER_SEC + 123456789; }
void pv_timers_follow_locked(struct vcpu *v, unsigned int cpu) { follows += cpu == 3; }

static struct shared_info shared;
static struct domain dom = { .shared_info = &shared };
static struct vcpu vcpu0 = { .domain = &dom, .id = 0, .vcpu_info = &shared.vcpu_info[0] };

/* What a guest computes (Linux pvclock), at tsc. */
static uint64_t guest_ns(const struct vcpu_time_info *t, uint64_t tsc)
{
    struct pvclock_scale s = { t->tsc_to_system_mul, t->tsc_shift };
    return t->system_time + pvclock_scale_delta(tsc - t->tsc_timestamp, s);
}

static void test_publish(void)
{
    const struct vcpu_time_info *t = &shared.vcpu_info[0].time;

    pv_time_init(true);
    pv_time_update(&vcpu0);
    CHECK_EQ(t->version, 2);
    CHECK_EQ(t->flags, XEN_PVCLOCK_TSC_STABLE_BIT);
    CHECK_EQ(follows, 1);
    struct pvclock_scale s = pvclock_scale_for_khz(khz);
    CHECK(t->tsc_to_system_mul == s.mul && t->tsc_shift == s.shift);
    /* The stamp sits a whole number of dropped bits from the time base,
     * and the guest's reading equals the hypervisor's clock, or 1 ns less. */
    if (s.shift < 0)
        CHECK_EQ((t->tsc_timestamp - entry_tsc) & ((1ull << -s.shift) - 1), 0);
    for (uint64_t later = 0; later < 5000000000ull; later = later * 3 + 12345) {
        uint64_t tsc = t->tsc_timestamp + later;
        uint64_t want = tsc_to_ns(tsc - entry_tsc), got = guest_ns(t, tsc);
        CHECK(got == want || got + 1 == want);
    }
    pv_time_publish(&vcpu0);
    CHECK_EQ(t->version, 4);
    pv_time_init(false);
    pv_time_publish(&vcpu0);
    CHECK_EQ(t->flags, 0);
}

/* The guest may write its copy of the version; ours is what counts, and
 * it always ends even. */
static void test_guest_scribbles_version(void)
{
    struct vcpu_time_info *t = &shared.vcpu_info[0].time;

    t->version = 0x7fffffff;
    pv_time_publish(&vcpu0);
    CHECK_EQ(t->version & 1, 0);
    CHECK_EQ(t->version, vcpu0.pvtime.version);
}

static void test_wallclock_once(void)
{
    CHECK_EQ(shared.wc_version, 2);
    CHECK_EQ(shared.wc_sec, 1764700000u);
    CHECK_EQ(shared.wc_sec_hi, 0);
    CHECK_EQ(shared.wc_nsec, 123456789u);
    shared.wc_sec = 5;                          /* the guest's page, its business */
    pv_time_update(&vcpu0);
    CHECK_EQ(shared.wc_sec, 5);                 /* written once, at the first pick */
}

static void test_no_vcpu_info(void)
{
    struct vcpu v = { .domain = &dom, .id = 40, .vcpu_info = NULL };

    pv_time_update(&v);                         /* nowhere to write: nothing */
    CHECK_EQ(v.pvtime.version, 0);
}

int main(void)
{
    RUN(test_publish);
    RUN(test_guest_scribbles_version);
    RUN(test_wallclock_once);
    RUN(test_no_vcpu_info);
    return test_summary();
}
