/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The two checks the decoder supports: CRC32 (IEEE 802.3, reflected
 * polynomial 0xEDB88320) and CRC64 (ECMA-182, reflected polynomial
 * 0xC96C5795D7870F42), both with all-ones initial value and final inversion,
 * as the .xz format 1.1.0 section 3.4 specifies. Tables are built on first
 * use (building is idempotent, so a race only repeats the work). CRC32, the
 * check Linux kernels use, runs eight bytes a step ("slicing-by-8": table k
 * gives the CRC of a byte followed by k zero bytes).
 */
#include "xz_private.h"

static uint32_t crc32_table[8][256];
static uint64_t crc64_table[256];
static bool crc32_ready, crc64_ready;

static void crc32_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t r = i;
        for (int k = 0; k < 8; k++)
            r = (r >> 1) ^ (0xEDB88320u & (0u - (r & 1)));
        crc32_table[0][i] = r;
    }
    for (unsigned int k = 1; k < 8; k++)
        for (unsigned int i = 0; i < 256; i++)
            crc32_table[k][i] = (crc32_table[k - 1][i] >> 8) ^
                                crc32_table[0][crc32_table[k - 1][i] & 0xff];
    crc32_ready = true;
}

static void crc64_init(void)
{
    for (uint64_t i = 0; i < 256; i++) {
        uint64_t r = i;
        for (int k = 0; k < 8; k++)
            r = (r >> 1) ^ (0xC96C5795D7870F42ull & (0ull - (r & 1)));
        crc64_table[i] = r;
    }
    crc64_ready = true;
}

/* crc: the value returned for the preceding data, 0 to start. */
uint32_t xz_crc32(const void *data, size_t len, uint32_t crc)
{
    const uint8_t *p = data;

    if (!crc32_ready)
        crc32_init();
    crc = ~crc;
    for (; len >= 8; len -= 8, p += 8) {
        uint32_t lo = crc ^ xz_le32(p), hi = xz_le32(p + 4);
        crc = crc32_table[7][lo & 0xff] ^ crc32_table[6][(lo >> 8) & 0xff] ^
              crc32_table[5][(lo >> 16) & 0xff] ^ crc32_table[4][lo >> 24] ^
              crc32_table[3][hi & 0xff] ^ crc32_table[2][(hi >> 8) & 0xff] ^
              crc32_table[1][(hi >> 16) & 0xff] ^ crc32_table[0][hi >> 24];
    }
    while (len--)
        crc = crc32_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

uint64_t xz_crc64(const void *data, size_t len, uint64_t crc)
{
    const uint8_t *p = data;

    if (!crc64_ready)
        crc64_init();
    crc = ~crc;
    while (len--)
        crc = crc64_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}
