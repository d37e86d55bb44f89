/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: the .xz decoder (hypervisor/common/lib/xz/). Round trips
 * against the xz command-line tool over presets, checks, filters, block
 * layouts and data kinds; then hostile input: hand-made streams that lie
 * (sizes, index, chunk controls, headers), every truncation and every
 * single-bit flip of a small file, and random garbage behind a valid magic.
 * Output buffers are malloc'd at exactly the capacity passed, so ASan
 * catches any write past it.
 */
#include <tessera/xz.h>
#include "../../hypervisor/common/lib/xz/xz_private.h"
#include "test.h"
#include "xz_cli.h"
#include "xz_craft.h"

/* ---- data ---- */

static uint8_t *gen_text(size_t len, uint64_t seed)
{
    static const char *words[] = { "hypervisor ", "domain ", "page ", "the ", "of ",
                                   "vcpu ", "interrupt ", "\n", "0x1000 ", "Tessera " };
    uint8_t *p = malloc(len + 1);
    size_t i = 0;

    test_srand(seed);
    while (i < len) {
        const char *w = words[test_rand() % ARRAY_SIZE(words)];
        for (; *w && i < len; w++)
            p[i++] = (uint8_t)*w;
    }
    return p;
}

static uint8_t *gen_random(size_t len, uint64_t seed)
{
    uint8_t *p = malloc(len + 1);

    test_srand(seed);
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)test_rand();
    return p;
}

/* Real x86-64 code: this test binary, repeated to length. */
static uint8_t *gen_x86(size_t len)
{
    size_t n = 0;
    uint8_t *self = read_file("/proc/self/exe", &n), *p = malloc(len + 1);

    if (!self || !n)
        abort();
    for (size_t i = 0; i < len; i++)
        p[i] = self[i % n];
    free(self);
    return p;
}

/* Dense CALL/JMP opcodes next to 0x00/0xFF bytes: every path of the BCJ
 * filter's history logic. */
static uint8_t *gen_e8(size_t len, uint64_t seed)
{
    static const uint8_t pick[] = { 0xE8, 0xE9, 0x00, 0xFF, 0x00, 0xFF, 0x12, 0xE8 };
    uint8_t *p = malloc(len + 1);

    test_srand(seed);
    for (size_t i = 0; i < len; i++)
        p[i] = (test_rand() & 3) ? pick[test_rand() % ARRAY_SIZE(pick)] : (uint8_t)test_rand();
    return p;
}

/* ---- helpers ---- */

/* Decodes z into a buffer of exactly cap bytes; returns rc, *out the buffer. */
static int decode(const uint8_t *z, size_t zlen, size_t cap, uint8_t **out, size_t *got)
{
    *out = malloc(cap ? cap : 1);
    return xz_decode_buf(z, zlen, *out, cap, got);
}

static uint8_t *compress(const void *data, size_t len, const char *args, size_t *zlen)
{
    uint8_t *z = xz_cli(data, len, args, zlen);

    if (!z)
        test_fail(__FILE__, __LINE__, "xz %s failed (is xz-utils installed?)", args);
    return z;
}

static void roundtrip(const uint8_t *data, size_t len, const char *args)
{
    size_t zlen, got = 0;
    uint8_t *z = compress(data, len, args, &zlen), *out;
    uint64_t size = ~0ull;
    int rc;

    if (!z)
        return;
    rc = xz_uncompressed_size(z, zlen, &size);
    if (rc || size != len)
        test_fail(__FILE__, __LINE__, "xz %s, %zu bytes: size rc %d, %llu", args, len, rc,
                  (unsigned long long)size);
    rc = decode(z, zlen, len, &out, &got);
    if (rc || got != len || (len && memcmp(out, data, len)))
        test_fail(__FILE__, __LINE__, "xz %s, %zu bytes: rc %d, got %zu, %s", args, len, rc,
                  got, rc ? "" : "content differs");
    free(out);
    free(z);
}

static int decode_rc(const uint8_t *z, size_t zlen, size_t cap)
{
    uint8_t *out;
    size_t got;
    int rc = decode(z, zlen, cap, &out, &got);

    free(out);
    return rc;
}

