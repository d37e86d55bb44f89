/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the .xz decoder. The first input byte picks what
 * the rest is fed to:
 *   even: xz_decode_buf() / xz_uncompressed_size() (the container, with
 *         an output capacity from the second byte: exact, short, roomy)
 *   odd:  lzma2_decode() directly (raw LZMA2 chunks, no container or CRC
 *         in the way), then the x86 filter over what came out.
 * Built and run for a bounded time by tests/unit/test_xz_fuzz.py; longer by
 * hand: build/tests/unit/fuzz_xz -max_total_time=600 CORPUS_DIR
 */
#include <stdlib.h>
#include <tessera/xz.h>
#include "../../hypervisor/common/lib/xz/xz_private.h"

#define OUT_MAX     (1u << 20)

static uint8_t out[OUT_MAX];
static struct lzma2_dec lzma2;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t claim = 0;
    size_t got, used, end, cap;

    if (size < 2)
        return 0;
    if (data[0] & 1) {
        cap = (size_t)data[1] << 12;
        if (lzma2_decode(&lzma2, 1u << 20, data + 2, size - 2, &used, out, 0, cap, &end) == 0) {
            if (used > size - 2 || end > cap)
                abort();
            bcj_x86_decode(out, end, data[1]);
        }
        return 0;
    }
    if (xz_uncompressed_size(data + 2, size - 2, &claim) == 0 && claim <= OUT_MAX) {
        cap = data[1] < 85 ? (size_t)claim : data[1] < 170 && claim ? (size_t)claim - 1 : OUT_MAX;
        /* A heap buffer of exactly cap bytes, so ASan sees any overrun. */
        uint8_t *buf = malloc(cap ? cap : 1);
        if (xz_decode_buf(data + 2, size - 2, buf, cap, &got) == 0 && got != claim)
            abort();
        free(buf);
    } else {
        xz_decode_buf(data + 2, size - 2, out, sizeof(out), &got);
    }
    return 0;
}
