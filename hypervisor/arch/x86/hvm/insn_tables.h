/* SPDX-License-Identifier: GPL-2.0-only */
/* Opcode attribute tables of the instruction decoder (insn_tables.c), private
 * to insn_decode.c and insn_operand.c. */
#ifndef HVM_INSN_TABLES_H
#define HVM_INSN_TABLES_H

#include <tessera/types.h>

/* Immediate kinds (bits 1-4 of an attribute). */
#define I_NONE      0
#define I_B         1   /* imm8 */
#define I_W         2   /* imm16 */
#define I_Z         3   /* imm16 with 16-bit operand size, else imm32 */
#define I_V         4   /* imm16/32/64 by operand size (B8+r only) */
#define I_WB        5   /* imm16 then imm8 (ENTER) */
#define I_PTR       6   /* offset imm16/32 by operand size, then selector imm16 */
#define I_MOFFS     7   /* offset of the address size (A0-A3) */
#define I_GRP3      8   /* F6/F7: /0 and /1 take an imm8 / immz */
#define I_BB        9   /* two imm8 (SSE4a EXTRQ/INSERTQ) */
#define I_D         10  /* imm32 (XOP map 0Ah) */

#define T_M         0x0001  /* ModRM follows */
#define T_IMM(k)    ((k) << 1)
#define T_IMM_OF(a) (((a) >> 1) & 0xf)
#define T_BAD       0x0020  /* undefined in every mode */
#define T_I64       0x0040  /* undefined in 64-bit mode */
#define T_D64       0x0080  /* operand size defaults to 64 in 64-bit mode */
#define T_BR        0x0100  /* near relative branch (see INSN_F_INTEL) */
#define T_BYTE      0x0200  /* 8-bit operands */
#define T_REGM      0x0400  /* ModRM.mod ignored, always a register form */
#define T_MEMM      0x0800  /* memory form only: mod=3 is #UD */
#define T_PFX       0x1000  /* a legacy prefix byte */
#define T_GRP       0x2000  /* validity/immediate depends on ModRM or prefix:
                               checked by code in insn_decode.c */

extern const uint16_t insn_attr_1byte[256];
extern const uint16_t insn_attr_0f[256];
/* 0F38 / 0F3A legacy-encoded opcodes that exist (with some mandatory
 * prefix); one bit per opcode. */
extern const uint32_t insn_valid_0f38[8];
extern const uint32_t insn_valid_0f3a[8];

static inline bool insn_bit(const uint32_t *map, uint8_t op)
{
    return (map[op >> 5] >> (op & 31)) & 1;
}

#endif
