/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PV time as Linux's arch/x86/xen/time.c uses it: system time from our
 * vcpu_time_info (read under its version protocol and scaled from the
 * TSC), the wall clock in shared_info, and the vCPU timers of vcpu_op and
 * set_timer_op with their hostile arguments. Runs after tests_upcall on
 * vCPU 0, with shared_info and vcpu_info where it left them.
 * pvtime.singleshot_wakes_block binds VIRQ_TIMER to an event channel
 * and sleeps in SCHEDOP_block until the timer's upcall.
 */
#include <public/xen/errno.h>
#include <public/xen/hvm/hvm_op.h>
#include <public/xen/hvm/params.h>
#include <public/xen/event_channel.h>
#include <public/xen/memory.h>
#include <public/xen/sched.h>
#include <public/xen/vcpu.h>
#include <public/xen/xen.h>
#include "evtchn.h"
#include "hypercall.h"
#include "mini.h"

#define UPCALL_VECTOR       0xf3            /* tests_upcall.c's */
#define YEAR_2020           1577836800ull
#define YEAR_2100           4102444800ull

struct pv_now {
    uint64_t ns, tsc;
    uint32_t version, mul;
    int8_t shift;
    uint8_t flags;
};

/* The guest's side of the protocol: retry while the version is odd or
 * moved under us. */
static struct pv_now pv_read(const volatile struct vcpu_time_info *t)
{
    struct pv_now n;
    uint32_t v;
    uint64_t sys, stamp;

