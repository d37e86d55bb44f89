/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 instruction decoder for intercepted guest instructions.
 *
 * Why it exists: QEMU TCG's SVM has neither NRIP-save nor decode assists, so
 * on an intercept the hypervisor must find the instruction's length itself
 * to advance RIP, and on a nested page fault on MMIO it must decode the
 * memory operand of the faulting MOV-type instruction.
 *
 * insn_decode() reads at most 15 bytes through a fetch callback, never more
 * than the instruction needs (so an instruction ending just before an
 * unmapped page decodes), and fills struct insn. It knows the one-byte, 0F,
 * 0F38 and 0F3A maps with legacy/REX prefixes, and VEX2/VEX3, EVEX and XOP
 * well enough to find lengths and ModRM operands.
 *
 * Return values (the caller turns them into guest events):
 *   0         decoded; insn->len is the length.
 *   -EFAULT   the fetch callback failed (the caller injects the #PF/#GP it
 *             saw while walking the guest page tables, or retries).
 *   -EINVAL   not a valid instruction; insn->fault says which exception real
 *             hardware would raise: INSN_FAULT_GP for an instruction longer
 *             than 15 bytes (SDM vol.2 §2.3.11), INSN_FAULT_UD for everything
 *             else (undefined opcode, opcode invalid in 64-bit mode, LOCK
 *             where not allowed, VEX/EVEX after 66/F2/F3/LOCK/REX, reserved
 *             VEX/EVEX/XOP map, register form of a memory-only opcode).
 *             A hypervisor that only meets this on an intercepted (hence
 *             already-decoded-by-the-CPU) instruction should treat it as a
 *             decoder/guest mismatch and crash the guest with a log.
 */
#ifndef ASM_INSN_DECODE_H
#define ASM_INSN_DECODE_H

#include <tessera/types.h>

#define INSN_MAX_LEN    15

/* How the guest's current code segment decodes (SDM vol.3 §5.2 / APM vol.2
 * §4.8): the default operand and address size come from CS.D, or from CS.L
 * in 64-bit mode. Real and virtual-8086 mode are 16-bit like a CS.D=0
 * protected-mode segment, except that C4/C5/62/8F there are always LES, LDS,
 * BOUND and POP: VEX/EVEX/XOP do not exist (SDM vol.2 §2.3.2). */
enum insn_mode {
    INSN_MODE_REAL,     /* real or virtual-8086 mode */
    INSN_MODE_PROT16,   /* protected or compatibility mode, CS.D=0 */
    INSN_MODE_PROT32,   /* protected or compatibility mode, CS.D=1 */
    INSN_MODE_LONG64,   /* 64-bit mode: EFER.LMA=1 and CS.L=1 */
};

enum insn_mode insn_mode_of(bool cr0_pe, bool rflags_vm, bool efer_lma,
                            bool cs_l, bool cs_d);

/* Decoder flags. The one length difference between the vendors: in 64-bit
 * mode a 66h prefix on a near branch with a rel16/32 (E8, E9, 0F 80-8F)
 * makes it rel16 on AMD (APM vol.3 §1.2.5 / Table 1-5: near branches
 * "default 64, 66h gives 16") but is ignored on Intel (SDM vol.2 §2.2.1.5:
 * they are "forced 64-bit", the immediate stays 32-bit). AMD is the default
 * (the SVM test bed, and what objdump decodes by default). */
#define INSN_F_INTEL    (1u << 0)

/* Segment registers, numbered like the Sreg field (SDM vol.2 §B.1.4.5). */
#define INSN_SEG_ES     0
#define INSN_SEG_CS     1
#define INSN_SEG_SS     2
#define INSN_SEG_DS     3
#define INSN_SEG_FS     4
#define INSN_SEG_GS     5
#define INSN_SEG_NONE   0xff

/* General registers in encoding order: rAX rCX rDX rBX rSP rBP rSI rDI
 * r8..r15. */
#define INSN_REG_NONE   (-1)

enum insn_map {
    INSN_MAP_1BYTE,     /* one-byte opcodes */
    INSN_MAP_0F,
    INSN_MAP_0F38,
    INSN_MAP_0F3A,
    INSN_MAP_EVEX5,     /* EVEX map 5 and 6 (AVX512-FP16) */
    INSN_MAP_EVEX6,
    INSN_MAP_XOP8,      /* AMD XOP maps 8, 9, 0Ah */
    INSN_MAP_XOP9,
    INSN_MAP_XOPA,
};

