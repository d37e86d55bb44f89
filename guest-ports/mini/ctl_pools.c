/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control hypercalls of pools and scheduling, as dom0 (mini.ctl=create,
 * tests/integration/test_ctl.py, on 3 CPUs: default 0-1, rt 2 dedicated):
 * pool create/destroy/cpu add/remove, migrate, vcpu list/pin, weight and
 * cap, the console history. Every hostile argument is refused (bad and
 * offline CPUs, another pool's CPU, unknown pools and domains, a pool with
 * domains or CPUs, the default pool, dom0 moving itself); a spinning domain
 * pinned stays on its CPU; moved into a dedicated pool it takes no
 * interrupt exits; a domain running its self-tests is moved between a
 * shared and a dedicated pool again and again (its suite must pass); CPUs
 * leave and join pools while dom0's and the spinner's vCPUs run on them.
 */
#include <public/tessera/ctl.h>
#include <public/xen/errno.h>
#include <public/xen/sched.h>
#include "hypercall.h"
#include "mini.h"

#define BAD_ADDR    0x140000000ul       /* a hole in dom0's memory map */
#define MISSING     0x7fee
#define SPIN        "mini.bench=spin mini.ms=600000"

static struct tess_sysctl sop;
static struct tess_domctl dop;
static struct tess_vcpuinfo vinfo[4];
static char history[4096];

static void expect(const char *name, long rc, long want)
{
    CHECK(name, rc == want, "rc %ld, not %ld", rc, want);
}

static long sysctl_call(uint32_t cmd)
{
    sop.cmd = cmd;
    sop.interface_version = TESS_CTL_INTERFACE_VERSION;
    return HYPERCALL(__HYPERVISOR_tess_sysctl, &sop, 0, 0);
}

static long pool_op(uint32_t cmd, const char *name, uint32_t dedicated, uint32_t cpu)
{
    memset(&sop, 0, sizeof(sop));
    memcpy(sop.u.pool_op.name, name, MIN(strlen(name) + 1, sizeof(sop.u.pool_op.name)));
    sop.u.pool_op.dedicated = dedicated;
    sop.u.pool_op.cpu = cpu;
    return sysctl_call(cmd);
}

/* A CPU just removed may still be leaving its pool (-EBUSY for a moment). */
static long cpu_add(const char *pool, uint32_t cpu)
{
    long rc = -XEN_EBUSY;

    for (unsigned int i = 0; i < 200 && rc == -XEN_EBUSY; i++) {
        rc = pool_op(TESS_SYSCTL_pool_cpu_add, pool, 0, cpu);
        if (rc == -XEN_EBUSY)
            ctl_yield();
    }
    return rc;
}

static long domctl(uint32_t cmd, uint32_t domid)
{
    dop.cmd = cmd;
    dop.interface_version = TESS_CTL_INTERFACE_VERSION;
    dop.domid = domid;
    return HYPERCALL(__HYPERVISOR_tess_domctl, &dop, 0, 0);
}

static long vcpu_list(uint32_t domid, uint32_t max, uint64_t buffer)
{
    memset(&dop, 0, sizeof(dop));
    dop.u.vcpu_list = (struct tess_vcpu_list){ .max = max, .buffer = buffer };
    return domctl(TESS_DOMCTL_vcpu_list, domid);
}

static long pin(uint32_t domid, uint32_t vcpu, uint64_t cpus0)
{
    memset(&dop, 0, sizeof(dop));
    dop.u.vcpu_pin = (struct tess_vcpu_pin){ .vcpu = vcpu, .cpus = { cpus0 } };
    return domctl(TESS_DOMCTL_vcpu_pin, domid);
}

static long sched_set(uint32_t domid, uint32_t weight, uint32_t cap)
{
    memset(&dop, 0, sizeof(dop));
    dop.u.sched = (struct tess_sched){ .weight = weight, .cap = cap };
    return domctl(TESS_DOMCTL_sched_set, domid);
}

