/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 instruction decoder: prefixes, opcode maps, ModRM/SIB/displacement and
 * immediates, for finding the length of an intercepted guest instruction and
 * the operands of one that faulted on MMIO. See asm/insn_decode.h.
 *
 * Layout of an instruction (SDM vol.2 §2.1, APM vol.3 §1.1):
 *   legacy prefixes, REX | VEX | EVEX | XOP, opcode (1-3 bytes), ModRM, SIB,
 *   displacement (0/1/2/4), immediate (0/1/2/4/8), at most 15 bytes in all.
 */
#include <tessera/lib.h>
#include <asm/insn_decode.h>
#include "insn_tables.h"

struct dec {
    struct insn *insn;
    insn_fetch_fn fetch;
    void *ctx;
    unsigned int flags;
    bool mode64;
};

enum insn_mode insn_mode_of(bool cr0_pe, bool rflags_vm, bool efer_lma,
                            bool cs_l, bool cs_d)
{
    if (!cr0_pe || rflags_vm)
        return INSN_MODE_REAL;
    if (efer_lma && cs_l)           /* CS.L=1 with CS.D=1 is reserved: #GP on load */
        return INSN_MODE_LONG64;
    return cs_d ? INSN_MODE_PROT32 : INSN_MODE_PROT16;
}

static int fail(struct dec *d, enum insn_fault f)
{
    d->insn->fault = f;
    return -EINVAL;
}

/* Appends n bytes to the instruction. More than 15 bytes in all is #GP
 * (SDM vol.2 §2.3.11); nothing past byte 15 is ever fetched. */
static int get(struct dec *d, unsigned int n, uint64_t *val)
{
    struct insn *insn = d->insn;
    uint64_t v = 0;

    if (insn->len + n > INSN_MAX_LEN)
        return fail(d, INSN_FAULT_GP);
    if (d->fetch(d->ctx, insn->len, &insn->bytes[insn->len], n) < 0)
        return -EFAULT;
    for (unsigned int i = n; i--; )
        v = (v << 8) | insn->bytes[insn->len + i];
    insn->len += n;
    *val = v;
    return 0;
}

static int get8(struct dec *d, uint8_t *b)
{
    uint64_t v = 0;
    int rc = get(d, 1, &v);

    *b = (uint8_t)v;
    return rc;
}

/* Looks at the next byte without consuming it (VEX/EVEX/XOP detection). */
static int peek8(struct dec *d, uint8_t *b)
{
    struct insn *insn = d->insn;

    if (insn->len + 1 > INSN_MAX_LEN)
        return fail(d, INSN_FAULT_GP);
    if (d->fetch(d->ctx, insn->len, &insn->bytes[insn->len], 1) < 0)
        return -EFAULT;
    *b = insn->bytes[insn->len];
    return 0;
}

static int64_t sext(uint64_t v, unsigned int bytes)
{
    unsigned int shift = 64 - 8 * bytes;

    return bytes ? (int64_t)(v << shift) >> shift : 0;
}

/* Legacy prefixes and REX. Several prefixes of one group are allowed, the
 * last one counts. A REX prefix counts only directly before the opcode: one
 * followed by a legacy prefix is ignored (SDM vol.2 §2.2.1), and of several
 * REX bytes only the last counts. */
static int decode_prefixes(struct dec *d, uint8_t *op)
{
    struct insn *insn = d->insn;
    uint8_t b;
    int rc;

    for (;;) {
        if ((rc = get8(d, &b)))
            return rc;
        switch (b) {
        case 0x26: insn->seg = INSN_SEG_ES; break;
        case 0x2e: insn->seg = INSN_SEG_CS; break;
        case 0x36: insn->seg = INSN_SEG_SS; break;
        case 0x3e: insn->seg = INSN_SEG_DS; break;
        case 0x64: insn->seg = INSN_SEG_FS; break;
        case 0x65: insn->seg = INSN_SEG_GS; break;
        case 0x66: insn->opsize_prefix = true; break;
        case 0x67: insn->addrsize_prefix = true; break;
        case 0xf0: insn->lock = true; break;
        case 0xf2: case 0xf3: insn->rep = b; break;
        default:
            if (d->mode64 && (b & 0xf0) == 0x40) {
                insn->rex = b;
                insn->nr_prefixes++;
                continue;
            }
            *op = b;
            return 0;
        }
        insn->rex = 0;
        insn->nr_prefixes++;
    }
}

