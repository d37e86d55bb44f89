/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: hypervisor/arch/x86/guest/bzimage.c over the real page
 * allocator (a 256 MiB fake physical memory), the xz decoder and the ELF
 * checks. bzImages are built in memory around an xz-compressed PVH ELF the
 * way Linux builds them (x86 BCJ + LZMA2, CRC32, size appended).
 *
 * With arguments, `test_bzimage VMLINUZ [OUT]` also unpacks a real kernel
 * (case test_real_vmlinuz) and writes the ELF it found to OUT.
 */
#include <elf.h>
#include <time.h>
#include <asm/bzimage.h>
#include <tessera/elf_image.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include "test.h"
#include "xz_cli.h"
#include "xz_craft.h"

#define ARENA       MiB(256)
#define ENTRY_PA    0x1000040u

uint64_t time_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- a PVH ELF: one PT_LOAD of code-like bytes, one PT_NOTE ---- */

struct pvh_elf {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[2];
    Elf64_Nhdr nh;
    char name[4];
    uint32_t entry;
    uint8_t text[60000];
};

static struct pvh_elf elf;

static void make_elf(void)
{
    memset(&elf, 0, sizeof(elf));
    memcpy(elf.eh.e_ident, ELFMAG, SELFMAG);
    elf.eh.e_ident[EI_CLASS] = ELFCLASS64;
    elf.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    elf.eh.e_ident[EI_VERSION] = EV_CURRENT;
    elf.eh.e_type = ET_EXEC;
    elf.eh.e_machine = EM_X86_64;
    elf.eh.e_version = EV_CURRENT;
    elf.eh.e_phoff = offsetof(struct pvh_elf, ph);
    elf.eh.e_ehsize = sizeof(Elf64_Ehdr);
    elf.eh.e_phentsize = sizeof(Elf64_Phdr);
    elf.eh.e_phnum = 2;
    elf.ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = offsetof(struct pvh_elf, text),
                              .p_paddr = 0x1000000, .p_filesz = sizeof(elf.text),
                              .p_memsz = sizeof(elf.text) + 0x10000 };
    elf.ph[1] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = offsetof(struct pvh_elf, nh),
                              .p_filesz = sizeof(Elf64_Nhdr) + 8 };
    elf.nh = (Elf64_Nhdr){ 4, 4, 18 };      /* "Xen", XEN_ELFNOTE_PHYS32_ENTRY */
    memcpy(elf.name, "Xen", 4);
    elf.entry = ENTRY_PA;
    test_srand(21);
    for (size_t i = 0; i < sizeof(elf.text); i++)     /* calls with near targets */
        elf.text[i] = (test_rand() & 7) == 0 ? 0xE8 : (test_rand() & 1) ? 0x00 : (uint8_t)i;
}

/* ---- bzImage: setup sectors, then the payload at payload_offset ---- */

static uint8_t *bz;
static size_t bz_len;

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void make_bzimage(const void *payload, size_t len, uint8_t setup_sects, uint16_t version)
{
    size_t start = ((size_t)(setup_sects ? setup_sects : 4) + 1) * 512, off = 0x1c0;

    free(bz);
    bz_len = start + off + len + 100;
    bz = calloc(1, bz_len);
    bz[0x1f1] = setup_sects;
    put16(bz + 0x1fe, 0xAA55);
    memcpy(bz + 0x202, "HdrS", 4);
    put16(bz + 0x206, version);
    put_le32(bz + 0x248, (uint32_t)off);
    put_le32(bz + 0x24c, (uint32_t)len);
    memcpy(bz + start + off, payload, len);
}

/* The payload as Linux makes it: xz --check=crc32 --x86 --lzma2, then the
 * uncompressed size as a little-endian u32. */
static uint8_t *linux_xz(const void *data, size_t len, size_t *out_len)
{
    size_t zlen;
    uint8_t *z = xz_cli(data, len, "--format=xz --check=crc32 --x86 --lzma2=preset=9,dict=32MiB",
                        &zlen);

    if (!z)
        abort();
    z = realloc(z, zlen + 4);
    put_le32(z + zlen, (uint32_t)len);
    *out_len = zlen + 4;
    return z;
}

static int unpack(const void **k, size_t *sz, struct bzimage_buf *buf)
{
    *k = bz;
    *sz = bz_len;
    return bzimage_unpack("t", k, sz, buf);
}

/* ---- cases ---- */