static long migrate(uint32_t domid, const char *pool)
{
    memset(&dop, 0, sizeof(dop));
    memcpy(dop.u.pool, pool, MIN(strlen(pool) + 1, sizeof(dop.u.pool)));
    return domctl(TESS_DOMCTL_pool_migrate, domid);
}

static const char *pool_of(uint32_t domid)
{
    memset(&dop, 0, sizeof(dop));
    return domctl(TESS_DOMCTL_getinfo, domid) ? "?" : dop.u.getinfo.pool;
}

/* vCPU 0 of domid as the list shows it. */
static struct tess_vcpuinfo vcpu0(uint32_t domid)
{
    struct tess_vcpuinfo v = { .cpu = -2 };

    if (!vcpu_list(domid, 1, (uintptr_t)vinfo) && dop.u.vcpu_list.nr == 1)
        v = vinfo[0];
    return v;
}

static void wait_ms(uint64_t ms)
{
    uint64_t t0 = rdtsc();

    while (ctl_ms_since(t0) < ms)
        ctl_yield();
}

static void console_history(void)
{
    struct tess_console_read *r = &sop.u.console_read;
    long rc;

    memset(&sop, 0, sizeof(sop));
    *r = (struct tess_console_read){ .offset = 0, .buffer = (uintptr_t)history,
                                     .size = sizeof(history) - 1 };
    rc = sysctl_call(TESS_SYSCTL_console_read);
    history[r->len] = '\0';
    CHECK("ctl.console_read", rc == 0 && r->len > 100 && r->end >= r->len &&
          strstr(history, "tessera"), "rc %ld len %u first %lu end %lu", rc, r->len,
          (unsigned long)r->first, (unsigned long)r->end);
    uint64_t end = r->end;
    *r = (struct tess_console_read){ .offset = end + 1000000, .buffer = (uintptr_t)history,
                                     .size = 16 };
    rc = sysctl_call(TESS_SYSCTL_console_read);
    CHECK("ctl.console_read_past_end", rc == 0 && r->len == 0 && r->first == r->end,
          "rc %ld len %u first %lu end %lu", rc, r->len, (unsigned long)r->first,
          (unsigned long)r->end);
    *r = (struct tess_console_read){ .buffer = (uintptr_t)history,
                                     .size = TESS_CONSOLE_HISTORY + 1 };
    expect("ctl.console_read_too_big", sysctl_call(TESS_SYSCTL_console_read), -XEN_EINVAL);
    *r = (struct tess_console_read){ .buffer = BAD_ADDR, .size = 64 };
    expect("ctl.console_read_bad_buffer", sysctl_call(TESS_SYSCTL_console_read), -XEN_EFAULT);
}

