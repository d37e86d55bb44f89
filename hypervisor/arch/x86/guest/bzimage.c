/* SPDX-License-Identifier: GPL-2.0-only */
/* bzImage kernels: find the payload, decompress it (see asm/bzimage.h). */
#include <asm/bzimage.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include <tessera/time.h>
#include <tessera/xz.h>

/* Linux Documentation/arch/x86/boot.rst, "The real-mode kernel header":
 * offsets from the start of the image. */
#define BZ_SETUP_SECTS      0x1f1   /* u8; 0 means 4 */
#define BZ_HEADER           0x202   /* "HdrS" */
#define BZ_VERSION          0x206   /* u16 */
#define BZ_PAYLOAD_OFFSET   0x248   /* u32, from the protected-mode code */
#define BZ_PAYLOAD_LENGTH   0x24c   /* u32 */
#define BZ_HEADER_END       0x250
#define BZ_PREF_ADDRESS     0x258   /* u64, protocol 2.10+ */
#define BZ_INIT_SIZE        0x260   /* u32, protocol 2.10+ */
#define BZ_VERSION_LOAD     0x020a  /* first with pref_address/init_size */
#define BZ_VERSION_MIN      0x0208  /* first with payload_offset/length */
#define BZ_SECTOR           512

#define BZ_ERR(...)     printk(LOG_ERR "bzimage: " __VA_ARGS__)

static uint32_t le32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

struct magic {
    enum bzimage_format fmt;
    const char *name;
    uint8_t len;
    uint8_t bytes[6];
};

/* The compressors Linux can build its payload with (scripts/Makefile.lib). */
static const struct magic magics[] = {
    { BZ_FMT_ELF,   "ELF",   4, { 0x7f, 'E', 'L', 'F' } },
    { BZ_FMT_XZ,    "xz",    6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
    { BZ_FMT_GZIP,  "gzip",  2, { 0x1f, 0x8b } },
    { BZ_FMT_BZIP2, "bzip2", 3, { 'B', 'Z', 'h' } },
    { BZ_FMT_LZMA,  "lzma",  3, { 0x5d, 0x00, 0x00 } },
    { BZ_FMT_LZO,   "lzo",   4, { 0x89, 'L', 'Z', 'O' } },
    { BZ_FMT_LZ4,   "lz4",   4, { 0x02, 0x21, 0x4c, 0x18 } },
    { BZ_FMT_ZSTD,  "zstd",  4, { 0x28, 0xb5, 0x2f, 0xfd } },
};

static enum bzimage_format identify(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < ARRAY_SIZE(magics); i++)
        if (len >= magics[i].len && !memcmp(p, magics[i].bytes, magics[i].len))
            return magics[i].fmt;
    return BZ_FMT_UNKNOWN;
}

const char *bzimage_format_name(enum bzimage_format fmt)
{
    for (size_t i = 0; i < ARRAY_SIZE(magics); i++)
        if (magics[i].fmt == fmt)
            return magics[i].name;
    return "unknown";
}

int bzimage_parse(const void *image, size_t size, struct bzimage_info *info)
{
    const uint8_t *p = image;
    uint64_t setup, offset, length;

    if (size < BZ_HEADER_END || memcmp(p + BZ_HEADER, "HdrS", 4) ||
        identify(p, size) == BZ_FMT_ELF)
        return 0;
    info->version = (uint16_t)(p[BZ_VERSION] | p[BZ_VERSION + 1] << 8);
    if (info->version < BZ_VERSION_MIN) {
        BZ_ERR("boot protocol %u.%02u, need 2.08 or later for the payload fields\n",
               info->version >> 8, info->version & 0xff);
        return -EOPNOTSUPP;
    }
    setup = (uint64_t)(p[BZ_SETUP_SECTS] ? p[BZ_SETUP_SECTS] : 4) + 1;
    offset = setup * BZ_SECTOR + le32_at(p + BZ_PAYLOAD_OFFSET);
    length = le32_at(p + BZ_PAYLOAD_LENGTH);
    if (offset > size || length > size - offset || length == 0) {
        BZ_ERR("payload [%#llx, +%#llx) outside the %zu-byte image\n",
               (unsigned long long)offset, (unsigned long long)length, size);
        return -EINVAL;
    }
    if (info->version >= BZ_VERSION_LOAD && size >= BZ_INIT_SIZE + 4) {
        info->pref_address = (uint64_t)le32_at(p + BZ_PREF_ADDRESS) |
                             (uint64_t)le32_at(p + BZ_PREF_ADDRESS + 4) << 32;
        info->init_size = le32_at(p + BZ_INIT_SIZE);
    } else {
        info->pref_address = info->init_size = 0;
    }
    info->payload = p + offset;
    info->payload_len = (size_t)length;
    info->format = identify(info->payload, info->payload_len);
    return 1;
}

