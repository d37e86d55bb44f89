/* SPDX-License-Identifier: GPL-2.0-only */
/* Control registers, MSRs, CPUID and small CPU primitives. */
#ifndef ASM_PROCESSOR_H
#define ASM_PROCESSOR_H

#include <asm/x86-defns.h>
#include <tessera/types.h>


static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
                               uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    cpuid_count(leaf, 0, a, b, c, d);
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* rdtsc is not ordered against earlier loads; lfence makes it so on both
 * vendors once the OS has set LFENCE to dispatch-serialising (AMD APM 7.6.4). */
static inline uint64_t rdtsc_ordered(void)
{
    __asm__ volatile("lfence" ::: "memory");
    return rdtsc();
}

#define DEFINE_CR(n) \
    static inline unsigned long read_cr##n(void) \
    { unsigned long v; __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v)); return v; } \
    static inline void write_cr##n(unsigned long v) \
    { __asm__ volatile("mov %0, %%cr" #n :: "r"(v) : "memory"); }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

#define DEFINE_DR(n) \
    static inline unsigned long read_dr##n(void) \
    { unsigned long v; __asm__ volatile("mov %%db" #n ", %0" : "=r"(v)); return v; } \
    static inline void write_dr##n(unsigned long v) \
    { __asm__ volatile("mov %0, %%db" #n :: "r"(v)); }
DEFINE_DR(0)
DEFINE_DR(1)
DEFINE_DR(2)
DEFINE_DR(3)
DEFINE_DR(6)
#undef DEFINE_DR

/* The breakpoint addresses DR0-DR3, which no VM entry or exit switches. */
static inline void save_dr0_3(uint64_t dr[4])
{
    dr[0] = read_dr0();
    dr[1] = read_dr1();
    dr[2] = read_dr2();
    dr[3] = read_dr3();
}

static inline void load_dr0_3(const uint64_t dr[4])
{
    write_dr0(dr[0]);
    write_dr1(dr[1]);
    write_dr2(dr[2]);
    write_dr3(dr[3]);
}

static inline void cpu_relax(void)      { __asm__ volatile("pause" ::: "memory"); }
static inline void local_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void local_irq_enable(void)  { __asm__ volatile("sti" ::: "memory"); }
static inline void halt(void)           { __asm__ volatile("hlt" ::: "memory"); }
/* sti;hlt as a pair: the interrupt shadow of sti means no wake-up can be lost
 * between enabling interrupts and halting (SDM Vol. 2B, STI). */
static inline void safe_halt(void)      { __asm__ volatile("sti; hlt" ::: "memory"); }
static inline void barrier(void)        { __asm__ volatile("" ::: "memory"); }
static inline void smp_mb(void)         { __asm__ volatile("mfence" ::: "memory"); }

static inline unsigned long local_save_flags(void)
{
    unsigned long f;
    __asm__ volatile("pushf; pop %0" : "=r"(f) :: "memory");
    return f;
}

static inline unsigned long local_irq_save(void)
{
    unsigned long f = local_save_flags();
    local_irq_disable();
    return f;
}

static inline void local_irq_restore(unsigned long f)
{
    if (f & X86_EFLAGS_IF)
        local_irq_enable();
}

static inline bool local_irq_enabled(void)
{
    return local_save_flags() & X86_EFLAGS_IF;
}

static inline void invlpg(const void *va)
{
    __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory");
}

__noreturn void halt_forever(void);

#endif