static void test_xz_payload_unpacks_to_the_elf(void)
{
    size_t plen, sz;
    uint8_t *p = linux_xz(&elf, sizeof(elf), &plen);
    unsigned long free0 = page_alloc_free_pages();
    struct bzimage_buf buf;
    struct elf_image img;
    const void *k;

    make_bzimage(p, plen, 27, 0x020f);
    CHECK_EQ(unpack(&k, &sz, &buf), 0);
    CHECK_EQ(sz, sizeof(elf));
    CHECK(!memcmp(k, &elf, sizeof(elf)));
    CHECK(buf.order >= 0 && k == phys_to_virt(buf.pa));
    CHECK_EQ(page_alloc_free_pages(), free0 - (1ul << buf.order));
    CHECK_EQ(elf_image_parse(&img, k, sz, GiB(1)), 0);
    CHECK_EQ(img.phys32_entry, ENTRY_PA);
    CHECK_LOG("bzImage 2.15, xz payload");
    bzimage_release(&buf);
    CHECK_EQ(buf.order, -1);
    CHECK_EQ(page_alloc_free_pages(), free0);
    bzimage_release(&buf);          /* twice is harmless */
    CHECK_EQ(page_alloc_free_pages(), free0);
    free(p);
}

/* setup_sects 0 means 4; and a payload without the appended size. */
static void test_setup_sects_zero_and_no_size_word(void)
{
    size_t plen, sz;
    uint8_t *p = linux_xz(&elf, sizeof(elf), &plen);
    struct bzimage_buf buf;
    const void *k;

    make_bzimage(p, plen - 4, 0, 0x0208);
    CHECK_EQ(unpack(&k, &sz, &buf), 0);
    CHECK(sz == sizeof(elf) && !memcmp(k, &elf, sizeof(elf)));
    bzimage_release(&buf);
    free(p);
}

static void test_not_a_bzimage_is_left_alone(void)
{
    struct bzimage_buf buf;
    const void *k = &elf;
    size_t sz = sizeof(elf);
    uint8_t junk[4096] = { 0 };

    CHECK_EQ(bzimage_unpack("t", &k, &sz, &buf), 0);
    CHECK(k == &elf && sz == sizeof(elf) && buf.order == -1);
    k = junk;
    sz = sizeof(junk);
    CHECK_EQ(bzimage_unpack("t", &k, &sz, &buf), 0);
    CHECK(k == junk && buf.order == -1);
    sz = 0x249;                     /* too short for the header */
    memcpy(junk + 0x202, "HdrS", 4);
    CHECK_EQ(bzimage_unpack("t", &k, &sz, &buf), 0);
    bzimage_release(&buf);
}

static void test_uncompressed_elf_payload(void)
{
    size_t sz;
    struct bzimage_buf buf;
    const void *k;
    unsigned long free0 = page_alloc_free_pages();

    make_bzimage(&elf, sizeof(elf), 4, 0x020c);
    CHECK_EQ(unpack(&k, &sz, &buf), 0);
    CHECK(k == bz + 5 * 512 + 0x1c0 && sz == sizeof(elf));
    CHECK_EQ(buf.order, -1);
    CHECK_EQ(page_alloc_free_pages(), free0);
    CHECK_LOG("uncompressed ELF payload");
}

static void test_other_compressors_named_and_refused(void)
{
    static const struct { const char *name; uint8_t magic[6]; } fmts[] = {
        { "gzip", { 0x1f, 0x8b, 8 } }, { "bzip2", "BZh9" }, { "lzma", { 0x5d, 0, 0, 0x80 } },
        { "lzo", { 0x89, 'L', 'Z', 'O' } }, { "lz4", { 0x02, 0x21, 0x4c, 0x18 } },
        { "zstd", { 0x28, 0xb5, 0x2f, 0xfd } }, { "unknown", "junk" },
    };
    struct bzimage_buf buf;
    const void *k;
    size_t sz;
    uint8_t payload[64] = { 0 };
    char want[64];

    for (size_t i = 0; i < ARRAY_SIZE(fmts); i++) {
        memcpy(payload, fmts[i].magic, sizeof(fmts[i].magic));
        make_bzimage(payload, sizeof(payload), 4, 0x020f);
        host_log_clear();
        CHECK_EQ(unpack(&k, &sz, &buf), -EOPNOTSUPP);
        snprintf(want, sizeof(want), "%s-compressed payload is not supported", fmts[i].name);
        CHECK_LOG(want);
        CHECK_EQ(buf.order, -1);
    }
}

static void test_bad_headers(void)
{
    uint8_t payload[64] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
    struct bzimage_buf buf;
    const void *k;
    size_t sz;

    make_bzimage(payload, sizeof(payload), 4, 0x0207);
    CHECK_EQ(unpack(&k, &sz, &buf), -EOPNOTSUPP);
    CHECK_LOG("boot protocol 2.07");
    /* Payload offset / length beyond the image, wrapping, empty. */
    static const uint32_t bad[][2] = { { 0x1c0, 1000 }, { 0xFFFFFFFF, 64 }, { 0x1c0, 0xFFFFFFFF },
                                       { 0xFFFFFF00, 0x200 }, { 0x1c0, 0 } };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        make_bzimage(payload, sizeof(payload), 4, 0x020f);
        put_le32(bz + 0x248, bad[i][0]);
        put_le32(bz + 0x24c, bad[i][1]);
        CHECK_EQ(unpack(&k, &sz, &buf), -EINVAL);
        CHECK_EQ(buf.order, -1);
    }
    /* setup_sects 255: the payload would start past the image. */
    make_bzimage(payload, sizeof(payload), 4, 0x020f);
    bz[0x1f1] = 255;
    CHECK_EQ(unpack(&k, &sz, &buf), -EINVAL);
}

