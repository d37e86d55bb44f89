/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LZMA2 chunk parsing and the LZMA decoder (range coder, literal / match /
 * rep coding), written from the LZMA SDK's "lzma-specification.txt" and the
 * LZMA2 chunk format described by xz (control byte: 0x00 end, 0x01/0x02
 * uncompressed chunk with/without dictionary reset, 0x80-0xFF LZMA chunk
 * whose bits 5-6 select no reset / state reset / + new properties / +
 * dictionary reset and bits 0-4 are bits 16-20 of the uncompressed size).
 *
 * Every read is bounded by the chunk's compressed size (a read past it
 * yields zeros and fails the chunk afterwards), every write by the chunk's
 * uncompressed size, and every match distance by the data decoded since the
 * last dictionary reset.
 */
#include "xz_private.h"

#define PROB_BITS   11
#define PROB_INIT   (1u << (PROB_BITS - 1))
#define MOVE_BITS   5
#define RC_TOP      (1u << 24)

#define MATCH_LEN_MIN   2
#define END_MARKER      0xFFFFFFFFu

struct rc {
    uint32_t range, code;
    const uint8_t *in;
    size_t pos, len;
};

static inline void rc_normalize(struct rc *rc)
{
    if (rc->range < RC_TOP) {
        rc->range <<= 8;
        rc->code = (rc->code << 8) | (rc->pos < rc->len ? rc->in[rc->pos] : 0);
        rc->pos++;
    }
}

static inline unsigned int rc_bit(struct rc *rc, uint16_t *prob)
{
    uint32_t bound;

    rc_normalize(rc);
    bound = (rc->range >> PROB_BITS) * *prob;
    if (rc->code < bound) {
        rc->range = bound;
        *prob += ((1u << PROB_BITS) - *prob) >> MOVE_BITS;
        return 0;
    }
    rc->range -= bound;
    rc->code -= bound;
    *prob -= *prob >> MOVE_BITS;
    return 1;
}

/* A bit tree of nbits levels; probs[1 .. 2^nbits) are used. */
static inline unsigned int rc_tree(struct rc *rc, uint16_t *probs, unsigned int nbits)
{
    unsigned int m = 1;

    for (unsigned int i = 0; i < nbits; i++)
        m = (m << 1) | rc_bit(rc, &probs[m]);
    return m - (1u << nbits);
}

/* The same tree with the bits produced least significant first. */
static inline unsigned int rc_tree_rev(struct rc *rc, uint16_t *probs, unsigned int nbits)
{
    unsigned int m = 1, v = 0;

    for (unsigned int i = 0; i < nbits; i++) {
        unsigned int b = rc_bit(rc, &probs[m]);
        m = (m << 1) | b;
        v |= b << i;
    }
    return v;
}

/* Bits with probability 1/2, most significant first. */
static inline uint32_t rc_direct(struct rc *rc, unsigned int nbits)
{
    uint32_t v = 0;

    while (nbits--) {
        rc_normalize(rc);
        rc->range >>= 1;
        if (rc->code >= rc->range) {
            rc->code -= rc->range;
            v = (v << 1) | 1;
        } else {
            v <<= 1;
        }
    }
    return v;
}

static void lzma_state_reset(struct lzma2_dec *s)
{
    uint16_t *p = (uint16_t *)&s->p;

    for (size_t i = 0; i < sizeof(s->p) / sizeof(uint16_t); i++)
        p[i] = PROB_INIT;
    s->state = 0;
    s->rep[0] = s->rep[1] = s->rep[2] = s->rep[3] = 0;
}

/* The properties byte: (pb * 5 + lp) * 9 + lc. */
static int lzma_set_props(struct lzma2_dec *s, uint8_t props)
{
    if (props >= 9 * 5 * 5)
        return -EBADMSG;
    s->lc = props % 9;
    s->lp = (props / 9) % 5;
    s->pb = props / 45;
    if (s->lc + s->lp > LZMA_LC_LP_MAX)
        return -EBADMSG;
    return 0;
}

static inline __attribute__((always_inline)) unsigned int
lzma_len(struct rc *rc, struct lzma_len_probs *lp, unsigned int pos_state)
{
    if (!rc_bit(rc, &lp->choice))
        return MATCH_LEN_MIN + rc_tree(rc, lp->low[pos_state], 3);
    if (!rc_bit(rc, &lp->choice2))
        return MATCH_LEN_MIN + 8 + rc_tree(rc, lp->mid[pos_state], 3);
    return MATCH_LEN_MIN + 16 + rc_tree(rc, lp->high, 8);
}

