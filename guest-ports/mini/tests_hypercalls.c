/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every hypercall this hypervisor implements, called the right way and the
 * wrong ways: each wrong way must come back as an error code, never as a
 * crash of this domain or of the hypervisor.
 */
#include <public/xen/errno.h>
#include <public/xen/features.h>
#include <public/xen/hvm/hvm_op.h>
#include <public/xen/hvm/params.h>
#include <public/xen/memory.h>
#include <public/xen/sched.h>
#include <public/xen/version.h>
#include <public/xen/xen.h>
#include <public/xen/arch-x86/hvm/start_info.h>
#include "hypercall.h"
#include "mini.h"

/* Addresses no hypercall may read or write for us: a hole in our own
 * guest-physical space (identity mapped, but nothing behind it), a
 * non-canonical address, and where Xen keeps its own direct map. */
#define GPA_HOLE        ram_hole()
#define NON_CANONICAL   0x8000000000000000ul
#define HYPERVISOR_VA   0xffff830000000000ul

static uint64_t bad_pointers[] = { 0, NON_CANONICAL, HYPERVISOR_VA, 0xffffffffffffffc0ul };

static bool has_nul(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!s[i])
            return true;
    return false;
}

/* One hypercall with each bad pointer as argument `slot` (1 or 2, after
 * the command): all must give -EFAULT. */
static void check_bad_pointers(const char *name, unsigned int nr, uint64_t cmd, uint64_t other,
                               int slot)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(bad_pointers); i++) {
        uint64_t p = bad_pointers[i];
        long rc = slot == 1 ? HYPERCALL(nr, cmd, p, other) : HYPERCALL(nr, cmd, other, p);
        if (rc != -XEN_EFAULT) {
            CHECK(name, false, "%#lx: rc %ld", (unsigned long)p, rc);
            return;
        }
    }
    CHECK(name, true, " ");
}