static void set_rex_bits(struct insn *insn)
{
    insn->rex_w = insn->rex & 8;
    insn->rex_r = insn->rex & 4;
    insn->rex_x = insn->rex & 2;
    insn->rex_b = insn->rex & 1;
}

/* VEX (C4/C5), EVEX (62) and XOP (8F) all forbid a preceding 66, F2, F3,
 * LOCK or REX prefix (SDM vol.2 §2.3.2/§2.7, APM vol.3 §1.8). Their R/X/B
 * (and EVEX R'/V') bits are stored inverted; outside 64-bit mode R, X and
 * the high register bits are forced to 1 by the "mod=11" rule that tells
 * VEX from LES/LDS/BOUND, and B is ignored. */
static int decode_vex(struct dec *d, uint8_t esc, uint8_t *op)
{
    struct insn *insn = d->insn;
    uint8_t p0, p1 = 0, p2, map;
    int rc;

    if (insn->rex || insn->rep || insn->lock || insn->opsize_prefix)
        return fail(d, INSN_FAULT_UD);
    if ((rc = get8(d, &p0)))
        return rc;

    if (esc == 0xc5) {
        insn->enc = INSN_ENC_VEX2;
        insn->rex_r = !(p0 & 0x80) && d->mode64;
        insn->vex_vvvv = (~p0 >> 3) & 0xf;
        insn->vex_l = (p0 >> 2) & 1;
        insn->vex_pp = p0 & 3;
        map = 1;
    } else if (esc == 0x62) {
        insn->enc = INSN_ENC_EVEX;
        if ((rc = get8(d, &p1)) || (rc = get8(d, &p2)))
            return rc;
        /* P0 bit 3 is reserved (0), P1 bit 2 is fixed (1): SDM vol.2 §2.7.1 */
        if ((p0 & 0x08) || !(p1 & 0x04))
            return fail(d, INSN_FAULT_UD);
        map = p0 & 7;
        if (map == 0 || map == 4 || map == 7)
            return fail(d, INSN_FAULT_UD);
        insn->evex_p2 = p2;
        insn->vex_l = (p2 >> 5) & 3;
    } else {
        insn->enc = esc == 0xc4 ? INSN_ENC_VEX3 : INSN_ENC_XOP;
        if ((rc = get8(d, &p1)))
            return rc;
        map = p0 & 0x1f;
        if (esc == 0xc4 ? (map < 1 || map > 3) : (map < 8 || map > 10))
            return fail(d, INSN_FAULT_UD);
        insn->vex_l = (p1 >> 2) & 1;
    }
    if (esc != 0xc5) {
        insn->rex_r = !(p0 & 0x80) && d->mode64;
        insn->rex_x = !(p0 & 0x40) && d->mode64;
        insn->rex_b = !(p0 & 0x20) && d->mode64;
        insn->rex_w = (p1 & 0x80) && d->mode64;
        insn->vex_vvvv = (~p1 >> 3) & 0xf;
        insn->vex_pp = p1 & 3;
    }

    switch (map) {
    case 1: insn->map = INSN_MAP_0F; break;
    case 2: insn->map = INSN_MAP_0F38; break;
    case 3: insn->map = INSN_MAP_0F3A; break;
    case 5: insn->map = INSN_MAP_EVEX5; break;
    case 6: insn->map = INSN_MAP_EVEX6; break;
    case 8: insn->map = INSN_MAP_XOP8; break;
    case 9: insn->map = INSN_MAP_XOP9; break;
    default: insn->map = INSN_MAP_XOPA; break;
    }
    return get8(d, op);
}