/* The distance of a new match (0 means the previous byte). */
static inline __attribute__((always_inline)) uint32_t
lzma_dist(struct rc *rc, struct lzma_probs *p, unsigned int len)
{
    unsigned int len_state = MIN(len - MATCH_LEN_MIN, 3u);
    unsigned int slot = rc_tree(rc, p->dist_slot[len_state], 6);
    unsigned int nbits;
    uint32_t dist;

    if (slot < 4)
        return slot;
    nbits = (slot >> 1) - 1;
    dist = (2u | (slot & 1)) << nbits;
    if (slot < 14)
        return dist + rc_tree_rev(rc, p->dist_special + (dist - slot), nbits);
    dist += rc_direct(rc, nbits - 4) << 4;
    return dist + rc_tree_rev(rc, p->align, 4);
}

/* Per-chunk decoder registers: copied out of struct lzma2_dec so that the
 * byte stores into the output (which may alias anything) do not force them
 * back to memory. */
struct lzma_regs {
    uint32_t state;
    uint32_t rep0, rep1, rep2, rep3;
};

static inline __attribute__((always_inline)) uint8_t
lzma_literal(struct rc *rc, const struct lzma2_dec *s, uint16_t *lit_probs, struct lzma_regs *r,
             const uint8_t *out, size_t pos)
{
    size_t n = pos - s->dict_start;
    unsigned int prev = n ? out[pos - 1] : 0;
    unsigned int ctx = ((unsigned int)(n & ((1u << s->lp) - 1)) << s->lc) + (prev >> (8 - s->lc));
    uint16_t *probs = lit_probs + LZMA_LIT_SIZE * ctx;
    unsigned int sym = 1;

    if (r->state >= 7) {
        /* After a match: code the bits against the byte at rep0 while
         * they agree (spec: "DecodeLiteral" with matchByte). */
        unsigned int match_byte = out[pos - r->rep0 - 1];
        do {
            unsigned int mbit = (match_byte >> 7) & 1;
            unsigned int bit;
            match_byte <<= 1;
            bit = rc_bit(rc, &probs[((1 + mbit) << 8) + sym]);
            sym = (sym << 1) | bit;
            if (bit != mbit)
                break;
        } while (sym < 0x100);
    }
    while (sym < 0x100)
        sym = (sym << 1) | rc_bit(rc, &probs[sym]);
    r->state = r->state < 4 ? 0 : r->state < 10 ? r->state - 3 : r->state - 6;
    return (uint8_t)sym;
}

static inline void copy_match(uint8_t *out, size_t pos, uint32_t dist, unsigned int len)
{
    const uint8_t *src = out + pos - dist - 1;
    uint8_t *dst = out + pos;

    /* Most matches are short: a call to memcpy costs more than the copy. */
    if (len >= 32 && dist + 1 >= len) {
        memcpy(dst, src, len);
        return;
    }
    while (len--)
        *dst++ = *src++;
}

