/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/common/domain_build/{bootdom,pool}_spec.c */
#include <tessera/bootdom_spec.h>
#include <tessera/cmdline.h>
#include <tessera/lib.h>
#include "test.h"

static struct bootdom_specs ds;
static struct pool_specs ps;

#define PARSE(...) ({ \
        const char *const _m[] = { __VA_ARGS__ }; \
        host_log_clear(); \
        bootdom_parse_modules(&ds, _m, ARRAY_SIZE(_m)); \
    })

static bool has_cpu(const uint64_t *set, unsigned int c)
{
    return set[c / 64] & (1ULL << (c % 64));
}

static unsigned int count(const uint64_t *set)
{
    unsigned int n = 0;

    for (unsigned int c = 0; c < BOOTDOM_MAX_CPUS; c++)
        n += has_cpu(set, c);
    return n;
}

/* ---- module command lines ---- */

static void test_grub_example(void)
{
    /* docs/boot-domains.md: GRUB's module2 gives the arguments without the path. */
    CHECK_EQ(PARSE("dom=web mem=256M vcpus=2 cpus=2-3 pool=rt -- console=hvc0 root=/dev/xvda1",
                   "initrd",
                   "dom=mini-1 mem=16M vcpus=1"), 0);
    CHECK_EQ(ds.nr, 2);
    CHECK_STR(ds.dom[0].name, "web");
    CHECK_EQ(ds.dom[0].mem, MiB(256));
    CHECK_EQ(ds.dom[0].vcpus, 2);
    CHECK(ds.dom[0].has_cpus);
    CHECK_EQ(ds.dom[0].cpus[0], 0xc);
    CHECK_STR(ds.dom[0].pool, "rt");
    CHECK_STR(ds.dom[0].cmdline, "console=hvc0 root=/dev/xvda1");
    CHECK_EQ(ds.dom[0].kernel_module, 0);
    CHECK_EQ(ds.dom[0].initrd_module, 1);
    CHECK_STR(ds.dom[1].name, "mini-1");
    CHECK_EQ(ds.dom[1].mem, MiB(16));
    CHECK(!ds.dom[1].has_cpus);
    CHECK_STR(ds.dom[1].pool, "default");
    CHECK_STR(ds.dom[1].cmdline, "");
    CHECK_EQ(ds.dom[1].kernel_module, 2);
    CHECK_EQ(ds.dom[1].initrd_module, -1);
    CHECK_EQ(host_log()[0], 0);
}

static void test_qemu_example(void)
{
    /* QEMU's -initrd "file args,file args": each string starts with the path. */
    CHECK_EQ(PARSE("/images/vmlinuz dom=linux mem=1G vcpus=4 -- console=hvc0 quiet",
                   "/images/initrd.img initrd",
                   "/images/mini.elf dom=m mem=0x1000000 vcpus=1"), 0);
    CHECK_EQ(ds.nr, 2);
    CHECK_STR(ds.dom[0].name, "linux");
    CHECK_EQ(ds.dom[0].mem, GiB(1));
    CHECK_EQ(ds.dom[0].vcpus, 4);
    CHECK_STR(ds.dom[0].cmdline, "console=hvc0 quiet");
    CHECK_EQ(ds.dom[0].initrd_module, 1);
    CHECK_EQ(ds.dom[1].mem, MiB(16));
    CHECK_EQ(ds.dom[1].kernel_module, 2);
}

static void test_path_word(void)
{
    /* A lone "initrd" is the keyword; "initrd initrd" is a file named initrd. */
    CHECK_EQ(PARSE("k dom=a mem=4K vcpus=1", "initrd initrd"), 0);
    CHECK_EQ(ds.dom[0].initrd_module, 1);
    CHECK_EQ(PARSE("initrd dom=a mem=4K vcpus=1", "initrd"), 0);   /* path "initrd" */
    CHECK_STR(ds.dom[0].name, "a");
    CHECK_EQ(ds.dom[0].initrd_module, 1);
    /* Only the first word may be a path. */
    CHECK_EQ(PARSE("k j dom=a mem=4K vcpus=1"), -EINVAL);
    CHECK_LOG("module 0: expected key=value, got 'j'");
    /* A path alone (QEMU, no arguments) describes nothing. */
    CHECK_EQ(PARSE("/boot/x.img"), -EINVAL);
    CHECK_LOG("module 0: missing dom=");
    CHECK_EQ(PARSE(""), -EINVAL);
    CHECK_EQ(PARSE(NULL), -EINVAL);
    /* Blanks of every kind separate words. */
    CHECK_EQ(PARSE("\t/p\tdom=a \n mem=8K\r\nvcpus=1  "), 0);
    CHECK_EQ(ds.dom[0].mem, KiB(8));
}

