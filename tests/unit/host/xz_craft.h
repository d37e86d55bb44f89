/* SPDX-License-Identifier: GPL-2.0-only */
/* Hand-made .xz streams for hostile-input tests (see xz_craft.c). */
#ifndef XZ_CRAFT_H
#define XZ_CRAFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One stream of one block, check none, built from its parts with correct
 * CRCs; each field can be made to lie. */
struct craft {
    const uint8_t *lzma2;       /* the block's LZMA2 data */
    size_t lzma2_len;
    uint8_t bh_flags;           /* block flags; size fields follow */
    uint64_t bh_csize, bh_usize;
    const uint8_t *filters;     /* filter flags; default: LZMA2, dict 8 MiB */
    size_t filters_len;
    uint64_t idx_unpadded, idx_usize;   /* 0: the honest values */
    bool idx_nonminimal;        /* encode the record count with a redundant byte */
};

/* Writes the stream to o (at most 128 + lzma2_len bytes); usize is the
 * honest uncompressed size for the index. Returns its length. */
size_t craft_stream(uint8_t *o, const struct craft *c, size_t usize);
size_t put_vli(uint8_t *p, uint64_t v);
void put_le32(uint8_t *p, uint32_t v);

#endif