/* Attributes of a VEX/EVEX/XOP opcode: all take ModRM except VZEROUPPER/
 * VZEROALL (VEX 0F 77); immediates per SDM vol.2 §2.3.x / APM vol.3 §1.8. */
static uint16_t vex_attr(const struct insn *insn)
{
    uint8_t op = insn->opcode;

    switch (insn->map) {
    case INSN_MAP_0F:
        if (op == 0x77 && insn->enc != INSN_ENC_EVEX)
            return 0;
        if ((op >= 0x70 && op <= 0x73) || op == 0xc2 || (op >= 0xc4 && op <= 0xc6))
            return T_M | T_IMM(I_B);
        return T_M;
    case INSN_MAP_0F3A:
    case INSN_MAP_XOP8:
        return T_M | T_IMM(I_B);
    case INSN_MAP_XOPA:
        return T_M | T_IMM(I_D);
    default:
        return T_M;
    }
}

/* ModRM memory forms. 16-bit addressing: SDM vol.2 table 2-1; 32/64-bit:
 * tables 2-2/2-3, with RIP-relative replacing [disp32] in 64-bit mode
 * (§2.2.1.6). REX.B does not change which forms take a SIB or a bare
 * disp32: r12 needs a SIB like rSP, r13 needs a disp like rBP. */
static int decode_mem(struct dec *d)
{
    static const int8_t base16[8] = { 3, 3, 5, 5, 6, 7, 5, 3 };
    static const int8_t index16[8] = { 6, 7, 6, 7, -1, -1, -1, -1 };
    struct insn *insn = d->insn;
    struct insn_ea *ea = &insn->ea;
    uint8_t rm = insn->modrm & 7, mod = insn->mod;
    uint64_t v;
    int rc;

    insn->has_mem = true;
    ea->base = ea->index = INSN_REG_NONE;
    ea->scale = 1;

    if (insn->addr_bytes == 2) {
        if (mod == 0 && rm == 6) {
            insn->disp_bytes = 2;
        } else {
            ea->base = base16[rm];
            ea->index = index16[rm];
            insn->disp_bytes = mod == 1 ? 1 : mod == 2 ? 2 : 0;
        }
    } else {
        if (rm == 4) {
            if ((rc = get8(d, &insn->sib)))
                return rc;
            insn->has_sib = true;
            ea->scale = 1 << (insn->sib >> 6);
            ea->index = ((insn->sib >> 3) & 7) | (insn->rex_x ? 8 : 0);
            if (ea->index == 4)             /* no index; r12 is an index */
                ea->index = INSN_REG_NONE;
            ea->base = (insn->sib & 7) | (insn->rex_b ? 8 : 0);
            if ((insn->sib & 7) == 5 && mod == 0) {
                ea->base = INSN_REG_NONE;
                insn->disp_bytes = 4;
            }
        } else if (rm == 5 && mod == 0) {
            ea->rip_rel = d->mode64;
            insn->disp_bytes = 4;
        } else {
            ea->base = insn->rm;
        }
        if (mod == 1)
            insn->disp_bytes = 1;
        else if (mod == 2)
            insn->disp_bytes = 4;
    }

    if (insn->disp_bytes) {
        if ((rc = get(d, insn->disp_bytes, &v)))
            return rc;
        insn->disp = sext(v, insn->disp_bytes);
    }
    ea->disp = insn->disp;
    ea->seg = insn->seg;
    if (ea->seg == INSN_SEG_NONE)
        ea->seg = (ea->base == 4 || ea->base == 5) ? INSN_SEG_SS : INSN_SEG_DS;
    return 0;
}