    do {
        v = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        sys = t->system_time;
        stamp = t->tsc_timestamp;
        n.mul = t->tsc_to_system_mul;
        n.shift = t->tsc_shift;
        n.flags = t->flags;
        n.tsc = rdtsc();
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((v & 1) || v != t->version);
    uint64_t delta = n.tsc - stamp;
    delta = n.shift < 0 ? delta >> -n.shift : delta << n.shift;
    n.ns = sys + (uint64_t)(((unsigned __int128)delta * n.mul) >> 32);
    n.version = v;
    return n;
}

static const volatile struct vcpu_time_info *my_time(void)
{
    return &upcall_vcpu_info()->time;
}

static void spin_ms(unsigned int ms)
{
    uint64_t end = rdtsc() + tsc_khz() * ms;

    while (rdtsc() < end)
        cpu_relax();
}

static void test_time_info(void)
{
    struct pv_now a = pv_read(my_time());

    CHECK("pvtime.time_info", a.version && a.mul >= (1u << 31) && a.shift >= -32 &&
          a.shift <= 32 && (a.flags & ~XEN_PVCLOCK_TSC_STABLE_BIT) == 0,
          "version %u mul %#x shift %d flags %#x", a.version, a.mul, a.shift, a.flags);
    printf("mini: pvclock mul %#x shift %d flags %#x, system time %lu us\n", a.mul, a.shift,
           a.flags, (unsigned long)(a.ns / 1000));
    /* The hypervisor began after power-on, where the TSC began. */
    CHECK("pvtime.plausible", a.ns > 0 && a.ns <= tsc_to_ns(rdtsc()),
          "system %lu ns, TSC since power-on %lu ns", (unsigned long)a.ns,
          (unsigned long)tsc_to_ns(rdtsc()));

    /* Across 20 ms, system time moves as the TSC does at the frequency
     * CPUID states (0.1% and 20 us of slack for the CPUID rounding). */
    spin_ms(20);
    struct pv_now b = pv_read(my_time());
    uint64_t d_sys = b.ns - a.ns, d_tsc = tsc_to_ns(b.tsc - a.tsc);
    uint64_t diff = d_sys > d_tsc ? d_sys - d_tsc : d_tsc - d_sys;
    CHECK("pvtime.tracks_tsc", b.ns > a.ns && diff <= d_tsc / 1000 + 20000,
          "system +%lu ns, TSC +%lu ns", (unsigned long)d_sys, (unsigned long)d_tsc);
}

/* Reads while yielding now and then, so the hypervisor republishes: the
 * value may step back by at most 1 ns at a republish (pv_time.c). */
static void test_monotonic(void)
{
    uint64_t prev = pv_read(my_time()).ns, worst = 0;
    uint32_t v0 = pv_read(my_time()).version;

    for (unsigned int i = 0; i < 200000; i++) {
        if (i % 2000 == 0)
            HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
        uint64_t now = pv_read(my_time()).ns;
        if (now < prev && prev - now > worst)
            worst = prev - now;
        prev = now;
    }
    uint32_t v1 = pv_read(my_time()).version;
    CHECK("pvtime.monotonic", worst <= 1 && v1 != v0,
          "stepped back %lu ns; version %u -> %u", (unsigned long)worst, v0, v1);
}

static void test_wallclock(void)
{
    const volatile struct shared_info *sh = upcall_shared_info();
    uint32_t v, sec, nsec, hi;

    do {
        v = sh->wc_version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        sec = sh->wc_sec;
        nsec = sh->wc_nsec;
        hi = sh->wc_sec_hi;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((v & 1) || v != sh->wc_version);
    uint64_t now = ((uint64_t)hi << 32 | sec) + pv_read(my_time()).ns / 1000000000ull;
    CHECK("pvtime.wallclock", v != 0 && nsec < 1000000000u && now > YEAR_2020 &&
          now < YEAR_2100, "version %u, %lu s since 1970, nsec %u", v, (unsigned long)now,
          nsec);
}

static long vcpu_op(unsigned int cmd, unsigned int vcpu, const void *arg)
{
    return HYPERCALL(__HYPERVISOR_vcpu_op, cmd, vcpu, arg);
}

static void test_timer_args(void)
{
    uint64_t now = pv_read(my_time()).ns;
    struct vcpu_set_singleshot_timer ss = { .timeout_abs_ns = now - 1000000,
                                            .flags = VCPU_SSHOTTMR_future };
    struct vcpu_set_periodic_timer pt = { .period_ns = 999999 };
    long rc;

    rc = vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss);
    CHECK("pvtime.singleshot_past_future_flag", rc == -XEN_ETIME, "rc %ld", rc);
    ss.timeout_abs_ns = 1;              /* long past, no flag: fires at once */
    ss.flags = 0;
    rc = vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss);
    CHECK("pvtime.singleshot_past", rc == 0, "rc %ld", rc);
    ss.timeout_abs_ns = ~0ull;          /* never */
    rc = vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss);
    long rc2 = vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
    CHECK("pvtime.singleshot_forever_and_stop", rc == 0 && rc2 == 0, "rc %ld %ld", rc, rc2);
    rc = vcpu_op(VCPUOP_set_singleshot_timer, 0, (void *)ram_hole());
    CHECK("pvtime.singleshot_bad_pointer", rc == -XEN_EFAULT, "rc %ld", rc);
    rc = vcpu_op(VCPUOP_set_singleshot_timer, 4096, &ss);
    CHECK("pvtime.timer_no_such_vcpu", rc == -XEN_ENOENT, "rc %ld", rc);
    if (nr_vcpus > 1) {
        rc = vcpu_op(VCPUOP_set_singleshot_timer, 1, &ss);
        rc2 = vcpu_op(VCPUOP_stop_singleshot_timer, 1, NULL);
        CHECK("pvtime.singleshot_not_own", rc == -XEN_EINVAL && rc2 == -XEN_EINVAL,
              "rc %ld %ld", rc, rc2);
    }

    rc = vcpu_op(VCPUOP_set_periodic_timer, 0, &pt);
    CHECK("pvtime.periodic_below_1ms", rc == -XEN_EINVAL, "rc %ld", rc);
    pt.period_ns = 1ull << 63;
    rc = vcpu_op(VCPUOP_set_periodic_timer, 0, &pt);
    CHECK("pvtime.periodic_huge", rc == -XEN_EINVAL, "rc %ld", rc);
    pt.period_ns = 1000000;
    rc = vcpu_op(VCPUOP_set_periodic_timer, 0, &pt);
    spin_ms(5);
    rc2 = vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    CHECK("pvtime.periodic_1ms_and_stop", rc == 0 && rc2 == 0, "rc %ld %ld", rc, rc2);
    if (nr_vcpus > 1) {
        /* Another vCPU's periodic timer is allowed (Xen too). */
        rc = vcpu_op(VCPUOP_set_periodic_timer, 1, &pt);
        rc2 = vcpu_op(VCPUOP_stop_periodic_timer, 1, NULL);
        CHECK("pvtime.periodic_other_vcpu", rc == 0 && rc2 == 0, "rc %ld %ld", rc, rc2);
    }

    /* set_timer_op: 0 stops; negative and > 2^50 ns away become 100 ms. */
    static const uint64_t timeouts[] = { 0, ~0ull, 1ull << 62, 1, 0 };
    unsigned long bad = 0;
    for (unsigned int i = 0; i < ARRAY_SIZE(timeouts); i++)
        bad += HYPERCALL(__HYPERVISOR_set_timer_op, timeouts[i], 0, 0) != 0;
    CHECK("pvtime.set_timer_op", bad == 0, "%lu calls failed", bad);
}