/* ---- round trips against xz ---- */

static void test_presets_x86(void)
{
    uint8_t *code = gen_x86(150000);
    char args[128];

    for (int preset = 0; preset <= 9; preset++) {
        snprintf(args, sizeof(args), "--format=xz --x86 --lzma2=preset=%d --check=crc32", preset);
        roundtrip(code, 150000, args);
    }
    roundtrip(code, 150000, "--format=xz --x86 --lzma2=preset=9e --check=crc32");
    roundtrip(code, 150000, "-6e --check=crc64");
    free(code);
}

static void test_bcj_dense_calls(void)
{
    for (uint64_t seed = 1; seed <= 6; seed++) {
        size_t len = 1000 + (size_t)seed * 7777;
        uint8_t *d = gen_e8(len, seed);
        roundtrip(d, len, "--format=xz --x86 --lzma2=preset=1");
        roundtrip(d, len - 1, "--format=xz --x86 --lzma2=preset=6 --check=none");
        free(d);
    }
    /* The filter's start offset property. */
    uint8_t *code = gen_x86(100000);
    roundtrip(code, 100000, "--format=xz --x86=start=4096 --lzma2=preset=2");
    roundtrip(code, 100000, "--format=xz --x86=start=123457 --lzma2=preset=2");
    free(code);
}

static void test_checks(void)
{
    uint8_t *t = gen_text(200000, 2);

    roundtrip(t, 200000, "--check=none");
    roundtrip(t, 200000, "--check=crc32");
    roundtrip(t, 200000, "--check=crc64");
    free(t);
}

static void test_lzma_properties(void)
{
    uint8_t *t = gen_text(60000, 3), *code = gen_x86(60000);
    static const char *props[] = {
        "lc=0,lp=0,pb=0", "lc=4,lp=0,pb=4", "lc=0,lp=4,pb=2", "lc=1,lp=3,pb=1",
        "dict=4KiB", "dict=4KiB,mode=fast,nice=273", "preset=6,nice=2", "mode=fast,mf=hc3",
        "mf=bt2,depth=1", "dict=1536KiB,pb=0",
    };
    char args[160];

    for (size_t i = 0; i < ARRAY_SIZE(props); i++) {
        snprintf(args, sizeof(args), "--format=xz --lzma2=%s", props[i]);
        roundtrip(t, 60000, args);
        snprintf(args, sizeof(args), "--format=xz --x86 --lzma2=%s", props[i]);
        roundtrip(code, 60000, args);
    }
    free(t);
    free(code);
}

static void test_multiple_blocks(void)
{
    uint8_t *t = gen_text(400000, 4);

    roundtrip(t, 400000, "--block-size=10000 --check=crc64");
    roundtrip(t, 400000, "--block-size=65536 --x86 --lzma2=preset=0");
    roundtrip(t, 400000, "-T2 --block-size=100000");
    roundtrip(t, 400000, "--block-list=1,2,3,5000,0 --check=crc32");
    free(t);
}

static void test_tiny_and_empty(void)
{
    static const size_t lens[] = { 0, 1, 2, 3, 4, 5, 7, 8, 13 };
    uint8_t *t = gen_text(64, 5);

    for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
        roundtrip(t, lens[i], i & 1 ? "--check=crc32" : "--check=none -T2 --block-size=1");
        roundtrip(t, lens[i], "--format=xz --x86 --lzma2=preset=0 --check=crc64");
    }
    free(t);
}

/* Random data makes LZMA2 store uncompressed chunks; mixing it with text
 * alternates chunk kinds (and state resets) within one block. */
static void test_incompressible(void)
{
    size_t len = 600000;
    uint8_t *r = gen_random(len, 6), *t = gen_text(len, 7);

    roundtrip(r, len, "-6");
    roundtrip(r, len, "--x86 --lzma2=preset=0");
    for (size_t off = 0; off + 50000 <= len; off += 100000)
        memcpy(t + off, r + off, 50000);
    roundtrip(t, len, "-3 --check=crc64");
    roundtrip(t, len, "--lzma2=dict=64KiB --block-size=250000");
    free(r);
    free(t);
}

