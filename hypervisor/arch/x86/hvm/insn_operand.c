/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a decoded instruction does with its operands, for the two emulation
 * paths that need it: MMIO (a nested page fault on a memory operand) and
 * port I/O. See asm/insn_decode.h.
 */
#include <tessera/lib.h>
#include <asm/insn_decode.h>

static uint64_t size_mask(unsigned int bytes)
{
    return bytes >= 8 ? ~0ULL : (1ULL << (8 * bytes)) - 1;
}

static uint64_t sext_to(uint64_t v, unsigned int from, unsigned int to)
{
    unsigned int shift = 64 - 8 * from;

    return (uint64_t)((int64_t)(v << shift) >> shift) & size_mask(to);
}

/* The ModRM.reg operand. Without any REX prefix, byte registers 4-7 are
 * AH, CH, DH, BH; with one (even REX 40h) they are SPL, BPL, SIL, DIL
 * (SDM vol.2 §3.1.1.1, table 3-1). */
static void set_reg(const struct insn *insn, struct insn_mmio *m,
                    unsigned int reg, unsigned int bytes)
{
    m->reg = reg;
    m->reg_bytes = bytes;
    if (bytes == 1 && !insn->rex && reg >= 4 && reg <= 7) {
        m->reg = reg - 4;
        m->reg_high8 = true;
    }
}

static unsigned int opsize(const struct insn *insn)
{
    return insn->byte_op ? 1 : insn->op_bytes;
}

/* Group-1 /r and the ALU opcode blocks 00-3F share one operation order. */
static const int8_t alu_op[8] = {
    INSN_MMIO_ADD, INSN_MMIO_OR, -1 /* ADC */, -1 /* SBB */,
    INSN_MMIO_AND, INSN_MMIO_SUB, INSN_MMIO_XOR, INSN_MMIO_CMP,
};

static int alu(const struct insn *insn, struct insn_mmio *m, int op,
               bool mem_dest)
{
    if (op < 0)
        return -EOPNOTSUPP;
    m->op = op;
    m->is_read = true;
    m->mem_is_dest = mem_dest && op != INSN_MMIO_CMP && op != INSN_MMIO_TEST;
    m->is_write = m->mem_is_dest;
    return 0;
}

static int mmio_1byte(const struct insn *insn, struct insn_mmio *m)
{
    unsigned int op = insn->opcode, reg = (insn->modrm >> 3) & 7;
    unsigned int size = opsize(insn);

    m->size = size;
    if (op < 0x40 && (op & 7) < 4) {        /* ALU E,G (dest mem) / G,E */
        set_reg(insn, m, insn->reg, size);
        m->src = INSN_MMIO_SRC_REG;
        return alu(insn, m, alu_op[op >> 3], !(op & 2));
    }
    switch (op) {
    case 0x80: case 0x81: case 0x82: case 0x83:     /* group 1 Ex, imm */
        m->src = INSN_MMIO_SRC_IMM;
        m->imm = sext_to(insn->imm, insn->imm_bytes, size);
        return alu(insn, m, alu_op[reg], true);
    case 0x84: case 0x85:                   /* TEST Ex, Gx */
        set_reg(insn, m, insn->reg, size);
        m->src = INSN_MMIO_SRC_REG;
        return alu(insn, m, INSN_MMIO_TEST, false);
    case 0xf6: case 0xf7:                   /* TEST Ex, imm (/0, /1) */
        if (reg > 1)
            return -EOPNOTSUPP;
        m->src = INSN_MMIO_SRC_IMM;
        m->imm = sext_to(insn->imm, insn->imm_bytes, size);
        return alu(insn, m, INSN_MMIO_TEST, false);
    case 0x88: case 0x89:                   /* MOV Ex, Gx */
    case 0x8a: case 0x8b:                   /* MOV Gx, Ex */
        m->op = INSN_MMIO_MOV;
        set_reg(insn, m, insn->reg, size);
        m->is_write = !(op & 2);
        m->is_read = !m->is_write;
        m->src = m->is_write ? INSN_MMIO_SRC_REG : INSN_MMIO_SRC_NONE;
        return 0;
    case 0xc6: case 0xc7:                   /* MOV Ex, imm: imm32 sign-extends */
        if (reg != 0)
            return -EOPNOTSUPP;
        m->op = INSN_MMIO_MOV;
        m->is_write = true;
        m->src = INSN_MMIO_SRC_IMM;
        m->imm = sext_to(insn->imm, insn->imm_bytes, size);
        return 0;
    case 0xa0: case 0xa1: case 0xa2: case 0xa3:     /* MOV rAX <-> moffs */
        m->op = INSN_MMIO_MOV;
        set_reg(insn, m, 0, size);
        m->is_write = op >= 0xa2;
        m->is_read = !m->is_write;
        m->src = m->is_write ? INSN_MMIO_SRC_REG : INSN_MMIO_SRC_NONE;
        return 0;
    case 0xa4: case 0xa5:                   /* MOVS */
        m->op = INSN_MMIO_MOVS;
        m->is_read = m->is_write = true;
        break;
    case 0xaa: case 0xab:                   /* STOS */
        m->op = INSN_MMIO_STOS;
        set_reg(insn, m, 0, size);
        m->src = INSN_MMIO_SRC_REG;
        m->is_write = true;
        break;
    case 0xac: case 0xad:                   /* LODS */
        m->op = INSN_MMIO_LODS;
        set_reg(insn, m, 0, size);
        m->is_read = true;
        break;
    default:
        return -EOPNOTSUPP;
    }
    /* String instructions: the memory operands are implicit. */
    m->string = true;
    m->rep = insn->rep != 0;
    m->addr_bytes = insn->addr_bytes;
    m->src_seg = insn->seg == INSN_SEG_NONE ? INSN_SEG_DS : insn->seg;
    return 0;
}

