/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/common/cmdline.c */
#include <tessera/cmdline.h>
#include <tessera/lib.h>
#include "test.h"

static bool o_bool, o_flag = true;
static uint64_t o_uint, o_size;
static uint32_t o_u32;
static uint8_t o_u8;
static char o_str[16];
static char o_pools[8][32];
static unsigned int nr_pools, nr_level_calls;
static int o_level;

enum color { RED, GREEN, BLUE };
static enum color o_color;
static bool o_serial;
static uint8_t o_small;
static const struct boot_enum color_enum = BOOT_ENUM(o_color,
    { "red", RED }, { "green", GREEN }, { "blue", BLUE }, { "navy", BLUE });
static const struct boot_enum serial_enum = BOOT_ENUM(o_serial, { "com1", true }, { "none", false });
static const struct boot_enum small_enum = BOOT_ENUM(o_small, { "ok", 255 }, { "big", 256 });
static const struct boot_enum sizeless_enum = {     /* broken: no size */
    .var = &o_color, .names = (const struct boot_enum_name[]){ { "red", RED }, { NULL, 0 } },
};

static int parse_pool(const char *val, void *var)
{
    if (!*val || nr_pools >= ARRAY_SIZE(o_pools))
        return -EINVAL;
    snprintf(o_pools[nr_pools++], sizeof(o_pools[0]), "%s", val);
    return 0;
}

static int parse_level(const char *val, void *var)
{
    nr_level_calls++;
    if (!strcmp(val, "low")) { *(int *)var = 1; return 0; }
    if (!strcmp(val, "high")) { *(int *)var = 2; return 0; }
    return -EINVAL;
}

static const struct boot_option opts[] = {
    { .name = "b", .kind = OPT_BOOL, .var = &o_bool },
    { .name = "flag", .kind = OPT_BOOL, .var = &o_flag },
    { .name = "maxcpus", .kind = OPT_UINT, .var = &o_uint },
    { .name = "mem", .kind = OPT_SIZE, .var = &o_size },
    { .name = "u32", .kind = OPT_UINT, .var = &o_u32, .var_size = 4 },
    { .name = "u8", .kind = OPT_UINT, .var = &o_u8, .var_size = 1 },
    { .name = "s", .kind = OPT_STRING, .var = o_str, .var_size = sizeof(o_str) },
    { .name = "pool", .kind = OPT_CUSTOM, .parse = parse_pool, .flags = BOOT_OPT_REPEAT },
    { .name = "level", .kind = OPT_CUSTOM, .parse = parse_level, .var = &o_level },
    { .name = "color", .kind = OPT_ENUM, .choices = &color_enum },
    { .name = "console", .kind = OPT_ENUM, .choices = &serial_enum },
    { .name = "small", .kind = OPT_ENUM, .choices = &small_enum },
    { .name = "sizeless", .kind = OPT_ENUM, .choices = &sizeless_enum },
    { .name = "nochoices", .kind = OPT_ENUM },
};

static void reset(void)
{
    o_bool = false;
    o_flag = true;
    o_uint = 77;
    o_size = 0;
    o_u32 = 0;
    o_u8 = 0;
    strcpy(o_str, "default");
    memset(o_pools, 0, sizeof(o_pools));
    nr_pools = nr_level_calls = 0;
    o_level = 0;
    o_color = RED;
    o_serial = true;
    o_small = 7;
    host_log_clear();
}

static void parse(const char *s)
{
    cmdline_parse(s, opts, ARRAY_SIZE(opts));
}

static void test_every_kind(void)
{
    reset();
    parse("b no-flag maxcpus=4 mem=512M u32=0xdeadbeef u8=255 s=hello pool=rt:2-3 level=high "
          "color=green");
    CHECK(o_bool);
    CHECK(!o_flag);
    CHECK_EQ(o_uint, 4);
    CHECK_EQ(o_size, MiB(512));
    CHECK_EQ(o_u32, 0xdeadbeef);
    CHECK_EQ(o_u8, 255);
    CHECK_STR(o_str, "hello");
    CHECK_EQ(nr_pools, 1);
    CHECK_STR(o_pools[0], "rt:2-3");
    CHECK_EQ(o_level, 2);
    CHECK_EQ(o_color, GREEN);
    CHECK_EQ(host_log()[0], 0);                     /* nothing to complain about */

    reset();
    parse("b=0 flag=yes maxcpus=0x10 mem=4G s=");
    CHECK(!o_bool);
    CHECK(o_flag);
    CHECK_EQ(o_uint, 16);
    CHECK_EQ(o_size, GiB(4));
    CHECK_STR(o_str, "");
    const char *yes[] = { "1", "yes", "true", "on", "enable" };
    const char *no[] = { "0", "no", "false", "off", "disable" };
    for (unsigned int i = 0; i < 5; i++) {
        char buf[32];
        snprintf(buf, sizeof(buf), "b=%s", yes[i]);
        o_bool = false; parse(buf); CHECK(o_bool);
        snprintf(buf, sizeof(buf), "b=%s", no[i]);
        o_bool = true; parse(buf); CHECK(!o_bool);
    }
}