static void test_large_runs(void)
{
    size_t len = 3 << 20;
    uint8_t *z = calloc(1, len);

    roundtrip(z, len, "-9");        /* long matches, chunks of 2 MiB */
    memset(z, 0xE8, len);
    roundtrip(z, len, "--x86 --lzma2=preset=1");
    free(z);
}

static void test_concatenated_and_padding(void)
{
    uint8_t *a = gen_text(30000, 8), *b = gen_x86(20000);
    size_t za_len, zb_len, got;
    uint8_t *za = compress(a, 30000, "--check=crc32", &za_len);
    uint8_t *zb = compress(b, 20000, "--x86 --lzma2=preset=1 --check=crc64", &zb_len);
    uint8_t *cat = calloc(1, za_len + zb_len + 64), *out;
    uint64_t size;

    if (!za || !zb)
        return;
    /* a, 8 bytes padding, b, 4 bytes padding */
    memcpy(cat, za, za_len);
    memcpy(cat + za_len + 8, zb, zb_len);
    size_t n = za_len + 8 + zb_len + 4;
    CHECK_EQ(xz_uncompressed_size(cat, n, &size), 0);
    CHECK_EQ(size, 50000);
    CHECK_EQ(decode(cat, n, 50000, &out, &got), 0);
    CHECK_EQ(got, 50000);
    CHECK(!memcmp(out, a, 30000) && !memcmp(out + 30000, b, 20000));
    free(out);
    /* Padding that is not whole words, or before the first stream. */
    CHECK_EQ(decode_rc(cat, za_len + 3, 50000), -EINVAL);
    memmove(cat + 4, cat, n);
    memset(cat, 0, 4);
    CHECK(decode_rc(cat, n + 4, 50000) < 0);
    CHECK_EQ(xz_uncompressed_size(cat, 4, &size), -EINVAL);    /* padding alone */
    free(cat);
    free(za);
    free(zb);
    free(a);
    free(b);
}

static void test_unsupported(void)
{
    uint8_t *t = gen_text(5000, 9);
    size_t zlen;
    uint8_t *z;

    z = compress(t, 5000, "--check=sha256", &zlen);
    CHECK_EQ(decode_rc(z, zlen, 5000), -EOPNOTSUPP);
    free(z);
    z = compress(t, 5000, "--format=xz --delta=dist=4 --lzma2=preset=1", &zlen);
    CHECK_EQ(decode_rc(z, zlen, 5000), -EOPNOTSUPP);
    free(z);
    z = compress(t, 5000, "--format=xz --arm --lzma2=preset=1", &zlen);
    CHECK_EQ(decode_rc(z, zlen, 5000), -EOPNOTSUPP);
    free(z);
    z = compress(t, 5000, "--format=lzma", &zlen);      /* .lzma, not .xz */
    CHECK_EQ(decode_rc(z, zlen, 5000), -EINVAL);
    CHECK(!xz_is_xz(z, zlen));
    free(z);
    free(t);
}

static void test_output_too_small(void)
{
    uint8_t *t = gen_text(70000, 10);
    size_t zlen;
    uint8_t *z = compress(t, 70000, "--check=crc32", &zlen);

    CHECK_EQ(decode_rc(z, zlen, 69999), -ENOBUFS);
    CHECK_EQ(decode_rc(z, zlen, 0), -ENOBUFS);
    CHECK_EQ(decode_rc(z, zlen, 70000), 0);
    free(z);
    free(t);
}

/* ---- hostile input ---- */

static void test_every_truncation(void)
{
    uint8_t *t = gen_x86(20000);
    size_t zlen;
    uint8_t *z = compress(t, 20000, "--x86 --lzma2=preset=6 --check=crc64", &zlen);
    uint64_t size;

    for (size_t n = 0; n < zlen; n++) {
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, z, n);
        int rc = decode_rc(cut, n, 20000);
        if (rc == 0 || xz_uncompressed_size(cut, n, &size) == 0)
            test_fail(__FILE__, __LINE__, "truncated to %zu of %zu bytes: accepted", n, zlen);
        free(cut);
    }
    free(z);
    free(t);
}

