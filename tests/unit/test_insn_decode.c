/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/arch/x86/hvm/insn_{decode,tables,operand}.c
 *
 * 1. hand-written encodings with every decoded field checked;
 * 2. thousands of vectors from GNU as/objdump (tests/unit/gen_insn_vectors.py
 *    writes them next to this binary at build time);
 * 3. random bytes: never a fetch past byte 15, never a crash (ASan/UBSan),
 *    and a decode never depends on bytes past its own length. */
#include <tessera/lib.h>
#include <asm/insn_decode.h>
#include "test.h"

#define R   INSN_MODE_REAL
#define P16 INSN_MODE_PROT16
#define P32 INSN_MODE_PROT32
#define L64 INSN_MODE_LONG64

static size_t unhex(const char *s, uint8_t *out, size_t max)
{
    size_t n = 0;

    while (*s && n < max) {
        unsigned int v;

        if (*s == ' ') {
            s++;
            continue;
        }
        if (sscanf(s, "%2x", &v) != 1)
            break;
        out[n++] = (uint8_t)v;
        s += 2;
    }
    return n;
}

/* A fetch callback that checks the decoder's requests. */
struct fetch_ctx {
    const uint8_t *buf;
    size_t avail;
    unsigned int max_end;   /* highest offset+len requested */
    unsigned int calls;
    bool bad_request;       /* a request past 15 bytes */
};

static int check_fetch(void *opaque, uint64_t off, uint8_t *out, unsigned int len)
{
    struct fetch_ctx *c = opaque;

    c->calls++;
    if (off + len > INSN_MAX_LEN || len == 0)
        c->bad_request = true;
    if (off + len > c->max_end)
        c->max_end = off + len;
    if (off + len > c->avail)
        return -EFAULT;
    memcpy(out, c->buf + off, len);
    return 0;
}

static int dec(struct insn *insn, enum insn_mode mode, const char *hex)
{
    uint8_t b[32];
    size_t n = unhex(hex, b, sizeof(b));

    return insn_decode_buf(insn, mode, 0, b, n);
}

/* ---------------------------------------------------------------- fields */

static void test_prefixes(void)
{
    struct insn i;

    /* 2E 26 64: last segment override wins; F2 then F3: F3 */
    CHECK_EQ(dec(&i, P32, "2e 26 64 f2 f3 0f a2"), 0);
    CHECK_EQ(i.len, 7);
    CHECK_EQ(i.seg, INSN_SEG_FS);
    CHECK_EQ(i.rep, 0xf3);
    CHECK_EQ(i.nr_prefixes, 5);
    CHECK_EQ(i.map, INSN_MAP_0F);
    CHECK_EQ(i.opcode, 0xa2);

    /* REX followed by a legacy prefix is ignored */
    CHECK_EQ(dec(&i, L64, "48 66 b8 34 12"), 0);
    CHECK_EQ(i.len, 5);
    CHECK_EQ(i.rex, 0);
    CHECK(!i.rex_w);
    CHECK_EQ(i.op_bytes, 2);
    CHECK_EQ(i.imm, 0x1234);

    /* 66 then REX.W: REX.W wins, imm64 */
    CHECK_EQ(dec(&i, L64, "66 48 b8 88 77 66 55 44 33 22 11"), 0);
    CHECK_EQ(i.len, 11);
    CHECK_EQ(i.op_bytes, 8);
    CHECK_EQ(i.imm_bytes, 8);
    CHECK_EQ(i.imm, 0x1122334455667788ULL);

    /* two REX: the last counts */
    CHECK_EQ(dec(&i, L64, "48 41 89 c0"), 0);
    CHECK_EQ(i.len, 4);
    CHECK_EQ(i.rex, 0x41);
    CHECK(!i.rex_w);
    CHECK(i.rex_b);
    CHECK_EQ(i.rm, 8);

    /* 40-4F are INC/DEC outside 64-bit mode */
    CHECK_EQ(dec(&i, P32, "48 89 c0"), 0);
    CHECK_EQ(i.len, 1);
    CHECK_EQ(i.opcode, 0x48);

    /* 14 prefixes + 2-byte CPUID = 16 bytes: #GP, and byte 16 never read */
    {
        uint8_t b[16];
        struct fetch_ctx c = { .buf = b, .avail = sizeof(b) };

        memset(b, 0x2e, 14);
        b[14] = 0x0f;
        b[15] = 0xa2;
        CHECK_EQ(insn_decode(&i, L64, 0, check_fetch, &c), -EINVAL);
        CHECK_EQ(i.fault, INSN_FAULT_GP);
        CHECK(!c.bad_request);
        CHECK_EQ(c.max_end, 15);
        /* 13 prefixes: exactly 15 bytes, fine */
        CHECK_EQ(insn_decode_buf(&i, L64, 0, b + 1, 15), 0);
        CHECK_EQ(i.len, 15);
    }
}

