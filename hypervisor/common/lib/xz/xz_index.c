/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The .xz container's fixed parts (format 1.1.0): stream header and footer
 * (section 2.1), variable-length integers (1.2) and the index (4), plus the
 * backward walk over the streams that yields the uncompressed size without
 * decoding anything.
 */
#include <tessera/xz.h>
#include "xz_index.h"

static const uint8_t header_magic[6] = { 0xFD, '7', 'z', 'X', 'Z', 0x00 };
static const uint8_t footer_magic[2] = { 'Y', 'Z' };

bool xz_is_xz(const void *in, size_t in_len)
{
    return in_len >= sizeof(header_magic) && !memcmp(in, header_magic, sizeof(header_magic));
}

int xz_vli(const uint8_t *p, size_t len, size_t *pos, uint64_t *value)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < XZ_VLI_BYTES_MAX; i++) {
        uint8_t b;

        if (*pos >= len)
            return -EINVAL;
        b = p[(*pos)++];
        v |= (uint64_t)(b & 0x7F) << (7 * i);
        if (!(b & 0x80)) {
            if (b == 0 && i > 0)
                return -EINVAL;     /* not the shortest encoding */
            *value = v;
            return 0;
        }
    }
    return -EINVAL;
}

unsigned int xz_check_size(unsigned int check)
{
    static const uint8_t sizes[16] = { 0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64 };

    return sizes[check & 15];
}

/* Stream flags: a zero byte, then the check id in the low nibble. */
static int parse_flags(const uint8_t *f, unsigned int *check)
{
    if (f[0] != 0 || (f[1] & 0xF0))
        return -EOPNOTSUPP;
    *check = f[1];
    return 0;
}

int xz_stream_header(const uint8_t *p, size_t len, unsigned int *check)
{
    if (len < XZ_HEADER_SIZE || memcmp(p, header_magic, sizeof(header_magic)))
        return -EINVAL;
    if (xz_crc32(p + 6, 2, 0) != xz_le32(p + 8))
        return -EBADMSG;
    return parse_flags(p + 6, check);
}

/* The footer at p[0, 12): CRC32, backward size, flags, "YZ". */
static int stream_footer(const uint8_t *p, unsigned int *check, uint64_t *index_size)
{
    if (memcmp(p + 10, footer_magic, sizeof(footer_magic)))
        return -EINVAL;
    if (xz_crc32(p + 4, 6, 0) != xz_le32(p))
        return -EBADMSG;
    *index_size = ((uint64_t)xz_le32(p + 4) + 1) * 4;
    return parse_flags(p + 8, check);
}

int xz_footer_matches(const uint8_t *p, size_t len, unsigned int check, uint64_t index_size)
{
    unsigned int fcheck;
    uint64_t fsize;
    int rc;

    if (len < XZ_FOOTER_SIZE)
        return -EINVAL;
    rc = stream_footer(p, &fcheck, &fsize);
    if (rc)
        return rc;
    return fcheck == check && fsize == index_size ? 0 : -EINVAL;
}

void xz_records_add(struct xz_records *r, uint64_t unpadded, uint64_t uncompressed)
{
    uint8_t rec[16];

    for (int i = 0; i < 8; i++) {
        rec[i] = (uint8_t)(unpadded >> (8 * i));
        rec[8 + i] = (uint8_t)(uncompressed >> (8 * i));
    }
    r->count++;
    r->blocks_size += ALIGN_UP(unpadded, 4);
    r->uncompressed += uncompressed;
    r->hash = xz_crc32(rec, sizeof(rec), r->hash);
}

bool xz_records_equal(const struct xz_records *a, const struct xz_records *b)
{
    return a->count == b->count && a->blocks_size == b->blocks_size &&
           a->uncompressed == b->uncompressed && a->hash == b->hash;
}

int xz_index_parse(const uint8_t *p, size_t len, size_t *index_size, struct xz_records *r)
{
    size_t pos = 1;
    uint64_t count;
    int rc;

    *r = (struct xz_records){ 0 };
    if (len < 1 || p[0] != 0)
        return -EINVAL;
    rc = xz_vli(p, len, &pos, &count);
    if (rc)
        return rc;
    /* Each record takes at least two bytes: bound the loop by the input. */
    if (count > len / 2)
        return -EINVAL;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t unpadded, uncompressed;

        if ((rc = xz_vli(p, len, &pos, &unpadded)) || (rc = xz_vli(p, len, &pos, &uncompressed)))
            return rc;
        if (unpadded < XZ_UNPADDED_MIN || unpadded > XZ_VLI_MAX - 3)
            return -EINVAL;
        /* Sums beyond the VLI range cannot describe a real file. */
        if (XZ_VLI_MAX - r->blocks_size < ALIGN_UP(unpadded, 4) ||
            XZ_VLI_MAX - r->uncompressed < uncompressed)
            return -E2BIG;
        xz_records_add(r, unpadded, uncompressed);
    }
    while (pos & 3) {
        if (pos >= len || p[pos] != 0)
            return -EINVAL;
        pos++;
    }
    if (len - pos < 4)
        return -EINVAL;
    if (xz_crc32(p, pos, 0) != xz_le32(p + pos))
        return -EBADMSG;
    *index_size = pos + 4;
    return 0;
}

int xz_uncompressed_size(const void *in, size_t in_len, uint64_t *size)
{
    const uint8_t *p = in;
    size_t end = in_len;
    uint64_t total = 0;
    unsigned int streams = 0;

    if (in_len & 3)
        return -EINVAL;     /* streams and padding are multiples of 4 bytes */
    while (end > 0) {
        struct xz_records r;
        unsigned int check, hcheck;
        uint64_t index_size, stream_size;
        size_t used, start;
        int rc;

        /* Stream padding: zero words after (not before) a stream. */
        while (end >= 4 && xz_le32(p + end - 4) == 0)
            end -= 4;
        if (end < XZ_HEADER_SIZE + XZ_FOOTER_SIZE)
            return -EINVAL;
        rc = stream_footer(p + end - XZ_FOOTER_SIZE, &check, &index_size);
        if (rc)
            return rc;
        if (index_size > end - XZ_HEADER_SIZE - XZ_FOOTER_SIZE)
            return -EINVAL;
        start = end - XZ_FOOTER_SIZE - (size_t)index_size;
        rc = xz_index_parse(p + start, (size_t)index_size, &used, &r);
        if (rc)
            return rc;
        if (used != index_size)
            return -EINVAL;
        if (r.blocks_size > start - XZ_HEADER_SIZE)
            return -EINVAL;
        stream_size = XZ_HEADER_SIZE + r.blocks_size + index_size + XZ_FOOTER_SIZE;
        start = end - (size_t)stream_size;
        rc = xz_stream_header(p + start, XZ_HEADER_SIZE, &hcheck);
        if (rc)
            return rc;
        if (hcheck != check)
            return -EINVAL;
        if (UINT64_MAX - total < r.uncompressed)
            return -E2BIG;
        total += r.uncompressed;
        streams++;
        end = start;
    }
    if (!streams)
        return -EINVAL;
    *size = total;
    return 0;
}