int insn_mmio_decode(const struct insn *insn, struct insn_mmio *m)
{
    memset(m, 0, sizeof(*m));
    m->reg = INSN_REG_NONE;
    m->lock = insn->lock;
    if (insn->enc != INSN_ENC_LEGACY)
        return -EOPNOTSUPP;

    if (insn->map == INSN_MAP_1BYTE) {
        bool string = insn->opcode >= 0xa4 && insn->opcode <= 0xad;

        if (!string && !insn->has_mem)
            return -EOPNOTSUPP;
        return mmio_1byte(insn, m);
    }
    if (insn->map == INSN_MAP_0F && insn->has_mem &&
        (insn->opcode == 0xb6 || insn->opcode == 0xb7 ||
         insn->opcode == 0xbe || insn->opcode == 0xbf)) {
        m->op = (insn->opcode & 8) ? INSN_MMIO_MOVSX : INSN_MMIO_MOVZX;
        m->size = (insn->opcode & 1) ? 2 : 1;
        m->is_read = true;
        set_reg(insn, m, insn->reg, insn->op_bytes);
        return 0;
    }
    return -EOPNOTSUPP;
}

int insn_io_decode(const struct insn *insn, struct insn_io *io)
{
    uint8_t op = insn->opcode;

    memset(io, 0, sizeof(*io));
    if (insn->enc != INSN_ENC_LEGACY || insn->map != INSN_MAP_1BYTE)
        return -EOPNOTSUPP;
    if ((op & 0xfc) == 0xe4 || (op & 0xfc) == 0xec) {
        io->port_imm = op < 0xe8;
        io->port = io->port_imm ? (uint16_t)insn->imm : 0;
        io->in = !(op & 2);
    } else if ((op & 0xfc) == 0x6c) {
        io->string = true;
        io->rep = insn->rep != 0;
        io->in = !(op & 2);
        io->addr_bytes = insn->addr_bytes;
        io->seg = insn->seg == INSN_SEG_NONE ? INSN_SEG_DS : insn->seg;
    } else {
        return -EOPNOTSUPP;
    }
    /* Port I/O is at most 32 bits: REX.W is ignored (SDM vol.2 IN/OUT). */
    io->size = (op & 1) ? (insn->op_bytes == 2 ? 2 : 4) : 1;
    return 0;
}