/* Every single-bit flip: an error, or (only where no check covers the
 * byte) some output; never a crash. With CRC64, a flip that decodes must
 * give the original output. */
#define TEXT_LEN    3000
static void flip_all(const char *args, bool checked)
{
    uint8_t *t = gen_text(TEXT_LEN, 11), *out = malloc(TEXT_LEN);
    size_t zlen, got;
    uint8_t *z = compress(t, TEXT_LEN, args, &zlen);
    unsigned int accepted = 0;

    for (size_t i = 0; i < zlen * 8; i++) {
        z[i / 8] ^= (uint8_t)(1u << (i % 8));
        int rc = xz_decode_buf(z, zlen, out, TEXT_LEN, &got);
        if (rc == 0) {
            accepted++;
            if (checked && (got != TEXT_LEN || memcmp(out, t, TEXT_LEN)))
                test_fail(__FILE__, __LINE__, "%s: bit %zu flipped: wrong output accepted",
                          args, i);
        }
        z[i / 8] ^= (uint8_t)(1u << (i % 8));
    }
    if (checked && accepted)
        test_fail(__FILE__, __LINE__, "%s: %u flips accepted", args, accepted);
    free(z);
    free(t);
    free(out);
}

static void test_every_bit_flip(void)
{
    flip_all("--check=crc64", true);
    flip_all("--check=crc32 --x86 --lzma2=preset=0", true);
    flip_all("--check=none --lzma2=preset=3,lc=0,lp=4", false);
}

static void test_random_garbage(void)
{
    static const uint8_t magic[6] = { 0xFD, '7', 'z', 'X', 'Z', 0 };
    uint8_t buf[4096], out[4096];
    size_t got;
    uint64_t size;

    test_srand(12);
    for (int i = 0; i < 20000; i++) {
        size_t n = (size_t)(test_rand() % sizeof(buf)) & ~(size_t)3;
        for (size_t k = 0; k < n; k++)
            buf[k] = (uint8_t)test_rand();
        if (n >= 12)
            memcpy(buf, magic, 6);
        CHECK(xz_decode_buf(buf, n, out, sizeof(out), &got) < 0);
        CHECK(xz_uncompressed_size(buf, n, &size) < 0);
    }
}

/* LZMA2 data: one uncompressed chunk with dictionary reset, then the end. */
static const uint8_t stored10[] = { 0x01, 0x00, 0x09, '0', '1', '2', '3', '4', '5', '6', '7',
                                    '8', '9', 0x00 };

static void test_crafted_honest(void)
{
    uint8_t s[256], *out;
    size_t n, got;
    struct craft c = { .lzma2 = stored10, .lzma2_len = sizeof(stored10) };

    n = craft_stream(s, &c, 10);
    CHECK_EQ(decode(s, n, 10, &out, &got), 0);
    CHECK(got == 10 && !memcmp(out, "0123456789", 10));
    free(out);
    /* With both sizes in the block header, right. */
    c.bh_flags = 0xC0;
    c.bh_csize = sizeof(stored10);
    c.bh_usize = 10;
    n = craft_stream(s, &c, 10);
    CHECK_EQ(decode_rc(s, n, 10), 0);
}

