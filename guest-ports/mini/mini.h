/* SPDX-License-Identifier: GPL-2.0-only */
/* mini: our own small PVH guest kernel that tests the hypervisor from inside. */
#ifndef MINI_H
#define MINI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_VCPUS   16
#define STACK_SIZE  16384
#define PAGE_SIZE   4096ul
/* head.S identity-maps this much with 2 MiB pages. */
#define IDENTITY_MAP_END    (1ul << 30)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* string.c */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
const char *strstr(const char *h, const char *n);

/* console.c: everything goes out through console_io, line by line. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* trap.c: exceptions. A test that expects a fault arms a recovery point. */
void trap_init(void);
void trap_load_idt(void);
/* Interrupt vectors 32-255 and the NMI (2): fn(vector) runs with
 * interrupts off; an interrupt without a handler crashes mini. */
#define VEC_NMI 2
/* Exception vectors the tests expect. */
#define VEC_DB  1
#define VEC_UD  6
#define VEC_GP  13
typedef void (*irq_handler_fn)(unsigned int vector);
void irq_set_handler(unsigned int vector, irq_handler_fn fn);
static inline void irq_enable(void)  { __asm__ volatile("sti" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }

/* main.c */
void shutdown(unsigned int reason) __attribute__((noreturn));
const char *cmdline_option(const char *name);  /* "value" of name=value, or NULL */
/* The end of our low RAM: identity mapped, but no guest-physical memory
 * behind it (we run with less than 1 GiB). */
uint64_t ram_hole(void);

/* cpu.c */
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}
static inline void cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}
uint64_t tsc_khz(void);
uint64_t tsc_to_ns(uint64_t ticks);
/* Faulting accesses: 0 on success, else the exception vector. */
int safe_rdmsr(uint32_t msr, uint64_t *val);
int safe_wrmsr(uint32_t msr, uint64_t val);
int safe_read64(uint64_t addr, uint64_t *val);
int safe_insb(uint16_t port);
int safe_vmrun(void);
int safe_vmxon(void);
int safe_rdpmc(uint32_t counter, uint64_t *val);
int safe_cache_flush(bool invd);        /* INVD if invd, else WBINVD */

/* smp.c */
extern unsigned int nr_vcpus;
unsigned int smp_count_vcpus(void);
uint64_t ap_stack_top(unsigned int index);
/* Starts vCPU id in long mode on mini's page tables at rip (no IDT, GDT
 * as the firmware left it, interrupts off); 0 or the hypercall's error. */
long mini_start_vcpu(unsigned int id, const void *rip, void *stack_top);

/* Self-tests (tests_*.c): each reports through test_result. */
void test_result(const char *name, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define CHECK(name, cond, ...) test_result(name, (cond), __VA_ARGS__)

void tests_hypercalls(void);
/* tests_dom0.c: the control domain's calls and machine access. */
void tests_dom0(void);
void tests_cpu(void);
void tests_smp(void);
void tests_time(void);
void tests_acpi(void);
void tests_hostile(void);
void tests_console(void);
void console_echo(bool on_ring);
/* One line typed into the console ring's in[] (without its CR/LF; control
 * characters as ^X, cut to size), within ms of guest time: false if none. */
bool console_read_line(char *line, size_t size, uint64_t ms);
void console_bench(void);
/* For flood.c: puts what fits of s[0..n) in the ring and notifies, without
 * waiting (returns the bytes put); prints s through the ring, waiting for
 * room (false if there is no ring or it stays full). */
size_t console_ring_flood(const char *s, size_t n);
bool console_ring_print(const char *s);
/* mini.flood=<kind>: floods the hypervisor console, then powers off. */
void flood_run(const char *kind) __attribute__((noreturn));
void pvtime_bench(void);
void tests_upcall(void);
void tests_pvtime(void);
/* tests_upcall.c leaves shared_info mapped and vCPU 0's vcpu_info
 * registered; later tests find them here, and may hook its upcall. */
struct shared_info *upcall_shared_info(void);
struct vcpu_info *upcall_vcpu_info(void);
void upcall_set_handler(void (*fn)(void));
void tests_gnttab(void);
/* The two-domain grant case: role grant|grant-leave|map|map-crash|map-hold. */
void gnttab_peer_run(const char *role, uint16_t peer);
/* tests_dom0_ctl.c: dom0's privileged calls, role priv (dom0) or
 * peer|peer-crash (its domU); returns how the domain should end. */
unsigned int dom0_ctl_run(const char *role, uint16_t peer);
/* tests_ctl.c: the control hypercalls, refused to a domU; and as dom0 the
 * toolstack's path (role create) or create's timing (role bench). */
void tests_ctl_refused(void);
/* xs_client.c: mini.xs=<path>|garbage over the xenstore ring. */
void xs_client_run(const char *what);
unsigned int ctl_toolstack_run(const char *role);
/* tests_ctl.c's helpers for the other ctl tests (dom0 only). */
uint64_t ctl_ms_since(uint64_t tsc);
void ctl_yield(void);
long ctl_stage_upload(const uint8_t *img, uint64_t size, uint32_t *handle);
long ctl_create(uint32_t stage, const char *name, uint64_t mem, uint32_t vcpus,
                const char *pool, const char *cmdline, uint32_t flags, uint32_t *domid);
bool ctl_wait_gone(uint32_t domid);
/* ctl_pools.c: pools, pinning, weight and cap, the vCPU list, the console
 * history, as dom0 (after tests_ctl.c's dedicated pool test). */
void ctl_pools_run(const uint8_t *img, uint64_t size);
/* ctl_race.c: vCPU 1 calling the control hypercalls on domain target
 * (0: none) and creating junk named next, while vCPU 0 works. */
bool ctl_race_start(void);
void ctl_race_target(uint32_t domid, const char *next);
void ctl_race_stop(void);
void tests_apic(void);
void tests_apic_smp(void);
void apic_ap_idle(void) __attribute__((noreturn));
/* An IPI through the ICR, in the APIC mode the tests left vCPU 0 in. */
void apic_send_icr(uint32_t dest, uint32_t low);
void tests_nmi(void);
/* tests_vcpu_state.c: debug registers, RDPMC, WBINVD/INVD; and the
 * two-domain debug-register case (role write|read). */
void tests_vcpu_state(void);
void dr_pair_run(const char *role);
void regs_stress_run(const char *seconds);   /* mini.regs=<seconds> */
/* Starts vCPU index with INIT-SIPI-SIPI at trampoline.S (it then runs like
 * a VCPUOP_up'd one); reports its hostile checks. */
void apic_start_by_sipi(unsigned int index);
/* Crashing cases and benchmarks, selected on the command line. */
void hostile_run(const char *which) __attribute__((noreturn));
void bench_run(const char *which);
/* The hypercall fuzzer, mini.fuzz=<calls> (fuzz.c). */
void fuzz_run(void);
/* A decimal command-line option's value, or def (bench.c). */
unsigned long option_number(const char *name, unsigned long def);
/* budget.c: mini.budget=<case>; false unless mini.last_domid= is reached */
void budget_run(const char *which);
bool budget_last_round(void);

#include <public/xen/arch-x86/hvm/start_info.h>
extern const struct hvm_start_info *start_info;

#endif
