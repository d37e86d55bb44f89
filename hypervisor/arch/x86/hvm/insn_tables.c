/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Opcode attribute tables: for each opcode, whether a ModRM byte follows,
 * which immediate, and the mode/size quirks that change a length or make
 * the encoding invalid. Written from the opcode maps of SDM vol.2 appendix A
 * and APM vol.3 appendix A.
 */
#include "insn_tables.h"

#define M       T_M
#define IB      T_IMM(I_B)
#define IW      T_IMM(I_W)
#define IZ      T_IMM(I_Z)
#define BYTE    T_BYTE

/* ALU block at 00/08/10/18/20/28/30/38: Eb,Gb  Ev,Gv  Gb,Eb  Gv,Ev  AL,Ib  rAX,Iz */
#define ALU(b)  [(b) + 0] = M | BYTE, [(b) + 1] = M, [(b) + 2] = M | BYTE, \
                [(b) + 3] = M, [(b) + 4] = IB | BYTE, [(b) + 5] = IZ

const uint16_t insn_attr_1byte[256] = {
    ALU(0x00), [0x06] = T_I64, [0x07] = T_I64,              /* ADD, PUSH/POP ES */
    ALU(0x08), [0x0e] = T_I64, [0x0f] = 0,                  /* OR, PUSH CS, 0F escape */
    ALU(0x10), [0x16] = T_I64, [0x17] = T_I64,              /* ADC, PUSH/POP SS */
    ALU(0x18), [0x1e] = T_I64, [0x1f] = T_I64,              /* SBB, PUSH/POP DS */
    ALU(0x20), [0x26] = T_PFX, [0x27] = T_I64,              /* AND, ES:, DAA */
    ALU(0x28), [0x2e] = T_PFX, [0x2f] = T_I64,              /* SUB, CS:, DAS */
    ALU(0x30), [0x36] = T_PFX, [0x37] = T_I64,              /* XOR, SS:, AAA */
    ALU(0x38), [0x3e] = T_PFX, [0x3f] = T_I64,              /* CMP, DS:, AAS */
    /* 40-4F INC/DEC (REX in 64-bit mode, taken by the prefix loop) */
    [0x50 ... 0x5f] = T_D64,                                /* PUSH/POP r */
    [0x60] = T_I64, [0x61] = T_I64,                         /* PUSHA, POPA */
    [0x62] = M | T_MEMM | T_I64,                            /* BOUND (EVEX: code) */
    [0x63] = M,                                             /* ARPL / MOVSXD */
    [0x64 ... 0x67] = T_PFX,                                /* FS: GS: 66 67 */
    [0x68] = IZ | T_D64, [0x69] = M | IZ,                   /* PUSH Iz, IMUL Gv,Ev,Iz */
    [0x6a] = IB | T_D64, [0x6b] = M | IB,                   /* PUSH Ib, IMUL Gv,Ev,Ib */
    [0x6c] = BYTE, [0x6e] = BYTE,                           /* INS/OUTS */
    [0x70 ... 0x7f] = IB | T_BR | T_D64,                    /* Jcc rel8 */
    [0x80] = M | IB | BYTE, [0x81] = M | IZ,                /* group 1 */
    [0x82] = M | IB | BYTE | T_I64, [0x83] = M | IB,
    [0x84] = M | BYTE, [0x85] = M,                          /* TEST */
    [0x86] = M | BYTE, [0x87] = M,                          /* XCHG */
    [0x88] = M | BYTE, [0x89] = M, [0x8a] = M | BYTE, [0x8b] = M,   /* MOV */
    [0x8c] = M, [0x8d] = M | T_MEMM, [0x8e] = M,            /* MOV Sreg, LEA */
    [0x8f] = M | T_D64 | T_GRP,                             /* POP Ev (XOP: code) */
    /* 90-99 XCHG, CBW, CWD: no operands to decode */
    [0x9a] = T_IMM(I_PTR) | T_I64,                          /* CALL far ptr */
    [0x9c] = T_D64, [0x9d] = T_D64,                         /* PUSHF, POPF */
    [0xa0] = T_IMM(I_MOFFS) | BYTE, [0xa1] = T_IMM(I_MOFFS),
    [0xa2] = T_IMM(I_MOFFS) | BYTE, [0xa3] = T_IMM(I_MOFFS),
    [0xa4] = BYTE, [0xa6] = BYTE,                           /* MOVS, CMPS */
    [0xa8] = IB | BYTE, [0xa9] = IZ,                        /* TEST rAX */
    [0xaa] = BYTE, [0xac] = BYTE, [0xae] = BYTE,            /* STOS LODS SCAS */
    [0xb0 ... 0xb7] = IB | BYTE,                            /* MOV r8, Ib */
    [0xb8 ... 0xbf] = T_IMM(I_V),                           /* MOV r, Iv */
    [0xc0] = M | IB | BYTE, [0xc1] = M | IB,                /* group 2 */
    [0xc2] = IW | T_D64, [0xc3] = T_D64,                    /* RET near */
    [0xc4] = M | T_MEMM | T_I64, [0xc5] = M | T_MEMM | T_I64, /* LES LDS (VEX: code) */
    [0xc6] = M | IB | BYTE | T_GRP, [0xc7] = M | IZ | T_GRP,/* group 11 */
    [0xc8] = T_IMM(I_WB) | T_D64, [0xc9] = T_D64,           /* ENTER, LEAVE */
    [0xca] = IW,                                            /* RET far Iw */
    [0xcd] = IB, [0xce] = T_I64,                            /* INT Ib, INTO */
    [0xd0] = M | BYTE, [0xd1] = M, [0xd2] = M | BYTE, [0xd3] = M,
    [0xd4] = IB | T_I64, [0xd5] = IB | T_I64,               /* AAM, AAD */
    [0xd6] = T_BAD,                                         /* (SALC) reserved */
    [0xd8 ... 0xdf] = M,                                    /* x87 */
    [0xe0 ... 0xe3] = IB | T_BR | T_D64,                    /* LOOPcc, JrCXZ */
    [0xe4] = IB | BYTE, [0xe5] = IB, [0xe6] = IB | BYTE, [0xe7] = IB,
    [0xe8] = IZ | T_BR | T_D64, [0xe9] = IZ | T_BR | T_D64, /* CALL, JMP rel */
    [0xea] = T_IMM(I_PTR) | T_I64,                          /* JMP far ptr */
    [0xeb] = IB | T_BR | T_D64,
    [0xec] = BYTE, [0xee] = BYTE,                           /* IN/OUT DX */
    [0xf0] = T_PFX, [0xf2] = T_PFX, [0xf3] = T_PFX,
    [0xf6] = M | T_IMM(I_GRP3) | BYTE, [0xf7] = M | T_IMM(I_GRP3),
    [0xfe] = M | BYTE | T_GRP, [0xff] = M | T_GRP,          /* groups 4, 5 */
};

