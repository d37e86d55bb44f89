/* SPDX-License-Identifier: GPL-2.0-only */
#include <string.h>
#include <tessera/types.h>
#include "../../../hypervisor/common/lib/xz/xz_private.h"
#include "xz_craft.h"

size_t put_vli(uint8_t *p, uint64_t v)
{
    size_t n = 0;

    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

size_t craft_stream(uint8_t *o, const struct craft *c, size_t usize)
{
    static const uint8_t lzma2_filter[] = { 0x21, 0x01, 0x16 };
    const uint8_t *filters = c->filters ? c->filters : lzma2_filter;
    size_t filters_len = c->filters ? c->filters_len : sizeof(lzma2_filter);
    size_t n = 0, bh, bh_size, idx, csize = c->lzma2_len;

    memcpy(o, "\xFD" "7zXZ\0\0\0", 8);          /* check none */
    put_le32(o + 8, xz_crc32(o + 6, 2, 0));
    n = 12;
    bh = n;
    o[bh + 1] = c->bh_flags;
    n = bh + 2;
    if (c->bh_flags & 0x40)
        n += put_vli(o + n, c->bh_csize);
    if (c->bh_flags & 0x80)
        n += put_vli(o + n, c->bh_usize);
    memcpy(o + n, filters, filters_len);
    n += filters_len;
    bh_size = ALIGN_UP(n - bh + 4, 4);
    memset(o + n, 0, bh + bh_size - 4 - n);
    o[bh] = (uint8_t)(bh_size / 4 - 1);
    n = bh + bh_size - 4;
    put_le32(o + n, xz_crc32(o + bh, bh_size - 4, 0));
    n += 4;
    memcpy(o + n, c->lzma2, csize);
    n += csize;
    while (n & 3)
        o[n++] = 0;
    idx = n;
    o[n++] = 0;
    if (c->idx_nonminimal) {
        o[n++] = 0x81;
        o[n++] = 0x00;
    } else {
        o[n++] = 1;
    }
    n += put_vli(o + n, c->idx_unpadded ? c->idx_unpadded : bh_size + csize);
    n += put_vli(o + n, c->idx_usize ? c->idx_usize : usize);
    while (n & 3)
        o[n++] = 0;
    put_le32(o + n, xz_crc32(o + idx, n - idx, 0));
    n += 4;
    put_le32(o + n + 4, (uint32_t)((n - idx) / 4 - 1));
    o[n + 8] = 0;
    o[n + 9] = 0;
    put_le32(o + n, xz_crc32(o + n + 4, 6, 0));
    memcpy(o + n + 10, "YZ", 2);
    return n + 12;
}