static int decode_modrm(struct dec *d, uint16_t attr)
{
    struct insn *insn = d->insn;
    int rc;

    if ((rc = get8(d, &insn->modrm)))
        return rc;
    insn->has_modrm = true;
    insn->mod = insn->modrm >> 6;
    insn->reg = ((insn->modrm >> 3) & 7) | (insn->rex_r ? 8 : 0);
    insn->rm = (insn->modrm & 7) | (insn->rex_b ? 8 : 0);
    /* MOV to/from CRn/DRn: "the mod bits are ignored" (SDM vol.2 MOV-Move
     * to/from Control Registers); whatever they hold, no SIB or disp. */
    if (attr & T_REGM)
        insn->mod = 3;
    if (insn->mod == 3)
        return (attr & T_MEMM) ? fail(d, INSN_FAULT_UD) : 0;
    return decode_mem(d);
}

/* Opcodes whose validity or immediate depends on ModRM.reg or on a
 * mandatory prefix; returns the immediate kind, or -1 for #UD. */
static int group_imm(const struct insn *insn, uint16_t attr)
{
    unsigned int reg = (insn->modrm >> 3) & 7;
    int imm = T_IMM_OF(attr);

    if (insn->map == INSN_MAP_1BYTE) {
        switch (insn->opcode) {
        case 0x8f:                          /* POP Ev is /0 only */
            return reg == 0 ? imm : -1;
        case 0xc6: case 0xc7:               /* MOV Ev,I is /0; XABORT, XBEGIN */
            return (reg == 0 || insn->modrm == 0xf8) ? imm : -1;
        case 0xfe:                          /* INC/DEC Eb */
            return reg <= 1 ? imm : -1;
        case 0xff:                          /* /3 /5 far CALL/JMP need memory */
            if (reg == 7 || ((reg == 3 || reg == 5) && insn->mod == 3))
                return -1;
            return imm;
        }
        return imm;
    }
    switch (insn->opcode) {                 /* map 0F */
    case 0x00:                              /* group 6: SLDT..VERW are /0-/5 */
        return reg <= 5 ? imm : -1;
    case 0x78:                              /* 66: EXTRQ, F2: INSERTQ (AMD SSE4a) */
        return (insn->opsize_prefix || insn->rep == 0xf2) ? I_BB : imm;
    case 0xb8:                              /* POPCNT; without F3 it's JMPE */
        return insn->rep == 0xf3 ? imm : -1;
    case 0xba:                              /* group 8: BT BTS BTR BTC are /4-/7 */
        return reg >= 4 ? imm : -1;
    case 0xc7:                              /* group 9: nothing at /0, /2 */
        if (reg == 0 || reg == 2 || (reg == 1 && insn->mod == 3))
            return -1;
        return imm;
    }
    return imm;
}

/* LOCK is allowed only on the read-modify-write instructions listed in SDM
 * vol.2 "LOCK", with a memory destination; anything else is #UD. AMD's
 * LOCK MOV CR0 is its alternative encoding of MOV CR8 (APM vol.3, MOV
 * CRn, CPUID Fn8000_0001_ECX[AltMovCr8]). */
static bool lock_ok(struct insn *insn, unsigned int flags)
{
    unsigned int reg = (insn->modrm >> 3) & 7;
    uint8_t op = insn->opcode;

    if (insn->enc != INSN_ENC_LEGACY)
        return false;
    if (insn->map == INSN_MAP_0F && (op == 0x20 || op == 0x22) &&
        !(flags & INSN_F_INTEL)) {
        insn->reg |= 8;
        return true;
    }
    if (!insn->has_modrm || insn->mod == 3)
        return false;
    if (insn->map == INSN_MAP_1BYTE) {
        if (op < 0x40)                      /* ALU Eb,Gb / Ev,Gv but not CMP */
            return (op & 6) == 0 && (op & 0x38) != 0x38;
        switch (op) {
        case 0x80: case 0x81: case 0x82: case 0x83:
            return reg != 7;
        case 0x86: case 0x87:
            return true;
        case 0xf6: case 0xf7:
            return reg == 2 || reg == 3;    /* NOT, NEG */
        case 0xfe: case 0xff:
            return reg <= 1;                /* INC, DEC */
        }
        return false;
    }
    if (insn->map == INSN_MAP_0F) {
        switch (op) {
        case 0xab: case 0xb3: case 0xbb:    /* BTS BTR BTC */
        case 0xb0: case 0xb1: case 0xc0: case 0xc1:
            return true;
        case 0xba:
            return reg >= 5;
        case 0xc7:
            return reg == 1;                /* CMPXCHG8B/16B */
        }
    }
    return false;
}