enum insn_enc {
    INSN_ENC_LEGACY,
    INSN_ENC_VEX2,      /* C5 xx */
    INSN_ENC_VEX3,      /* C4 xx xx */
    INSN_ENC_EVEX,      /* 62 xx xx xx */
    INSN_ENC_XOP,       /* 8F xx xx */
};

enum insn_fault {
    INSN_FAULT_NONE,
    INSN_FAULT_UD,
    INSN_FAULT_GP,
};

/* The components of a memory operand's effective address (the offset within
 * its segment): base + index * scale + disp, truncated to the address size;
 * RIP-relative adds the address of the next instruction instead of a base. */
struct insn_ea {
    int8_t base;        /* GPR 0-15 or INSN_REG_NONE */
    int8_t index;       /* GPR 0-15 or INSN_REG_NONE */
    uint8_t scale;      /* 1, 2, 4, 8 */
    bool rip_rel;       /* RIP (EIP with 67h) + disp */
    uint8_t seg;        /* segment used: the override, else SS for rBP/rSP
                           based forms, else DS. In 64-bit mode only FS/GS
                           have a base; ES/CS/SS/DS act as base 0. */
    int64_t disp;       /* sign-extended displacement; moffs zero-extended */
};

struct insn {
    uint8_t len;                /* total length in bytes, 1..15 */
    uint8_t bytes[INSN_MAX_LEN];/* the bytes fetched */
    enum insn_mode mode;
    enum insn_fault fault;      /* set when -EINVAL is returned */

    /* legacy prefixes */
    uint8_t nr_prefixes;        /* legacy + REX bytes before the opcode (or VEX) */
    uint8_t seg;                /* last segment override, or INSN_SEG_NONE */
    uint8_t rep;                /* last of F2/F3, or 0 */
    bool lock;
    bool opsize_prefix;         /* 66h seen */
    bool addrsize_prefix;       /* 67h seen */

    /* REX (or its VEX/EVEX/XOP equivalent bits) */
    uint8_t rex;                /* the REX byte in effect, 0 if none (a
                                   VEX/EVEX/XOP instruction has none) */
    bool rex_w, rex_r, rex_x, rex_b;    /* from REX or VEX/EVEX/XOP */

    /* VEX / EVEX / XOP */
    enum insn_enc enc;
    uint8_t vex_vvvv;           /* register specifier, un-inverted */
    uint8_t vex_l;              /* vector length: 0, 1 (or 2 with EVEX) */
    uint8_t vex_pp;             /* implied prefix: 0 none, 1 66, 2 F3, 3 F2 */
    uint8_t evex_p2;            /* raw EVEX P2 byte (z, L'L, b, V', aaa) */

    /* opcode */
    enum insn_map map;
    uint8_t opcode;

    /* ModRM / SIB; reg and rm are extended by REX.R / REX.B. MOV CRn/DRn
     * (0F 20-23) ignore ModRM.mod: mod reads 3 whatever the byte says. On
     * AMD (no INSN_F_INTEL) LOCK MOV CRn adds 8 to reg: LOCK MOV CR0 is
     * the AltMovCr8 encoding of CR8 (APM vol.3 "MOV CRn"). */
    bool has_modrm;
    uint8_t modrm, mod, reg, rm;
    bool has_sib;
    uint8_t sib;

    uint8_t disp_bytes;         /* 0, 1, 2, 4 (8 for 64-bit moffs) */
    int64_t disp;               /* as encoded, sign-extended (moffs: zero) */

    uint8_t imm_bytes;          /* 0, 1, 2, 4, 8 */
    uint64_t imm;               /* as encoded, zero-extended */
    uint8_t imm2_bytes;         /* second immediate: ENTER's ib, a far
                                   pointer's selector, EXTRQ/INSERTQ's ib */
    uint64_t imm2;

    /* sizes */
    uint8_t op_bytes;           /* operand-size attribute: 2, 4, 8 */
    uint8_t addr_bytes;         /* address-size attribute: 2, 4, 8 */
    bool byte_op;               /* one-byte-map opcode with 8-bit operands */

    /* memory operand */
    bool has_mem;               /* ModRM memory form, or moffs (A0-A3) */
    struct insn_ea ea;
};

typedef int (*insn_fetch_fn)(void *ctx, uint64_t offset, uint8_t *buf,
                             unsigned int len);