static void test_guest_cmdline(void)
{
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 --   x -- y=1  a--b  "), 0);
    CHECK_STR(ds.dom[0].cmdline, "x -- y=1  a--b");
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 --"), 0);
    CHECK_STR(ds.dom[0].cmdline, "");
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 a--b"), -EINVAL);     /* "--" only as a word */
    CHECK_LOG("expected key=value, got 'a--b'");

    char line[BOOTDOM_MODLINE_MAX + 2];
    int n = snprintf(line, sizeof(line), "dom=a mem=4K vcpus=1 -- ");
    memset(line + n, 'x', BOOTDOM_CMDLINE_MAX);
    line[n + BOOTDOM_CMDLINE_MAX] = '\0';
    CHECK_EQ(PARSE(line), 0);
    CHECK_EQ(strlen(ds.dom[0].cmdline), BOOTDOM_CMDLINE_MAX);
    line[n + BOOTDOM_CMDLINE_MAX] = 'y';
    line[n + BOOTDOM_CMDLINE_MAX + 1] = '\0';
    CHECK_EQ(PARSE(line), -EINVAL);
    CHECK_LOG("module 0: guest command line longer than 1023 bytes");

    memset(line, ' ', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    memcpy(line, "dom=a", 5);
    CHECK_EQ(PARSE(line), -EINVAL);
    CHECK_LOG("module 0: command line longer than 4096 bytes");
}

static void test_keys(void)
{
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 colour=blue"), -EINVAL);
    CHECK_LOG("E: bootdom: module 0: unknown key in 'colour=blue'");
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1", "dom=b mem=4K vcpus=1 mem=8K"), -EINVAL);
    CHECK_LOG("module 1: duplicate key in 'mem=8K'");
    CHECK_EQ(PARSE("mem=4K vcpus=1"), -EINVAL);
    CHECK_LOG("module 0: missing dom=");
    CHECK_EQ(PARSE("dom=a vcpus=1"), -EINVAL);
    CHECK_LOG("module 0: missing mem=");
    CHECK_EQ(PARSE("dom=a mem=4K"), -EINVAL);
    CHECK_LOG("module 0: missing vcpus=");
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 =3"), -EINVAL);
    CHECK_LOG("unknown key in '=3'");
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 Dom=b"), -EINVAL);   /* keys are lower case */

    char line[400];
    int n = snprintf(line, sizeof(line), "dom=a mem=4K vcpus=1 cpus=");
    for (; n < 380; n += 2)
        memcpy(line + n, "1,", 2);
    line[n] = '\0';
    CHECK_EQ(PARSE(line), -EINVAL);
    CHECK_LOG("value too long in 'cpus=1,1,");
}

static void test_sizes(void)
{
    CHECK_EQ(PARSE("dom=a mem=4g vcpus=1"), 0);
    CHECK_EQ(ds.dom[0].mem, GiB(4));
    CHECK_EQ(PARSE("dom=a mem=1024G vcpus=1"), 0);
    CHECK_EQ(ds.dom[0].mem, BOOTDOM_MEM_MAX);
    CHECK_EQ(PARSE("dom=a mem=512 vcpus=1"), -EINVAL);        /* bytes: not a page */
    CHECK_LOG("module 0: bad size 'mem=512'");
    CHECK_EQ(PARSE("dom=a mem=0 vcpus=1"), -EINVAL);
    CHECK_EQ(PARSE("dom=a mem=6K vcpus=1"), -EINVAL);
    CHECK_EQ(PARSE("dom=a mem=12Q vcpus=1"), -EINVAL);
    CHECK_EQ(PARSE("dom=a mem= vcpus=1"), -EINVAL);
    CHECK_EQ(PARSE("dom=a mem=-4K vcpus=1"), -EINVAL);
    CHECK_EQ(PARSE("dom=a mem=1025G vcpus=1"), -ERANGE);
    CHECK_EQ(PARSE("dom=a mem=2T vcpus=1"), -ERANGE);
    CHECK_EQ(PARSE("dom=a mem=99999999999999999999G vcpus=1"), -ERANGE);
    CHECK_EQ(PARSE("dom=a mem=17179869184G vcpus=1"), -ERANGE);   /* << 30 overflows */
}

static void test_vcpus(void)
{
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=64"), 0);
    CHECK_EQ(ds.dom[0].vcpus, 64);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=0x2"), 0);
    CHECK_EQ(ds.dom[0].vcpus, 2);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=0"), -ERANGE);
    CHECK_LOG("module 0: bad vCPU count 'vcpus=0' (1 to 64)");
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=65"), -ERANGE);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=4294967297"), -ERANGE);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=two"), -EINVAL);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1x"), -EINVAL);
}

