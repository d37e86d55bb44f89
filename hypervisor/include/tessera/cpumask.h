/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fixed-size set of CPU numbers (0 .. CPUMASK_BITS-1), passed by pointer.
 * The words are laid out like parse_cpu_list()'s bitmap, so
 * parse_cpu_list(s, mask.bits, CPUMASK_BITS) fills one.
 * "No CPU" is CPUMASK_BITS (from cpumask_first/next).
 */
#ifndef TESSERA_CPUMASK_H
#define TESSERA_CPUMASK_H

#include <tessera/types.h>

#define CPUMASK_BITS    256
#define CPUMASK_WORDS   (CPUMASK_BITS / 64)

typedef struct {
    uint64_t bits[CPUMASK_WORDS];
} cpumask_t;

static inline void cpumask_clear(cpumask_t *m)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        m->bits[i] = 0;
}

/* CPUs 0 .. n-1 (n <= CPUMASK_BITS). */
static inline void cpumask_fill(cpumask_t *m, unsigned int n)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++) {
        unsigned int lo = i * 64;
        m->bits[i] = n >= lo + 64 ? ~0ULL : n > lo ? (1ULL << (n - lo)) - 1 : 0;
    }
}

static inline void cpumask_set(unsigned int cpu, cpumask_t *m)
{
    if (cpu < CPUMASK_BITS)
        m->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

static inline void cpumask_clear_cpu(unsigned int cpu, cpumask_t *m)
{
    if (cpu < CPUMASK_BITS)
        m->bits[cpu / 64] &= ~(1ULL << (cpu % 64));
}

static inline bool cpumask_test(unsigned int cpu, const cpumask_t *m)
{
    return cpu < CPUMASK_BITS && (m->bits[cpu / 64] >> (cpu % 64)) & 1;
}

/* The first CPU >= from in m, or CPUMASK_BITS. */
static inline unsigned int cpumask_next_from(unsigned int from, const cpumask_t *m)
{
    for (unsigned int i = from / 64; from < CPUMASK_BITS && i < CPUMASK_WORDS; i++) {
        uint64_t w = m->bits[i];
        if (i == from / 64)
            w &= ~0ULL << (from % 64);
        if (w)
            return i * 64 + (unsigned int)__builtin_ctzll(w);
    }
    return CPUMASK_BITS;
}

static inline unsigned int cpumask_first(const cpumask_t *m)
{
    return cpumask_next_from(0, m);
}

/* The first CPU after cpu in m, or CPUMASK_BITS. */
static inline unsigned int cpumask_next(unsigned int cpu, const cpumask_t *m)
{
    return cpu + 1 >= CPUMASK_BITS ? CPUMASK_BITS : cpumask_next_from(cpu + 1, m);
}

#define for_each_cpu(cpu, m) \
    for ((cpu) = cpumask_first(m); (cpu) < CPUMASK_BITS; (cpu) = cpumask_next((cpu), (m)))

static inline unsigned int cpumask_weight(const cpumask_t *m)
{
    unsigned int n = 0;

    /* By hand: __builtin_popcountll becomes a libgcc call without -mpopcnt,
     * and the hypervisor links no libgcc. */
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        for (uint64_t w = m->bits[i]; w; w &= w - 1)
            n++;
    return n;
}

static inline void cpumask_and(cpumask_t *dst, const cpumask_t *a, const cpumask_t *b)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        dst->bits[i] = a->bits[i] & b->bits[i];
}

static inline void cpumask_or(cpumask_t *dst, const cpumask_t *a, const cpumask_t *b)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        dst->bits[i] = a->bits[i] | b->bits[i];
}

static inline void cpumask_andnot(cpumask_t *dst, const cpumask_t *a, const cpumask_t *b)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        dst->bits[i] = a->bits[i] & ~b->bits[i];
}

static inline bool cpumask_empty(const cpumask_t *m)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        if (m->bits[i])
            return false;
    return true;
}

static inline bool cpumask_intersects(const cpumask_t *a, const cpumask_t *b)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        if (a->bits[i] & b->bits[i])
            return true;
    return false;
}

/* Every CPU of a is in b. */
static inline bool cpumask_subset(const cpumask_t *a, const cpumask_t *b)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        if (a->bits[i] & ~b->bits[i])
            return false;
    return true;
}

static inline bool cpumask_equal(const cpumask_t *a, const cpumask_t *b)
{
    for (unsigned int i = 0; i < CPUMASK_WORDS; i++)
        if (a->bits[i] != b->bits[i])
            return false;
    return true;
}

#endif