static void test_modrm_forms(void)
{
    struct insn i;

    /* 64-bit: mov eax, [rip+0x12345678] */
    CHECK_EQ(dec(&i, L64, "8b 05 78 56 34 12"), 0);
    CHECK_EQ(i.len, 6);
    CHECK(i.has_mem);
    CHECK(i.ea.rip_rel);
    CHECK_EQ(i.ea.base, INSN_REG_NONE);
    CHECK_EQ(i.ea.disp, 0x12345678);
    CHECK_EQ(i.reg, 0);

    /* 32-bit: same bytes are [disp32] */
    CHECK_EQ(dec(&i, P32, "8b 05 78 56 34 12"), 0);
    CHECK(!i.ea.rip_rel);
    CHECK_EQ(i.ea.base, INSN_REG_NONE);
    CHECK_EQ(i.ea.seg, INSN_SEG_DS);

    /* mov r9, [r12 + r13*8 - 0x80]: 4d 8b 4c ec 80 */
    CHECK_EQ(dec(&i, L64, "4f 8b 4c ec 80"), 0);
    CHECK_EQ(i.len, 5);
    CHECK(i.has_sib);
    CHECK_EQ(i.reg, 9);
    CHECK_EQ(i.ea.base, 12);
    CHECK_EQ(i.ea.index, 13);
    CHECK_EQ(i.ea.scale, 8);
    CHECK_EQ(i.ea.disp, -0x80);
    CHECK_EQ(i.disp_bytes, 1);
    CHECK_EQ(i.op_bytes, 8);

    /* [r13] needs a disp8 like [rbp]; [r12] needs a SIB like [rsp] */
    CHECK_EQ(dec(&i, L64, "41 8b 45 00"), 0);
    CHECK_EQ(i.len, 4);
    CHECK_EQ(i.ea.base, 13);
    CHECK_EQ(i.ea.seg, INSN_SEG_DS);
    CHECK_EQ(dec(&i, L64, "41 8b 04 24"), 0);
    CHECK_EQ(i.len, 4);
    CHECK_EQ(i.ea.base, 12);
    CHECK_EQ(i.ea.index, INSN_REG_NONE);
    /* SIB base=101 mod=00 with REX.B: still "no base, disp32" */
    CHECK_EQ(dec(&i, L64, "41 8b 04 25 00 10 00 00"), 0);
    CHECK_EQ(i.len, 8);
    CHECK_EQ(i.ea.base, INSN_REG_NONE);
    CHECK_EQ(i.ea.disp, 0x1000);
    /* index 100 with REX.X is r12 */
    CHECK_EQ(dec(&i, L64, "42 8b 04 20"), 0);
    CHECK_EQ(i.ea.index, 12);
    CHECK_EQ(i.ea.base, 0);
    /* [rsp+8] defaults to SS */
    CHECK_EQ(dec(&i, L64, "8b 44 24 08"), 0);
    CHECK_EQ(i.ea.seg, INSN_SEG_SS);

    /* 16-bit forms: [bp+si+0x1234] (SS), [0x1234], [bx+di+disp8] */
    CHECK_EQ(dec(&i, R, "8b 82 34 12"), 0);
    CHECK_EQ(i.len, 4);
    CHECK_EQ(i.ea.base, 5);
    CHECK_EQ(i.ea.index, 6);
    CHECK_EQ(i.ea.seg, INSN_SEG_SS);
    CHECK_EQ(i.ea.disp, 0x1234);
    CHECK_EQ(i.addr_bytes, 2);
    CHECK_EQ(i.op_bytes, 2);
    CHECK_EQ(dec(&i, R, "8b 06 34 12"), 0);
    CHECK_EQ(i.ea.base, INSN_REG_NONE);
    CHECK_EQ(i.ea.seg, INSN_SEG_DS);
    CHECK_EQ(dec(&i, P16, "8b 41 f0"), 0);
    CHECK_EQ(i.ea.base, 3);
    CHECK_EQ(i.ea.index, 7);
    CHECK_EQ(i.ea.disp, -16);
    /* 67 in 16-bit mode: 32-bit addressing with SIB */
    CHECK_EQ(dec(&i, R, "67 66 8b 44 24 08"), 0);
    CHECK_EQ(i.len, 6);
    CHECK_EQ(i.addr_bytes, 4);
    CHECK_EQ(i.op_bytes, 4);
    /* 67 in 32-bit mode: 16-bit addressing */
    CHECK_EQ(dec(&i, P32, "67 8b 06 34 12"), 0);
    CHECK_EQ(i.len, 5);
    CHECK_EQ(i.addr_bytes, 2);
    /* 67 in 64-bit mode: RIP-relative becomes EIP-relative */
    CHECK_EQ(dec(&i, L64, "67 8b 05 10 00 00 00"), 0);
    CHECK_EQ(i.addr_bytes, 4);
    CHECK(i.ea.rip_rel);
}

