/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the CPU looks like from inside: the CPUID policy, MSRs against the
 * allow-list, I/O ports with no device behind them, and instructions a
 * guest must not get to run.
 */
#include "mini.h"

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* The PIC's port: unclaimed and trapped in every domain, dom0 too (whose
 * POST port 0x80 is the machine's). */
static inline uint8_t inb_imm21(void)
{
    uint8_t v;
    __asm__ volatile("inb $0x21, %0" : "=a"(v));
    return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}

/* Our topology, not the host's: APIC ID 2 * vCPU id, one thread per core,
 * every vCPU in one package. We are vCPU 0. */
static void test_topology(void)
{
    uint32_t r[4], max;

    cpuid(1, 0, r);
    CHECK("cpuid.topology_leaf1", r[1] >> 24 == 0 && (r[3] & (1u << 28)) &&
          ((r[1] >> 16) & 0xff) >= MIN(2 * nr_vcpus, 128u),
          "EBX %#x EDX %#x for %u vCPUs", r[1], r[3], nr_vcpus);
    cpuid(0, 0, r);
    max = r[0];
    if (max < 0xb)
        return;
    cpuid(0xb, 0, r);
    bool smt = r[0] == 1 && r[1] == 1 && ((r[2] >> 8) & 0xff) == 1 && r[3] == 0;
    cpuid(0xb, 1, r);
    bool core = r[1] == nr_vcpus && ((r[2] >> 8) & 0xff) == 2 && (r[2] & 0xff) == 1 &&
                r[0] < 32 && (1u << r[0]) >= 2 * nr_vcpus && r[3] == 0;
    cpuid(0xb, 2, r);
    bool end = ((r[2] >> 8) & 0xff) == 0 && r[1] == 0;
    CHECK("cpuid.topology_leaf_b", smt && core && end, "smt %d core %d end %d", smt, core, end);
}

static void test_cpuid(void)
{
    uint32_t r[4], e[4];

    cpuid(1, 0, r);
    cpuid(0x80000001, 0, e);
    CHECK("cpuid.virtualization_hidden", !(r[2] & (1u << 5)) && !(e[2] & (1u << 2)),
          "leaf 1 ECX %#x, 0x80000001 ECX %#x", r[2], e[2]);
    CHECK("cpuid.hypervisor_bit", r[2] & (1u << 31), "leaf 1 ECX %#x", r[2]);
    CHECK("cpuid.rdtscp_hidden", !(e[3] & (1u << 27)), "0x80000001 EDX %#x", e[3]);
    CHECK("cpuid.machine_check_hidden", !(r[3] & ((1u << 7) | (1u << 14))), "leaf 1 EDX %#x",
          r[3]);
    cpuid(0x8000000a, 0, r);
    CHECK("cpuid.svm_leaf_empty", !r[0] && !r[1] && !r[2] && !r[3], "%#x %#x %#x %#x",
          r[0], r[1], r[2], r[3]);
    cpuid(0x40000004, 0, r);
    CHECK("cpuid.vcpu_and_domain_id", (r[0] & 0x18) == 0x18 && r[1] == 0,
          "flags %#x vcpu %u", r[0], r[1]);
    cpuid(0x40000003, 0, r);
    CHECK("cpuid.tsc_khz", r[2] >= 1000, "%u kHz", r[2]);
    test_topology();
}

