/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ACPI: finding the \_S5_ sleep-type values in the DSDT without an AML
 * interpreter. The object is, in practice always, a static package:
 *
 *   DefName := NameOp(0x08) NameString('_S5_', maybe after '\' 0x5C)
 *   DefPackage := PackageOp(0x12) PkgLength NumElements PackageElementList
 *
 * (ACPI 6.5 sections 20.2.5.1 and 20.2.5.4) whose first two elements are
 * SLP_TYPa and SLP_TYPb (7.4.2), each an integer: ZeroOp 0x00, OneOp 0x01,
 * BytePrefix 0x0A + byte, WordPrefix 0x0B, DWordPrefix 0x0C (20.2.3).
 * Everything read is checked against the package's and the table's ends.
 */
#include <asm/acpi.h>
#include <tessera/lib.h>

#define AML_NAME_OP         0x08
#define AML_ROOT_CHAR       0x5c
#define AML_PACKAGE_OP      0x12
#define AML_ZERO_OP         0x00
#define AML_ONE_OP          0x01
#define AML_BYTE_PREFIX     0x0a
#define AML_WORD_PREFIX     0x0b
#define AML_DWORD_PREFIX    0x0c

/* PkgLength (20.2.4): bits 7:6 of the lead byte count the extra bytes; with
 * none, bits 5:0 are the length, else bits 3:0 are its low nibble. The
 * length counts from the lead byte itself. Returns the offset just past the
 * encoding, with *end set to the end of the package, or 0 on error. */
static uint32_t pkg_length(const uint8_t *b, uint32_t off, uint32_t len, uint32_t *end)
{
    if (off >= len)
        return 0;
    uint8_t lead = b[off];
    uint32_t extra = lead >> 6, value;

    if (len - off < 1 + extra)
        return 0;
    if (!extra) {
        value = lead & 0x3f;
    } else {
        value = lead & 0x0f;
        for (uint32_t i = 0; i < extra; i++)
            value |= (uint32_t)b[off + 1 + i] << (4 + 8 * i);
    }
    if (value < 1 + extra || value > len - off)
        return 0;
    *end = off + value;
    return off + 1 + extra;
}

/* One integer element at *off (below end); returns 0 or -EINVAL. */
static int aml_integer(const uint8_t *b, uint32_t *off, uint32_t end, uint32_t *val)
{
    uint32_t o = *off, n;

    if (o >= end)
        return -EINVAL;
    switch (b[o]) {
    case AML_ZERO_OP:      *val = 0; *off = o + 1; return 0;
    case AML_ONE_OP:       *val = 1; *off = o + 1; return 0;
    case AML_BYTE_PREFIX:  n = 1; break;
    case AML_WORD_PREFIX:  n = 2; break;
    case AML_DWORD_PREFIX: n = 4; break;
    default:               return -EINVAL;
    }
    if (end - o - 1 < n)
        return -EINVAL;
    *val = 0;
    for (uint32_t i = 0; i < n; i++)
        *val |= (uint32_t)b[o + 1 + i] << (8 * i);
    *off = o + 1 + n;
    return 0;
}

/* Parses the package after '_S5_' at off. */
static int parse_s5_package(const uint8_t *b, uint32_t off, uint32_t len,
                            uint8_t *a, uint8_t *bb)
{
    uint32_t end, va, vb;

    if (off >= len || b[off] != AML_PACKAGE_OP)
        return -EINVAL;
    off = pkg_length(b, off + 1, len, &end);
    if (!off || off >= end)
        return -EINVAL;
    uint8_t count = b[off++];
    if (count < 2)
        return -EINVAL;
    if (aml_integer(b, &off, end, &va) < 0 || aml_integer(b, &off, end, &vb) < 0)
        return -EINVAL;
    /* SLP_TYPx is a 3-bit field of PM1x_CNT (4.8.3.2.1) */
    if (va > 7 || vb > 7)
        return -EINVAL;
    *a = (uint8_t)va;
    *bb = (uint8_t)vb;
    return 0;
}

int acpi_find_s5(const void *dsdt, uint32_t len, uint8_t *slp_typa, uint8_t *slp_typb)
{
    const uint8_t *b = dsdt;
    int rc = -ENOENT;

    for (uint32_t i = ACPI_HEADER_LEN + 1; i + 4 <= len; i++) {
        if (memcmp(b + i, "_S5_", 4))
            continue;
        bool named = b[i - 1] == AML_NAME_OP ||
                     (b[i - 1] == AML_ROOT_CHAR && i >= ACPI_HEADER_LEN + 2 &&
                      b[i - 2] == AML_NAME_OP);
        if (!named)
            continue;           /* a reference to _S5_, not its definition */
        if (parse_s5_package(b, i + 4, len, slp_typa, slp_typb) == 0)
            return 0;
        rc = -EINVAL;
    }
    return rc;
}