const uint16_t insn_attr_0f[256] = {
    [0x00] = M | T_GRP, [0x01] = M, [0x02] = M, [0x03] = M, /* grp6 grp7 LAR LSL */
    [0x04] = T_BAD, [0x0a] = T_BAD, [0x0c] = T_BAD,
    [0x0d] = M,                                             /* PREFETCHW */
    [0x0f] = M | IB,                                        /* 3DNow!: ib is the opcode */
    [0x10 ... 0x17] = M, [0x18 ... 0x1f] = M,               /* SSE, hint NOPs */
    [0x20 ... 0x23] = M | T_REGM,                           /* MOV CRn/DRn */
    [0x24 ... 0x27] = T_BAD,
    [0x28 ... 0x2f] = M,
    /* 30-35 WRMSR RDTSC RDMSR RDPMC SYSENTER SYSEXIT, 37 GETSEC */
    [0x36] = T_BAD, [0x39] = T_BAD, [0x3b ... 0x3f] = T_BAD,
    [0x40 ... 0x4f] = M,                                    /* CMOVcc */
    [0x50 ... 0x6f] = M,
    [0x70 ... 0x73] = M | IB,                               /* PSHUF, groups 12-14 */
    [0x74 ... 0x76] = M,                                    /* 77 EMMS */
    [0x78] = M | T_GRP, [0x79] = M,                         /* VMREAD/EXTRQ/INSERTQ, VMWRITE */
    [0x7a] = T_BAD, [0x7b] = T_BAD,
    [0x7c ... 0x7f] = M,
    [0x80 ... 0x8f] = IZ | T_BR | T_D64,                    /* Jcc rel16/32 */
    [0x90 ... 0x9f] = M,                                    /* SETcc */
    [0xa0] = T_D64, [0xa1] = T_D64,                         /* PUSH/POP FS; A2 CPUID */
    [0xa3] = M, [0xa4] = M | IB, [0xa5] = M,                /* BT, SHLD */
    [0xa6] = T_BAD, [0xa7] = T_BAD,
    [0xa8] = T_D64, [0xa9] = T_D64,                         /* PUSH/POP GS; AA RSM */
    [0xab] = M, [0xac] = M | IB, [0xad] = M, [0xae] = M, [0xaf] = M,
    [0xb0] = M | BYTE, [0xb1] = M,                          /* CMPXCHG */
    [0xb2] = M | T_MEMM, [0xb3] = M, [0xb4] = M | T_MEMM, [0xb5] = M | T_MEMM,
    [0xb6 ... 0xb7] = M,                                    /* MOVZX */
    [0xb8] = M | T_GRP,                                     /* POPCNT (F3 only) */
    [0xb9] = M,                                             /* UD1 */
    [0xba] = M | IB | T_GRP,                                /* group 8 */
    [0xbb ... 0xbf] = M,
    [0xc0] = M | BYTE, [0xc1] = M,                          /* XADD */
    [0xc2] = M | IB, [0xc3] = M | T_MEMM,                   /* CMPPS, MOVNTI */
    [0xc4 ... 0xc6] = M | IB,                               /* PINSRW PEXTRW SHUFPS */
    [0xc7] = M | T_GRP,                                     /* group 9 */
    /* C8-CF BSWAP */
    [0xd0 ... 0xff] = M,                                    /* SSE/MMX; FF UD0 */
};