/* The budget options (docs/limits.md), in the budget's own units. */
static void test_budget_limits(void)
{
    static const struct {
        const char *opt;
        int rc;
        enum budget_kind kind;
        uint32_t limit;
    } cases[] = {
        { "max_evtchn=1023", 0, BUDGET_EVTCHN_PORTS, 1024 },
        { "max_evtchn=127", 0, BUDGET_EVTCHN_PORTS, 128 },      /* whole buckets */
        { "max_evtchn=200", 0, BUDGET_EVTCHN_PORTS, 256 },
        { "max_evtchn=131071", 0, BUDGET_EVTCHN_PORTS, 131072 },
        { "max_grant_frames=4", 0, BUDGET_GRANT_FRAMES, 4 },
        { "max_maptrack=100", 0, BUDGET_MAPTRACK, 128 },        /* blocks of 64 */
        { "p2m_pages=300", 0, BUDGET_P2M_PAGES, 300 },
        { "max_evtchn=126", -ERANGE, 0, 0 }, { "max_evtchn=131072", -ERANGE, 0, 0 },
        { "max_grant_frames=0", -ERANGE, 0, 0 }, { "max_grant_frames=33", -ERANGE, 0, 0 },
        { "max_maptrack=16385", -ERANGE, 0, 0 }, { "p2m_pages=0", -ERANGE, 0, 0 },
        { "p2m_pages=lots", -EINVAL, 0, 0 }, { "p2m_pages=9 p2m_pages=9", -EINVAL, 0, 0 },
    };
    char line[128];

    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1"), 0);
    for (unsigned int k = 0; k < BUDGET_NR; k++)
        CHECK_EQ(ds.dom[0].budget[k], 0);           /* the defaults */
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        snprintf(line, sizeof(line), "dom=a mem=4K vcpus=1 %s", cases[i].opt);
        CHECK_EQ(PARSE(line), cases[i].rc);
        if (!cases[i].rc)
            CHECK_EQ(ds.dom[0].budget[cases[i].kind], cases[i].limit);
    }
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 max_evtchn=126"), -ERANGE);
    CHECK_LOG("module 0: bad limit 'max_evtchn=126' (127 to 131071)");
}

static void test_weight_and_cap(void)
{
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 weight=512 cap=50"), 0);
    CHECK_EQ(ds.dom[0].weight, 512);
    CHECK_EQ(ds.dom[0].cap, 50);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1"), 0);
    CHECK_EQ(ds.dom[0].weight, 0);          /* the scheduler's default */
    CHECK_EQ(ds.dom[0].cap, 0);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 weight=65535 cap=0"), 0);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 weight=0"), -ERANGE);
    CHECK_LOG("module 0: bad weight 'weight=0' (1 to 65535)");
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 weight=65536"), -ERANGE);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 weight=heavy"), -EINVAL);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 cap=101"), -ERANGE);
    CHECK_LOG("module 0: bad cap 'cap=101' (0 to 100 percent of a CPU)");
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 cap=-1"), -EINVAL);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 cap=5 cap=6"), -EINVAL);
}

static void test_cpu_lists(void)
{
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 cpus=1,3-5,255"), 0);
    CHECK_EQ(count(ds.dom[0].cpus), 5);
    CHECK(has_cpu(ds.dom[0].cpus, 1) && has_cpu(ds.dom[0].cpus, 4) &&
          has_cpu(ds.dom[0].cpus, 255) && !has_cpu(ds.dom[0].cpus, 2));
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 cpus=5-3"), -EINVAL);
    CHECK_LOG("module 0: bad CPU list 'cpus=5-3'");
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 cpus=1,,2"), -EINVAL);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 cpus="), -EINVAL);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 cpus=1,"), -EINVAL);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 cpus=256"), -ERANGE);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 cpus=0-99999999999999999999"), -ERANGE);
}