static void pool_hostile(void)
{
    static const char long_name[] = "a-pool-name-of-thirty-two-chars!";    /* no NUL fits */

    expect("ctl.pool_create_no_name", pool_op(TESS_SYSCTL_pool_create, "", 0, 0), -XEN_EINVAL);
    expect("ctl.pool_create_bad_name", pool_op(TESS_SYSCTL_pool_create, "a/b", 0, 0),
           -XEN_EINVAL);
    expect("ctl.pool_create_unterminated",
           pool_op(TESS_SYSCTL_pool_create, long_name, 0, 0), -XEN_EINVAL);
    expect("ctl.pool_create_bad_kind", pool_op(TESS_SYSCTL_pool_create, "p1", 2, 0),
           -XEN_EINVAL);
    expect("ctl.pool_create_default", pool_op(TESS_SYSCTL_pool_create, "default", 0, 0),
           -XEN_EEXIST);
    expect("ctl.pool_create_rt", pool_op(TESS_SYSCTL_pool_create, "rt", 1, 0), -XEN_EEXIST);
    expect("ctl.pool_create", pool_op(TESS_SYSCTL_pool_create, "p1", 0, 0), 0);
    expect("ctl.pool_create_twice", pool_op(TESS_SYSCTL_pool_create, "p1", 0, 0), -XEN_EEXIST);

    expect("ctl.pool_cpu_add_default_cpu", pool_op(TESS_SYSCTL_pool_cpu_add, "p1", 0, 0),
           -XEN_EBUSY);
    expect("ctl.pool_cpu_add_rt_cpu", pool_op(TESS_SYSCTL_pool_cpu_add, "p1", 0, 2), -XEN_EBUSY);
    expect("ctl.pool_cpu_add_offline", pool_op(TESS_SYSCTL_pool_cpu_add, "p1", 0, 3),
           -XEN_EINVAL);
    expect("ctl.pool_cpu_add_huge", pool_op(TESS_SYSCTL_pool_cpu_add, "p1", 0, 0xffffffffu),
           -XEN_EINVAL);
    expect("ctl.pool_cpu_add_unknown_pool", pool_op(TESS_SYSCTL_pool_cpu_add, "nosuch", 0, 1),
           -XEN_ENOENT);
    expect("ctl.pool_cpu_remove_offline", pool_op(TESS_SYSCTL_pool_cpu_remove, "", 0, 3),
           -XEN_EINVAL);
    expect("ctl.pool_cpu_remove_huge", pool_op(TESS_SYSCTL_pool_cpu_remove, "", 0, 1u << 20),
           -XEN_EINVAL);
    expect("ctl.pool_destroy_default", pool_op(TESS_SYSCTL_pool_destroy, "default", 0, 0),
           -XEN_EINVAL);
    expect("ctl.pool_destroy_unknown", pool_op(TESS_SYSCTL_pool_destroy, "nosuch", 0, 0),
           -XEN_ENOENT);
    expect("ctl.pool_destroy_with_cpu", pool_op(TESS_SYSCTL_pool_destroy, "rt", 0, 0),
           -XEN_EBUSY);
}

static void vcpu_hostile(void)
{
    long rc = vcpu_list(0, 4, (uintptr_t)vinfo);

    CHECK("ctl.vcpu_list_dom0", rc == 0 && dop.u.vcpu_list.nr == 2 && vinfo[0].vcpu == 0 &&
          vinfo[1].vcpu == 1 && (vinfo[0].flags & TESS_VCPU_up) && vinfo[0].cpu_time_ns &&
          vinfo[0].nr_exits && (vinfo[0].affinity[0] & 3) == 3, "rc %ld nr %u flags %#x",
          rc, dop.u.vcpu_list.nr, vinfo[0].flags);
    CHECK("ctl.vcpu_list_self_running", vinfo[0].cpu >= 0 || vinfo[1].cpu >= 0,
          "cpus %d %d", vinfo[0].cpu, vinfo[1].cpu);
    expect("ctl.vcpu_list_missing", vcpu_list(MISSING, 4, (uintptr_t)vinfo), -XEN_ESRCH);
    expect("ctl.vcpu_list_too_many", vcpu_list(0, 65, (uintptr_t)vinfo), -XEN_EINVAL);
    rc = vcpu_list(0, 4, BAD_ADDR);
    CHECK("ctl.vcpu_list_bad_buffer", rc == -XEN_EFAULT && dop.u.vcpu_list.nr == 0,
          "rc %ld nr %u", rc, dop.u.vcpu_list.nr);
    rc = vcpu_list(0, 1, (uintptr_t)vinfo);
    CHECK("ctl.vcpu_list_max_1", rc == 0 && dop.u.vcpu_list.nr == 1, "rc %ld", rc);

    expect("ctl.vcpu_pin_no_such_vcpu", pin(0, 2, 1), -XEN_EINVAL);
    expect("ctl.vcpu_pin_no_cpu", pin(0, 0, 0), -XEN_EINVAL);
    expect("ctl.vcpu_pin_other_pools_cpu", pin(0, 0, 1u << 2), -XEN_EINVAL);
    expect("ctl.vcpu_pin_offline_cpu", pin(0, 0, 1u << 3 | 1), -XEN_EINVAL);
    memset(&dop, 0, sizeof(dop));
    dop.u.vcpu_pin = (struct tess_vcpu_pin){ .vcpu = 0, .cpus = { 0, 0, 0, 1ul << 63 } };
    expect("ctl.vcpu_pin_cpu_255", domctl(TESS_DOMCTL_vcpu_pin, 0), -XEN_EINVAL);
    expect("ctl.vcpu_pin_missing", pin(MISSING, 0, 1), -XEN_ESRCH);
    expect("ctl.vcpu_pin_dom0_itself", pin(0, 1, 3), 0);

    expect("ctl.sched_set_weight_0", sched_set(0, 0, 0), -XEN_EINVAL);
    expect("ctl.sched_set_weight_huge", sched_set(0, 65536, 0), -XEN_EINVAL);
    expect("ctl.sched_set_cap_101", sched_set(0, 256, 101), -XEN_EINVAL);
    expect("ctl.sched_set_missing", sched_set(MISSING, 256, 0), -XEN_ESRCH);
    expect("ctl.sched_get_missing", domctl(TESS_DOMCTL_sched_get, MISSING), -XEN_ESRCH);
    expect("ctl.migrate_dom0_itself", migrate(0, "p1"), -XEN_EINVAL);
    expect("ctl.migrate_missing", migrate(MISSING, "p1"), -XEN_ESRCH);
}

