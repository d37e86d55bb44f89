/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A single-call decoder for the .xz container (tukaani.org "The .xz File
 * Format" 1.1.0): one or more streams, each of blocks whose filter chain is
 * LZMA2, optionally preceded by the x86 BCJ filter (the chain Linux's
 * scripts/xz_wrap.sh uses for x86 kernels). Checks: none, CRC32, CRC64;
 * SHA-256 and the reserved check ids give -EOPNOTSUPP. Other filters
 * (delta, ARM, ...) give -EOPNOTSUPP.
 *
 * The input is hostile: every size and offset is validated, nothing is read
 * outside in[0, in_len) or written outside out[0, out_cap). The whole output
 * is the LZMA dictionary, so no dictionary memory is allocated; the only
 * allocation is the decoder state (~30 KiB, from the heap).
 *
 * Errors (negated):
 *   EINVAL      not .xz, or malformed structure (headers, index, padding)
 *   EBADMSG     corrupt compressed data, or a check / CRC mismatch
 *   ENOBUFS     the output does not fit in out_cap
 *   EOPNOTSUPP  an unsupported filter or check type
 *   E2BIG       sizes that overflow 64 bits or size_t
 *   ENOMEM      the decoder state could not be allocated
 */
#ifndef TESSERA_XZ_H
#define TESSERA_XZ_H

#include <tessera/types.h>

/* Sums the uncompressed sizes recorded in the index of every stream, reading
 * the input from its end (stream padding, footer, index, ... header), and
 * checks that the streams tile the input exactly. No data is decompressed. */
int xz_uncompressed_size(const void *in, size_t in_len, uint64_t *size);

/* Decodes all of in[0, in_len) into out[0, out_cap); *out_len is the number
 * of bytes produced on success. The index is parsed first, so an output that
 * cannot fit is refused (-ENOBUFS) before anything is decoded. On error the
 * contents of out are undefined and *out_len is 0. */
int xz_decode_buf(const void *in, size_t in_len, void *out, size_t out_cap, size_t *out_len);

/* True if the data starts with the .xz stream header magic. */
bool xz_is_xz(const void *in, size_t in_len);

#endif