/*
 * The decompressed size of an XZ payload. Linux appends the size as a
 * little-endian u32 after the stream (scripts/Makefile.lib size_append);
 * the .xz index is what counts, and the appended word is dropped when it
 * agrees with it.
 */
static int xz_payload(const struct bzimage_info *info, size_t *in_len, uint64_t *out_len)
{
    size_t len = info->payload_len;

    if (len > 4 && !xz_uncompressed_size(info->payload, len - 4, out_len) &&
        *out_len == le32_at(info->payload + len - 4)) {
        *in_len = len - 4;
        return 0;
    }
    *in_len = len;
    return xz_uncompressed_size(info->payload, len, out_len);
}

static int order_for(uint64_t bytes)
{
    int order = 0;

    while ((PAGE_SIZE << order) < bytes)
        order++;
    return order;
}

int bzimage_unpack(const char *name, const void **kernel, size_t *size, struct bzimage_buf *buf)
{
    struct bzimage_info info;
    uint64_t t0 = time_now_ns(), want;
    size_t in_len, got;
    int rc;

    buf->order = -1;
    buf->pa = 0;
    rc = bzimage_parse(*kernel, *size, &info);
    if (rc <= 0)
        return rc;
    if (info.format == BZ_FMT_ELF) {
        *kernel = info.payload;
        *size = info.payload_len;
        printk("dom %s: bzImage %u.%02u, uncompressed ELF payload\n", name,
               info.version >> 8, info.version & 0xff);
        return 0;
    }
    if (info.format != BZ_FMT_XZ) {
        BZ_ERR("dom %s: %s-compressed payload is not supported (xz is; "
               "build the kernel with CONFIG_KERNEL_XZ)\n", name, bzimage_format_name(info.format));
        return -EOPNOTSUPP;
    }
    rc = xz_payload(&info, &in_len, &want);
    if (rc) {
        BZ_ERR("dom %s: bad xz payload (%d)\n", name, rc);
        return rc;
    }
    if (want == 0 || want > BZIMAGE_UNPACKED_MAX) {
        BZ_ERR("dom %s: xz payload claims %llu bytes decompressed (limit %llu)\n", name,
               (unsigned long long)want, (unsigned long long)BZIMAGE_UNPACKED_MAX);
        return -E2BIG;
    }
    buf->order = order_for(want);
    buf->pa = alloc_pages((unsigned int)buf->order, 0);
    if (!buf->pa) {
        BZ_ERR("dom %s: no %llu KiB block to decompress the kernel into\n", name,
               (unsigned long long)((PAGE_SIZE << buf->order) >> 10));
        buf->order = -1;
        return -ENOMEM;
    }
    rc = xz_decode_buf(info.payload, in_len, phys_to_virt(buf->pa), (size_t)want, &got);
    if (rc) {
        BZ_ERR("dom %s: xz payload does not decode (%d)\n", name, rc);
        bzimage_release(buf);
        return rc;
    }
    *kernel = phys_to_virt(buf->pa);
    *size = got;
    printk("dom %s: bzImage %u.%02u, xz payload %zu KiB -> %zu KiB in %llu ms\n", name,
           info.version >> 8, info.version & 0xff, in_len >> 10, got >> 10,
           (unsigned long long)((time_now_ns() - t0) / 1000000));
    return 0;
}

void bzimage_release(struct bzimage_buf *buf)
{
    if (buf->order >= 0)
        free_pages(buf->pa, (unsigned int)buf->order);
    buf->order = -1;
    buf->pa = 0;
}
