/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall fuzzer (mini.fuzz=<calls>, docs/mini.md): fuzz.c drives it,
 * fuzz_gen.c draws the calls from the classes of fuzz_values.c, fuzz_neuter.c
 * keeps out what would stop mini, fuzz32.S issues a call from 32-bit code.
 */
#ifndef MINI_FUZZ_H
#define MINI_FUZZ_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Where the fuzzer may point the hypervisor. Guest RAM is split so that no
 * legal hypercall can write over mini itself:
 *   [0x100000, image_end)  mini's code, data, stack, page tables: never a
 *                          pointer or a frame number handed to the hypervisor
 *   [a_start, a_end)       scratch, the last MiB of RAM, refilled with random
 *                          bytes and plausible structures: a pointer target,
 *                          never a frame number (a frame can be replaced by
 *                          add_to_physmap and then becomes a hole, which mini
 *                          must not touch); the only place the hypervisor
 *                          reads structures from
 *   the rest of RAM        sacrificial: pointer and frame targets, never
 *                          touched by mini once the fuzzer runs
 */
struct fuzz_layout {
    uint64_t image_end;
    uint64_t ram_end;           /* guest-physical: a hole from here on */
    uint64_t a_start, a_end;
    uint16_t domid;             /* our own */
    uint64_t time_offset;       /* system time = tsc_to_ns(rdtsc()) + this */
};

struct fuzz_call {
    uint64_t nr;
    uint64_t arg[6];
    bool prot32;                /* issue it from 32-bit code */
};

extern struct fuzz_layout fz;

/* The PRNG (splitmix64): every draw comes from here, so a seed replays. */
uint64_t fuzz_rand(void);
void fuzz_seed(uint64_t seed);
static inline uint64_t fuzz_below(uint64_t n)
{
    return n ? fuzz_rand() % n : 0;
}

/* System time (ns) as the hypervisor counts it, estimated on the TSC. */
uint64_t fuzz_now(void);

#define IMAGE_START     0x100000ul          /* mini's load address */
#define LEGACY_START    0xa0000ul           /* end of low RAM */
#define HOLE_VIRT_END   0xc0000000ul        /* mini maps nothing at 1-3 GiB */

/* fuzz_values.c: each draws one value of its class. */
uint64_t fz_safe(uint64_t v);       /* v, or ~0 if it could name mini's image */
uint64_t fz_huge(void);
uint64_t fz_small(void);
uint64_t fz_ptr(void);              /* a guest-linear address, any class */
uint64_t fz_gfn(void);              /* a frame number, any class */
uint64_t fz_domid(void);
uint64_t fz_port(void);
uint64_t fz_time(void);
uint64_t fz_field32(void);          /* plausible structure fields */
uint64_t fz_field64(void);
uint64_t fz_scratch_addr(uint64_t size);
uint64_t fz_hole_addr(void);
uint64_t *fz_scratch_struct(unsigned int words);
void fuzz_fill_scratch(uint64_t addr, uint64_t bytes);

/* fuzz_gen.c */
void fuzz_draw(struct fuzz_call *c);
/* fuzz_neuter.c: rewrites a call whose documented effect would stop this
 * domain (the fuzzer must run to its end) into a yield, true if it did;
 * keeps structures the hypervisor reads inside the scratch area. */
bool fuzz_neuter(struct fuzz_call *c);

/* fuzz32.S: the hypercall from a 32-bit compatibility-mode code segment,
 * arguments in EBX, ECX, EDX, ESI, EDI, EBP; EAX sign-extended back. */
long fuzz_call32(uint32_t nr, const uint32_t args[6]);
extern uint32_t fuzz32_entry;   /* the page's VMMCALL/VMCALL; ret */

#endif
