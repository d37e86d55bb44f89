/* SPDX-License-Identifier: GPL-2.0-only */
/* Host replacements for what the hypervisor provides: printk, panic,
 * phys_to_virt/virt_to_phys; and the test harness itself. */
#include <stdarg.h>
#include <stdint.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include "test.h"

/* ---- logging ---- */

static char log_buf[1 << 16];
static size_t log_len;
static bool verbose;

void host_log_clear(void)
{
    log_len = 0;
    log_buf[0] = '\0';
}

bool host_log_has(const char *s)
{
    return strstr(log_buf, s) != NULL;
}

const char *host_log(void)
{
    return log_buf;
}

void vprintk(const char *fmt, va_list ap)
{
    char line[1024];
    const char *level = "";

    if (fmt[0] == '\001' && fmt[1]) {
        switch (fmt[1]) {
        case 'E': level = "E: "; break;
        case 'W': level = "W: "; break;
        case 'I': level = "I: "; break;
        case 'D': level = "D: "; break;
        }
        fmt += 2;
    }
    vsnprintf(line, sizeof(line), fmt, ap);
    int n = snprintf(log_buf + log_len, sizeof(log_buf) - log_len, "%s%s", level, line);
    if (n > 0)
        log_len = MIN(log_len + (size_t)n, sizeof(log_buf) - 1);
    if (verbose)
        printf("    | %s%s", level, line);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

/* ---- panic ---- */

jmp_buf *host_panic_jmp;
char host_panic_msg[256];

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(host_panic_msg, sizeof(host_panic_msg), fmt, ap);
    va_end(ap);
    if (host_panic_jmp)
        longjmp(*host_panic_jmp, 1);
    fprintf(stderr, "PANIC (not caught): %s\n", host_panic_msg);
    abort();
}

/* ---- fake physical memory ---- */

struct window {
    paddr_t base;
    size_t size;
    char *mem;
};
static struct window windows[8];
static unsigned int nr_windows;

void *host_phys_add(paddr_t base, size_t size)
{
    size_t align = PAGE_SIZE;
    void *mem;

    if (nr_windows == ARRAY_SIZE(windows))
        abort();
    /* Align the host memory like the physical base (up to 64 MiB), so that
     * physical alignment shows in virtual addresses too. */
    while (align < (size_t)MiB(64) && IS_ALIGNED(base, align * 2) && align * 2 <= size)
        align *= 2;
    if (posix_memalign(&mem, align, size))
        abort();
    memset(mem, 0xa5, size);
    windows[nr_windows++] = (struct window){ base, size, mem };
    return mem;
}

void host_phys_reset(void)
{
    for (unsigned int i = 0; i < nr_windows; i++)
        free(windows[i].mem);
    nr_windows = 0;
}

bool host_phys_present(paddr_t pa, size_t len)
{
    for (unsigned int i = 0; i < nr_windows; i++)
        if (pa >= windows[i].base && pa - windows[i].base <= windows[i].size &&
            len <= windows[i].size - (pa - windows[i].base))
            return true;
    return false;
}

void *phys_to_virt(paddr_t pa)
{
    for (unsigned int i = 0; i < nr_windows; i++)
        if (pa >= windows[i].base && pa - windows[i].base < windows[i].size)
            return windows[i].mem + (pa - windows[i].base);
    fprintf(stderr, "phys_to_virt(%#llx): not backed by host memory\n", (unsigned long long)pa);
    abort();
}

paddr_t virt_to_phys(const void *va)
{
    uintptr_t v = (uintptr_t)va;

    for (unsigned int i = 0; i < nr_windows; i++) {
        uintptr_t m = (uintptr_t)windows[i].mem;
        if (v >= m && v - m < windows[i].size)
            return windows[i].base + (v - m);
    }
    return HOST_BAD_PA;
}

/* ---- harness ---- */

static unsigned int passed, failed, case_failures;
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

void test_srand(uint64_t seed)
{
    rng_state = seed ? seed : 1;
}

uint64_t test_rand(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    if (case_failures++ < 20) {
        printf("    %s:%d: ", file, line);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
    }
}

void test_run(const char *name, void (*fn)(void))
{
    jmp_buf jb;

    verbose = getenv("TEST_VERBOSE") != NULL;
    case_failures = 0;
    host_log_clear();
    host_panic_jmp = &jb;
    if (!setjmp(jb))
        fn();
    else
        test_fail(__FILE__, __LINE__, "unexpected panic: %s", host_panic_msg);
    host_panic_jmp = NULL;
    if (case_failures) {
        failed++;
        printf("FAIL %s\n", name);
        if (!verbose && log_len)
            printf("    log of the failed case:\n%s", log_buf);
    } else {
        passed++;
        printf("PASS %s\n", name);
    }
    fflush(stdout);
}

int test_summary(void)
{
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