/* Waits up to ms for the next republish of our vcpu_time_info (the run
 * loop's when the vCPU is picked again, or a timer event's); returns its
 * system time, or 0. *stalled: the longest the TSC jumped between two of
 * our reads, i.e. how long the host did not run this vCPU at all. */
static uint64_t next_republish(unsigned int ms, uint64_t *stalled)
{
    const volatile struct vcpu_time_info *t = my_time();
    uint64_t prev_tsc = rdtsc(), end = prev_tsc + tsc_khz() * ms, worst = 0;
    uint32_t last = t->version;

    for (;;) {
        uint64_t now = rdtsc();
        worst = now - prev_tsc > worst ? now - prev_tsc : worst;
        prev_tsc = now;
        if (now > end)
            break;
        uint32_t v = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint64_t sys = t->system_time;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (!(v & 1) && v == t->version && v != last) {
            *stalled = tsc_to_ns(worst);
            return sys;
        }
    }
    *stalled = tsc_to_ns(worst);
    return 0;
}

struct trial {
    unsigned int clean;     /* gaps during which the vCPU was not stalled */
    unsigned int on_time;   /* of those, 0.95-2 ms after the previous */
};

/* One trial: 20 republishes with a 1 ms timer running (periodic, or a
 * singleshot re-armed 1 ms ahead after each, as a tickless kernel does). */
static struct trial timer_trial(bool periodic)
{
    struct vcpu_set_periodic_timer pt = { .period_ns = 1000000 };
    struct trial r = { 0, 0 };
    uint64_t prev, stalled;

    if (periodic)
        vcpu_op(VCPUOP_set_periodic_timer, 0, &pt);
    prev = pv_read(my_time()).ns;
    for (unsigned int k = 0; k < 20; k++) {
        if (!periodic) {
            struct vcpu_set_singleshot_timer ss = { .timeout_abs_ns = prev + 1000000 };
            vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss);
        }
        uint64_t sys = next_republish(500, &stalled);
        if (!sys)
            break;
        if (stalled < 200000) {
            r.clean++;
            r.on_time += sys - prev >= 950000 && sys - prev < 2000000;
        }
        prev = sys;
    }
    vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
    return r;
}

/* Without event channels a timer event still shows: the hypervisor
 * republishes the time info when it fires (pv_time.c). Re-picks alone come
 * many ms apart, so republishes about 1 ms apart are the timer's. Only
 * gaps during which the host kept running this vCPU count.
 *
 * Timing on an emulator depends on the host: under TCG a loaded host
 * delays QEMU's own timers (the hypervisor's LAPIC timer) by many ms
 * while the vCPU runs on. So a miss is a FAIL only with mini.timing=strict,
 * which tests/integration/test_pvtime.py gives under -icount (virtual time
 * counts instructions: no host in it); otherwise it is reported as SKIP. */
static bool timing_strict(void)
{
    const char *timing = cmdline_option("mini.timing");

    return timing && !strncmp(timing, "strict", 6);
}

static void test_timers_fire(void)
{
    static const char *const names[2] = { "pvtime.singleshot_fires", "pvtime.periodic_fires" };
    bool strict = timing_strict();

    for (int periodic = 0; periodic < 2; periodic++) {
        struct trial sum = { 0, 0 };
        for (unsigned int n = 0; n < 5 && sum.clean < 10; n++) {
            struct trial r = timer_trial(periodic);
            sum.clean += r.clean;
            sum.on_time += r.on_time;
        }
        bool ok = sum.clean >= 10 && sum.on_time * 4 >= sum.clean * 3;
        if (ok || strict)
            CHECK(names[periodic], ok, "%u of %u republishes 0.95-2 ms apart", sum.on_time,
                  sum.clean);
        else
            printf("mini: SKIP %s (host timing: %u of %u republishes 0.95-2 ms apart)\n",
                   names[periodic], sum.on_time, sum.clean);
    }
}

static volatile unsigned int timer_upcalls;

static void count_upcall(void)
{
    timer_upcalls++;
}

static long set_callback(uint64_t via)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
                               .value = via };
    return HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_set_param, &p, 0);
}

