/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Linux bzImage kernels as boot domain kernels. A bzImage (Linux
 * Documentation/arch/x86/boot.rst) is real-mode setup code followed by a
 * compressed payload; from boot protocol 2.08 on, the header says where the
 * payload is (payload_offset / payload_length), and the payload decompresses
 * to the vmlinux ELF, which carries the PVH entry note. Like Xen's builder,
 * Tessera unpacks the payload and loads that ELF. XZ payloads are decoded
 * (tessera/xz.h); an uncompressed ELF payload is used as is; gzip, bzip2,
 * LZMA, LZO, LZ4 and zstd are named and refused with -EOPNOTSUPP.
 */
#ifndef TESSERA_BZIMAGE_H
#define TESSERA_BZIMAGE_H

#include <tessera/types.h>

#define BZIMAGE_UNPACKED_MAX    MiB(512)   /* refuse larger decompressed kernels */

enum bzimage_format {
    BZ_FMT_UNKNOWN, BZ_FMT_ELF, BZ_FMT_XZ, BZ_FMT_GZIP, BZ_FMT_BZIP2, BZ_FMT_LZMA,
    BZ_FMT_LZO, BZ_FMT_LZ4, BZ_FMT_ZSTD,
};

struct bzimage_info {
    uint16_t version;           /* boot protocol, e.g. 0x020f */
    const uint8_t *payload;     /* inside the image */
    size_t payload_len;
    enum bzimage_format format;
    /* Where the kernel runs and how much room it needs from there (its
     * ELF segments lie inside): protocol 2.10+, else both 0. */
    uint64_t pref_address;
    uint64_t init_size;
};

/* A decompressed kernel's buffer: 2^order pages at pa (order < 0: none). */
struct bzimage_buf {
    paddr_t pa;
    int order;
};

/* Returns 1 and fills *info if image[0, size) is a bzImage whose payload
 * lies inside it, 0 if it is not a bzImage (no "HdrS" signature, or an ELF),
 * or a negative errno (logged) for a bzImage that cannot be used: protocol
 * before 2.08, payload outside the image. */
int bzimage_parse(const void *image, size_t size, struct bzimage_info *info);

const char *bzimage_format_name(enum bzimage_format fmt);

/*
 * The builder's hook. If *kernel is a bzImage, decompresses its payload
 * into pages from the page allocator, points *kernel / *size at the ELF
 * inside and records the pages in *buf; otherwise leaves them alone. buf is
 * always initialised, so bzimage_release(buf) is right after any outcome.
 * name: the domain's, for the log. Returns 0 or a negative errno (logged).
 */
int bzimage_unpack(const char *name, const void **kernel, size_t *size, struct bzimage_buf *buf);
void bzimage_release(struct bzimage_buf *buf);

#endif