static void test_msrs(void)
{
    static const uint32_t unknown[] = { 0xdeadbeef, 0x3a /* FEATURE_CONTROL */,
                                        0x480 /* VMX_BASIC */, 0xc0010114 /* VM_CR */,
                                        0xc0010117 /* VM_HSAVE_PA */, 0x40000001 };
    uint64_t val;
    bool ok = true;

    for (unsigned int i = 0; i < ARRAY_SIZE(unknown); i++) {
        int vr = safe_rdmsr(unknown[i], &val), vw = safe_wrmsr(unknown[i], 0);
        if (vr != VEC_GP || vw != VEC_GP) {
            CHECK("msr.unknown_gives_gp", false, "MSR %#x: read vector %d, write vector %d",
                  unknown[i], vr, vw);
            ok = false;
        }
    }
    if (ok)
        CHECK("msr.unknown_gives_gp", true, " ");

    int v = safe_rdmsr(0xc0000080, &val);
    CHECK("msr.efer_read", v == 0 && (val & 0x500) == 0x500, "vector %d EFER %#lx", v,
          (unsigned long)val);
    v = safe_wrmsr(0xc0000080, val | (1ull << 12));     /* SVME */
    CHECK("msr.efer_svme_refused", v == VEC_GP, "vector %d", v);
    v = safe_wrmsr(0x40000000, ram_hole());
    CHECK("msr.hypercall_page_outside_ram", v == VEC_GP, "vector %d", v);
    v = safe_wrmsr(0x40000000, 0x200001);
    CHECK("msr.hypercall_page_misaligned", v == VEC_GP, "vector %d", v);
    uint64_t t1, t2;
    int v1 = safe_rdmsr(0x10, &t1), v2 = safe_rdmsr(0x10, &t2);
    CHECK("msr.tsc", !v1 && !v2 && t2 > t1, "vectors %d %d", v1, v2);
}

/* IA32_PAT is the guest's own: it reads back what was written, and a
 * reserved memory type (2, 3, 8+) in any entry is #GP, leaving it as it
 * was. Only entry 7 (not used by our page tables) is changed. */
static void test_pat(void)
{
    const uint64_t power_on = 0x0007040600070406ull, wc7 = 0x0107040600070406ull;
    uint64_t val = 0, after = 0;
    int v = safe_rdmsr(0x277, &val);

    CHECK("msr.pat_power_on", v == 0 && val == power_on, "vector %d PAT %#lx", v,
          (unsigned long)val);
    int w = safe_wrmsr(0x277, wc7), r = safe_rdmsr(0x277, &after);
    CHECK("msr.pat_write", w == 0 && r == 0 && after == wc7, "vectors %d %d PAT %#lx", w, r,
          (unsigned long)after);
    int bad2 = safe_wrmsr(0x277, (wc7 & ~(0xffull << 48)) | 2ull << 48);
    int bad8 = safe_wrmsr(0x277, 8);
    r = safe_rdmsr(0x277, &after);
    CHECK("msr.pat_reserved_type_gp", bad2 == VEC_GP && bad8 == VEC_GP && after == wc7,
          "vectors %d %d PAT %#lx", bad2, bad8, (unsigned long)after);
    safe_wrmsr(0x277, power_on);
}

/* Linux's Intel microcode probe: write 0 to 0x8b, CPUID, read 0x8b. */
static void test_ucode_rev(void)
{
    uint64_t val = ~0ull;
    int w = safe_wrmsr(0x8b, 0), r = safe_rdmsr(0x8b, &val);

    CHECK("msr.ucode_rev", w == 0 && r == 0 && val == 0, "vectors %d %d value %#lx", w, r,
          (unsigned long)val);
}

static void test_ports(void)
{
    uint32_t v = inl(0x1234);
    uint8_t b = inb_imm21();

    CHECK("io.unclaimed_port_reads_ones", v == 0xffffffffu && b == 0xff, "inl %#x inb %#x", v, b);
    outw(0x1234, 0x5678);               /* dropped; we must simply go on */
    outw(0xcf8, 0);
    CHECK("io.unclaimed_port_write_dropped", inl(0x1234) == 0xffffffffu, " ");
    /* The PIC's port: trapped for every domain, dom0 too (its other
     * ports pass through, string I/O included). */
    int vec = safe_insb(0x21);
    CHECK("io.string_io_refused", vec == VEC_GP, "vector %d", vec);
}

static void test_forbidden(void)
{
    int a = safe_vmrun(), b = safe_vmxon();

    CHECK("insn.vmrun_ud", a == VEC_UD, "vector %d", a);
    CHECK("insn.vmxon_ud", b == VEC_UD, "vector %d", b);
}

void tests_cpu(void)
{
    test_cpuid();
    test_msrs();
    test_pat();
    test_ucode_rev();
    test_ports();
    test_forbidden();
}