static void test_crafted_lying_sizes(void)
{
    uint8_t s[256], three[768];
    size_t n;
    uint64_t size;
    struct craft c = { .lzma2 = stored10, .lzma2_len = sizeof(stored10) };

    /* An index claiming 2^62 bytes: refused before decoding. */
    c.idx_usize = 1ull << 62;
    n = craft_stream(s, &c, 10);
    CHECK_EQ(xz_uncompressed_size(s, n, &size), 0);
    CHECK_EQ(size, 1ull << 62);
    CHECK_EQ(decode_rc(s, n, 4096), -ENOBUFS);
    /* Three streams of 2^63 - 1 each: the sum overflows. */
    c.idx_usize = (1ull << 63) - 1;
    n = craft_stream(s, &c, 10);
    for (int i = 0; i < 3; i++)
        memcpy(three + i * n, s, n);
    CHECK_EQ(xz_uncompressed_size(three, 3 * n, &size), -E2BIG);
    /* A VLI beyond 63 bits. */
    c.idx_usize = 1ull << 63;
    n = craft_stream(s, &c, 10);
    CHECK_EQ(xz_uncompressed_size(s, n, &size), -EINVAL);
    /* Index says 5, data is 10: no room with cap 5, a mismatch with more. */
    c.idx_usize = 5;
    n = craft_stream(s, &c, 10);
    CHECK_EQ(decode_rc(s, n, 5), -ENOBUFS);
    c.idx_usize = 12;
    n = craft_stream(s, &c, 10);
    CHECK_EQ(decode_rc(s, n, 12), -EINVAL);
    /* Index lies about the block's size. */
    c.idx_usize = 0;
    c.idx_unpadded = 1000;
    n = craft_stream(s, &c, 10);
    CHECK(decode_rc(s, n, 64) < 0);
    c.idx_unpadded = 0;
    /* The block header's sizes lie. */
    c.bh_flags = 0x80;
    c.bh_usize = 8;
    n = craft_stream(s, &c, 10);
    CHECK(decode_rc(s, n, 64) < 0);
    c.bh_flags = 0x40;
    c.bh_csize = sizeof(stored10) - 1;
    n = craft_stream(s, &c, 10);
    CHECK(decode_rc(s, n, 64) < 0);
    c.bh_csize = 100000;
    n = craft_stream(s, &c, 10);
    CHECK_EQ(decode_rc(s, n, 64), -EINVAL);
    c.bh_csize = 0;
    n = craft_stream(s, &c, 10);
    CHECK_EQ(decode_rc(s, n, 64), -EINVAL);
}

static void test_crafted_bad_chunks(void)
{
    static const struct { uint8_t data[16]; size_t len; int rc; } cases[] = {
        { { 0x02, 0x00, 0x00, 'x', 0x00 }, 5, -EBADMSG },          /* no dictionary reset */
        { { 0x03, 0x00, 0x00, 'x', 0x00 }, 5, -EBADMSG },          /* invalid control */
        { { 0x7F, 0x00 }, 2, -EBADMSG },
        { { 0x01, 0x00, 0x00, 'x', 0x80, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0 }, 15, -EBADMSG },
                                                                   /* LZMA chunk without props */
        { { 0xE0, 0, 0, 0, 5, 0xE1, 0, 0, 0, 0, 0, 0 }, 12, -EBADMSG },   /* props >= 225 */
        { { 0xE0, 0, 0, 0, 5, 0x1D, 0, 0, 0, 0, 0, 0 }, 12, -EBADMSG },   /* lc 2 + lp 3 */
        { { 0xE0, 0, 0, 0, 5, 0x5D, 1, 0, 0, 0, 0, 0 }, 12, -EBADMSG },   /* rc first byte */
        { { 0x01, 0x00, 0x05, 'x' }, 4, -EBADMSG },                /* chunk past the input */
        { { 0x01, 0x00, 0x00, 'x' }, 4, -EBADMSG },                /* no end marker */
        { { 0xE0, 0xFF, 0xFF, 0x00, 0x05, 0x5D, 0, 0, 0, 0, 0, 0 }, 12, -ENOBUFS },
                                                                   /* 64 KiB chunk into 64 */
    };
    uint8_t s[256];
    struct craft c = { 0 };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        c.lzma2 = cases[i].data;
        c.lzma2_len = cases[i].len;
        c.bh_flags = 0x40;      /* the block ends where the test data does */
        c.bh_csize = cases[i].len;
        size_t n = craft_stream(s, &c, 1);
        int rc = decode_rc(s, n, 64);
        if (rc != cases[i].rc)
            test_fail(__FILE__, __LINE__, "chunk case %zu: rc %d, want %d", i, rc, cases[i].rc);
    }
}