static void test_immediates(void)
{
    struct insn i;

    CHECK_EQ(dec(&i, P32, "c8 34 12 05"), 0);       /* ENTER 0x1234, 5 */
    CHECK_EQ(i.len, 4);
    CHECK_EQ(i.imm, 0x1234);
    CHECK_EQ(i.imm2, 5);
    CHECK_EQ(dec(&i, L64, "c2 08 00"), 0);          /* RET 8 */
    CHECK_EQ(i.len, 3);
    CHECK_EQ(i.op_bytes, 8);
    CHECK_EQ(dec(&i, L64, "a1 88 77 66 55 44 33 22 11"), 0);  /* moffs64 */
    CHECK_EQ(i.len, 9);
    CHECK_EQ(i.disp_bytes, 8);
    CHECK_EQ((uint64_t)i.ea.disp, 0x1122334455667788ULL);
    CHECK_EQ(dec(&i, L64, "67 a1 44 33 22 11"), 0);  /* moffs32 */
    CHECK_EQ(i.len, 6);
    CHECK_EQ(dec(&i, P32, "66 67 a3 34 12"), 0);     /* mov [0x1234], ax */
    CHECK_EQ(i.len, 5);
    CHECK_EQ(i.op_bytes, 2);
    CHECK_EQ(dec(&i, R, "a0 34 12"), 0);
    CHECK_EQ(i.len, 3);
    CHECK_EQ(dec(&i, R, "66 a1 34 12"), 0);          /* moffs follows addr size */
    CHECK_EQ(i.len, 4);
    CHECK_EQ(dec(&i, P32, "f6 00 12"), 0);           /* TEST byte [eax], 0x12 */
    CHECK_EQ(i.len, 3);
    CHECK_EQ(dec(&i, P32, "f6 10"), 0);              /* NOT byte [eax] */
    CHECK_EQ(i.len, 2);
    CHECK_EQ(dec(&i, P32, "f7 c0 78 56 34 12"), 0);  /* TEST eax, imm32 */
    CHECK_EQ(i.len, 6);
    CHECK_EQ(dec(&i, P32, "66 f7 c0 34 12"), 0);
    CHECK_EQ(i.len, 5);
    CHECK_EQ(dec(&i, L64, "48 f7 08 78 56 34 12"), 0); /* TEST alias /1 */
    CHECK_EQ(i.len, 7);
    CHECK_EQ(dec(&i, L64, "48 c7 00 ff ff ff ff"), 0); /* imm32 even with W */
    CHECK_EQ(i.len, 7);
    CHECK_EQ(dec(&i, P32, "9a 78 56 34 12 10 00"), 0); /* CALL ptr16:32 */
    CHECK_EQ(i.len, 7);
    CHECK_EQ(i.imm2, 0x10);
    CHECK_EQ(dec(&i, R, "ea 34 12 00 f0"), 0);       /* JMP ptr16:16 */
    CHECK_EQ(i.len, 5);
    CHECK_EQ(dec(&i, L64, "68 78 56 34 12"), 0);     /* PUSH imm32 */
    CHECK_EQ(i.op_bytes, 8);
    CHECK_EQ(i.len, 5);
    CHECK_EQ(dec(&i, L64, "66 68 34 12"), 0);
    CHECK_EQ(i.len, 4);
    CHECK_EQ(i.op_bytes, 2);
    CHECK_EQ(dec(&i, L64, "0f 0f c1 b4"), 0);        /* 3DNow! pfmul */
    CHECK_EQ(i.len, 4);
    CHECK_EQ(dec(&i, L64, "66 0f 78 c1 08 04"), 0);  /* EXTRQ */
    CHECK_EQ(i.len, 6);
    CHECK_EQ(dec(&i, L64, "0f 78 c1"), 0);           /* VMREAD */
    CHECK_EQ(i.len, 3);
    CHECK_EQ(dec(&i, L64, "c7 f8 00 01 00 00"), 0);  /* XBEGIN rel32 */
    CHECK_EQ(i.len, 6);
    CHECK_EQ(dec(&i, L64, "c6 f8 12"), 0);           /* XABORT */
    CHECK_EQ(i.len, 3);
}

static void test_vendor_branches(void)
{
    struct insn i;
    uint8_t call16[] = { 0x66, 0xe8, 0x00, 0x10, 0x00, 0x00 };

    /* AMD: 66h near branch in 64-bit mode takes rel16 */
    CHECK_EQ(insn_decode_buf(&i, L64, 0, call16, sizeof(call16)), 0);
    CHECK_EQ(i.len, 4);
    CHECK_EQ(i.op_bytes, 2);
    /* Intel: ignored, rel32 */
    CHECK_EQ(insn_decode_buf(&i, L64, INSN_F_INTEL, call16, sizeof(call16)), 0);
    CHECK_EQ(i.len, 6);
    CHECK_EQ(i.op_bytes, 8);
    CHECK_EQ(dec(&i, L64, "66 0f 84 00 10"), 0);
    CHECK_EQ(i.len, 5);
    CHECK_EQ(dec(&i, P32, "66 e9 00 10"), 0);       /* 32-bit: rel16 for both */
    CHECK_EQ(i.len, 4);
}

static void test_intercepted(void)
{
    static const struct { enum insn_mode m; const char *hex; unsigned int len; } t[] = {
        { L64, "0f a2", 2 },                /* CPUID */
        { L64, "0f 32", 2 }, { L64, "0f 30", 2 },
        { L64, "f4", 1 },                   /* HLT */
        { L64, "0f 01 d9", 3 },             /* VMMCALL */
        { L64, "0f 01 c1", 3 },             /* VMCALL */
        { L64, "0f 01 d8", 3 },             /* VMRUN */
        { L64, "0f 01 d1", 3 },             /* XSETBV */
        { L64, "0f 01 f9", 3 },             /* RDTSCP */
        { L64, "0f 01 c8", 3 }, { L64, "0f 01 c9", 3 },   /* MONITOR MWAIT */
        { L64, "0f 01 fa", 3 }, { L64, "0f 01 fb", 3 },   /* MONITORX MWAITX */
        { L64, "0f 01 38", 3 },             /* INVLPG [rax] */
        { L64, "0f 01 bc 24 00 01 00 00", 8 },
        { L64, "0f 31", 2 }, { L64, "0f 09", 2 }, { L64, "0f 08", 2 },
        { L64, "f3 90", 2 },                /* PAUSE */
        { L64, "0f 20 c0", 3 }, { L64, "44 0f 22 c0", 4 },  /* MOV CR */
        { L64, "0f 20 00", 3 },             /* mod ignored: no disp */
        { L64, "0f 22 85", 3 },
        { L64, "0f 21 f8", 3 },             /* MOV DR7 */
        { P32, "0f 20 c0", 3 }, { R, "0f 22 d8", 3 },
        { L64, "e4 60", 2 }, { L64, "66 e5 60", 3 }, { L64, "ec", 1 },
        { L64, "48 ef", 2 }, { L64, "f3 6c", 2 }, { L64, "f3 66 6f", 3 },
        { P16, "cd 80", 2 }, { P32, "cc", 1 }, { P32, "f1", 1 },
        { L64, "0f 01 df", 3 },             /* INVLPGA */
        { L64, "0f 01 dc", 3 }, { L64, "0f 01 dd", 3 },   /* STGI CLGI */
        { L64, "0f 01 de", 3 },             /* SKINIT */
        { L64, "0f 01 da", 3 }, { L64, "0f 01 db", 3 },   /* VMLOAD VMSAVE */
        { L64, "0f 0b", 2 }, { L64, "0f aa", 2 },
    };
    struct insn i;

    for (size_t k = 0; k < ARRAY_SIZE(t); k++) {
        int rc = dec(&i, t[k].m, t[k].hex);

        if (rc || i.len != t[k].len)
            test_fail(__FILE__, __LINE__, "%s: rc %d len %u, want %u", t[k].hex, rc,
                      i.len, t[k].len);
    }
}