/* One LZMA chunk: exactly in[0, in_len) decodes to out[pos, end). */
static int lzma_chunk(struct lzma2_dec *s, const uint8_t *in, size_t in_len,
                      uint8_t *out, size_t pos, size_t end)
{
    struct rc rc = { .range = 0xFFFFFFFFu, .in = in, .len = in_len };
    struct lzma_regs r = { s->state, s->rep[0], s->rep[1], s->rep[2], s->rep[3] };
    struct lzma_probs *p = &s->p;
    const uint32_t pos_mask = (1u << s->pb) - 1, dict_size = s->dict_size;
    const size_t dict_start = s->dict_start;
    int err = 0;

    /* Range coder start: a zero byte, then the 32-bit code (big-endian). */
    if (in_len < 5 || in[0] != 0)
        return -EBADMSG;
    rc.code = (uint32_t)in[1] << 24 | (uint32_t)in[2] << 16 | (uint32_t)in[3] << 8 | in[4];
    rc.pos = 5;
    if (rc.code == rc.range)
        return -EBADMSG;

    while (pos < end) {
        unsigned int pos_state = (unsigned int)(pos - dict_start) & pos_mask;
        size_t avail = pos - dict_start;
        uint32_t dist;
        unsigned int len;

        if (!rc_bit(&rc, &p->is_match[r.state][pos_state])) {
            if (r.state >= 7 && r.rep0 >= avail) {
                err = -EBADMSG;
                break;
            }
            out[pos] = lzma_literal(&rc, s, p->literal, &r, out, pos);
            pos++;
            continue;
        }
        if (!rc_bit(&rc, &p->is_rep[r.state])) {
            len = lzma_len(&rc, &p->match_len, pos_state);
            dist = lzma_dist(&rc, p, len);
            if (dist == END_MARKER || dist >= avail || dist >= dict_size) {
                err = -EBADMSG;     /* LZMA2 has no end marker */
                break;
            }
            r.rep3 = r.rep2;
            r.rep2 = r.rep1;
            r.rep1 = r.rep0;
            r.rep0 = dist;
            r.state = r.state < 7 ? 7 : 10;
        } else {
            if (!avail) {
                err = -EBADMSG;
                break;
            }
            if (!rc_bit(&rc, &p->is_rep0[r.state])) {
                if (!rc_bit(&rc, &p->is_rep0_long[r.state][pos_state])) {
                    /* short rep: one byte from rep0 */
                    if (r.rep0 >= avail) {
                        err = -EBADMSG;
                        break;
                    }
                    r.state = r.state < 7 ? 9 : 11;
                    out[pos] = out[pos - r.rep0 - 1];
                    pos++;
                    continue;
                }
            } else {
                if (!rc_bit(&rc, &p->is_rep1[r.state])) {
                    dist = r.rep1;
                } else {
                    if (!rc_bit(&rc, &p->is_rep2[r.state])) {
                        dist = r.rep2;
                    } else {
                        dist = r.rep3;
                        r.rep3 = r.rep2;
                    }
                    r.rep2 = r.rep1;
                }
                r.rep1 = r.rep0;
                r.rep0 = dist;
            }
            len = lzma_len(&rc, &p->rep_len, pos_state);
            r.state = r.state < 7 ? 8 : 11;
            if (r.rep0 >= avail) {
                err = -EBADMSG;
                break;
            }
        }
        if (len > end - pos) {
            err = -EBADMSG;         /* a match may not cross the chunk's end */
            break;
        }
        copy_match(out, pos, r.rep0, len);
        pos += len;
    }
    s->state = r.state;
    s->rep[0] = r.rep0;
    s->rep[1] = r.rep1;
    s->rep[2] = r.rep2;
    s->rep[3] = r.rep3;
    if (err)
        return err;
    /* The encoder's flush leaves the decoder normalized with code 0 after
     * exactly the chunk's compressed bytes. */
    rc_normalize(&rc);
    if (rc.pos != in_len || rc.code != 0)
        return -EBADMSG;
    return 0;
}

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

int lzma2_decode(struct lzma2_dec *s, uint32_t dict_size, const uint8_t *in, size_t in_len,
                 size_t *in_used, uint8_t *out, size_t out_start, size_t out_cap,
                 size_t *out_end)
{
    size_t ip = 0, op = out_start;
    int rc;

    s->dict_size = dict_size;
    s->dict_start = out_start;
    s->need_props = true;
    s->need_dict_reset = true;

    for (;;) {
        uint8_t ctl;
        size_t usize, csize;

        if (ip >= in_len)
            return -EBADMSG;
        ctl = in[ip++];
        if (ctl == 0x00)
            break;
        if (ctl == 0x01 || ctl >= 0xE0) {
            s->dict_start = op;
            s->need_dict_reset = false;
            s->need_props = true;
        } else if (s->need_dict_reset) {
            return -EBADMSG;
        }
        if (ctl < 0x80) {
            if (ctl > 0x02 || in_len - ip < 2)
                return -EBADMSG;
            usize = be16(in + ip) + 1;
            ip += 2;
            if (usize > in_len - ip)
                return -EBADMSG;
            if (usize > out_cap - op)
                return -ENOBUFS;
            memcpy(out + op, in + ip, usize);
            ip += usize;
            op += usize;
            continue;
        }
        if (in_len - ip < 4)
            return -EBADMSG;
        usize = ((size_t)(ctl & 0x1F) << 16) + be16(in + ip) + 1;
        csize = be16(in + ip + 2) + 1;
        ip += 4;
        if (ctl >= 0xC0) {
            if (ip >= in_len)
                return -EBADMSG;
            rc = lzma_set_props(s, in[ip++]);
            if (rc)
                return rc;
            s->need_props = false;
        } else if (s->need_props) {
            return -EBADMSG;
        }
        if (ctl >= 0xA0)
            lzma_state_reset(s);
        if (csize > in_len - ip)
            return -EBADMSG;
        if (usize > out_cap - op)
            return -ENOBUFS;
        rc = lzma_chunk(s, in + ip, csize, out, op, op + usize);
        if (rc)
            return rc;
        ip += csize;
        op += usize;
    }
    *in_used = ip;
    *out_end = op;
    return 0;
}
