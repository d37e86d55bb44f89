/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emulated MMIO (hvm/mmio.c): range registration, and the register
 * semantics of each emulated instruction form, decoded from real encodings.
 * Hostile cases: overlapping or empty ranges, an access straddling the end
 * of a range, instruction fetches from it, string/ALU/locked forms and rSP
 * operands, all of which must crash the domain rather than half-emulate.
 */
#include "../../hypervisor/arch/x86/hvm/backend.h"
#include <asm/hvm_mmio.h>
#include <asm/insn_decode.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <stdarg.h>
#include "test.h"

#define BASE 0xfee00000ull

static struct domain dom;
static struct vcpu vcpu0 = { .domain = &dom };
static uint64_t rip;
static uint8_t code[16];
static size_t code_len;
static char crash_msg[512];
static uint64_t dev_reg[4];         /* four 8-byte registers at BASE */
static unsigned int last_size;

static uint64_t fake_get_rip(struct vcpu *v) { return rip; }
static void fake_set_rip(struct vcpu *v, uint64_t r) { rip = r; }
static const struct hvm_backend fake = { .get_rip = fake_get_rip, .set_rip = fake_set_rip };
const struct hvm_backend *hvm = &fake;

int hvm_decode_current_insn(struct vcpu *v, struct insn *insn)
{
    return insn_decode_buf(insn, INSN_MODE_LONG64, 0, code, code_len);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(crash_msg, sizeof(crash_msg), fmt, ap);
    va_end(ap);
}

static int dev_read(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *val)
{
    uint64_t off = gpa - BASE;
    last_size = size;
    memcpy(val, (uint8_t *)dev_reg + off, size);
    return 0;
}

static int dev_write(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t val)
{
    uint64_t off = gpa - BASE;
    last_size = size;
    memcpy((uint8_t *)dev_reg + off, &val, size);
    return 0;
}

static const struct hvm_mmio_ops dev = { .name = "testdev", .read = dev_read, .write = dev_write };

static void setup(void)
{
    memset(&dom, 0, sizeof(dom));
    memset(&vcpu0.arch.regs, 0, sizeof(vcpu0.arch.regs));
    memset(dev_reg, 0, sizeof(dev_reg));
    crash_msg[0] = '\0';
    rip = 0x1000;
    CHECK_EQ(hvm_mmio_register(&dom, BASE, sizeof(dev_reg), &dev), 0);
}

/* Runs one access: code bytes, faulting gpa, write or read. */
static bool access(const uint8_t *bytes, size_t len, uint64_t gpa, bool write)
{
    struct hvm_exit e = { .reason = HVM_EXIT_NPF };

    memcpy(code, bytes, len);
    code_len = len;
    e.npf.gpa = gpa;
    e.npf.write = write;
    return hvm_mmio_handle(&vcpu0, &e);
}

static void test_register(void)
{
    setup();
    CHECK_EQ(hvm_mmio_register(&dom, BASE + 8, 8, &dev), -EINVAL);    /* overlaps */
    CHECK_EQ(hvm_mmio_register(&dom, BASE - 8, 9, &dev), -EINVAL);    /* overlaps */
    CHECK_EQ(hvm_mmio_register(&dom, 0x1000, 0, &dev), -EINVAL);      /* empty */
    CHECK_EQ(hvm_mmio_register(&dom, ~0ull - 4, 16, &dev), -EINVAL);  /* wraps */
    CHECK_EQ(hvm_mmio_register(&dom, 0x1000, 8, NULL), -EINVAL);
    for (unsigned int i = 1; i < HVM_MMIO_MAX_RANGES; i++)
        CHECK_EQ(hvm_mmio_register(&dom, 0x10000 * i, 8, &dev), 0);
    CHECK_EQ(hvm_mmio_register(&dom, 0x900000, 8, &dev), -ENOSPC);
}

static void test_not_ours(void)
{
    static const uint8_t mov_load[] = { 0x8b, 0x00 };      /* mov (%rax),%eax */
    setup();
    CHECK(!access(mov_load, sizeof(mov_load), BASE + 0x1000, false));
    CHECK(!access(mov_load, sizeof(mov_load), BASE - 1, false));
    CHECK_EQ(rip, 0x1000);
}

