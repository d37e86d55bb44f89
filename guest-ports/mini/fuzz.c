/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mini.fuzz=<calls>: the hypercall fuzzer (docs/mini.md). Seeds its PRNG
 * from mini.seed= (or draws a seed and prints it, so any run replays),
 * checks that a call from its 32-bit code segment is taken as one, then
 * issues <calls> hypercalls drawn by fuzz_gen.c from 64-bit and 32-bit code
 * with interrupts off, prints progress every mini.progress= calls and ends
 * with the count per hypercall number and result (mini.trace=<i> prints
 * every call from call i on, mini.slow=<us> every call slower than that,
 * to find the call that broke something). It must reach its end:
 * anything else (a crash of this domain, a hang, mini's code changed under
 * it) is a finding.
 */
#include <public/xen/memory.h>
#include <public/xen/sched.h>
#include <public/xen/version.h>
#include <public/xen/xen.h>
#include "fuzz.h"
#include "hypercall.h"
#include "mini.h"

#define NR_SLOTS    65      /* numbers 0..63, and 64: any beyond */
#define RES_SLOTS   130     /* 0, positive, -1..-127, other negatives */
#define SCRATCH     (1ul << 20)

struct fuzz_layout fz;
static uint64_t prng;
static uint64_t khz;
static uint32_t counts[NR_SLOTS][RES_SLOTS];
static uint64_t ticks[NR_SLOTS];        /* TSC ticks spent in each number's calls */
static volatile unsigned long interrupts;

extern const char __image_start[], __text_end[], __image_end[];

uint64_t fuzz_rand(void)
{
    uint64_t z = (prng += 0x9e3779b97f4a7c15ul);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ul;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebul;
    return z ^ (z >> 31);
}

void fuzz_seed(uint64_t seed)
{
    prng = seed;
}

uint64_t fuzz_now(void)
{
    uint64_t t = rdtsc();

    return t / khz * 1000000 + t % khz * 1000000 / khz + fz.time_offset;
}

/* Sleeps ms of system time in SCHEDOP_poll on no port, so that the
 * hypervisor's per-domain console budget (docs/console.md: 4 KiB/s by
 * default), which the fuzzed console writes have emptied, refills before
 * the report: its lines must reach the log. */
static void pause_ms(uint64_t ms)
{
    uint64_t until = fuzz_now() + ms * 1000000;

    while (fuzz_now() < until) {
        struct sched_poll p = { .nr_ports = 0, .timeout = until };
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_poll, &p, 0);
    }
}

/* A decimal or 0x-hex option, or def. */
static uint64_t option_u64(const char *name, uint64_t def, bool *given)
{
    const char *v = cmdline_option(name);
    uint64_t n = 0;
    unsigned int base = 10;

    *given = v && *v && *v != ' ';
    if (!*given)
        return def;
    if (v[0] == '0' && v[1] == 'x') {
        base = 16;
        v += 2;
    }
    for (;; v++) {
        unsigned int d;
        if (*v >= '0' && *v <= '9')
            d = (unsigned int)(*v - '0');
        else if (base == 16 && (*v | 0x20) >= 'a' && (*v | 0x20) <= 'f')
            d = (unsigned int)((*v | 0x20) - 'a' + 10);
        else
            break;
        n = n * base + d;
    }
    return n;
}

/* One hash per 4 KiB page of mini's code and read-only data, to find what
 * changed: a full copy would not fit beside the rest of mini in a 2 MiB
 * domain (the scale tests' size). */
#define TEXT_PAGES_MAX 128
static uint64_t text_hash[TEXT_PAGES_MAX];

static size_t text_pages(void)
{
    size_t n = ((size_t)(__text_end - __image_start) + PAGE_SIZE - 1) / PAGE_SIZE;

    return MIN(n, (size_t)TEXT_PAGES_MAX);
}

static uint64_t text_page_hash(size_t page)
{
    const char *start = __image_start + page * PAGE_SIZE;
    const char *end = MIN(start + PAGE_SIZE, (const char *)__text_end);
    uint64_t h = 0xcbf29ce484222325ul; /* FNV-1a over 8-byte words */

    for (const char *p = start; p + 8 <= end; p += 8)
        h = (h ^ *(const uint64_t *)p) * 0x100000001b3ul;
    return h;
}