/* Over ms, how often vCPU 0 of id was seen on a CPU outside cpus, and on
 * one inside. */
static void watch_cpus(uint32_t id, uint64_t cpus, uint64_t ms, unsigned int *in,
                       unsigned int *out)
{
    uint64_t t0 = rdtsc();

    *in = *out = 0;
    while (ctl_ms_since(t0) < ms) {
        struct tess_vcpuinfo v = vcpu0(id);
        if (v.cpu >= 0 && (cpus >> v.cpu & 1))
            (*in)++;
        else if (v.cpu >= 0 || v.cpu == -2)
            (*out)++;
        ctl_yield();
    }
}

/* Interrupt exits of vCPU 0 of id over ms, and whether it ran meanwhile. */
static uint64_t intr_exits_over(uint32_t id, uint64_t ms, uint64_t *ran_ns)
{
    struct tess_vcpuinfo a = vcpu0(id), b;

    wait_ms(ms);
    b = vcpu0(id);
    *ran_ns = b.cpu_time_ns - a.cpu_time_ns;
    return b.nr_intr_exits - a.nr_intr_exits;
}

/* A spinner: weight and cap, pinned, refused out of its only CPU, then
 * into a dedicated pool built at runtime, where it takes no interrupt
 * exits. */
static uint32_t spinner(const uint8_t *img, uint64_t size)
{
    uint32_t h = 0, id = 0;
    unsigned int in, out;
    uint64_t ran, ran_ded;
    long rc = ctl_stage_upload(img, size, &h);

    rc = rc ? rc : ctl_create(h, "s1", 32ul << 20, 1, "", SPIN, 0, &id);
    expect("ctl.pools_spinner_created", rc, 0);
    if (rc)
        return 0;
    expect("ctl.sched_set", sched_set(id, 512, 50), 0);
    rc = domctl(TESS_DOMCTL_sched_get, id);
    CHECK("ctl.sched_get", rc == 0 && dop.u.sched.weight == 512 && dop.u.sched.cap == 50,
          "rc %ld weight %u cap %u", rc, dop.u.sched.weight, dop.u.sched.cap);
    expect("ctl.sched_set_back", sched_set(id, 256, 0), 0);

    expect("ctl.vcpu_pin", pin(id, 0, 1u << 1), 0);
    wait_ms(50);
    watch_cpus(id, 1u << 1, 500, &in, &out);
    CHECK("ctl.vcpu_pin_keeps_it_there", in > 0 && out == 0, "%u samples on CPU 1, %u elsewhere",
          in, out);
    struct tess_vcpuinfo v = vcpu0(id);
    CHECK("ctl.vcpu_list_shows_pin", v.affinity[0] == 2 && v.affinity[1] == 0,
          "affinity %#lx", (unsigned long)v.affinity[0]);
    expect("ctl.pool_cpu_remove_last_of_pinned", pool_op(TESS_SYSCTL_pool_cpu_remove, "", 0, 1),
           -XEN_EBUSY);
    expect("ctl.vcpu_pin_back", pin(id, 0, 3), 0);

    uint64_t shared_exits = intr_exits_over(id, 1000, &ran);
    printf("mini: ctl pools s1 in default: %lu interrupt exits in 1000 ms, ran %lu ms\n",
           (unsigned long)shared_exits, (unsigned long)(ran / 1000000));

    /* Into a dedicated pool: refused while it has no CPU, then CPU 2 from rt. */
    expect("ctl.pool_create_dedicated", pool_op(TESS_SYSCTL_pool_create, "ded", 1, 0), 0);
    expect("ctl.migrate_into_no_cpu", migrate(id, "ded"), -XEN_EBUSY);
    CHECK("ctl.migrate_refused_leaves_it", !strcmp(pool_of(id), "default"), "in %s",
          pool_of(id));
    expect("ctl.pool_cpu_remove_rt", pool_op(TESS_SYSCTL_pool_cpu_remove, "", 0, 2), 0);
    expect("ctl.pool_cpu_remove_free_cpu", pool_op(TESS_SYSCTL_pool_cpu_remove, "", 0, 2),
           -XEN_EINVAL);
    expect("ctl.pool_cpu_add_free", cpu_add("ded", 2), 0);
    expect("ctl.pool_destroy_empty_rt", pool_op(TESS_SYSCTL_pool_destroy, "rt", 0, 0), 0);
    expect("ctl.migrate_unknown_pool", migrate(id, "nosuch"), -XEN_ENOENT);
    memset(&dop, 0, sizeof(dop));
    memset(dop.u.pool, 'x', sizeof(dop.u.pool));
    expect("ctl.migrate_unterminated", domctl(TESS_DOMCTL_pool_migrate, id), -XEN_EINVAL);
    expect("ctl.migrate_into_dedicated", migrate(id, "ded"), 0);
    CHECK("ctl.migrate_moved_it", !strcmp(pool_of(id), "ded"), "in %s", pool_of(id));
    v = vcpu0(id);
    CHECK("ctl.migrate_resets_affinity", v.affinity[0] == ~0ul, "affinity %#lx",
          (unsigned long)v.affinity[0]);
    expect("ctl.vcpu_pin_outside_new_pool", pin(id, 0, 1), -XEN_EINVAL);
    expect("ctl.pool_cpu_remove_dedicated_owned",
           pool_op(TESS_SYSCTL_pool_cpu_remove, "", 0, 2), -XEN_EBUSY);
    expect("ctl.pool_destroy_with_domain", pool_op(TESS_SYSCTL_pool_destroy, "ded", 0, 0),
           -XEN_EBUSY);
    wait_ms(100);
    watch_cpus(id, 1u << 2, 300, &in, &out);
    CHECK("ctl.dedicated_runs_on_its_cpu", in > 0 && out == 0, "%u on CPU 2, %u elsewhere",
          in, out);
    uint64_t ded_exits = intr_exits_over(id, 1000, &ran_ded);
    printf("mini: ctl pools s1 in ded: %lu interrupt exits in 1000 ms, ran %lu ms\n",
           (unsigned long)ded_exits, (unsigned long)(ran_ded / 1000000));
    CHECK("ctl.dedicated_no_timer_exits", ded_exits == 0 && ran_ded > 500000000ul,
          "%lu interrupt exits, ran %lu ns (shared: %lu exits)", (unsigned long)ded_exits,
          (unsigned long)ran_ded, (unsigned long)shared_exits);
    return id;
}

