/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Forward decoding of .xz streams (format 1.1.0): block headers (section
 * 3.1), the filter chain [x86 BCJ] + LZMA2, block padding and check, then
 * the index, compared with what the blocks really were, and the footer.
 */
#include <tessera/heap.h>
#include <tessera/xz.h>
#include "xz_index.h"

#define FILTER_X86      0x04
#define FILTER_LZMA2    0x21
#define LZMA2_DICT_PROP_MAX 40

#define BH_FILTERS_MASK 0x03
#define BH_RESERVED     0x3C
#define BH_HAS_CSIZE    0x40
#define BH_HAS_USIZE    0x80

struct block_header {
    size_t size;
    uint64_t csize, usize;      /* XZ_VLI_MAX + 1 when absent */
    bool x86;
    uint32_t x86_start;
    uint32_t dict_size;
};

#define SIZE_ABSENT     (XZ_VLI_MAX + 1)

static uint32_t lzma2_dict_size(uint8_t prop)
{
    if (prop == LZMA2_DICT_PROP_MAX)
        return 0xFFFFFFFFu;
    return (2u | (prop & 1)) << (prop / 2 + 11);
}

static int parse_filter(const uint8_t *h, size_t len, size_t *pos, bool last,
                        struct block_header *bh)
{
    uint64_t id, psize;
    int rc;

    if ((rc = xz_vli(h, len, pos, &id)) || (rc = xz_vli(h, len, pos, &psize)))
        return rc;
    if (psize > len - *pos)
        return -EINVAL;
    if (last) {
        if (id != FILTER_LZMA2)
            return id == FILTER_X86 ? -EINVAL : -EOPNOTSUPP;
        if (psize != 1 || h[*pos] > LZMA2_DICT_PROP_MAX)
            return -EINVAL;
        bh->dict_size = lzma2_dict_size(h[*pos]);
    } else {
        if (id != FILTER_X86 || bh->x86)
            return id == FILTER_LZMA2 ? -EINVAL : -EOPNOTSUPP;
        if (psize != 0 && psize != 4)
            return -EINVAL;
        bh->x86 = true;
        bh->x86_start = psize ? xz_le32(h + *pos) : 0;
    }
    *pos += (size_t)psize;
    return 0;
}

/* p[0] is the header size byte (not 0, which starts the index). */
static int parse_block_header(const uint8_t *p, size_t len, struct block_header *bh)
{
    size_t size = ((size_t)p[0] + 1) * 4, pos = 2;
    unsigned int nr_filters;
    int rc;

    *bh = (struct block_header){ .size = size, .csize = SIZE_ABSENT, .usize = SIZE_ABSENT };
    if (size > len)
        return -EINVAL;
    if (xz_crc32(p, size - 4, 0) != xz_le32(p + size - 4))
        return -EBADMSG;
    len = size - 4;
    if (p[1] & BH_RESERVED)
        return -EOPNOTSUPP;
    nr_filters = (p[1] & BH_FILTERS_MASK) + 1;
    if (p[1] & BH_HAS_CSIZE) {
        if ((rc = xz_vli(p, len, &pos, &bh->csize)))
            return rc;
        if (bh->csize == 0)
            return -EINVAL;
    }
    if ((p[1] & BH_HAS_USIZE) && (rc = xz_vli(p, len, &pos, &bh->usize)))
        return rc;
    for (unsigned int i = 0; i < nr_filters; i++) {
        rc = parse_filter(p, len, &pos, i == nr_filters - 1, bh);
        if (rc)
            return rc;
    }
    for (; pos < len; pos++)
        if (p[pos])
            return -EINVAL;     /* header padding must be zero */
    return 0;
}

static int verify_check(unsigned int check, const uint8_t *data, size_t len, const uint8_t *stored)
{
    switch (check) {
    case XZ_CHECK_NONE:
        return 0;
    case XZ_CHECK_CRC32:
        return xz_crc32(data, len, 0) == xz_le32(stored) ? 0 : -EBADMSG;
    case XZ_CHECK_CRC64:
        return xz_crc64(data, len, 0) == xz_le64(stored) ? 0 : -EBADMSG;
    default:
        return -EOPNOTSUPP;
    }
}

struct decoder {
    struct lzma2_dec lzma2;
    const uint8_t *in;
    size_t in_len, ip;
    uint8_t *out;
    size_t out_cap, op;
};