static void set_sizes(struct dec *d, uint16_t attr)
{
    struct insn *insn = d->insn;

    switch (insn->mode) {
    case INSN_MODE_LONG64:
        insn->addr_bytes = insn->addrsize_prefix ? 4 : 8;
        if (insn->rex_w)
            insn->op_bytes = 8;
        else if ((attr & T_BR) && (d->flags & INSN_F_INTEL))
            insn->op_bytes = 8;             /* 66h ignored (see INSN_F_INTEL) */
        else if (insn->opsize_prefix)
            insn->op_bytes = 2;
        else
            insn->op_bytes = (attr & T_D64) ? 8 : 4;
        break;
    case INSN_MODE_PROT32:
        insn->addr_bytes = insn->addrsize_prefix ? 2 : 4;
        insn->op_bytes = insn->opsize_prefix ? 2 : 4;
        break;
    default:
        insn->addr_bytes = insn->addrsize_prefix ? 4 : 2;
        insn->op_bytes = insn->opsize_prefix ? 4 : 2;
        break;
    }
}

static int decode_imm(struct dec *d, int kind)
{
    struct insn *insn = d->insn;
    unsigned int z = insn->op_bytes == 2 ? 2 : 4;
    unsigned int n = 0, n2 = 0;
    uint64_t v;
    int rc;

    switch (kind) {
    case I_B: n = 1; break;
    case I_W: n = 2; break;
    case I_Z: n = z; break;
    case I_V: n = insn->op_bytes; break;
    case I_WB: n = 2; n2 = 1; break;
    case I_PTR: n = z; n2 = 2; break;
    case I_BB: n = 1; n2 = 1; break;
    case I_D: n = 4; break;
    case I_GRP3:                            /* TEST is /0 (and its alias /1) */
        if (((insn->modrm >> 3) & 7) <= 1)
            n = insn->byte_op ? 1 : z;
        break;
    case I_MOFFS:
        /* The offset is as wide as the address size; it is the operand's
         * address, so it is reported as a displacement. */
        insn->has_mem = true;
        insn->ea.base = insn->ea.index = INSN_REG_NONE;
        insn->ea.scale = 1;
        insn->ea.seg = insn->seg == INSN_SEG_NONE ? INSN_SEG_DS : insn->seg;
        insn->disp_bytes = insn->addr_bytes;
        if ((rc = get(d, insn->addr_bytes, &v)))
            return rc;
        insn->disp = insn->ea.disp = (int64_t)v;
        return 0;
    }
    if (n) {
        if ((rc = get(d, n, &v)))
            return rc;
        insn->imm_bytes = n;
        insn->imm = v;
    }
    if (n2) {
        if ((rc = get(d, n2, &v)))
            return rc;
        insn->imm2_bytes = n2;
        insn->imm2 = v;
    }
    return 0;
}

