/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal test harness for host-compiled hypervisor code: one line per
 * case, a closing "N passed, N failed", a non-zero exit status on failure.
 * Also: captured printk() output, catchable panic(), and a fake physical
 * address space (see host.c).
 */
#ifndef TEST_H
#define TEST_H

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/types.h>

void test_run(const char *name, void (*fn)(void));
int test_summary(void);
void test_fail(const char *file, int line, const char *fmt, ...) __printf(3, 4);

#define RUN(fn)     test_run(#fn, fn)
#define CHECK(c) do { \
        if (!(c)) test_fail(__FILE__, __LINE__, "CHECK(%s)", #c); \
    } while (0)
#define CHECK_EQ(a, b) do { \
        unsigned long long _a = (unsigned long long)(a), _b = (unsigned long long)(b); \
        if (_a != _b) test_fail(__FILE__, __LINE__, "%s == %s: %#llx != %#llx", \
                                #a, #b, _a, _b); \
    } while (0)
#define CHECK_STR(a, b) do { \
        const char *_a = (a), *_b = (b); \
        if (strcmp(_a, _b)) test_fail(__FILE__, __LINE__, "%s == %s: '%s' != '%s'", \
                                      #a, #b, _a, _b); \
    } while (0)
#define CHECK_LOG(s) do { \
        if (!host_log_has(s)) test_fail(__FILE__, __LINE__, "log lacks '%s'", (s)); \
    } while (0)
#define CHECK_NO_LOG(s) do { \
        if (host_log_has(s)) test_fail(__FILE__, __LINE__, "log has '%s'", (s)); \
    } while (0)

/* printk() capture: everything logged since the last clear (level prefixes
 * turned into "E: ", "W: ", ...). */
void host_log_clear(void);
bool host_log_has(const char *substr);
const char *host_log(void);

/* panic() catching: EXPECT_PANIC(stmt) runs stmt and checks it panicked. */
extern jmp_buf *host_panic_jmp;
extern char host_panic_msg[256];
#define EXPECT_PANIC(stmt) do { \
        jmp_buf _jb, *_prev = host_panic_jmp; \
        host_panic_jmp = &_jb; \
        if (!setjmp(_jb)) { \
            stmt; \
            host_panic_jmp = _prev; \
            test_fail(__FILE__, __LINE__, "expected a panic from %s", #stmt); \
        } else { \
            host_panic_jmp = _prev; \
        } \
    } while (0)

/* Fake physical memory: windows of host memory at chosen physical addresses.
 * phys_to_virt() of an address outside every window aborts the test;
 * virt_to_phys() of a pointer outside every window returns HOST_BAD_PA. */
#define HOST_BAD_PA     (~0ULL)
void *host_phys_add(paddr_t base, size_t size);
void host_phys_reset(void);
bool host_phys_present(paddr_t pa, size_t len);

/* Deterministic PRNG (xorshift64*). */
void test_srand(uint64_t seed);
uint64_t test_rand(void);

#endif