static void test_vex_evex_xop(void)
{
    struct insn i;

    CHECK_EQ(dec(&i, L64, "c5 f8 77"), 0);          /* VZEROUPPER: no ModRM */
    CHECK_EQ(i.len, 3);
    CHECK_EQ(i.enc, INSN_ENC_VEX2);
    CHECK_EQ(dec(&i, L64, "c4 e3 fd 00 c1 1b"), 0); /* VPERMQ ymm0,ymm1,0x1b */
    CHECK_EQ(i.len, 6);
    CHECK_EQ(i.map, INSN_MAP_0F3A);
    CHECK(i.rex_w);
    CHECK_EQ(i.vex_l, 1);
    CHECK_EQ(dec(&i, L64, "c4 62 79 58 0c 24"), 0);  /* VPBROADCASTD xmm9,[rsp] */
    CHECK_EQ(i.len, 6);
    CHECK_EQ(i.reg, 9);
    CHECK_EQ(dec(&i, L64, "62 f1 6c 48 58 48 01"), 0); /* VADDPS zmm1,zmm2,[rax+64] */
    CHECK_EQ(i.len, 7);
    CHECK_EQ(i.enc, INSN_ENC_EVEX);
    CHECK_EQ(i.vex_l, 2);
    CHECK_EQ(i.disp, 1);                             /* disp8 (scaled by N) */
    CHECK_EQ(dec(&i, L64, "8f e8 78 c0 ca 03"), 0);  /* VPROTB: XOP map 8 ib */
    CHECK_EQ(i.len, 6);
    CHECK_EQ(dec(&i, L64, "8f ea 78 10 c1 34 12 00 00"), 0); /* BEXTR imm32 */
    CHECK_EQ(i.len, 9);

    /* 32-bit mode: C4/C5/62 with a memory ModRM are LES/LDS/BOUND */
    CHECK_EQ(dec(&i, P32, "c5 00"), 0);
    CHECK_EQ(i.len, 2);
    CHECK_EQ(i.enc, INSN_ENC_LEGACY);
    CHECK_EQ(dec(&i, P32, "c5 f8 77"), 0);
    CHECK_EQ(i.enc, INSN_ENC_VEX2);
    CHECK_EQ(dec(&i, P32, "62 00"), 0);
    CHECK_EQ(i.opcode, 0x62);
    /* real mode: always LES (register form: #UD) */
    CHECK_EQ(dec(&i, R, "c5 f8 77"), -EINVAL);
    CHECK_EQ(dec(&i, R, "8f 00"), 0);               /* POP word [bx+si] */

    /* prefixes before VEX: #UD */
    CHECK_EQ(dec(&i, L64, "66 c5 f8 77"), -EINVAL);
    CHECK_EQ(i.fault, INSN_FAULT_UD);
    CHECK_EQ(dec(&i, L64, "48 c5 f8 77"), -EINVAL);
    CHECK_EQ(dec(&i, L64, "f0 c4 e3 fd 00 c1 1b"), -EINVAL);
    CHECK_EQ(dec(&i, L64, "2e 67 c5 f8 77"), 0);    /* segment/67 are fine */
    /* reserved maps */
    CHECK_EQ(dec(&i, L64, "c4 e4 7d 00 c1"), -EINVAL);
    CHECK_EQ(dec(&i, L64, "62 f4 6c 48 58 c1"), -EINVAL);
    CHECK_EQ(dec(&i, L64, "62 f1 6c 4c 58 c1"), 0);
    CHECK_EQ(dec(&i, L64, "62 f1 68 48 58 c1"), -EINVAL);   /* P1 bit 2 clear */
}