static int decode_opcode(struct dec *d, uint8_t op, uint16_t *attrp)
{
    struct insn *insn = d->insn;
    uint8_t next;
    int rc;

    insn->map = INSN_MAP_1BYTE;
    if (op == 0x0f) {
        if ((rc = get8(d, &op)))
            return rc;
        insn->map = INSN_MAP_0F;
        if (op == 0x38 || op == 0x3a) {
            insn->map = op == 0x38 ? INSN_MAP_0F38 : INSN_MAP_0F3A;
            if ((rc = get8(d, &op)))
                return rc;
        }
    } else if ((op == 0xc4 || op == 0xc5 || op == 0x62 || op == 0x8f) &&
               insn->mode != INSN_MODE_REAL) {
        /* Outside 64-bit mode these are VEX/EVEX only if the next byte
         * would be a register-form ModRM (LES/LDS/BOUND need memory); XOP
         * if it would not be POP's /0 (mmmmm >= 8). SDM vol.2 §2.3.5, APM
         * vol.3 §1.8.1. */
        if ((rc = peek8(d, &next)))
            return rc;
        if (op == 0x8f ? (next & 0x18) != 0
                       : (d->mode64 || (next & 0xc0) == 0xc0)) {
            if ((rc = decode_vex(d, op, &op)))
                return rc;
            insn->opcode = op;
            *attrp = vex_attr(insn);
            if (insn->map == INSN_MAP_0F && op == 0x0f)
                return fail(d, INSN_FAULT_UD);
            return 0;
        }
    }
    insn->opcode = op;

    switch (insn->map) {
    case INSN_MAP_1BYTE:
        *attrp = insn_attr_1byte[op];
        break;
    case INSN_MAP_0F:
        *attrp = insn_attr_0f[op];
        break;
    case INSN_MAP_0F38:
        *attrp = insn_bit(insn_valid_0f38, op) ? T_M : T_BAD;
        break;
    default:
        *attrp = insn_bit(insn_valid_0f3a, op) ? T_M | T_IMM(I_B) : T_BAD;
        break;
    }
    if ((*attrp & T_BAD) || ((*attrp & T_I64) && d->mode64))
        return fail(d, INSN_FAULT_UD);
    return 0;
}

int insn_decode(struct insn *insn, enum insn_mode mode, unsigned int flags,
                insn_fetch_fn fetch, void *ctx)
{
    struct dec d = { .insn = insn, .fetch = fetch, .ctx = ctx, .flags = flags,
                     .mode64 = mode == INSN_MODE_LONG64 };
    uint16_t attr = 0;
    uint8_t op;
    int imm, rc;

    memset(insn, 0, sizeof(*insn));
    insn->mode = mode;
    insn->seg = INSN_SEG_NONE;
    insn->ea.base = insn->ea.index = INSN_REG_NONE;

    if ((rc = decode_prefixes(&d, &op)))
        return rc;
    set_rex_bits(insn);
    if ((rc = decode_opcode(&d, op, &attr)))
        return rc;
    set_sizes(&d, attr);
    if (insn->enc != INSN_ENC_LEGACY && !d.mode64)
        insn->op_bytes = 4;                 /* VEX.W/66h do not apply there */
    insn->byte_op = attr & T_BYTE;

    if ((attr & T_M) && (rc = decode_modrm(&d, attr)))
        return rc;
    imm = (attr & T_GRP) ? group_imm(insn, attr) : T_IMM_OF(attr);
    if (imm < 0)
        return fail(&d, INSN_FAULT_UD);
    if (insn->lock && !lock_ok(insn, flags))
        return fail(&d, INSN_FAULT_UD);
    return decode_imm(&d, imm);
}

struct buf_ctx {
    const uint8_t *buf;
    size_t len;
};

static int buf_fetch(void *ctx, uint64_t off, uint8_t *out, unsigned int len)
{
    const struct buf_ctx *b = ctx;

    if (off > b->len || len > b->len - off)
        return -EFAULT;
    memcpy(out, b->buf + off, len);
    return 0;
}

int insn_decode_buf(struct insn *insn, enum insn_mode mode, unsigned int flags,
                    const uint8_t *buf, size_t len)
{
    struct buf_ctx b = { .buf = buf, .len = len };

    return insn_decode(insn, mode, flags, buf_fetch, &b);
}

uint64_t insn_ea_offset(const struct insn *insn, uint64_t rip,
                        const uint64_t gpr[16])
{
    const struct insn_ea *ea = &insn->ea;
    uint64_t off = (uint64_t)ea->disp;

    if (ea->rip_rel)
        off += rip + insn->len;
    if (ea->base != INSN_REG_NONE)
        off += gpr[ea->base];
    if (ea->index != INSN_REG_NONE)
        off += gpr[ea->index] * ea->scale;
    switch (insn->addr_bytes) {
    case 2: return off & 0xffff;
    case 4: return off & 0xffffffff;
    default: return off;
    }
}