static int decode_block(struct decoder *d, unsigned int check, struct xz_records *seen)
{
    struct block_header bh;
    size_t avail = d->in_len - d->ip, start = d->op, used, end, csize, usize;
    unsigned int check_size = xz_check_size(check);
    int rc;

    rc = parse_block_header(d->in + d->ip, avail, &bh);
    if (rc)
        return rc;
    d->ip += bh.size;
    avail -= bh.size;
    if (bh.csize != SIZE_ABSENT && bh.csize > avail)
        return -EINVAL;
    if (bh.usize != SIZE_ABSENT && bh.usize > d->out_cap - d->op)
        return -ENOBUFS;
    rc = lzma2_decode(&d->lzma2, bh.dict_size, d->in + d->ip,
                      bh.csize != SIZE_ABSENT ? (size_t)bh.csize : avail, &used,
                      d->out, d->op,
                      bh.usize != SIZE_ABSENT ? d->op + (size_t)bh.usize : d->out_cap, &end);
    if (rc)
        return rc;
    csize = used;
    usize = end - start;
    if ((bh.csize != SIZE_ABSENT && bh.csize != csize) ||
        (bh.usize != SIZE_ABSENT && bh.usize != usize))
        return -EINVAL;
    d->ip += csize;
    d->op = end;
    /* Block padding to a multiple of four, then the check. */
    for (size_t n = csize; n & 3; n++, d->ip++)
        if (d->ip >= d->in_len || d->in[d->ip] != 0)
            return -EINVAL;
    if (d->in_len - d->ip < check_size)
        return -EINVAL;
    if (bh.x86)
        bcj_x86_decode(d->out + start, usize, bh.x86_start);
    rc = verify_check(check, d->out + start, usize, d->in + d->ip);
    if (rc)
        return rc;
    d->ip += check_size;
    xz_records_add(seen, bh.size + csize + check_size, usize);
    return 0;
}

static int decode_stream(struct decoder *d)
{
    struct xz_records seen = { 0 }, listed;
    unsigned int check;
    size_t index_size;
    int rc;

    rc = xz_stream_header(d->in + d->ip, d->in_len - d->ip, &check);
    if (rc)
        return rc;
    if (check != XZ_CHECK_NONE && check != XZ_CHECK_CRC32 && check != XZ_CHECK_CRC64)
        return -EOPNOTSUPP;
    d->ip += XZ_HEADER_SIZE;
    for (;;) {
        if (d->ip >= d->in_len)
            return -EINVAL;
        if (d->in[d->ip] == 0)
            break;              /* the index indicator */
        rc = decode_block(d, check, &seen);
        if (rc)
            return rc;
    }
    rc = xz_index_parse(d->in + d->ip, d->in_len - d->ip, &index_size, &listed);
    if (rc)
        return rc;
    if (!xz_records_equal(&seen, &listed))
        return -EINVAL;
    d->ip += index_size;
    rc = xz_footer_matches(d->in + d->ip, d->in_len - d->ip, check, index_size);
    if (rc)
        return rc;
    d->ip += XZ_FOOTER_SIZE;
    return 0;
}

int xz_decode_buf(const void *in, size_t in_len, void *out, size_t out_cap, size_t *out_len)
{
    struct decoder *d;
    uint64_t total;
    int rc;

    *out_len = 0;
    rc = xz_uncompressed_size(in, in_len, &total);
    if (rc)
        return rc;
    if (total > out_cap)
        return -ENOBUFS;
    d = xmalloc(sizeof(*d));
    if (!d)
        return -ENOMEM;
    memset(d, 0, sizeof(*d));       /* not a compound literal: ~30 KiB */
    d->in = in;
    d->in_len = in_len;
    d->out = out;
    d->out_cap = out_cap;
    while (d->ip < d->in_len) {
        size_t pad;

        rc = decode_stream(d);
        if (rc)
            break;
        /* Stream padding: zero bytes, whole words. */
        for (pad = d->ip; d->ip < d->in_len && d->in[d->ip] == 0; d->ip++)
            ;
        if ((d->ip - pad) & 3) {
            rc = -EINVAL;
            break;
        }
    }
    if (!rc && d->op != total)
        rc = -EINVAL;
    if (!rc)
        *out_len = d->op;
    xfree(d);
    return rc;
}