static void test_xen_version(void)
{
    long v = HYPERCALL(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    uint32_t r[4];

    cpuid(0x40000001, 0, r);
    CHECK("xen_version.version", v == 0x40011 && (uint32_t)v == r[0],
          "got %#lx, CPUID says %#x", v, r[0]);

    char extra[16] = "XXXXXXXXXXXXXXX";
    long rc = HYPERCALL(__HYPERVISOR_xen_version, XENVER_extraversion, extra, 0);
    CHECK("xen_version.extraversion", rc == 0 && has_nul(extra, sizeof(extra)),
          "rc %ld", rc);

    static char caps[1024];
    rc = HYPERCALL(__HYPERVISOR_xen_version, XENVER_capabilities, caps, 0);
    CHECK("xen_version.capabilities", rc == 0 && strstr(caps, "hvm-3.0-x86_64"),
          "rc %ld, \"%s\"", rc, caps);

    struct xen_feature_info fi = { .submap_idx = 0 };
    rc = HYPERCALL(__HYPERVISOR_xen_version, XENVER_get_features, &fi, 0);
    CHECK("xen_version.get_features", rc == 0 && (fi.submap & (1u << XENFEAT_auto_translated_physmap)) &&
          (fi.submap & (1u << XENFEAT_hvm_safe_pvclock)) &&
          (fi.submap & (1u << XENFEAT_hvm_callback_vector)),
          "rc %ld submap %#x", rc, fi.submap);
    fi = (struct xen_feature_info){ .submap_idx = 1000 };
    rc = HYPERCALL(__HYPERVISOR_xen_version, XENVER_get_features, &fi, 0);
    CHECK("xen_version.get_features_high_word", rc == 0 && fi.submap == 0,
          "rc %ld submap %#x", rc, fi.submap);

    rc = HYPERCALL(__HYPERVISOR_xen_version, XENVER_pagesize, 0, 0);
    CHECK("xen_version.pagesize", rc == 4096, "got %ld", rc);

    struct xen_compile_info ci;
    rc = HYPERCALL(__HYPERVISOR_xen_version, XENVER_compile_info, &ci, 0);
    CHECK("xen_version.compile_info", rc == 0 && ci.compiler[0], "rc %ld", rc);

    rc = HYPERCALL(__HYPERVISOR_xen_version, XENVER_commandline, caps, 0);
    CHECK("xen_version.commandline_denied", rc == -XEN_EPERM, "rc %ld", rc);
    rc = HYPERCALL(__HYPERVISOR_xen_version, 0x7fffffff, caps, 0);
    CHECK("xen_version.unknown_cmd", rc == -XEN_ENOSYS, "rc %ld", rc);
    check_bad_pointers("xen_version.bad_pointers", __HYPERVISOR_xen_version,
                       XENVER_capabilities, 0, 1);
    /* Straddling the end of our RAM: the first bytes are fine, the rest not. */
    uint64_t ram_end = ram_hole();
    rc = HYPERCALL(__HYPERVISOR_xen_version, XENVER_capabilities, ram_end - 16, 0);
    CHECK("xen_version.straddling_pointer", rc == -XEN_EFAULT, "rc %ld at %#lx", rc,
          (unsigned long)(ram_end - 16));
}

static void test_console_io(void)
{
    static char returns[5000];
    long rc = HYPERCALL(__HYPERVISOR_console_io, CONSOLEIO_write, 0, returns);

    CHECK("console_io.write_empty", rc == 0, "rc %ld", rc);
    /* More than one batch: the hypervisor continues the call itself. The
     * carriage returns print nothing. */
    memset(returns, '\r', sizeof(returns));
    rc = HYPERCALL(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof(returns), returns);
    CHECK("console_io.write_continued", rc == 0, "rc %ld", rc);
    rc = HYPERCALL(__HYPERVISOR_console_io, CONSOLEIO_read, sizeof(returns), returns);
    CHECK("console_io.read_nothing", rc == 0, "rc %ld", rc);
    rc = HYPERCALL(__HYPERVISOR_console_io, 99, 1, returns);
    CHECK("console_io.unknown_cmd", rc == -XEN_ENOSYS, "rc %ld", rc);
    check_bad_pointers("console_io.bad_pointers", __HYPERVISOR_console_io,
                       CONSOLEIO_write, 16, 2);
    /* A count with high bits set: Xen reads 32 bits of it. */
    rc = HYPERCALL(__HYPERVISOR_console_io, CONSOLEIO_write, 0x100000000ul, returns);
    CHECK("console_io.count_is_32_bits", rc == 0, "rc %ld", rc);
}

static void test_hvm_op(void)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ };
    long rc = HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_get_param, &p, 0);

    CHECK("hvm_op.get_param", rc == 0, "rc %ld", rc);
    /* A vector callback nobody raises yet (no upcall is pending), then off. */
    uint64_t via = ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | 0xf0;
    p.value = via;
    rc = HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_set_param, &p, 0);
    p.value = 0;
    long rc2 = HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_get_param, &p, 0);
    CHECK("hvm_op.set_param_roundtrip", rc == 0 && rc2 == 0 && p.value == via,
          "rc %ld/%ld value %#lx", rc, rc2, (unsigned long)p.value);
    rc = HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_set_param, &p, 0);
    CHECK("hvm_op.callback_off", rc == 0, "rc %ld", rc);
    /* Only vector callbacks exist, for vectors that are not exceptions. */
    static const uint64_t bad_via[] = {
        0x1234,                                             /* GSI 0x1234 */
        (1ull << 56) | 0x10,                                /* PCI INTx */
        (2ull << 56) | 0x1f,                                /* an exception vector */
        (2ull << 56) | 0x1f0,                               /* bits above the vector */
        (3ull << 56) | 0xf0, ~0ull,
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(bad_via); i++) {
        p.value = bad_via[i];
        rc = HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_set_param, &p, 0);
        CHECK("hvm_op.callback_via_refused", rc == -XEN_EINVAL, "via %#lx rc %ld",
              (unsigned long)bad_via[i], rc);
    }

    p = (struct xen_hvm_param){ .domid = DOMID_SELF, .index = HVM_PARAM_STORE_PFN, .value = 5 };
    rc = HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_set_param, &p, 0);
    CHECK("hvm_op.set_toolstack_param_denied", rc == -XEN_EPERM, "rc %ld", rc);
    p = (struct xen_hvm_param){ .domid = DOMID_SELF, .index = HVM_NR_PARAMS };
    rc = HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_get_param, &p, 0);
    CHECK("hvm_op.index_out_of_range", rc == -XEN_EINVAL, "rc %ld", rc);
    p.index = 0xffffffffu;
    rc = HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_get_param, &p, 0);
    CHECK("hvm_op.index_huge", rc == -XEN_EINVAL, "rc %ld", rc);
    p = (struct xen_hvm_param){ .domid = 0, .index = HVM_PARAM_CALLBACK_IRQ };
    uint32_t r[4];
    cpuid(0x40000004, 0, r);        /* ECX: our domain id */
    p.domid = (uint16_t)(r[2] + 1);
    rc = HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_get_param, &p, 0);
    CHECK("hvm_op.other_domain_denied", rc == -XEN_EPERM, "rc %ld", rc);
    rc = HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_get_param, GPA_HOLE, 0);
    CHECK("hvm_op.bad_pointer", rc == -XEN_EFAULT, "rc %ld", rc);
    rc = HYPERCALL(__HYPERVISOR_hvm_op, 0x1000, &p, 0);
    CHECK("hvm_op.unknown_op", rc == -XEN_ENOSYS, "rc %ld", rc);
}