/*
 * SCHEDOP_poll with interrupts off and an upcall pending (from a self-sent
 * IPI port) sleeps until the port it polls is raised, as Xen's do_poll
 * does: the upcall cannot be taken, so it does not end the poll. Linux's
 * PV spinlock waits like this. The polled port is the timer's, masked, and
 * the singleshot timer raises it 5 ms ahead.
 */
static void test_poll_ignores_untakeable_upcall(evtchn_port_t timer_port)
{
    struct { uint32_t vcpu, port; } ipi = { 0, 0 };
    long rc = HYPERCALL(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, &ipi, 0);

    if (rc) {
        CHECK("pvtime.poll_sleeps_with_upcall_pending", false, "bind_ipi rc %ld", rc);
        return;
    }
    ev_clear_pending(ipi.port);
    ev_set_mask(ipi.port, false);
    ev_set_mask(timer_port, true);
    ev_clear_pending(timer_port);
    __atomic_store_n(&upcall_vcpu_info()->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    evtchn_send(ipi.port);
    bool upcall = upcall_vcpu_info()->evtchn_upcall_pending;
    uint64_t due = pv_read(my_time()).ns + 5000000;
    struct vcpu_set_singleshot_timer ss = { .timeout_abs_ns = due };
    long trc = vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss);
    struct sched_poll p = { .ports = { (uintptr_t)&timer_port }, .nr_ports = 1 };
    rc = HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_poll, &p, 0);
    uint64_t woke = pv_read(my_time()).ns;
    bool fired = ev_pending(timer_port);
    CHECK("pvtime.poll_sleeps_with_upcall_pending", upcall && trc == 0 && rc == 0 &&
          woke >= due && fired, "upcall %d timer %ld poll %ld woke %ld us after due, fired %d",
          upcall, trc, rc, (long)(woke - due) / 1000, fired);
    ev_clear_pending(timer_port);
    ev_set_mask(timer_port, false);
    irq_enable();                   /* takes the IPI's upcall */
    __asm__ volatile("nop");
    irq_disable();
    evtchn_close(ipi.port);
}

static long poll_until(evtchn_port_t port, uint64_t timeout)
{
    struct sched_poll p = { .ports = { (uintptr_t)&port }, .nr_ports = 1, .timeout = timeout };
    return HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_poll, &p, 0);
}

static uint64_t arm_singleshot(uint64_t at)
{
    struct vcpu_set_singleshot_timer ss = { .timeout_abs_ns = at };
    return (uint64_t)vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss);
}

/*
 * SCHEDOP_poll's timeout (absolute system time), on the masked timer
 * port: nothing raised, it ends the poll no earlier than due; a raise
 * before it ends the poll early; and that earlier timeout, still pending
 * in the hypervisor, must not cut a later poll short.
 */
static void test_poll_timeouts(evtchn_port_t timer_port)
{
    ev_set_mask(timer_port, true);
    ev_clear_pending(timer_port);
    uint64_t due = pv_read(my_time()).ns + 5000000;
    long rc = poll_until(timer_port, due);
    uint64_t woke = pv_read(my_time()).ns;
    CHECK("pvtime.poll_timeout_ends_poll", rc == 0 && woke >= due && !ev_pending(timer_port),
          "rc %ld woke %ld us after due", rc, (long)(woke - due) / 1000);

    uint64_t start = pv_read(my_time()).ns;
    long trc = (long)arm_singleshot(start + 2000000);
    rc = poll_until(timer_port, start + 100000000);
    woke = pv_read(my_time()).ns;
    /* Woken by the raise at 2 ms, the vCPU may still wait for its CPU: with
     * many domains on a loaded host, past the 100 ms timeout. So a late
     * wake-up fails only with mini.timing=strict (under -icount, as
     * test_timers_fire explains); the rest is checked always. */
    bool raised = trc == 0 && rc == 0 && ev_pending(timer_port);
    if (woke < start + 100000000 || timing_strict() || !raised)
        CHECK("pvtime.poll_raise_before_timeout", raised && woke < start + 100000000,
              "rc %ld/%ld woke %ld us after start", trc, rc, (long)(woke - start) / 1000);
    else
        printf("mini: SKIP pvtime.poll_raise_before_timeout (host timing: woke %ld us after "
               "start)\n", (long)(woke - start) / 1000);
    ev_clear_pending(timer_port);

    /* No timeout now; the singleshot timer comes 50 ms after the old one. */
    due = start + 150000000;
    trc = (long)arm_singleshot(due);
    do {
        rc = poll_until(timer_port, 0);
        woke = pv_read(my_time()).ns;
    } while (rc == 0 && !ev_pending(timer_port) && woke < start + 90000000);
    CHECK("pvtime.poll_old_timeout_forgotten", trc == 0 && rc == 0 && woke >= due,
          "rc %ld/%ld woke %ld us before the timer", trc, rc, (long)(due - woke) / 1000);
    ev_clear_pending(timer_port);
    ev_set_mask(timer_port, false);
}