static void test_rejects(void)
{
    static const struct { enum insn_mode m; const char *hex; } t[] = {
        { L64, "06" }, { L64, "07" }, { L64, "0e" }, { L64, "16" }, { L64, "1f" },
        { L64, "27" }, { L64, "37" }, { L64, "60" }, { L64, "61" }, { L64, "82 c0 01" },
        { L64, "9a 00 00 00 00 00 00" }, { L64, "ce" }, { L64, "d4 0a" }, { L64, "ea 00 00 00 00 00 00" },
        { P32, "d6" }, { L64, "0f 04" }, { L64, "0f 0a" }, { L64, "0f 24 c0" }, { L64, "0f 36" },
        { L64, "0f 39" }, { L64, "0f a6" }, { L64, "0f 7a" },
        { L64, "0f 38 50 c0" }, { L64, "0f 3a 00 c0 00" },
        { P32, "8d c0" },                   /* LEA reg */
        { P32, "0f b2 c0" },                 /* LSS reg */
        { R, "8f c8" }, { P32, "c6 c8 00" }, { P32, "c7 08 00 00 00 00" },
        { P32, "fe 10" }, { P32, "ff 38" }, { P32, "ff d8" }, { P32, "ff e8" },
        { P32, "0f 00 30" }, { P32, "0f ba 00 01" }, { P32, "0f c7 c8" }, { P32, "0f c7 00" },
        { P32, "0f b8 c0" },                /* JMPE / POPCNT without F3 */
        /* LOCK: not lockable, register destination, CMP */
        { P32, "f0 90" }, { P32, "f0 01 c0" }, { P32, "f0 39 00" }, { P32, "f0 8b 00" },
        { P32, "f0 80 38 01" }, { P32, "f0 f7 00 00 00 00 00" }, { P32, "f0 0f a2" },
        { L64, "f0 c5 f8 77" }, { P32, "f0 0f ba 20 01" },
        /* truncated at 15 */
        { L64, "f3 f3 f3 f3 f3 f3 f3 f3 f3 f3 f3 b8 00 00 00 00" },
    };
    struct insn i;

    for (size_t k = 0; k < ARRAY_SIZE(t); k++) {
        int rc = dec(&i, t[k].m, t[k].hex);

        if (rc != -EINVAL)
            test_fail(__FILE__, __LINE__, "%s: rc %d len %u, want -EINVAL", t[k].hex, rc, i.len);
    }
    /* allowed LOCK forms */
    CHECK_EQ(dec(&i, P32, "f0 01 00"), 0);
    CHECK_EQ(dec(&i, P32, "f0 0f c7 08"), 0);
    CHECK_EQ(dec(&i, P32, "f0 0f ba 28 01"), 0);
    CHECK_EQ(dec(&i, P32, "f0 87 00"), 0);
    /* AMD LOCK MOV CR0 = MOV CR8 */
    CHECK_EQ(dec(&i, P32, "f0 0f 20 c0"), 0);
    CHECK_EQ(i.reg, 8);
    CHECK_EQ(i.len, 4);
    {
        uint8_t b[] = { 0xf0, 0x0f, 0x20, 0xc0 };

        CHECK_EQ(insn_decode_buf(&i, P32, INSN_F_INTEL, b, 4), -EINVAL);
    }
}

static int fail_at_3(void *ctx, uint64_t off, uint8_t *buf, unsigned int len)
{
    static const uint8_t b[] = { 0x8b, 0x84, 0x24, 0x00, 0x01, 0x00, 0x00 };

    if (off + len > 3)
        return -14;
    memcpy(buf, b + off, len);
    return 0;
}

static void test_fetch_errors(void)
{
    struct insn i;
    uint8_t b[] = { 0x0f, 0x01, 0xd9 };

    CHECK_EQ(insn_decode(&i, P32, 0, fail_at_3, NULL), -EFAULT);
    CHECK_EQ(insn_decode_buf(&i, P32, 0, b, 2), -EFAULT);
    CHECK_EQ(insn_decode_buf(&i, P32, 0, b, 0), -EFAULT);
    CHECK_EQ(insn_decode_buf(&i, P32, 0, b, 3), 0);
    /* an instruction just before an unmapped page still decodes */
    {
        struct fetch_ctx c = { .buf = b, .avail = 3 };

        CHECK_EQ(insn_decode(&i, L64, 0, check_fetch, &c), 0);
        CHECK_EQ(c.max_end, 3);
    }
}

static void test_ea_offset(void)
{
    uint64_t gpr[16];
    struct insn i;

    for (int k = 0; k < 16; k++)
        gpr[k] = 0x1000 * (k + 1);
    CHECK_EQ(dec(&i, L64, "4f 8b 4c ec 80"), 0);     /* [r12 + r13*8 - 0x80] */
    CHECK_EQ(insn_ea_offset(&i, 0, gpr), gpr[12] + gpr[13] * 8 - 0x80);
    CHECK_EQ(dec(&i, L64, "8b 05 10 00 00 00"), 0);  /* [rip+0x10] */
    CHECK_EQ(insn_ea_offset(&i, 0xffff800000001000ULL, gpr), 0xffff800000001016ULL);
    CHECK_EQ(dec(&i, L64, "67 8b 05 f0 ff ff ff"), 0); /* [eip-0x10] wraps */
    CHECK_EQ(insn_ea_offset(&i, 0x5, gpr), 0xfffffffcULL);
    gpr[3] = 0xfff0;
    gpr[6] = 0x20;
    CHECK_EQ(dec(&i, R, "8b 00"), 0);                 /* [bx+si] wraps at 64K */
    CHECK_EQ(insn_ea_offset(&i, 0, gpr), 0x10);
    CHECK_EQ(dec(&i, P32, "8b 04 8d 00 10 00 00"), 0); /* [ecx*4+0x1000] */
    CHECK_EQ(insn_ea_offset(&i, 0, gpr), gpr[1] * 4 + 0x1000);
}

/* ------------------------------------------------------------ MMIO and I/O */

static int mmio(struct insn_mmio *m, enum insn_mode mode, const char *hex)
{
    struct insn i;
    int rc = dec(&i, mode, hex);

    if (rc)
        return rc;
    return insn_mmio_decode(&i, m);
}