/* u5 runs its self-tests while it moves between default and ded. */
static void migrate_selftests(const uint8_t *img, uint64_t size, uint32_t spin_id)
{
    uint32_t h = 0, id = 0;
    unsigned int moves = 0, refused = 0;
    long rc;

    /* ded's only CPU goes to u5 on its visits: s1 waits in default. */
    expect("ctl.migrate_back_to_default", migrate(spin_id, "default"), 0);
    rc = ctl_stage_upload(img, size, &h);
    rc = rc ? rc : ctl_create(h, "u5", 32ul << 20, 1, "", "mini.from=ctl", 0, &id);
    expect("ctl.pools_selftest_domain", rc, 0);
    if (rc)
        return;
    for (unsigned int i = 0; i < 400; i++) {
        rc = migrate(id, i % 2 ? "default" : "ded");
        if (rc == -XEN_ESRCH)
            break;          /* its suite ended */
        moves += rc == 0;
        refused += rc != 0;
        wait_ms(5 + i % 7);
    }
    printf("mini: ctl pools u5 moved %u times (%u refused)\n", moves, refused);
    CHECK("ctl.migrate_while_selftests_run", moves >= 10 && refused == 0, "%u moves, %u refused",
          moves, refused);
    CHECK("ctl.migrated_domain_ended", ctl_wait_gone(id), " ");
}

