/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libtess's own test program, linked statically (tools/Makefile.inc):
 *   libtess-test records   the record accessors, the CPU-list parser and
 *                          the console ring's index protocol against the
 *                          header's structures (any host)
 *   libtess-test probe     physinfo, the domain and pool lists, in dom0
 * Prints one line per check or record; exit status 0 when all passed,
 * 1 when something failed (with libtess's message on stderr).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/xen/io/console.h>

#include "private.h"

static int failed;

static void expect(int ok, const char *what)
{
    printf("%s %s\n", ok ? "PASS" : "FAIL", what);
    failed |= !ok;
}

static void test_records(void)
{
    struct tess_dominfo d[2] = { 0 };
    struct tess_poolinfo p = { 0 };
    uint64_t v = 0;
    char name[8];

    d[1].domid = 7;
    d[1].mem_pages = 1ull << 40;
    strcpy(d[1].name, "guest-one");
    memset(d[0].pool, 'x', sizeof(d[0].pool)); /* no NUL: must stay bounded */
    char buf[32];

    p.cpus[0] = 7;
    p.cpus[1] = 1ull << 3;
    p.cpus[3] = 1ull << 63;
    expect(libtess_record_size("dominfo") == sizeof(d[0]), "size.dominfo");
    expect(libtess_record_size("bogus") == 0, "size.unknown_kind");
    expect(!libtess_record_u64(d, "dominfo", 1, "domid", &v) && v == 7, "u64.u32_field");
    expect(!libtess_record_u64(d, "dominfo", 1, "mem_pages", &v) && v == 1ull << 40,
           "u64.u64_field");
    expect(libtess_record_u64(d, "dominfo", 1, "name", &v) == -ENOENT, "u64.wrong_kind");
    expect(libtess_record_u64(d, "dominfo", 1, "nope", &v) == -ENOENT, "u64.unknown_field");
    expect(!libtess_record_str(d, "dominfo", 1, "name", name, sizeof(name)) &&
               !strcmp(name, "guest-o"),
           "str.cut_to_buffer");
    char pool[64];
    expect(!libtess_record_str(d, "dominfo", 0, "pool", pool, sizeof(pool)) &&
               strlen(pool) == TESS_NAME_MAX,
           "str.unterminated_bounded");
    expect(!libtess_record_cpus(&p, "poolinfo", 0, "cpus", buf, sizeof(buf)) &&
               !strcmp(buf, "0-2,67,255"),
           "cpus.list");
    expect(libtess_record_cpus(&p, "poolinfo", 0, "cpus", buf, 6) == -ENOSPC, "cpus.no_room");
    d[1].flags = TESS_DOMINF_paused | TESS_DOMINF_boot;
    expect(!libtess_record_u64(d, "dominfo", 1, "paused", &v) && v == 1 &&
               !libtess_record_u64(d, "dominfo", 1, "running", &v) && v == 0 &&
               !libtess_record_u64(d, "dominfo", 1, "flags", &v) && v == d[1].flags,
           "u64.flags");

    struct tess_vcpuinfo vc[2] = { 0 };
    vc[1].cpu = -1;
    vc[1].flags = TESS_VCPU_up | TESS_VCPU_blocked;
    vc[1].affinity[0] = 6;
    expect(libtess_record_size("vcpuinfo") == sizeof(vc[0]), "size.vcpuinfo");
    expect(!libtess_record_u64(vc, "vcpuinfo", 1, "cpu", &v) && v == UINT64_MAX,
           "u64.signed_cpu_minus_1");
    expect(!libtess_record_u64(vc, "vcpuinfo", 1, "blocked", &v) && v == 1 &&
               !libtess_record_u64(vc, "vcpuinfo", 1, "on_cpu", &v) && v == 0,
           "u64.vcpu_flags");
    expect(!libtess_record_cpus(vc, "vcpuinfo", 1, "affinity", buf, sizeof(buf)) &&
               !strcmp(buf, "1-2"),
           "cpus.affinity");
}

static void test_cpumask(void)
{
    uint64_t m[TESS_CPU_WORDS];

    expect(!tess_cpumask_parse("0-3,^2,255", m) && m[0] == 0xb && m[3] == 1ull << 63,
           "cpumask.ranges");
    expect(tess_cpumask_parse("256", m) == -ERANGE, "cpumask.beyond_255");
    expect(tess_cpumask_parse("3-1", m) == -EINVAL, "cpumask.backwards");
    expect(tess_cpumask_parse("1,,2", m) == -EINVAL && tess_cpumask_parse("", m) == -EINVAL &&
               tess_cpumask_parse("1x", m) == -EINVAL,
           "cpumask.garbage");
    expect(tess_cpumask_parse("99999999999999999999", m) == -ERANGE, "cpumask.huge");
}

/* The backend's side of a console ring whose guest lies about its indices:
 * nothing is read outside out[] or believed beyond one ring. */
static void test_console_ring(void)
{
    static struct xencons_interface r;
    uint32_t cons = 0, prod = 0;
    char buf[4096];

    memcpy(r.out, "hello\n", 6);
    r.out_prod = 6;
    expect(libtess_console_take(&r, &cons, buf, sizeof(buf)) == 6 && !memcmp(buf, "hello\n", 6) &&
               cons == 6 && r.out_cons == 6,
           "ring.take");
    r.out_prod = 6 + 2048 + 1;
    expect(libtess_console_take(&r, &cons, buf, sizeof(buf)) == -EPROTO && cons == 6 + 2049 &&
               r.out_cons == cons,
           "ring.bogus_prod_dropped");
    r.out_prod = cons - 1;      /* behind us: as far ahead as 2^32 - 1 */
    expect(libtess_console_take(&r, &cons, buf, sizeof(buf)) == -EPROTO, "ring.prod_behind");
    cons = r.out_prod = 0xfffffffe;     /* indices wrap at 2^32 */
    r.out_cons = 12345;         /* the guest's own write: never believed */
    memcpy(&r.out[2046], "ab", 2);
    memcpy(r.out, "cd", 2);
    r.out_prod = 2;
    expect(libtess_console_take(&r, &cons, buf, 3) == 3 && !memcmp(buf, "abc", 3) &&
               libtess_console_take(&r, &cons, buf, sizeof(buf)) == 1 && buf[0] == 'd' &&
               cons == 2,
           "ring.wraps_and_len");
    expect(libtess_console_give(&r, &prod, "hi", 2) == 2 && r.in_prod == 2 && !memcmp(r.in, "hi", 2),
           "ring.give");
    expect(libtess_console_give(&r, &prod, buf, sizeof(buf)) == 1022 && prod == 1024,
           "ring.give_up_to_room");
    r.in_cons = prod + 5;       /* ahead of what we gave */
    expect(libtess_console_give(&r, &prod, "x", 1) == -EPROTO && prod == 1024, "ring.bogus_cons");
}

static int probe(void)
{
    struct libtess *h;
    struct tess_physinfo pi;
    struct tess_dominfo doms[64];
    struct tess_poolinfo pools[64];
    int rc = libtess_open(&h), n;

    if (!rc)
        rc = libtess_physinfo(h, &pi);
    if (!rc)
        printf("physinfo cpus %u total_pages %llu free_pages %llu\n", pi.nr_cpus,
               (unsigned long long)pi.total_pages, (unsigned long long)pi.free_pages);
    n = rc < 0 ? rc : libtess_domain_list(h, doms, 64);
    for (int i = 0; i < n && i < 64; i++)
        printf("domain %u %.*s\n", doms[i].domid, TESS_NAME_MAX, doms[i].name);
    n = n < 0 ? n : libtess_pool_list(h, pools, 64);
    for (int i = 0; i < n && i < 64; i++)
        printf("pool %u %.*s\n", pools[i].pool_id, TESS_NAME_MAX, pools[i].name);
    if (n < 0)
        fprintf(stderr, "libtess-test: %s\n", libtess_error(h));
    libtess_close(h);
    return n < 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "records")) {
        test_records();
        test_cpumask();
        test_console_ring();
        return failed;
    }
    if (argc == 2 && !strcmp(argv[1], "probe"))
        return probe();
    fprintf(stderr, "usage: libtess-test records|probe\n");
    return 2;
}