static void test_mmio(void)
{
    struct insn_mmio m;

    CHECK_EQ(mmio(&m, L64, "89 08"), 0);             /* mov [rax], ecx */
    CHECK_EQ(m.op, INSN_MMIO_MOV);
    CHECK(m.is_write && !m.is_read);
    CHECK_EQ(m.size, 4);
    CHECK_EQ(m.src, INSN_MMIO_SRC_REG);
    CHECK_EQ(m.reg, 1);

    CHECK_EQ(mmio(&m, L64, "4c 8b 38"), 0);          /* mov r15, [rax] */
    CHECK(m.is_read && !m.is_write);
    CHECK_EQ(m.size, 8);
    CHECK_EQ(m.reg, 15);

    CHECK_EQ(mmio(&m, L64, "88 20"), 0);             /* mov [rax], ah */
    CHECK_EQ(m.size, 1);
    CHECK_EQ(m.reg, 0);
    CHECK(m.reg_high8);
    CHECK_EQ(mmio(&m, L64, "40 88 20"), 0);          /* mov [rax], spl */
    CHECK_EQ(m.reg, 4);
    CHECK(!m.reg_high8);

    CHECK_EQ(mmio(&m, L64, "66 89 08"), 0);
    CHECK_EQ(m.size, 2);

    CHECK_EQ(mmio(&m, L64, "48 c7 00 ff ff ff ff"), 0);  /* mov qword [rax], -1 */
    CHECK_EQ(m.src, INSN_MMIO_SRC_IMM);
    CHECK_EQ(m.size, 8);
    CHECK_EQ(m.imm, ~0ULL);
    CHECK(m.is_write);
    CHECK_EQ(mmio(&m, P32, "c6 05 00 00 0f fe 7f"), 0);  /* mov byte [0xfe0f0000], 0x7f */
    CHECK_EQ(m.size, 1);
    CHECK_EQ(m.imm, 0x7f);

    CHECK_EQ(mmio(&m, L64, "0f b7 08"), 0);          /* movzx ecx, word [rax] */
    CHECK_EQ(m.op, INSN_MMIO_MOVZX);
    CHECK_EQ(m.size, 2);
    CHECK_EQ(m.reg_bytes, 4);
    CHECK_EQ(m.reg, 1);
    CHECK_EQ(mmio(&m, L64, "48 0f be 08"), 0);       /* movsx rcx, byte [rax] */
    CHECK_EQ(m.op, INSN_MMIO_MOVSX);
    CHECK_EQ(m.size, 1);
    CHECK_EQ(m.reg_bytes, 8);

    CHECK_EQ(mmio(&m, L64, "a1 00 00 0f fe 00 00 00 00"), 0);
    CHECK_EQ(m.op, INSN_MMIO_MOV);
    CHECK(m.is_read);
    CHECK_EQ(m.reg, 0);
    CHECK_EQ(m.size, 4);
    CHECK_EQ(mmio(&m, P32, "a2 00 00 0f fe"), 0);
    CHECK(m.is_write);
    CHECK_EQ(m.size, 1);

    CHECK_EQ(mmio(&m, L64, "f3 48 a5"), 0);          /* rep movsq */
    CHECK_EQ(m.op, INSN_MMIO_MOVS);
    CHECK(m.string && m.rep);
    CHECK_EQ(m.size, 8);
    CHECK_EQ(m.addr_bytes, 8);
    CHECK(m.is_read && m.is_write);
    CHECK_EQ(mmio(&m, P32, "64 67 a4"), 0);          /* movsb fs:[si] */
    CHECK_EQ(m.src_seg, INSN_SEG_FS);
    CHECK_EQ(m.addr_bytes, 2);
    CHECK(!m.rep);
    CHECK_EQ(mmio(&m, P32, "f3 ab"), 0);             /* rep stosd */
    CHECK_EQ(m.op, INSN_MMIO_STOS);
    CHECK(m.is_write && !m.is_read);
    CHECK_EQ(m.size, 4);
    CHECK_EQ(m.reg, 0);

    CHECK_EQ(mmio(&m, L64, "81 08 00 00 00 80"), 0); /* or dword [rax], 0x80000000 */
    CHECK_EQ(m.op, INSN_MMIO_OR);
    CHECK(m.is_read && m.is_write && m.mem_is_dest);
    CHECK_EQ(m.imm, 0x80000000);
    CHECK_EQ(mmio(&m, L64, "48 83 20 f0"), 0);       /* and qword [rax], -16 */
    CHECK_EQ(m.op, INSN_MMIO_AND);
    CHECK_EQ(m.imm, 0xfffffffffffffff0ULL);
    CHECK_EQ(mmio(&m, L64, "66 83 38 ff"), 0);       /* cmp word [rax], -1 */
    CHECK_EQ(m.op, INSN_MMIO_CMP);
    CHECK(m.is_read && !m.is_write);
    CHECK_EQ(m.imm, 0xffff);
    CHECK_EQ(mmio(&m, L64, "33 08"), 0);             /* xor ecx, [rax] */
    CHECK_EQ(m.op, INSN_MMIO_XOR);
    CHECK(!m.mem_is_dest && !m.is_write);
    CHECK_EQ(m.reg, 1);
    CHECK_EQ(mmio(&m, L64, "f0 01 08"), 0);          /* lock add [rax], ecx */
    CHECK_EQ(m.op, INSN_MMIO_ADD);
    CHECK(m.lock && m.mem_is_dest);
    CHECK_EQ(mmio(&m, L64, "85 08"), 0);             /* test [rax], ecx */
    CHECK_EQ(m.op, INSN_MMIO_TEST);
    CHECK(!m.is_write);
    CHECK_EQ(mmio(&m, L64, "f6 00 80"), 0);          /* test byte [rax], 0x80 */
    CHECK_EQ(m.op, INSN_MMIO_TEST);
    CHECK_EQ(m.src, INSN_MMIO_SRC_IMM);
    CHECK_EQ(m.imm, 0x80);
    CHECK_EQ(m.size, 1);

    /* unsupported */
    CHECK_EQ(mmio(&m, L64, "89 c8"), -EOPNOTSUPP);   /* register form */
    CHECK_EQ(mmio(&m, L64, "11 08"), -EOPNOTSUPP);   /* ADC */
    CHECK_EQ(mmio(&m, L64, "87 08"), -EOPNOTSUPP);   /* XCHG */
    CHECK_EQ(mmio(&m, L64, "0f 28 00"), -EOPNOTSUPP);/* MOVAPS */
    CHECK_EQ(mmio(&m, L64, "c5 f8 28 00"), -EOPNOTSUPP);
    CHECK_EQ(mmio(&m, L64, "f7 18"), -EOPNOTSUPP);   /* NEG */
}