#define BITS(lo, hi) /* opcodes lo..hi within one 32-opcode word */ \
    ((uint32_t)((((uint64_t)1 << ((hi) - (lo) + 1)) - 1) << ((lo) & 31)))

/* 0F 38: PSHUFB..PSIGN/PMULHRSW 00-0B, PBLENDVB 10, BLENDVPS/PD 14-15,
 * PTEST 17, PABS 1C-1E, PMOVSX 20-25, PMULDQ..PACKUSDW 28-2B, PMOVZX 30-35,
 * PCMPGTQ..PHMINPOSUW 37-41, INVEPT/INVVPID/INVPCID 80-82, SHA C8-CD,
 * GF2P8MULB CF, KeyLocker/AES D8-DF, MOVBE/CRC32 F0-F1, WRUSS/WRSS F5-F6
 * (ADCX/ADOX F6), MOVDIR64B/ENQCMD F8, MOVDIRI F9, ENCODEKEY FA-FB,
 * AADD/AAND/AOR/AXOR FC. */
const uint32_t insn_valid_0f38[8] = {
    [0] = BITS(0x00, 0x0b) | BITS(0x10, 0x10) | BITS(0x14, 0x15) | BITS(0x17, 0x17) |
          BITS(0x1c, 0x1e),
    [1] = BITS(0x20, 0x25) | BITS(0x28, 0x2b) | BITS(0x30, 0x35) | BITS(0x37, 0x3f),
    [2] = BITS(0x40, 0x41),
    [4] = BITS(0x80, 0x82),
    [6] = BITS(0xc8, 0xcd) | BITS(0xcf, 0xcf) | BITS(0xd8, 0xdf),
    [7] = BITS(0xf0, 0xf1) | BITS(0xf5, 0xf6) | BITS(0xf8, 0xfc),
};

/* 0F 3A (all with an imm8): ROUND*, BLEND*, PALIGNR 08-0F, PEXTR* 14-17,
 * PINSRB/D/Q, INSERTPS 20-22, DPPS/DPPD/MPSADBW 40-42, PCLMULQDQ 44, PCMPxSTRx
 * 60-63, SHA1RNDS4 CC, GF2P8AFFINE CE-CF, AESKEYGENASSIST DF. */
const uint32_t insn_valid_0f3a[8] = {
    [0] = BITS(0x08, 0x0f) | BITS(0x14, 0x17),
    [1] = BITS(0x20, 0x22),
    [2] = BITS(0x40, 0x42) | BITS(0x44, 0x44),
    [3] = BITS(0x60, 0x63),
    [6] = BITS(0xcc, 0xcc) | BITS(0xce, 0xcf) | BITS(0xdf, 0xdf),
};