static void text_remember(void)
{
    for (size_t i = 0; i < text_pages(); i++)
        text_hash[i] = text_page_hash(i);
}

static bool text_intact(void)
{
    for (size_t i = 0; i < text_pages(); i++) {
        if (text_page_hash(i) != text_hash[i]) {
            printf("mini: fuzz FAIL mini's image changed in the page at %#lx\n",
                   (unsigned long)(uintptr_t)(__image_start + i * PAGE_SIZE));
            return false;
        }
    }
    return true;
}

static void count_interrupt(unsigned int vector)
{
    (void)vector;
    interrupts++;
}

/* The hypervisor's system time at the TSC, from the vcpu_time_info of a
 * shared_info page placed at a sacrificial frame (read once: the fuzzer
 * may move the page later). */
static void time_init(void)
{
    uint64_t gfn = (fz.a_start >> 12) - 1;
    struct xen_add_to_physmap xatp = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
                                       .idx = 0, .gpfn = gfn };
    long rc = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &xatp, 0);

    if (rc) {
        printf("mini: fuzz FAIL shared_info not placed: %ld\n", rc);
        return;
    }
    const volatile struct vcpu_time_info *t = &((struct shared_info *)(gfn << 12))->vcpu_info[0].time;
    uint32_t ver;
    uint64_t tsc, sys;
    do {
        ver = t->version;
        __asm__ volatile("" ::: "memory");
        tsc = rdtsc();
        uint64_t d = tsc - t->tsc_timestamp;
        d = t->tsc_shift >= 0 ? d << t->tsc_shift : d >> -t->tsc_shift;
        sys = t->system_time + (uint64_t)(((unsigned __int128)d * t->tsc_to_system_mul) >> 32);
        __asm__ volatile("" ::: "memory");
    } while ((ver & 1) || ver != t->version);
    fz.time_offset = sys - (tsc / khz * 1000000 + tsc % khz * 1000000 / khz);
}

static bool layout_init(void)
{
    fz.image_end = (uint64_t)(uintptr_t)__image_end;
    fz.ram_end = ram_hole();
    fz.a_end = fz.ram_end;
    fz.a_start = fz.ram_end - SCRATCH;
    if (((fz.image_end + SCRATCH - 1) & ~(SCRATCH - 1)) + SCRATCH > fz.a_start) {
        printf("mini: fuzz FAIL needs more RAM: image ends at %#lx, RAM at %#lx\n",
               (unsigned long)fz.image_end, (unsigned long)fz.ram_end);
        return false;
    }
    uint32_t r[4];
    cpuid(0x40000004, 0, r);            /* ECX: domain id (public/arch-x86/cpuid.h) */
    fz.domid = (uint16_t)r[2];
    khz = tsc_khz();
    return true;
}

static long issue64(uint64_t nr, const uint64_t a[6])
{
    register uint64_t r10 __asm__("r10") = a[3];
    register uint64_t r8 __asm__("r8") = a[4];
    register uint64_t r9 __asm__("r9") = a[5];
    uint64_t a0 = a[0], a1 = a[1], a2 = a[2];
    long ret;

    /* Into entry 0 past its "mov $0, %eax", with our own rax. */
    __asm__ volatile("call *%[insn]"
                     : "=a"(ret), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10), "+r"(r8), "+r"(r9)
                     : "a"(nr), [insn] "r"(hypercall_insn())
                     : "rcx", "r11", "memory");
    return ret;
}

static long issue(const struct fuzz_call *c)
{
    uint32_t a[6];

    if (!c->prot32)
        return issue64(c->nr, c->arg);
    for (unsigned int i = 0; i < 6; i++)
        a[i] = (uint32_t)c->arg[i];
    return fuzz_call32((uint32_t)c->nr, a);
}