static void test_names(void)
{
    CHECK_EQ(PARSE("dom=A.b_c-9 mem=4K vcpus=1 pool=p.1"), 0);
    CHECK_STR(ds.dom[0].name, "A.b_c-9");
    CHECK_STR(ds.dom[0].pool, "p.1");
    CHECK_EQ(PARSE("dom=abcdefghijabcdefghijabcdefghij1 mem=4K vcpus=1"), 0);   /* 31 */
    CHECK_EQ(PARSE("dom=abcdefghijabcdefghijabcdefghij12 mem=4K vcpus=1"), -EINVAL);
    CHECK_LOG("module 0: bad name in 'dom=abcdefghij");
    CHECK_EQ(PARSE("dom= mem=4K vcpus=1"), -EINVAL);
    CHECK_EQ(PARSE("dom=a/b mem=4K vcpus=1"), -EINVAL);
    CHECK_EQ(PARSE("dom=a=b mem=4K vcpus=1"), -EINVAL);
    CHECK_EQ(PARSE("dom=\"a\" mem=4K vcpus=1"), -EINVAL);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 pool=x:y"), -EINVAL);
    CHECK_LOG("bad name in 'pool=x:y'");
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1", "p2 dom=b mem=4K vcpus=1", "dom=a mem=8K vcpus=2"),
             -EINVAL);
    CHECK_LOG("module 2: domain name in 'dom=a' already used by module 0");
}

static void test_initrd_placement(void)
{
    CHECK_EQ(PARSE("initrd", "dom=a mem=4K vcpus=1"), -EINVAL);
    CHECK_LOG("module 0: 'initrd' before any domain");
    CHECK_EQ(PARSE("/boot/i.img initrd"), -EINVAL);
    CHECK_LOG("module 0: 'initrd' before any domain");
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1", "initrd", "/x initrd"), -EINVAL);
    CHECK_LOG("module 2: 'initrd': domain 'a' already has one (module 1)");
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1", "/i initrd mem=4K"), -EINVAL);
    CHECK_LOG("module 1: 'initrd' takes no options, got 'mem=4K'");
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1", "initrd mem=4K"), -EINVAL);    /* path "initrd" */
    CHECK_LOG("module 1: missing dom=");
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1", "/i initrd -- x"), -EINVAL);
    CHECK_LOG("module 1: 'initrd' takes no command line");
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 initrd"), -EINVAL);
    CHECK_LOG("expected key=value, got 'initrd'");
    /* Each domain takes the initrd right after it. */
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1", "dom=b mem=4K vcpus=1", "initrd",
                   "dom=c mem=4K vcpus=1", "initrd"), 0);
    CHECK_EQ(ds.dom[0].initrd_module, -1);
    CHECK_EQ(ds.dom[1].initrd_module, 2);
    CHECK_EQ(ds.dom[2].kernel_module, 3);
    CHECK_EQ(ds.dom[2].initrd_module, 4);
}

static void test_dom0(void)
{
    /* GRUB (no path) and QEMU (path first); dom0 may come anywhere. */
    CHECK_EQ(PARSE("dom=m mem=16M vcpus=1",
                   "dom0 mem=1G vcpus=2 cpus=0-1 -- console=hvc0",
                   "initrd"), 0);
    CHECK_EQ(ds.nr, 2);
    CHECK(!ds.dom[0].hardware);
    CHECK(ds.dom[1].hardware);
    CHECK_STR(ds.dom[1].name, "dom0");
    CHECK_EQ(ds.dom[1].mem, GiB(1));
    CHECK_EQ(ds.dom[1].vcpus, 2);
    CHECK_EQ(ds.dom[1].cpus[0], 3);
    CHECK_STR(ds.dom[1].cmdline, "console=hvc0");
    CHECK_EQ(ds.dom[1].kernel_module, 1);
    CHECK_EQ(ds.dom[1].initrd_module, 2);
    CHECK_EQ(PARSE("/boot/vmlinuz dom0 mem=512M vcpus=1 pool=p", "/boot/initrd.img initrd"), 0);
    CHECK(ds.dom[0].hardware);
    CHECK_STR(ds.dom[0].pool, "p");
    CHECK_EQ(ds.dom[0].initrd_module, 1);
    /* A kernel file named dom0, as QEMU passes it. */
    CHECK_EQ(PARSE("dom0 dom0 mem=512M vcpus=1"), 0);
    CHECK(ds.dom[0].hardware);
    /* A domU may not look like dom0 unless it is dom0. */
    CHECK_EQ(PARSE("dom=dom0x mem=16M vcpus=1"), 0);
    CHECK(!ds.dom[0].hardware);
}

