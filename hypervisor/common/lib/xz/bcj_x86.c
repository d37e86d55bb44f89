/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The x86 BCJ filter's decoder (xz filter id 0x04). The encoder turned the
 * rel32 operand of CALL (E8) and JMP (E9) into an absolute address when the
 * operand's top byte is 0x00 or 0xFF; decoding subtracts the position again.
 * Which opcodes were converted is decided from the data alone, so the
 * decoder must make the same choices the encoder made: an E8/E9 within the
 * three bytes after an unconverted E8/E9 is only converted if the byte that
 * would be the earlier candidate's operand top byte is not 0x00/0xFF, and
 * the result is re-encoded while its corresponding byte would look like one
 * (the behaviour of the LZMA SDK's x86 filter, which xz uses unchanged).
 */
#include "xz_private.h"

static bool top_byte(uint8_t b)
{
    return b == 0x00 || b == 0xFF;
}

void bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start)
{
    /* Indexed by the 3-bit history of unconverted E8/E9 bytes among the
     * three bytes before the current one (bit 0: the nearest). */
    static const bool history_ok[8] = { true, true, true, false, true, false, false, false };
    static const uint8_t history_byte[8] = { 0, 1, 2, 2, 3, 3, 3, 3 };
    uint32_t history = 0;
    size_t last = 0;

    for (size_t i = 0; len >= 5 && i <= len - 5; i++) {
        uint8_t *p = buf + i;
        uint32_t src, dst;
        size_t gap;

        if ((p[0] & 0xFE) != 0xE8)
            continue;
        gap = i - last;
        history = (history && gap <= 3) ? (history << (gap - 1)) & 7 : 0;
        last = i;
        if (history && (!history_ok[history] || top_byte(p[4 - history_byte[history]]))) {
            history = ((history << 1) & 7) | 1;
            continue;
        }
        if (!top_byte(p[4])) {
            history = ((history << 1) & 7) | 1;
            continue;
        }
        src = xz_le32(p + 1);
        for (;;) {
            unsigned int shift;
            dst = src - (start + (uint32_t)i + 5);
            if (!history)
                break;
            shift = history_byte[history] * 8;
            if (!top_byte((uint8_t)(dst >> (24 - shift))))
                break;
            src = dst ^ ((1u << (32 - shift)) - 1);
        }
        /* Bits 25-31 follow bit 24 (a near target, either direction). */
        dst = (dst & 0x01FFFFFF) | (0u - (dst & 0x01000000));
        p[1] = (uint8_t)dst;
        p[2] = (uint8_t)(dst >> 8);
        p[3] = (uint8_t)(dst >> 16);
        p[4] = (uint8_t)(dst >> 24);
        i += 4;
    }
}