static void test_quoting(void)
{
    reset();
    parse("s=\"a b  c\" maxcpus=2");
    CHECK_STR(o_str, "a b  c");
    CHECK_EQ(o_uint, 2);
    reset();
    parse("pool=\"x y\"z pool=\"\"q\" \"");
    CHECK_EQ(nr_pools, 2);
    CHECK_STR(o_pools[0], "x yz");
    CHECK_STR(o_pools[1], "q ");
    reset();
    parse("s=\"unterminated maxcpus=3");
    CHECK_LOG("unterminated quote");
    CHECK_STR(o_str, "default");                    /* too long for s[16]: bad value */
    CHECK_EQ(o_uint, 77);                           /* swallowed by the quote */
    reset();
    parse("  \t b \n  maxcpus=9\t");
    CHECK(o_bool);
    CHECK_EQ(o_uint, 9);
}

static void test_unknown_options(void)
{
    reset();
    parse("foo maxcpus=3 bar=1 no-maxcpus no-nothing =5");
    CHECK_LOG("W: cmdline: unknown option 'foo' ignored");
    CHECK_LOG("cmdline: unknown option 'bar' ignored");
    CHECK_LOG("cmdline: unknown option 'no-maxcpus' ignored");   /* no- is for bools */
    CHECK_LOG("cmdline: unknown option 'no-nothing' ignored");
    CHECK_LOG("cmdline: unknown option '' ignored");
    CHECK_EQ(o_uint, 3);
    reset();
    char longname[200];
    memset(longname, 'x', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = 0;
    parse(longname);
    CHECK_LOG("unknown option 'xxxxxxxx");
    CHECK_LOG("...' ignored");
}

static void test_malformed_values(void)
{
    reset();
    parse("maxcpus=x");
    CHECK_LOG("W: cmdline: bad value 'x' for 'maxcpus', using default");
    CHECK_EQ(o_uint, 77);
    const char *bad[] = {
        "maxcpus=", "maxcpus", "maxcpus=-1", "maxcpus=+1", "maxcpus=12abc", "maxcpus=0x",
        "maxcpus=18446744073709551616", "maxcpus=0x10000000000000000", "maxcpus=1 2",
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        host_log_clear();
        o_uint = 77;
        parse(bad[i]);
        if (!strcmp(bad[i], "maxcpus=1 2")) {
            CHECK_EQ(o_uint, 1);                   /* "2" is an unknown option */
            CHECK_LOG("unknown option '2'");
            continue;
        }
        CHECK_EQ(o_uint, 77);
        CHECK_LOG("bad value");
    }
    reset();
    parse("mem=5X mem=16Q");
    CHECK_EQ(o_size, 0);
    reset();
    parse("u8=256 u32=0x100000000 b=maybe level=medium s=much-too-long-string");
    CHECK(!o_bool);
    parse("no-b=1");                                /* no- takes no value */
    CHECK_LOG("bad value '1' for 'b'");
    CHECK_EQ(o_u8, 0);
    CHECK_EQ(o_u32, 0);
    CHECK(!o_bool);
    CHECK_EQ(o_level, 0);
    CHECK_STR(o_str, "default");
    CHECK_LOG("bad value '256' for 'u8'");
    CHECK_LOG("bad value 'maybe' for 'b'");
    CHECK_LOG("bad value 'medium' for 'level'");
    CHECK_LOG("bad value 'much-too-long-string' for 's'");
    reset();
    parse("s=fifteen-chars-x");                    /* 15 + NUL fits in 16 */
    CHECK_STR(o_str, "fifteen-chars-x");
    parse("s=sixteen-chars-xx");                   /* 16 + NUL does not */
    CHECK_STR(o_str, "fifteen-chars-x");
    CHECK_LOG("bad value 'sixteen-chars-xx' for 's'");
}

static void test_enum(void)
{
    reset();
    parse("color=blue console=none small=ok");
    CHECK_EQ(o_color, BLUE);
    CHECK(!o_serial);
    CHECK_EQ(o_small, 255);
    CHECK_EQ(host_log()[0], 0);
    parse("color=navy console=com1");               /* two names, one value */
    CHECK_EQ(o_color, BLUE);
    CHECK(o_serial);

    /* bad values keep the variable and name what is accepted */
    reset();
    parse("color=Green");                           /* names are case-sensitive */
    CHECK_LOG("W: cmdline: bad value 'Green' for 'color' (red|green|blue|navy), using default");
    parse("color");
    CHECK_LOG("bad value '' for 'color' (red|green|blue|navy)");
    parse("color=");
    parse("console=com2");
    parse("console=\"com1 \"");
    CHECK_LOG("bad value 'com2' for 'console' (com1|none)");
    CHECK_LOG("bad value 'com1 ' for 'console' (com1|none)");
    parse("no-color");
    CHECK_LOG("unknown option 'no-color'");         /* no- is for bools */
    parse("small=big");                             /* 256 does not fit 8 bits */
    CHECK_LOG("bad value 'big' for 'small' (ok|big)");
    CHECK_EQ(o_color, RED);
    CHECK(o_serial);
    CHECK_EQ(o_small, 7);

    /* broken table entries are bad values, never a write out of bounds */
    reset();
    parse("sizeless=red nochoices=x");
    CHECK_EQ(o_color, RED);
    CHECK_LOG("bad value 'red' for 'sizeless'");
    CHECK_LOG("W: cmdline: bad value 'x' for 'nochoices', using default");

    /* the last occurrence wins, as for every option */
    reset();
    parse("color=blue color=green");
    CHECK_EQ(o_color, GREEN);
    parse("color=blue color=bogus");
    CHECK_EQ(o_color, GREEN);
    CHECK_LOG("bad value 'bogus'");
}

static void test_repeats(void)
{
    reset();
    parse("maxcpus=1 maxcpus=2 level=low level=high b no-b mem=1M mem=2M");
    CHECK_EQ(o_uint, 2);
    CHECK_EQ(o_level, 2);
    CHECK_EQ(nr_level_calls, 1);                   /* only the last is parsed */
    CHECK(!o_bool);
    CHECK_EQ(o_size, MiB(2));
    reset();
    parse("no-b b");
    CHECK(o_bool);
    reset();
    parse("maxcpus=5 maxcpus=bad");                /* the last wins even when bad */
    CHECK_EQ(o_uint, 77);
    CHECK_LOG("bad value 'bad'");
    reset();
    parse("pool=a pool=b maxcpus=1 pool=c pool=");
    CHECK_EQ(nr_pools, 3);
    CHECK_STR(o_pools[0], "a");
    CHECK_STR(o_pools[1], "b");
    CHECK_STR(o_pools[2], "c");
    CHECK_LOG("bad value '' for 'pool'");
}

static void test_image_name(void)
{
    CHECK_STR(cmdline_skip_image_name("/boot/tessera.elf console=com1"), "console=com1");
    CHECK_STR(cmdline_skip_image_name("  build/tessera.elf   a=1 b"), "a=1 b");
    CHECK_STR(cmdline_skip_image_name("console=com1 loglvl=all"), "console=com1 loglvl=all");
    CHECK_STR(cmdline_skip_image_name("/boot/tessera.elf"), "");
    CHECK_STR(cmdline_skip_image_name(""), "");
    CHECK_STR(cmdline_skip_image_name("   "), "");
    CHECK_STR(cmdline_skip_image_name(NULL), "");
    reset();
    parse(cmdline_skip_image_name("/boot/tessera.elf maxcpus=3"));
    CHECK_EQ(o_uint, 3);
    CHECK_EQ(host_log()[0], 0);
}

static void test_overflow_and_truncation(void)
{
    static char big[4096];

    reset();
    /* 1024 bytes of options, then "maxcpus=12345" cut in the middle */
    size_t n = 0;
    while (n < CMDLINE_MAX - 8) {
        memcpy(big + n, "b ", 2);
        n += 2;
    }
    strcpy(big + n, "maxcpus=12345 mem=1G");
    parse(big);
    CHECK_LOG("cmdline: longer than 1024 bytes");
    CHECK(o_bool);
    CHECK_EQ(o_uint, 77);                           /* the cut word is dropped */
    CHECK_EQ(o_size, 0);

    /* a huge single value never overflows anything */
    reset();
    memset(big, 'a', sizeof(big) - 1);
    memcpy(big, "s=", 2);
    big[sizeof(big) - 1] = 0;
    parse(big);
    CHECK_STR(o_str, "default");
    reset();
    memcpy(big, "pool=", 5);
    big[CMDLINE_MAX] = 0;                           /* exactly the limit */
    parse(big);
    CHECK_EQ(nr_pools, 1);
    CHECK_EQ(strlen(o_pools[0]), 31);               /* the parser's own snprintf */
    reset();
    parse("");
    parse(NULL);
    CHECK_EQ(host_log()[0], 0);
}

static void test_parse_helpers(void)
{
    uint64_t v = 5;

    CHECK_EQ(parse_uint("0", &v), 0); CHECK_EQ(v, 0);
    CHECK_EQ(parse_uint("18446744073709551615", &v), 0); CHECK_EQ(v, UINT64_MAX);
    CHECK_EQ(parse_uint("0xFFFFffffFFFFffff", &v), 0); CHECK_EQ(v, UINT64_MAX);
    CHECK_EQ(parse_uint("18446744073709551616", &v), -ERANGE);
    CHECK_EQ(parse_uint("", &v), -EINVAL);
    CHECK_EQ(parse_uint("0x", &v), -EINVAL);
    CHECK_EQ(parse_uint(" 1", &v), -EINVAL);
    CHECK_EQ(parse_uint("1 ", &v), -EINVAL);
    CHECK_EQ(parse_uint("0x1g", &v), -EINVAL);
    CHECK_EQ(parse_uint(NULL, &v), -EINVAL);
    CHECK_EQ(v, UINT64_MAX);                        /* untouched by failures */

    CHECK_EQ(parse_size("4096", &v), 0); CHECK_EQ(v, 4096);   /* bare = bytes */
    CHECK_EQ(parse_size("4k", &v), 0); CHECK_EQ(v, 4096);
    CHECK_EQ(parse_size("16M", &v), 0); CHECK_EQ(v, MiB(16));
    CHECK_EQ(parse_size("2g", &v), 0); CHECK_EQ(v, GiB(2));
    CHECK_EQ(parse_size("1T", &v), 0); CHECK_EQ(v, GiB(1024));
    CHECK_EQ(parse_size("4GB", &v), 0); CHECK_EQ(v, GiB(4));
    CHECK_EQ(parse_size("100b", &v), 0); CHECK_EQ(v, 100);
    CHECK_EQ(parse_size("0x10M", &v), 0); CHECK_EQ(v, MiB(16));
    CHECK_EQ(parse_size("16777216T", &v), -ERANGE);
    CHECK_EQ(parse_size("16777215T", &v), 0);
    CHECK_EQ(parse_size("1MM", &v), -EINVAL);
    CHECK_EQ(parse_size("1.5G", &v), -EINVAL);
    CHECK_EQ(parse_size("G", &v), -EINVAL);
    CHECK_EQ(parse_size("1GiB", &v), -EINVAL);

    CHECK_EQ(parse_bool("on"), 1);
    CHECK_EQ(parse_bool("off"), 0);
    CHECK_EQ(parse_bool("On"), -EINVAL);
}

static void test_cpu_list(void)
{
    uint64_t bm[4] = { 0xffff, 0xffff, 0xffff, 0xffff };

    CHECK_EQ(parse_cpu_list("1,3-5", bm, 256), 0);
    CHECK_EQ(bm[0], 0x3a);
    CHECK_EQ(bm[1] | bm[2] | bm[3], 0);
    CHECK_EQ(parse_cpu_list("0-255", bm, 256), 0);
    CHECK_EQ(bm[0] & bm[1] & bm[2] & bm[3], UINT64_MAX);
    CHECK_EQ(parse_cpu_list("63-64,200", bm, 256), 0);
    CHECK_EQ(bm[0], 1ULL << 63);
    CHECK_EQ(bm[1], 1);
    CHECK_EQ(bm[3], 1ULL << 8);
    CHECK_EQ(parse_cpu_list("7", bm, 8), 0);
    CHECK_EQ(bm[0], 0x80);
    /* errors leave the bitmap alone */
    const char *bad[] = { "", ",", "1,", ",1", "5-3", "1-", "-1", "1--2", "a", "1 2", "0x", "3-x" };
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        bm[0] = 0x1234;
        if (parse_cpu_list(bad[i], bm, 64) != -EINVAL)
            test_fail(__FILE__, __LINE__, "'%s' accepted", bad[i]);
        CHECK_EQ(bm[0], 0x1234);
    }
    CHECK_EQ(parse_cpu_list("8", bm, 8), -ERANGE);
    CHECK_EQ(parse_cpu_list("0-300", bm, 256), -ERANGE);
    CHECK_EQ(parse_cpu_list("99999999999999999999", bm, 256), -ERANGE);
    CHECK_EQ(parse_cpu_list("1", bm, 0), -EINVAL);
    CHECK_EQ(bm[0], 0x1234);
}

int main(void)
{
    RUN(test_every_kind);
    RUN(test_quoting);
    RUN(test_unknown_options);
    RUN(test_malformed_values);
    RUN(test_enum);
    RUN(test_repeats);
    RUN(test_image_name);
    RUN(test_overflow_and_truncation);
    RUN(test_parse_helpers);
    RUN(test_cpu_list);
    return test_summary();
}