static int io(struct insn_io *p, enum insn_mode mode, const char *hex)
{
    struct insn i;
    int rc = dec(&i, mode, hex);

    return rc ? rc : insn_io_decode(&i, p);
}

static void test_io(void)
{
    struct insn_io p;

    CHECK_EQ(io(&p, L64, "e4 60"), 0);
    CHECK(p.in && p.port_imm && !p.string);
    CHECK_EQ(p.port, 0x60);
    CHECK_EQ(p.size, 1);
    CHECK_EQ(io(&p, L64, "66 e7 80"), 0);
    CHECK(!p.in);
    CHECK_EQ(p.size, 2);
    CHECK_EQ(io(&p, L64, "48 ed"), 0);               /* REX.W ignored */
    CHECK(p.in && !p.port_imm);
    CHECK_EQ(p.size, 4);
    CHECK_EQ(io(&p, R, "ef"), 0);
    CHECK_EQ(p.size, 2);
    CHECK_EQ(io(&p, R, "66 ef"), 0);
    CHECK_EQ(p.size, 4);
    CHECK_EQ(io(&p, P32, "f3 6d"), 0);               /* rep insd */
    CHECK(p.in && p.string && p.rep);
    CHECK_EQ(p.size, 4);
    CHECK_EQ(p.addr_bytes, 4);
    CHECK_EQ(io(&p, L64, "f3 2e 67 6e"), 0);         /* rep outsb cs:[esi] */
    CHECK(!p.in && p.string && p.rep);
    CHECK_EQ(p.seg, INSN_SEG_CS);
    CHECK_EQ(p.addr_bytes, 4);
    CHECK_EQ(p.size, 1);
    CHECK_EQ(io(&p, L64, "0f a2"), -EOPNOTSUPP);
}

/* -------------------------------------------------------- binutils vectors */

static char vec_path[4096];

static bool is_legacy_prefix(uint8_t b)
{
    return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 ||
           b == 0x2e || b == 0x3e || b == 0x26 || b == 0x36 || b == 0x64 || b == 0x65;
}

/* objdump decodes, and the decoder rejects as #UD: LOCK on an instruction
 * that cannot take it, 66/F2/F3/REX before VEX/EVEX, and the obsolete MOV
 * to/from test registers (0F 24/26) and 486/VIA 0F A6/A7. For the first two
 * the decoder must agree on the length once the offending prefixes go. */
static bool stricter_than_objdump(enum insn_mode mode, unsigned int flags,
                                  const uint8_t *b, size_t n, unsigned int want)
{
    uint8_t s[INSN_MAX_LEN];
    size_t p = 0, k = 0, removed = 0;
    bool vex;
    struct insn i;

    while (p < n && (is_legacy_prefix(b[p]) || (mode == L64 && (b[p] & 0xf0) == 0x40)))
        p++;
    if (p + 1 < n && b[p] == 0x0f &&
        (b[p + 1] == 0x24 || b[p + 1] == 0x26 || b[p + 1] == 0xa6 || b[p + 1] == 0xa7))
        return true;
    vex = p + 1 < n && (b[p] == 0xc4 || b[p] == 0xc5 || b[p] == 0x62) &&
          (mode == L64 || (b[p + 1] & 0xc0) == 0xc0);
    for (size_t j = 0; j < n; j++) {
        bool drop = j < p && (b[j] == 0xf0 ||
                              (vex && (b[j] == 0x66 || b[j] == 0xf2 || b[j] == 0xf3 ||
                                       (mode == L64 && (b[j] & 0xf0) == 0x40))));
        if (drop)
            removed++;
        else
            s[k++] = b[j];
    }
    if (!removed || insn_decode_buf(&i, mode, flags, s, k))
        return false;
    return i.len + removed == want;
}

