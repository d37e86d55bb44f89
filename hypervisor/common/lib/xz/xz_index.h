/* SPDX-License-Identifier: GPL-2.0-only */
/* The .xz container's headers, footers and index (see xz_index.c). */
#ifndef XZ_INDEX_H
#define XZ_INDEX_H

#include "xz_private.h"

#define XZ_HEADER_SIZE      12
#define XZ_FOOTER_SIZE      12
#define XZ_VLI_BYTES_MAX    9
#define XZ_VLI_MAX          (UINT64_MAX / 2)
#define XZ_UNPADDED_MIN     5

#define XZ_CHECK_NONE       0x00
#define XZ_CHECK_CRC32      0x01
#define XZ_CHECK_CRC64      0x04
#define XZ_CHECK_SHA256     0x0A

/* What the index says of a stream's blocks, and what decoding found: the
 * two must be equal. hash covers each (unpadded, uncompressed) pair in
 * order, so reordered or altered records differ too. */
struct xz_records {
    uint64_t count;
    uint64_t blocks_size;       /* sum of the blocks' padded sizes */
    uint64_t uncompressed;
    uint32_t hash;
};

int xz_vli(const uint8_t *p, size_t len, size_t *pos, uint64_t *value);
unsigned int xz_check_size(unsigned int check);
/* p[0, 12): magic, flags, CRC32. */
int xz_stream_header(const uint8_t *p, size_t len, unsigned int *check);
/* The footer at p[0, 12) must carry this check id and backward size. */
int xz_footer_matches(const uint8_t *p, size_t len, unsigned int check, uint64_t index_size);
/* Parses an index starting at p[0] (its indicator byte) within p[0, len);
 * *index_size is how many bytes it took, CRC32 included. */
int xz_index_parse(const uint8_t *p, size_t len, size_t *index_size, struct xz_records *r);
void xz_records_add(struct xz_records *r, uint64_t unpadded, uint64_t uncompressed);
bool xz_records_equal(const struct xz_records *a, const struct xz_records *b);

#endif