/* A corrupt payload fails the build and gives every page back. */
static void test_corrupt_payload_frees_its_pages(void)
{
    size_t plen, sz;
    uint8_t *p = linux_xz(&elf, sizeof(elf), &plen);
    unsigned long free0 = page_alloc_free_pages();
    struct bzimage_buf buf;
    const void *k;

    p[plen / 2] ^= 0x10;
    make_bzimage(p, plen, 4, 0x020f);
    CHECK(unpack(&k, &sz, &buf) < 0);
    CHECK_EQ(buf.order, -1);
    CHECK_EQ(page_alloc_free_pages(), free0);
    CHECK_LOG("xz payload does not decode");
    /* Truncated: the index cannot be found. */
    make_bzimage(p, plen / 2, 4, 0x020f);
    CHECK_EQ(unpack(&k, &sz, &buf), -EINVAL);
    CHECK_LOG("bad xz payload");
    free(p);
}

/* Claims: more than BZIMAGE_UNPACKED_MAX, and more than memory has. */
static void test_size_claims(void)
{
    static const uint8_t stored4[] = { 0x01, 0x00, 0x03, 'a', 'b', 'c', 'd', 0x00 };
    struct craft c = { .lzma2 = stored4, .lzma2_len = sizeof(stored4) };
    uint8_t s[256];
    size_t n, sz;
    struct bzimage_buf buf;
    const void *k;
    unsigned long free0 = page_alloc_free_pages();

    c.idx_usize = GiB(4);
    n = craft_stream(s, &c, 4);
    make_bzimage(s, n, 4, 0x020f);
    CHECK_EQ(unpack(&k, &sz, &buf), -E2BIG);
    c.idx_usize = MiB(300);         /* a 512 MiB block in a 256 MiB machine */
    n = craft_stream(s, &c, 4);
    make_bzimage(s, n, 4, 0x020f);
    CHECK_EQ(unpack(&k, &sz, &buf), -ENOMEM);
    CHECK_LOG("no 524288 KiB block");
    c.idx_usize = 3;                /* smaller than the data */
    n = craft_stream(s, &c, 4);
    make_bzimage(s, n, 4, 0x020f);
    CHECK(unpack(&k, &sz, &buf) < 0);
    CHECK_EQ(page_alloc_free_pages(), free0);
}

static const char *real_path, *real_out;

static void test_real_vmlinuz(void)
{
    size_t sz;
    struct bzimage_buf buf;
    struct elf_image img;
    const void *k;
    double t0, t1;

    free(bz);
    bz = read_file(real_path, &bz_len);
    if (!bz) {
        test_fail(__FILE__, __LINE__, "cannot read %s", real_path);
        return;
    }
    t0 = (double)time_now_ns();
    CHECK_EQ(unpack(&k, &sz, &buf), 0);
    t1 = (double)time_now_ns();
    if (buf.order < 0)
        return;
    CHECK_EQ(elf_image_parse(&img, k, sz, GiB(1)), 0);
    CHECK(img.phys32_entry != 0);
    CHECK_STR(img.guest_os, "linux");
    printf("    %s: %zu -> %zu bytes in %.0f ms (sanitized build), PVH entry %#x\n", real_path,
           bz_len, sz, (t1 - t0) / 1e6, img.phys32_entry);
    if (real_out && write_file(real_out, k, sz))
        test_fail(__FILE__, __LINE__, "cannot write %s", real_out);
    bzimage_release(&buf);
}

int main(int argc, char **argv)
{
    static struct page_info *ft;
    unsigned long nr = ARENA >> PAGE_SHIFT;

    host_phys_add(0, ARENA);
    ft = calloc(nr, sizeof(*ft));
    page_alloc_init(ft, nr);
    page_alloc_add_free(MiB(1), ARENA);
    make_elf();

    RUN(test_xz_payload_unpacks_to_the_elf);
    RUN(test_setup_sects_zero_and_no_size_word);
    RUN(test_not_a_bzimage_is_left_alone);
    RUN(test_uncompressed_elf_payload);
    RUN(test_other_compressors_named_and_refused);
    RUN(test_bad_headers);
    RUN(test_corrupt_payload_frees_its_pages);
    RUN(test_size_claims);
    if (argc > 1) {
        real_path = argv[1];
        real_out = argc > 2 ? argv[2] : NULL;
        RUN(test_real_vmlinuz);
    }
    free(bz);
    free(ft);
    host_phys_reset();
    return test_summary();
}