/* Decodes the instruction at offset 0 of the fetch stream. fetch(ctx, off,
 * buf, len) must copy bytes [off, off+len) of the instruction into buf and
 * return 0, or return a negative value; off + len never exceeds 15. The
 * decoder asks for a few bytes at a time (prefix by prefix, then ModRM,
 * SIB, displacement, immediate), in increasing order, so a callback that
 * walks guest page tables should map the page once and cache it. Offsets
 * are from the instruction's first byte (CS.base + rIP, which in 16/32-bit
 * modes wraps at 4 GiB; the CS limit is the caller's to check). */
int insn_decode(struct insn *insn, enum insn_mode mode, unsigned int flags,
                insn_fetch_fn fetch, void *ctx);
/* Same, from a buffer holding `len` bytes (fewer than needed: -EFAULT). */
int insn_decode_buf(struct insn *insn, enum insn_mode mode, unsigned int flags,
                    const uint8_t *buf, size_t len);

/* The effective address (segment offset) of the memory operand, from the
 * guest's GPRs in encoding order and the instruction's own RIP. */
uint64_t insn_ea_offset(const struct insn *insn, uint64_t rip,
                        const uint64_t gpr[16]);

/* ---- MMIO: what a memory-accessing instruction does to its operand ---- */

enum insn_mmio_op {
    INSN_MMIO_MOV,      /* load into reg, or store reg / imm */
    INSN_MMIO_MOVZX,    /* load, zero-extend into reg (reg_bytes wide) */
    INSN_MMIO_MOVSX,    /* load, sign-extend into reg */
    INSN_MMIO_MOVS,     /* read [seg:rSI], write [ES:rDI] */
    INSN_MMIO_STOS,     /* write rAX to [ES:rDI] */
    INSN_MMIO_LODS,     /* read [seg:rSI] into rAX */
    INSN_MMIO_ADD,      /* read-modify-write (mem is dest) or load-op-reg */
    INSN_MMIO_SUB,
    INSN_MMIO_AND,
    INSN_MMIO_OR,
    INSN_MMIO_XOR,
    INSN_MMIO_CMP,      /* read only, sets flags */
    INSN_MMIO_TEST,     /* read only, sets flags */
};

enum insn_mmio_src {
    INSN_MMIO_SRC_NONE, /* loads, MOVS */
    INSN_MMIO_SRC_REG,  /* `reg` is the other operand */
    INSN_MMIO_SRC_IMM,  /* `imm` is the other operand */
};

struct insn_mmio {
    enum insn_mmio_op op;
    enum insn_mmio_src src;
    bool is_read;           /* memory is read */
    bool is_write;          /* memory is written (both: read-modify-write) */
    bool mem_is_dest;       /* ALU result goes to memory (else to `reg`) */
    uint8_t size;           /* bytes of memory accessed per element */
    int8_t reg;             /* GPR 0-15 (source or destination), or -1 */
    bool reg_high8;         /* reg names AH/CH/DH/BH: bits 15:8 of reg */
    uint8_t reg_bytes;      /* width of the register operand (MOVZX/SX dest) */
    uint64_t imm;           /* immediate, sign-extended and cut to `size` */
    bool lock;
    /* string instructions: step = size, sign from RFLAGS.DF (not known
       here); rep counts rCX of addr_bytes width; F2 and F3 both repeat. */
    bool string;
    bool rep;
    uint8_t addr_bytes;
    uint8_t src_seg;        /* MOVS/LODS source segment (overridable) */
};

/* Fills *m for a decoded instruction that faulted on its memory operand.
 * -EOPNOTSUPP for anything else (the caller logs insn bytes and crashes the
 * guest). */
int insn_mmio_decode(const struct insn *insn, struct insn_mmio *m);

/* ---- port I/O ---- */

struct insn_io {
    bool in;                /* IN/INS: port to register/memory */
    bool string;            /* INS/OUTS */
    bool rep;               /* F2 or F3 (both repeat INS/OUTS) */
    bool port_imm;          /* port is an imm8 (E4-E7), else DX */
    uint16_t port;          /* the imm8 port when port_imm */
    uint8_t size;           /* 1, 2, 4 */
    uint8_t addr_bytes;     /* rSI/rDI/rCX width for INS/OUTS */
    uint8_t seg;            /* OUTS source segment (INS always writes ES) */
};

/* For IN/OUT/INS/OUTS (E4-E7, EC-EF, 6C-6F); -EOPNOTSUPP otherwise.
 * On an SVM IOIO intercept EXITINFO1 already gives port, size, direction,
 * string and rep, and EXITINFO2 holds the rIP of the next instruction (APM
 * vol.2 §15.10.2), so there the decoder is only a cross-check. */
int insn_io_decode(const struct insn *insn, struct insn_io *io);

#endif