static void test_vectors(void)
{
    FILE *f = fopen(vec_path, "r");
    char line[512];
    unsigned int n_as = 0, n_as_bad = 0, n_rand = 0, n_rand_rej = 0, fails = 0;

    CHECK(f != NULL);
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char kind, hex[64];
        unsigned int bits, want;
        uint8_t b[INSN_MAX_LEN + 1], pad[INSN_MAX_LEN];
        struct insn i;
        enum insn_mode mode;
        size_t n;
        int rc;

        if (line[0] == '#' || sscanf(line, "%c %u %63s %u", &kind, &bits, hex, &want) != 4)
            continue;
        mode = bits == 64 ? L64 : bits == 32 ? P32 : P16;
        n = unhex(hex, b, sizeof(b));
        if (kind == 'A') {
            n_as++;
            rc = insn_decode_buf(&i, mode, 0, b, n);
            if (!want) {
                n_as_bad++;
                if (rc != -EINVAL && fails++ < 30)
                    test_fail(__FILE__, __LINE__, "as: want -EINVAL, got %d len %u: %s",
                              rc, i.len, line);
                continue;
            }
            if ((rc || i.len != want) && fails++ < 30)
                test_fail(__FILE__, __LINE__, "as: rc %d len %u want %u: %s", rc, i.len,
                          want, line);
            /* trailing bytes must not change anything */
            if (n <= INSN_MAX_LEN) {
                memset(pad, 0x66, sizeof(pad));
                memcpy(pad, b, n);
                rc = insn_decode_buf(&i, mode, 0, pad, sizeof(pad));
                if ((rc || i.len != want) && fails++ < 30)
                    test_fail(__FILE__, __LINE__, "padded: rc %d len %u: %s", rc, i.len, line);
            }
        } else if (kind == 'R' || kind == 'I') {
            unsigned int flags = kind == 'I' ? INSN_F_INTEL : 0;

            n_rand++;
            rc = insn_decode_buf(&i, mode, flags, b, n);
            if (rc == -EINVAL) {
                /* objdump decodes some encodings that fault on a CPU; the
                   rejection must be one of those, with the same length */
                n_rand_rej++;
                if (!stricter_than_objdump(mode, flags, b, n, want) && fails++ < 30)
                    test_fail(__FILE__, __LINE__, "rejected, objdump says %u: %s",
                              want, line);
                continue;
            }
            if ((rc || i.len != want) && fails++ < 30)
                test_fail(__FILE__, __LINE__, "objdump: rc %d len %u want %u: %s", rc,
                          i.len, want, line);
        }
    }
    fclose(f);
    printf("    %u as vectors (%u must-reject), %u objdump-random vectors "
           "(%u rejected by the decoder as #UD)\n", n_as, n_as_bad, n_rand, n_rand_rej);
    CHECK(n_as > 5000);
    CHECK(n_rand > 1000);
    /* the decoder is stricter than objdump (LOCK, undefined 0F38/0F3A
       slots, group holes), but not by much */
    CHECK(n_rand_rej * 5 < n_rand);
}

/* ----------------------------------------------------------------- fuzz */

static void test_fuzz(void)
{
    static const uint8_t interesting[] = {
        0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x26, 0x64, 0x65, 0x40, 0x48, 0x4f,
        0x0f, 0x38, 0x3a, 0xc4, 0xc5, 0x62, 0x8f, 0xc0, 0x05, 0x04, 0x24, 0x44,
        0xa0, 0xa1, 0xb8, 0xc7, 0xf6, 0xf7, 0xc8, 0x9a, 0xe8, 0x01,
    };
    unsigned int ok = 0, inval = 0;

    test_srand(0x5eed);
    for (unsigned int iter = 0; iter < 200000; iter++) {
        /* exactly 15 bytes on the heap: ASan catches any read past them */
        uint8_t *b = malloc(INSN_MAX_LEN);
        struct fetch_ctx c = { .buf = b, .avail = INSN_MAX_LEN };
        enum insn_mode mode = test_rand() % 4;
        unsigned int flags = test_rand() & 1;
        struct insn i, j;
        int rc;

        for (int k = 0; k < INSN_MAX_LEN; k++) {
            uint64_t r = test_rand();

            b[k] = (r & 3) ? (uint8_t)(r >> 8) : interesting[(r >> 8) % sizeof(interesting)];
        }
        rc = insn_decode(&i, mode, flags, check_fetch, &c);
        if (c.bad_request)
            test_fail(__FILE__, __LINE__, "fetch past 15 bytes");
        if (rc == 0) {
            ok++;
            if (i.len < 1 || i.len > INSN_MAX_LEN || c.max_end != i.len)
                test_fail(__FILE__, __LINE__, "len %u, fetched %u", i.len, c.max_end);
            /* the same decode from exactly len bytes */
            if (insn_decode_buf(&j, mode, flags, b, i.len) || j.len != i.len ||
                memcmp(&i, &j, sizeof(i)))
                test_fail(__FILE__, __LINE__, "decode depends on bytes past len");
            {
                struct insn_mmio m;
                struct insn_io p;

                (void)insn_mmio_decode(&i, &m);
                (void)insn_io_decode(&i, &p);
            }
        } else if (rc == -EINVAL) {
            inval++;
            if (i.fault != INSN_FAULT_UD && i.fault != INSN_FAULT_GP)
                test_fail(__FILE__, __LINE__, "no fault kind");
        } else {
            test_fail(__FILE__, __LINE__, "rc %d with 15 bytes available", rc);
        }
        free(b);
    }
    printf("    200000 random inputs: %u decoded, %u rejected\n", ok, inval);
    CHECK(ok > 100000);
}

int main(int argc, char **argv)
{
    const char *slash = strrchr(argv[0], '/');

    snprintf(vec_path, sizeof(vec_path), "%.*sinsn_vectors.txt",
             slash ? (int)(slash - argv[0] + 1) : 0, argv[0]);
    RUN(test_prefixes);
    RUN(test_modrm_forms);
    RUN(test_immediates);
    RUN(test_vendor_branches);
    RUN(test_intercepted);
    RUN(test_vex_evex_xop);
    RUN(test_rejects);
    RUN(test_fetch_errors);
    RUN(test_ea_offset);
    RUN(test_mmio);
    RUN(test_io);
    RUN(test_vectors);
    RUN(test_fuzz);
    return test_summary();
}