static void test_crafted_bad_headers(void)
{
    static const uint8_t x86_last[] = { 0x04, 0x00 };
    static const uint8_t two_lzma2[] = { 0x21, 0x01, 0x16, 0x21, 0x01, 0x16 };
    static const uint8_t big_dict[] = { 0x21, 0x01, 41 };
    static const uint8_t x86_bad_props[] = { 0x04, 0x02, 0, 0, 0x21, 0x01, 0x16 };
    uint8_t s[256];
    size_t n;
    struct craft c = { .lzma2 = stored10, .lzma2_len = sizeof(stored10) };

    c.filters = x86_last;
    c.filters_len = sizeof(x86_last);
    n = craft_stream(s, &c, 10);
    CHECK_EQ(decode_rc(s, n, 64), -EINVAL);
    c.bh_flags = 1;
    c.filters = two_lzma2;
    c.filters_len = sizeof(two_lzma2);
    n = craft_stream(s, &c, 10);
    CHECK_EQ(decode_rc(s, n, 64), -EINVAL);
    c.filters = x86_bad_props;
    c.filters_len = sizeof(x86_bad_props);
    n = craft_stream(s, &c, 10);
    CHECK_EQ(decode_rc(s, n, 64), -EINVAL);
    c.bh_flags = 0;
    c.filters = big_dict;
    c.filters_len = sizeof(big_dict);
    n = craft_stream(s, &c, 10);
    CHECK_EQ(decode_rc(s, n, 64), -EINVAL);
    c.filters = NULL;
    c.bh_flags = 0x04;          /* reserved flag */
    n = craft_stream(s, &c, 10);
    CHECK_EQ(decode_rc(s, n, 64), -EOPNOTSUPP);
    c.bh_flags = 0;
    c.idx_nonminimal = true;
    n = craft_stream(s, &c, 10);
    CHECK_EQ(decode_rc(s, n, 64), -EINVAL);
    c.idx_nonminimal = false;
    /* Broken CRCs: stream header, block header, index, footer. */
    static const size_t at[] = { 8, 12 + 7, 0, 0 };
    n = craft_stream(s, &c, 10);
    size_t spots[] = { at[0], at[1], n - 12 - 1, n - 12 };
    for (size_t i = 0; i < ARRAY_SIZE(spots); i++) {
        n = craft_stream(s, &c, 10);
        s[spots[i]] ^= 0x40;
        int rc = decode_rc(s, n, 64);
        if (rc != -EBADMSG)
            test_fail(__FILE__, __LINE__, "crc %zu: rc %d", i, rc);
    }
    /* Footer's backward size and flags disagreeing with the header. */
    n = craft_stream(s, &c, 10);
    s[n - 3] = 0x01;            /* the footer's check id: CRC32 */
    put_le32(s + n - 12, xz_crc32(s + n - 8, 6, 0));
    CHECK_EQ(decode_rc(s, n, 64), -EINVAL);
}

static void test_check_mismatch(void)
{
    uint8_t *t = gen_text(30000, 13);
    size_t zlen;
    uint8_t *z = compress(t, 30000, "--check=crc64", &zlen);

    /* The block's CRC64 ends where the index starts; the footer's backward
     * size gives the index size. Flip a bit of the stored CRC64 itself. */
    size_t index_size = ((size_t)xz_le32(z + zlen - 8) + 1) * 4;
    z[zlen - 12 - index_size - 1] ^= 1;
    CHECK_EQ(decode_rc(z, zlen, 30000), -EBADMSG);
    free(z);
    free(t);
}

int main(void)
{
    RUN(test_presets_x86);
    RUN(test_bcj_dense_calls);
    RUN(test_checks);
    RUN(test_lzma_properties);
    RUN(test_multiple_blocks);
    RUN(test_tiny_and_empty);
    RUN(test_incompressible);
    RUN(test_large_runs);
    RUN(test_concatenated_and_padding);
    RUN(test_unsupported);
    RUN(test_output_too_small);
    RUN(test_every_truncation);
    RUN(test_every_bit_flip);
    RUN(test_random_garbage);
    RUN(test_crafted_honest);
    RUN(test_crafted_lying_sizes);
    RUN(test_crafted_bad_chunks);
    RUN(test_crafted_bad_headers);
    RUN(test_check_mismatch);
    return test_summary();
}