static void test_loads(void)
{
    static const uint8_t mov32[] = { 0x8b, 0x18 };              /* mov (%rax),%ebx */
    static const uint8_t mov64[] = { 0x48, 0x8b, 0x08 };        /* mov (%rax),%rcx */
    static const uint8_t mov16[] = { 0x66, 0x8b, 0x10 };        /* mov (%rax),%dx */
    static const uint8_t mov8h[] = { 0x8a, 0x20 };              /* mov (%rax),%ah */
    static const uint8_t movzx[] = { 0x0f, 0xb6, 0x30 };        /* movzbl (%rax),%esi */
    static const uint8_t movsx[] = { 0x48, 0x0f, 0xbf, 0x38 };  /* movswq (%rax),%rdi */
    static const uint8_t r15[]   = { 0x4c, 0x8b, 0x38 };        /* mov (%rax),%r15 */

    setup();
    dev_reg[0] = 0x8877665544332211ull;
    dev_reg[1] = 0x000000000000f00dull;
    vcpu0.arch.regs.rax = 0xaaaaaaaaaaaaaaaaull;
    vcpu0.arch.regs.rbx = ~0ull;
    CHECK(access(mov32, sizeof(mov32), BASE, false));
    CHECK_EQ(vcpu0.arch.regs.rbx, 0x44332211ull);                  /* zero-extended */
    CHECK_EQ(rip, 0x1002);
    CHECK_EQ(last_size, 4);
    CHECK(access(mov64, sizeof(mov64), BASE, false));
    CHECK_EQ(vcpu0.arch.regs.rcx, 0x8877665544332211ull);
    vcpu0.arch.regs.rdx = 0x1111111111111111ull;
    CHECK(access(mov16, sizeof(mov16), BASE, false));
    CHECK_EQ(vcpu0.arch.regs.rdx, 0x1111111111112211ull);          /* upper bits kept */
    CHECK(access(mov8h, sizeof(mov8h), BASE + 8, false));
    CHECK_EQ(vcpu0.arch.regs.rax, 0xaaaaaaaaaaaa0daaull);          /* AH only */
    vcpu0.arch.regs.rsi = ~0ull;
    CHECK(access(movzx, sizeof(movzx), BASE + 9, false));
    CHECK_EQ(vcpu0.arch.regs.rsi, 0xf0ull);
    CHECK_EQ(last_size, 1);
    CHECK(access(movsx, sizeof(movsx), BASE + 8, false));
    CHECK_EQ(vcpu0.arch.regs.rdi, 0xfffffffffffff00dull);
    CHECK(access(r15, sizeof(r15), BASE + 8, false));
    CHECK_EQ(vcpu0.arch.regs.r15, 0xf00dull);
    CHECK_STR(crash_msg, "");
}

static void test_stores(void)
{
    static const uint8_t st32[] = { 0x89, 0x18 };                           /* mov %ebx,(%rax) */
    static const uint8_t st8h[] = { 0x88, 0x3a };                           /* mov %bh,(%rdx) */
    static const uint8_t imm32[] = { 0xc7, 0x00, 0x78, 0x56, 0x34, 0x12 };  /* movl $0x12345678 */
    static const uint8_t imm64[] = { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff }; /* movq $-1 */

    setup();
    vcpu0.arch.regs.rbx = 0x99999999deadbeefull;
    CHECK(access(st32, sizeof(st32), BASE + 8, true));
    CHECK_EQ(dev_reg[1], 0xdeadbeefull);
    CHECK(access(st8h, sizeof(st8h), BASE + 16, true));
    CHECK_EQ(dev_reg[2], 0xbeull);
    CHECK(access(imm32, sizeof(imm32), BASE, true));
    CHECK_EQ(dev_reg[0], 0x12345678ull);
    CHECK(access(imm64, sizeof(imm64), BASE + 24, true));
    CHECK_EQ(dev_reg[3], ~0ull);
    CHECK_EQ(rip, 0x1000 + 2 + 2 + 6 + 7);
    CHECK_STR(crash_msg, "");
}

static void expect_crash(const uint8_t *bytes, size_t len, uint64_t gpa, bool write,
                         const char *what)
{
    crash_msg[0] = '\0';
    rip = 0x2000;
    CHECK(access(bytes, len, gpa, write));
    if (!strstr(crash_msg, what))
        test_fail(__FILE__, __LINE__, "crash message '%s' lacks '%s'", crash_msg, what);
    CHECK_EQ(rip, 0x2000);      /* not advanced */
}

static void test_refused(void)
{
    static const uint8_t mov64[] = { 0x48, 0x8b, 0x08 };        /* mov (%rax),%rcx */
    static const uint8_t stos[] = { 0xab };                     /* stos %eax,(%rdi) */
    static const uint8_t add[] = { 0x01, 0x18 };                /* add %ebx,(%rax) */
    static const uint8_t lock_or[] = { 0xf0, 0x09, 0x18 };      /* lock or %ebx,(%rax) */
    static const uint8_t rsp_load[] = { 0x48, 0x8b, 0x20 };     /* mov (%rax),%rsp */
    static const uint8_t rsp_store[] = { 0x48, 0x89, 0x20 };    /* mov %rsp,(%rax) */
    static const uint8_t garbage[] = { 0x0f, 0x0b };            /* ud2 */
    struct hvm_exit fetch = { .reason = HVM_EXIT_NPF };

    setup();
    expect_crash(mov64, sizeof(mov64), BASE + 28, false, "cannot emulate");   /* straddles end */
    expect_crash(stos, sizeof(stos), BASE, true, "cannot emulate");
    expect_crash(add, sizeof(add), BASE, true, "cannot emulate");
    expect_crash(lock_or, sizeof(lock_or), BASE, true, "cannot emulate");
    expect_crash(rsp_load, sizeof(rsp_load), BASE, false, "cannot emulate");
    expect_crash(rsp_store, sizeof(rsp_store), BASE, true, "cannot emulate");
    expect_crash(garbage, sizeof(garbage), BASE, false, "cannot emulate");
    expect_crash(mov64, 1, BASE, false, "cannot emulate");        /* truncated fetch */
    fetch.npf.gpa = BASE;
    fetch.npf.fetch = true;
    crash_msg[0] = '\0';
    CHECK(hvm_mmio_handle(&vcpu0, &fetch));
    CHECK(strstr(crash_msg, "instruction fetch from testdev") != NULL);
}

int main(void)
{
    RUN(test_register);
    RUN(test_not_ours);
    RUN(test_loads);
    RUN(test_stores);
    RUN(test_refused);
    return test_summary();
}