struct e820 {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

static void test_memory_op(void)
{
    struct e820 map[8];
    struct xen_memory_map mm = { .nr_entries = ARRAY_SIZE(map) };
    const struct hvm_memmap_table_entry *si = (const void *)(uintptr_t)start_info->memmap_paddr;

    mm.buffer.p = (uintptr_t)map;
    long rc = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_memory_map, &mm, 0);
    bool same = rc == 0 && mm.nr_entries == start_info->memmap_entries;
    for (unsigned int i = 0; same && i < mm.nr_entries; i++)
        same = map[i].addr == si[i].addr && map[i].size == si[i].size && map[i].type == si[i].type;
    CHECK("memory_op.memory_map", same, "rc %ld, %u entries (start info has %u)", rc,
          mm.nr_entries, start_info->memmap_entries);

    memset(map, 0xee, sizeof(map));
    mm = (struct xen_memory_map){ .nr_entries = 1 };
    mm.buffer.p = (uintptr_t)map;
    rc = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_memory_map, &mm, 0);
    CHECK("memory_op.memory_map_short_buffer",
          rc == 0 && mm.nr_entries == 1 && map[1].addr == 0xeeeeeeeeeeeeeeeeul,
          "rc %ld, %u entries", rc, mm.nr_entries);

    mm = (struct xen_memory_map){ .nr_entries = 8 };
    mm.buffer.p = HYPERVISOR_VA;
    rc = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_memory_map, &mm, 0);
    CHECK("memory_op.bad_buffer", rc == -XEN_EFAULT, "rc %ld", rc);
    rc = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_memory_map, NON_CANONICAL, 0);
    CHECK("memory_op.bad_pointer", rc == -XEN_EFAULT, "rc %ld", rc);
    rc = HYPERCALL(__HYPERVISOR_memory_op, 63, &mm, 0);
    CHECK("memory_op.unknown_cmd", rc == -XEN_ENOSYS, "rc %ld", rc);
}

static void test_sched_op(void)
{
    long rc = HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    CHECK("sched_op.yield", rc == 0, "rc %ld", rc);

    struct sched_shutdown sd = { .reason = 77 };
    rc = HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &sd, 0);
    CHECK("sched_op.shutdown_bad_reason", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_shutdown, GPA_HOLE, 0);
    CHECK("sched_op.shutdown_bad_pointer", rc == -XEN_EFAULT, "rc %ld", rc);
    rc = HYPERCALL(__HYPERVISOR_sched_op, 1000, 0, 0);
    CHECK("sched_op.unknown_cmd", rc == -XEN_ENOSYS, "rc %ld", rc);
}

static void test_numbers(void)
{
    /* Numbers the ABI has but we do not implement, one past the table,
     * and numbers no table could have, issued directly. */
    static const unsigned int page_nrs[] = { 0, __HYPERVISOR_mmuext_op,
                                             __HYPERVISOR_xenoprof_op, 40, 63, 127 };
    static const uint64_t raw_nrs[] = { 128, 4096, 0x7fffffff, 0xffffffff,
                                        0x100000011ul, 0xffffffffffffffffull };
    bool ok = true;

    for (unsigned int i = 0; i < ARRAY_SIZE(page_nrs); i++) {
        long rc = HYPERCALL(page_nrs[i], 0, 0, 0);
        if (rc != -XEN_ENOSYS) {
            CHECK("hypercall.unimplemented", false, "#%u gave %ld", page_nrs[i], rc);
            ok = false;
        }
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(raw_nrs); i++) {
        long rc = hypercall_raw(raw_nrs[i], 0, 0, 0);
        if (rc != -XEN_ENOSYS) {
            CHECK("hypercall.out_of_range", false, "#%#lx gave %ld",
                  (unsigned long)raw_nrs[i], rc);
            ok = false;
        }
    }
    if (ok)
        CHECK("hypercall.bad_numbers", true, " ");
}

void tests_hypercalls(void)
{
    const uint8_t *insn = hypercall_insn();
    uint32_t r[4];

    bad_pointers[0] = ram_hole();
    cpuid(0x40000000, 0, r);
    CHECK("cpuid.xen_signature",
          r[1] == 0x566e6558 && r[2] == 0x65584d4d && r[3] == 0x4d4d566e && r[0] >= 0x40000004,
          "max %#x", r[0]);
    CHECK("hypercall_page.installed",
          insn[0] == 0x0f && insn[1] == 0x01 && (insn[2] == 0xd9 || insn[2] == 0xc1),
          "bytes %02x %02x %02x", insn[0], insn[1], insn[2]);
    test_xen_version();
    test_console_io();
    test_hvm_op();
    test_memory_op();
    test_sched_op();
    test_numbers();
}
