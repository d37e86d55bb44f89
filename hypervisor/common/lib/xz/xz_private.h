/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals of the .xz decoder (tessera/xz.h), shared by its files. */
#ifndef XZ_PRIVATE_H
#define XZ_PRIVATE_H

#include <tessera/lib.h>
#include <tessera/types.h>

/* Probability counters of one LZMA state (LZMA SDK's "lzma-specification":
 * 11-bit probabilities, one per context). Kept in one struct so a state
 * reset is one loop over it. */
#define LZMA_STATES         12
#define LZMA_POS_STATES_MAX 16
#define LZMA_LIT_SIZE       0x300   /* probabilities per literal coder */
#define LZMA_LC_LP_MAX      4       /* LZMA2: lc + lp <= 4 */

struct lzma_len_probs {
    uint16_t choice, choice2;
    uint16_t low[LZMA_POS_STATES_MAX][8];
    uint16_t mid[LZMA_POS_STATES_MAX][8];
    uint16_t high[256];
};

struct lzma_probs {
    uint16_t is_match[LZMA_STATES][LZMA_POS_STATES_MAX];
    uint16_t is_rep[LZMA_STATES];
    uint16_t is_rep0[LZMA_STATES];
    uint16_t is_rep1[LZMA_STATES];
    uint16_t is_rep2[LZMA_STATES];
    uint16_t is_rep0_long[LZMA_STATES][LZMA_POS_STATES_MAX];
    uint16_t dist_slot[4][64];
    uint16_t dist_special[115];     /* 1-based trees for slots 4..13 */
    uint16_t align[16];
    struct lzma_len_probs match_len, rep_len;
    uint16_t literal[LZMA_LIT_SIZE << LZMA_LC_LP_MAX];
};

/* LZMA2 decoder state for one block. The output buffer is the dictionary:
 * matches reach back at most to dict_start (the last dictionary reset) and
 * at most dict_size bytes. */
struct lzma2_dec {
    struct lzma_probs p;
    uint32_t state;
    uint32_t rep[4];
    unsigned int lc, lp, pb;
    uint32_t dict_size;
    size_t dict_start;
    bool need_props, need_dict_reset;
};

/* Decodes one LZMA2 stream (up to its end marker, control byte 0x00) from
 * in[0, in_len) into out[out_start, out_cap). Returns 0 with *in_used and
 * *out_end set, or -EBADMSG / -ENOBUFS. */
int lzma2_decode(struct lzma2_dec *s, uint32_t dict_size, const uint8_t *in, size_t in_len,
                 size_t *in_used, uint8_t *out, size_t out_start, size_t out_cap,
                 size_t *out_end);

/* Undoes the x86 BCJ filter in place; start is the filter's start offset
 * (the position the first byte had in the encoder's input). */
void bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start);

uint32_t xz_crc32(const void *data, size_t len, uint32_t crc);
uint64_t xz_crc64(const void *data, size_t len, uint64_t crc);

static inline uint32_t xz_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t xz_le64(const uint8_t *p)
{
    return (uint64_t)xz_le32(p) | (uint64_t)xz_le32(p + 4) << 32;
}

#endif