/*
 * The 32-bit segment really is 32-bit to the hypervisor (PROT32: arguments
 * from EBX...; docs/hypercalls.md): xen_version with EBX = XENVER_version
 * and EDI = an unknown sub-op gives the version only if EBX is read, and
 * EBX = unknown with EDI = XENVER_version gives -ENOSYS.
 */
static bool prot32_check(void)
{
    const uint32_t version[6] = { XENVER_version, 0, 0, 0, 0x7ff, 0 };
    const uint32_t unknown[6] = { 0x7ff, 0, 0, 0, XENVER_version, 0 };
    long v64 = HYPERCALL(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    long v32 = fuzz_call32(__HYPERVISOR_xen_version, version);
    long e32 = fuzz_call32(__HYPERVISOR_xen_version, unknown);
    bool ok = v64 > 0 && v32 == v64 && e32 == -38;

    printf("mini: fuzz %s prot32 version64=%#lx version32=%#lx unknown32=%ld\n",
           ok ? "PASS" : "FAIL", v64, v32, e32);
    return ok;
}

static unsigned int res_slot(long r)
{
    if (r == 0)
        return 0;
    if (r > 0)
        return 1;
    return r >= -127 ? (unsigned int)(1 - r) : RES_SLOTS - 1;
}

static void report(void)
{
    char line[480];

    for (unsigned int nr = 0; nr < NR_SLOTS; nr++) {
        unsigned long total = 0;
        int n;
        for (unsigned int r = 0; r < RES_SLOTS; r++)
            total += counts[nr][r];
        if (!total)
            continue;
        n = snprintf(line, sizeof(line), "mini: fuzz nr=%s%u calls=%lu ms=%lu", nr < 64 ? "" : ">=",
                     nr, total, (unsigned long)(tsc_to_ns(ticks[nr]) / 1000000));
        for (unsigned int r = 0; r < RES_SLOTS && n < (int)sizeof(line) - 24; r++) {
            if (!counts[nr][r])
                continue;
            if (r == 0)
                n += snprintf(line + n, sizeof(line) - (size_t)n, " 0:%u", counts[nr][r]);
            else if (r == 1)
                n += snprintf(line + n, sizeof(line) - (size_t)n, " >0:%u", counts[nr][r]);
            else if (r < RES_SLOTS - 1)
                n += snprintf(line + n, sizeof(line) - (size_t)n, " -%u:%u", r - 1, counts[nr][r]);
            else
                n += snprintf(line + n, sizeof(line) - (size_t)n, " <-127:%u", counts[nr][r]);
        }
        printf("%s\n", line);
    }
}

void fuzz_run(void)
{
    bool given, pgiven;
    uint64_t calls = option_u64("mini.fuzz", 100000, &given);
    uint64_t seed = option_u64("mini.seed", 0, &given);
    uint64_t every = option_u64("mini.progress", 100000, &pgiven);
    uint64_t trace = option_u64("mini.trace", ~0ul, &pgiven);
    uint64_t slow_us = option_u64("mini.slow", 0, &pgiven);
    unsigned long calls32 = 0, neutered = 0;
    struct fuzz_call c;

    irq_disable();
    if (!given)
        seed = rdtsc() * 0x9e3779b97f4a7c15ul ^ (uint64_t)(uintptr_t)&c;
    printf("mini: fuzz seed=%#lx calls=%lu progress=%lu%s\n", (unsigned long)seed,
           (unsigned long)calls, (unsigned long)every, given ? "" : " (seed drawn)");
    if (!every)
        every = ~0ul;
    if (!layout_init())
        return;
    fuzz32_entry = (uint32_t)(uintptr_t)hypercall_insn();
    printf("mini: fuzz domid=%u image=[%#lx,%#lx) scratch=[%#lx,%#lx) ram_end=%#lx\n", fz.domid,
           (unsigned long)(uintptr_t)__image_start, (unsigned long)fz.image_end,
           (unsigned long)fz.a_start, (unsigned long)fz.a_end, (unsigned long)fz.ram_end);
    for (unsigned int v = 32; v < 256; v++)
        irq_set_handler(v, count_interrupt);
    irq_set_handler(VEC_NMI, count_interrupt);
    time_init();
    bool prot32_ok = prot32_check();
    text_remember();
    uint64_t check_from = option_u64("mini.check", ~0ul, &pgiven);
    bool text_ok = true;

    uint64_t slow_ticks = slow_us ? slow_us * khz / 1000 : ~0ul;
    fuzz_seed(seed);
    fuzz_fill_scratch(fz.a_start, SCRATCH);
    uint64_t t0 = rdtsc();
    for (uint64_t i = 1; i <= calls; i++) {
        fuzz_draw(&c);
        neutered += fuzz_neuter(&c);
        calls32 += c.prot32;
        uint64_t nr = c.prot32 ? (uint32_t)c.nr : c.nr;
        if (i >= trace)
            printf("mini: fuzz call %lu: %s nr=%#lx %#lx %#lx %#lx %#lx %#lx %#lx\n",
                   (unsigned long)i, c.prot32 ? "32" : "64", (unsigned long)c.nr,
                   (unsigned long)c.arg[0], (unsigned long)c.arg[1], (unsigned long)c.arg[2],
                   (unsigned long)c.arg[3], (unsigned long)c.arg[4], (unsigned long)c.arg[5]);
        if (i >= trace && c.nr == 29 && c.arg[0] == 3 && c.arg[1] >= fz.a_start &&
            c.arg[1] <= fz.a_end - 24) {
            const uint32_t *sp = (const uint32_t *)(uintptr_t)c.arg[1];
            printf("mini: fuzz call %lu: poll ports=%#x%08x nr=%u timeout=%#x%08x now=%#lx\n",
                   (unsigned long)i, sp[1], sp[0], sp[2], sp[5], sp[4],
                   (unsigned long)fuzz_now());
        }
        uint64_t t = rdtsc();
        long r = issue(&c);
        t = rdtsc() - t;
        ticks[nr < 64 ? nr : 64] += t;
        if (t > slow_ticks)
            printf("mini: fuzz slow call %lu (%lu us): %s nr=%#lx %#lx %#lx %#lx %#lx %#lx %#lx = %ld\n",
                   (unsigned long)i, (unsigned long)(tsc_to_ns(t) / 1000), c.prot32 ? "32" : "64",
                   (unsigned long)c.nr, (unsigned long)c.arg[0], (unsigned long)c.arg[1],
                   (unsigned long)c.arg[2], (unsigned long)c.arg[3], (unsigned long)c.arg[4],
                   (unsigned long)c.arg[5], r);
        if (i >= trace)
            printf("mini: fuzz call %lu: %ld\n", (unsigned long)i, r);
        counts[nr < 64 ? nr : 64][res_slot(r)]++;
        fuzz_fill_scratch(fz.a_start + (fuzz_below(SCRATCH) & ~7ul), 64);
        if ((i >= check_from || i % every == 0) && text_ok && !text_intact()) {
            printf("mini: fuzz FAIL found after call %lu: %s nr=%#lx %#lx %#lx %#lx %#lx %#lx %#lx\n",
                   (unsigned long)i, c.prot32 ? "32" : "64", (unsigned long)c.nr,
                   (unsigned long)c.arg[0], (unsigned long)c.arg[1], (unsigned long)c.arg[2],
                   (unsigned long)c.arg[3], (unsigned long)c.arg[4], (unsigned long)c.arg[5]);
            text_ok = false;
        }
        if (i % every == 0)
            printf("mini: fuzz progress calls=%lu ms=%lu\n", (unsigned long)i,
                   (unsigned long)(tsc_to_ns(rdtsc() - t0) / 1000000));
    }
    uint64_t ns = tsc_to_ns(rdtsc() - t0);
    pause_ms(2000);             /* 8 KiB of console budget; the report is ~3 */
    report();
    text_ok = text_ok && text_intact();
    printf("mini: fuzz end calls=%lu seed=%#lx calls32=%lu neutered=%lu interrupts=%lu "
           "ns_per_call=%lu %s\n",
           (unsigned long)calls, (unsigned long)seed, calls32, neutered, interrupts,
           (unsigned long)(calls ? ns / calls : 0), prot32_ok && text_ok ? "ok" : "FAILED");
}