/* A singleshot timer 5 ms ahead ends a SCHEDOP_block no earlier than it
 * is due and not much later. */
static void test_singleshot_wakes_block(void)
{
    struct { uint32_t virq, vcpu, port; } bind = { VIRQ_TIMER, 0, 0 };
    long rc = HYPERCALL(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, &bind, 0);

    CHECK("pvtime.bind_virq_timer", rc == 0, "rc %ld", rc);
    if (rc)
        return;
    /* As Linux does after a bind: the port's 2-level pending and mask
     * bits are the guest's, and earlier tests may have left them set. */
    rc = evtchn_map_shared_info();
    CHECK("pvtime.shared_info_for_timer_port", rc == 0, "rc %ld", rc);
    if (rc)
        return;
    ev_clear_pending(bind.port);
    ev_set_mask(bind.port, false);
    /* A selector bit already set means "being handled": a send would then
     * not raise the upcall (2-level ABI). Ours were all set when vcpu_info
     * moved. */
    __atomic_store_n(&upcall_vcpu_info()->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    upcall_set_handler(count_upcall);
    irq_disable();
    set_callback(((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | UPCALL_VECTOR);
    uint64_t due = pv_read(my_time()).ns + 5000000;
    struct vcpu_set_singleshot_timer ss = { .timeout_abs_ns = due };
    rc = vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss);
    long brc = HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
    uint64_t woke = pv_read(my_time()).ns;
    irq_enable();
    __asm__ volatile("nop");
    unsigned int seen = timer_upcalls;
    /* Never early, and the timer's upcall arrived. How late it may be
     * depends on who else wants the CPU (16 domains share 2 CPUs in
     * test_guests.py, 10 ms slices) and on the host: a bound only with
     * mini.timing=strict (one domain per CPU under -icount). */
    const char *timing = cmdline_option("mini.timing");
    bool strict = timing && !strncmp(timing, "strict", 6);
    CHECK("pvtime.singleshot_wakes_block", rc == 0 && brc == 0 && woke >= due &&
          (!strict || woke - due < 50000000) && seen >= 1,
          "rc %ld block %ld woke %ld us after due, upcalls %u", rc, brc,
          (long)(woke - due) / 1000, seen);
    if (!strict)
        printf("mini: pvtime singleshot woke the block %ld us after due\n",
               (long)(woke - due) / 1000);
    irq_disable();
    test_poll_ignores_untakeable_upcall(bind.port);
    test_poll_timeouts(bind.port);
    set_callback(0);
    irq_enable();
    upcall_set_handler(0);
    uint32_t close = bind.port;
    HYPERCALL(__HYPERVISOR_event_channel_op, EVTCHNOP_close, &close, 0);
}

/* mini.bench=pvclock: the cost of one system-time read from vCPU 0's
 * vcpu_info in shared_info (mapped here, as Linux does), with the
 * hypervisor's exit count at the domain's end showing none were taken. */
void pvtime_bench(void)
{
    static uint8_t page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
                                    .gpfn = (uintptr_t)page / PAGE_SIZE };
    const struct shared_info *sh = (const struct shared_info *)page;
    const unsigned long reads = 1000000;
    uint64_t sum = 0;

    if (HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x, 0)) {
        printf("mini: bench pvclock cannot map shared_info\n");
        return;
    }
    pv_read(&sh->vcpu_info[0].time);
    uint64_t t0 = rdtsc();
    for (unsigned long i = 0; i < reads; i++)
        sum += pv_read(&sh->vcpu_info[0].time).ns & 1;
    uint64_t ns = tsc_to_ns(rdtsc() - t0);
    printf("mini: bench pvclock reads=%lu total_ns=%lu ps_per_read=%lu (%lu)\n", reads,
           (unsigned long)ns, (unsigned long)(ns * 1000 / reads), (unsigned long)sum);
}

void tests_pvtime(void)
{
    if (!upcall_vcpu_info()) {
        CHECK("pvtime.vcpu_info", false, "tests_upcall left no vcpu_info");
        return;
    }
    test_time_info();
    test_monotonic();
    test_wallclock();
    test_timer_args();
    test_timers_fire();
    test_singleshot_wakes_block();
}