static void test_dom0_errors(void)
{
    static const struct {
        const char *mod[3];
        const char *log;
    } cases[] = {
        { { "dom0 mem=1G vcpus=1", "dom0 mem=1G vcpus=1" },
          "module 1: a second 'dom0' (the first is module 0)" },
        { { "k dom0 mem=1G vcpus=1", "initrd", "k2 dom0 mem=1G vcpus=1" },
          "module 2: a second 'dom0' (the first is module 0)" },
        { { "dom0 dom=x mem=1G vcpus=1" }, "'dom0' is named dom0, got 'dom=x'" },
        { { "dom0 vcpus=1" }, "missing mem=" },
        { { "dom0 mem=1G" }, "missing vcpus=" },
        /* The name is taken: a domU called dom0 after it, or before it. */
        { { "dom0 mem=1G vcpus=1", "dom=dom0 mem=16M vcpus=1" }, "already used by module 0" },
        { { "dom=dom0 mem=16M vcpus=1", "dom0 mem=1G vcpus=1" }, "already used by module 0" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        unsigned int n = 0;
        while (n < 3 && cases[i].mod[n])
            n++;
        host_log_clear();
        CHECK_EQ(bootdom_parse_modules(&ds, cases[i].mod, n), -EINVAL);
        CHECK_LOG(cases[i].log);
    }
}

static void test_too_many_domains(void)
{
    static char lines[BOOTDOM_MAX_DOMAINS + 1][48];
    const char *ptrs[BOOTDOM_MAX_DOMAINS + 1];

    for (unsigned int i = 0; i <= BOOTDOM_MAX_DOMAINS; i++) {
        snprintf(lines[i], sizeof(lines[i]), "dom=d%u mem=4K vcpus=1", i);
        ptrs[i] = lines[i];
    }
    CHECK_EQ(bootdom_parse_modules(&ds, ptrs, BOOTDOM_MAX_DOMAINS), 0);
    CHECK_EQ(ds.nr, BOOTDOM_MAX_DOMAINS);
    CHECK_EQ(bootdom_parse_modules(&ds, ptrs, BOOTDOM_MAX_DOMAINS + 1), -ENOSPC);
    CHECK_LOG("module 64: more than 64 domains");
    CHECK_EQ(bootdom_parse_modules(&ds, ptrs, 0), 0);
    CHECK_EQ(ds.nr, 0);
}

/* ---- the pool= option ---- */

static const struct boot_option opts[] = {
    { .name = "pool", .kind = OPT_CUSTOM, .var = &ps, .parse = pool_spec_option,
      .flags = BOOT_OPT_REPEAT },
};

static void pools(const char *cmdline)
{
    memset(&ps, 0, sizeof(ps));
    host_log_clear();
    cmdline_parse(cmdline, opts, ARRAY_SIZE(opts));
}

static uint64_t online[BOOTDOM_CPU_WORDS];

static void set_online(unsigned int n)
{
    memset(online, 0, sizeof(online));
    for (unsigned int c = 0; c < n; c++)
        online[c / 64] |= 1ULL << (c % 64);
}

static void test_pool_option_example(void)
{
    pools("console=com1 pool=rt:2-3:dedicated pool=batch:4,6-7:shared");
    CHECK_EQ(ps.nr, 2);
    CHECK_STR(ps.pool[0].name, "rt");
    CHECK_EQ(ps.pool[0].cpus[0], 0xc);
    CHECK_EQ(ps.pool[0].sched, POOL_DEDICATED);
    CHECK_STR(ps.pool[1].name, "batch");
    CHECK_EQ(ps.pool[1].cpus[0], 0xd0);
    CHECK_EQ(ps.pool[1].sched, POOL_SHARED);
    set_online(8);
    CHECK_EQ(pool_specs_finish(&ps, online), 0);
    CHECK_EQ(ps.nr, 3);
    CHECK_STR(ps.pool[2].name, "default");
    CHECK_EQ(ps.pool[2].cpus[0], 0x23);                 /* 0, 1, 5 */
    CHECK_EQ(ps.pool[2].sched, POOL_SHARED);
    CHECK(pool_spec_find(&ps, "batch") == &ps.pool[1]);
    CHECK(!pool_spec_find(&ps, "nope"));
}

static void test_pool_option_errors(void)
{
    pools("pool=rt:2-3");
    CHECK_EQ(ps.nr, 0);
    CHECK_LOG("E: pool=rt:2-3: expected <name>:<cpu list>:<dedicated|shared>");
    pools("pool=rt:2:shared:x");
    CHECK_EQ(ps.nr, 0);
    pools("pool=rt:1:shared pool=rt:2:shared");
    CHECK_EQ(ps.nr, 1);
    CHECK_LOG("pool=rt:2:shared: pool 'rt' already defined");
    pools("pool=a:1-4:shared pool=b:4-5:dedicated");
    CHECK_EQ(ps.nr, 1);
    CHECK_LOG("pool=b:4-5:dedicated: CPU 4 is already in pool 'a'");
    pools("pool=a::shared");
    CHECK_EQ(ps.nr, 0);
    CHECK_LOG("pool=a::shared: empty CPU list");
    pools("pool=a:1-:shared");
    CHECK_LOG("pool=a:1-:shared: bad CPU list '1-'");
    pools("pool=a:300:shared");
    CHECK_LOG("bad CPU list '300'");
    pools("pool=a:1:fifo");
    CHECK_EQ(ps.nr, 0);
    CHECK_LOG("pool=a:1:fifo: unknown scheduler");
    pools("pool=a:1:");
    CHECK_LOG("unknown scheduler");
    pools("pool=:1:shared pool=default:1:shared pool=a*b:1:shared pool");
    CHECK_EQ(ps.nr, 0);
    CHECK_LOG("pool=:1:shared: bad pool name");
    CHECK_LOG("pool=default:1:shared: bad pool name");
    CHECK_LOG("pool=a*b:1:shared: bad pool name");
    CHECK_LOG("pool=: expected");

    char line[600];
    int n = snprintf(line, sizeof(line), "pool=a:");
    for (; n < 560; n += 2)
        memcpy(line + n, "1,", 2);
    memcpy(line + n, "1:shared", 9);
    pools(line);
    CHECK_EQ(ps.nr, 0);
    CHECK_LOG("CPU list too long");

    memset(&ps, 0, sizeof(ps));
    for (unsigned int i = 0; i <= BOOTDOM_MAX_POOLS; i++) {
        char v[32];
        snprintf(v, sizeof(v), "p%u:%u:shared", i, i);
        CHECK_EQ(pool_spec_option(v, &ps), i < BOOTDOM_MAX_POOLS ? 0 : -ENOSPC);
    }
    CHECK_EQ(ps.nr, BOOTDOM_MAX_POOLS);
    CHECK_LOG("pool=p16:16:shared: more than 16 pools");
}

static void test_pool_finish(void)
{
    /* A pool with an offline CPU is dropped; its CPUs fall back to "default". */
    pools("pool=a:0-1:dedicated pool=b:2-9:shared pool=c:3,200:shared");
    CHECK_EQ(ps.nr, 2);                                 /* c overlaps b */
    set_online(4);
    CHECK_EQ(pool_specs_finish(&ps, online), -EINVAL);
    CHECK_LOG("pool: CPU 4 of pool 'b' is not online: pool dropped");
    CHECK_EQ(ps.nr, 2);
    CHECK_STR(ps.pool[0].name, "a");
    CHECK_STR(ps.pool[1].name, "default");
    CHECK_EQ(ps.pool[1].cpus[0], 0xc);
    /* Every CPU in a named pool: no default pool. */
    pools("pool=a:0-3:dedicated");
    CHECK_EQ(pool_specs_finish(&ps, online), 0);
    CHECK_EQ(ps.nr, 1);
    /* No pool= at all: one default pool of everything online, CPU holes too. */
    pools("");
    memset(online, 0, sizeof(online));
    online[0] = 0x5;
    online[3] = 1ULL << 63;
    CHECK_EQ(pool_specs_finish(&ps, online), 0);
    CHECK_EQ(ps.nr, 1);
    CHECK_EQ(count(ps.pool[0].cpus), 3);
    CHECK(has_cpu(ps.pool[0].cpus, 255));
    /* The full table still has room for the default pool. */
    memset(&ps, 0, sizeof(ps));
    for (unsigned int i = 0; i < BOOTDOM_MAX_POOLS; i++) {
        char v[32];
        snprintf(v, sizeof(v), "p%u:%u:shared", i, i);
        CHECK_EQ(pool_spec_option(v, &ps), 0);
    }
    set_online(32);
    CHECK_EQ(pool_specs_finish(&ps, online), 0);
    CHECK_EQ(ps.nr, BOOTDOM_MAX_POOLS + 1);
    CHECK_EQ(ps.pool[BOOTDOM_MAX_POOLS].cpus[0], 0xffff0000);
}

/* ---- domains in pools ---- */

static void test_placement(void)
{
    set_online(8);
    pools("pool=rt:2-3:dedicated pool=batch:4-7:shared");
    CHECK_EQ(pool_specs_finish(&ps, online), 0);

    CHECK_EQ(PARSE("dom=a mem=4K vcpus=8", "dom=b mem=4K vcpus=1 pool=rt cpus=3",
                   "dom=c mem=4K vcpus=1 pool=rt", "dom=d mem=4K vcpus=2 pool=batch cpus=5"), 0);
    CHECK_EQ(bootdom_check_placement(&ds, &ps), 0);

    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 pool=nope"), 0);
    CHECK_EQ(bootdom_check_placement(&ds, &ps), -EINVAL);
    CHECK_LOG("domain 'a': pool 'nope' does not exist");

    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 pool=batch cpus=3-4"), 0);
    CHECK_EQ(bootdom_check_placement(&ds, &ps), -EINVAL);
    CHECK_LOG("domain 'a': cpus= has CPU 3, not in pool 'batch'");

    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1 cpus=2"), 0);     /* default pool is 0-1 */
    CHECK_EQ(bootdom_check_placement(&ds, &ps), -EINVAL);
    CHECK_LOG("not in pool 'default'");

    CHECK_EQ(PARSE("dom=a mem=4K vcpus=2 pool=rt", "dom=b mem=4K vcpus=1 pool=rt"), 0);
    CHECK_EQ(bootdom_check_placement(&ds, &ps), -EINVAL);
    CHECK_LOG("domain 'b': dedicated pool 'rt' has 2 CPUs, its domains want 3 vCPUs");

    CHECK_EQ(PARSE("dom=a mem=4K vcpus=2 pool=rt cpus=2"), 0);
    CHECK_EQ(bootdom_check_placement(&ds, &ps), -EINVAL);
    CHECK_LOG("domain 'a': 2 vCPUs on 1 pinned CPUs of dedicated pool 'rt'");

    /* Shared pools may be overcommitted. */
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=64 pool=batch cpus=4"), 0);
    CHECK_EQ(bootdom_check_placement(&ds, &ps), 0);

    /* No CPU left for "default". */
    pools("pool=all:0-7:shared");
    CHECK_EQ(pool_specs_finish(&ps, online), 0);
    CHECK_EQ(PARSE("dom=a mem=4K vcpus=1"), 0);
    CHECK_EQ(bootdom_check_placement(&ds, &ps), -EINVAL);
    CHECK_LOG("domain 'a': no pool= and no CPU left for pool 'default'");
}

int main(void)
{
    RUN(test_grub_example);
    RUN(test_qemu_example);
    RUN(test_path_word);
    RUN(test_guest_cmdline);
    RUN(test_keys);
    RUN(test_sizes);
    RUN(test_vcpus);
    RUN(test_cpu_lists);
    RUN(test_names);
    RUN(test_initrd_placement);
    RUN(test_too_many_domains);
    RUN(test_dom0);
    RUN(test_dom0_errors);
    RUN(test_pool_option_example);
    RUN(test_pool_option_errors);
    RUN(test_pool_finish);
    RUN(test_placement);
    RUN(test_weight_and_cap);
    RUN(test_budget_limits);
    return test_summary();
}