/* CPU 1 leaves default for p1 and comes back, again and again, while dom0's
 * vCPUs (this one included) and s1 run on it. */
static void cpu_churn(uint32_t spin_id)
{
    unsigned int rounds = 0, bad = 0;
    uint64_t t0 = vcpu0(spin_id).cpu_time_ns;

    for (unsigned int i = 0; i < 30; i++) {
        long a = pool_op(TESS_SYSCTL_pool_cpu_remove, "", 0, 1);
        long b = cpu_add("p1", 1);
        wait_ms(3);
        long c = pool_op(TESS_SYSCTL_pool_cpu_remove, "", 0, 1);
        long d = cpu_add("default", 1);
        rounds++;
        if (a || b || c || d) {
            bad++;
            printf("mini: ctl pools churn round %u: %ld %ld %ld %ld\n", i, a, b, c, d);
        }
        wait_ms(3);
    }
    wait_ms(100);
    CHECK("ctl.cpu_churn", bad == 0 && vcpu0(spin_id).cpu_time_ns > t0, "%u of %u rounds failed",
          bad, rounds);
}

void ctl_pools_run(const uint8_t *img, uint64_t size)
{
    uint32_t id;

    console_history();
    memset(&sop, 0, sizeof(sop));
    if (sysctl_call(TESS_SYSCTL_physinfo) || sop.u.physinfo.nr_cpus != 3 || nr_vcpus != 2) {
        printf("mini: SKIP ctl.pools needs 3 CPUs (rt:2:dedicated) and 2 dom0 vCPUs\n");
        return;
    }
    pool_hostile();
    vcpu_hostile();
    id = spinner(img, size);
    if (!id)
        return;
    migrate_selftests(img, size, id);
    cpu_churn(id);
    expect("ctl.pools_spinner_destroy", domctl(TESS_DOMCTL_destroy, id), 0);
    CHECK("ctl.pools_spinner_gone", ctl_wait_gone(id), " ");
    expect("ctl.pool_cpu_remove_ded", pool_op(TESS_SYSCTL_pool_cpu_remove, "", 0, 2), 0);
    expect("ctl.pool_destroy_ded", pool_op(TESS_SYSCTL_pool_destroy, "ded", 0, 0), 0);
    expect("ctl.pool_destroy_p1", pool_op(TESS_SYSCTL_pool_destroy, "p1", 0, 0), 0);
    expect("ctl.pool_cpu_add_back", cpu_add("default", 2), 0);
}
