/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Secondary vCPUs: VCPUOP_initialise with a 64-bit context straight into
 * long mode on our page tables (public/hvm/hvm_vcpu.h), then VCPUOP_up.
 * Each one checks who it is, hammers a hypercall while the others do the
 * same, reports in, and idles taking APIC interrupts (tests_apic.c);
 * vCPU 1 first serves as the p2m flush probe. With three or more vCPUs the
 * last one is started natively instead, with INIT-SIPI-SIPI through the
 * local APIC (apic_start_by_sipi).
 */
#include <public/xen/errno.h>
#include <public/xen/hvm/hvm_vcpu.h>
#include <public/xen/memory.h>
#include <public/xen/vcpu.h>
#include <public/xen/version.h>
#include <public/xen/xen.h>
#include "hypercall.h"
#include "mini.h"

#define AP_HYPERCALLS   200

unsigned int nr_vcpus;
static uint8_t ap_stacks[MAX_VCPUS][STACK_SIZE] __attribute__((aligned(16)));
static volatile unsigned int arrived, wrong_id, wrong_apic_id, failed_calls;
static volatile uint64_t ap_tsc[MAX_VCPUS];
extern const char ap_entry64[];
extern uint8_t pml4[];

unsigned int smp_count_vcpus(void)
{
    unsigned int n = 0;

    while (n < MAX_VCPUS && HYPERCALL(__HYPERVISOR_vcpu_op, VCPUOP_is_up, n, 0) >= 0)
        n++;
    return n;
}

uint64_t ap_stack_top(unsigned int index)
{
    return (uintptr_t)(ap_stacks[index] + STACK_SIZE);
}

/*
 * The p2m flush probe: vCPU 1 spins reading a RAM page (filled with 0xaa)
 * while vCPU 0 maps the shared_info page over that gfn. Once the hypercall
 * has returned, vCPU 1, still in guest mode on its own CPU, must read the
 * new page: the hypervisor flushed the stale translation everywhere.
 * The word read lies in vcpu_info[31], which no vCPU of ours uses: zero.
 */
static uint8_t probe_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
#define PROBE_WORD  (0x7f8 / 8)
static volatile int probe_state;        /* 1: vCPU 1 spinning, 2: remapped, 3: saw it */

static void probe_spin(void)
{
    volatile uint64_t *w = (volatile uint64_t *)probe_page + PROBE_WORD;
    uint64_t limit = tsc_khz() * 60000, start = rdtsc();

    /* Spin only once the others are up: a spinning vCPU slows their
     * bring-up where vCPUs share CPUs. */
    while (arrived < nr_vcpus - 1 && rdtsc() - start < limit)
        HYPERCALL(__HYPERVISOR_sched_op, 0 /* yield */, 0, 0);
    /* With interrupts enabled, as a guest normally runs: Bochs (2.7) does
     * not make a VMX guest with RFLAGS.IF clear exit on an external
     * interrupt, though external-interrupt exiting says it must. */
    start = rdtsc();
    irq_enable();
    __atomic_store_n(&probe_state, 1, __ATOMIC_SEQ_CST);
    while (rdtsc() - start < limit) {
        if (__atomic_load_n(&probe_state, __ATOMIC_SEQ_CST) == 2 && *w == 0) {
            __atomic_store_n(&probe_state, 3, __ATOMIC_SEQ_CST);
            break;
        }
        cpu_relax();
    }
    irq_disable();
}

static void test_p2m_flush_probe(void)
{
    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
                                    .gpfn = (uintptr_t)probe_page / PAGE_SIZE };
    uint64_t limit = tsc_khz() * 60000, start = rdtsc();

    while (__atomic_load_n(&probe_state, __ATOMIC_SEQ_CST) != 1 && rdtsc() - start < limit)
        HYPERCALL(__HYPERVISOR_sched_op, 0 /* yield */, 0, 0);
    long rc = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x, 0);
    __atomic_store_n(&probe_state, 2, __ATOMIC_SEQ_CST);
    start = rdtsc();
    while (__atomic_load_n(&probe_state, __ATOMIC_SEQ_CST) != 3 && rdtsc() - start < limit)
        cpu_relax();
    CHECK("smp.p2m_change_seen_by_running_vcpu", rc == 0 && probe_state == 3,
          "rc %ld state %d", rc, probe_state);
}

void ap_main(unsigned int index);
void ap_main(unsigned int index)
{
    uint32_t r[4];

    ap_tsc[index] = rdtsc();
    trap_load_idt();
    cpuid(0x40000004, 0, r);
    if (r[1] != index)
        __atomic_add_fetch(&wrong_id, 1, __ATOMIC_SEQ_CST);
    /* APIC ID 2 * index, as the MADT says: leaf 1 EBX[31:24], leaf 0xB EDX. */
    cpuid(1, 0, r);
    bool apic_ok = r[1] >> 24 == ((2 * index) & 0xff);
    cpuid(0, 0, r);
    if (r[0] >= 0xb) {
        cpuid(0xb, 0, r);
        apic_ok &= r[3] == 2 * index;
    }
    if (!apic_ok)
        __atomic_add_fetch(&wrong_apic_id, 1, __ATOMIC_SEQ_CST);
    for (unsigned int i = 0; i < AP_HYPERCALLS; i++)
        if (HYPERCALL(__HYPERVISOR_xen_version, XENVER_version, 0, 0) != 0x40011)
            __atomic_add_fetch(&failed_calls, 1, __ATOMIC_SEQ_CST);
    printf("mini: vcpu %u up\n", index);
    __atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
    if (index == 1)
        probe_spin();
    apic_ap_idle();
}

static struct vcpu_hvm_context ap_context(unsigned int i)
{
    struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_64B };

    c.cpu_regs.x86_64 = (struct vcpu_hvm_x86_64){
        .rip = (uintptr_t)ap_entry64,
        .rsp = ap_stack_top(i),
        .rbx = i,
        .rflags = 2,
        .cr0 = 0x80010011,              /* PG, WP, ET, PE */
        .cr3 = (uintptr_t)pml4,
        .cr4 = 0x20,                    /* PAE */
        .efer = 0x500,                  /* LME, LMA */
    };
    return c;
}

long mini_start_vcpu(unsigned int id, const void *rip, void *stack_top)
{
    struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_64B };

    c.cpu_regs.x86_64 = (struct vcpu_hvm_x86_64){
        .rip = (uintptr_t)rip, .rsp = (uintptr_t)stack_top,
        .rflags = 2, .cr0 = 0x80010011, .cr3 = (uintptr_t)pml4, .cr4 = 0x20, .efer = 0x500 };
    long rc = HYPERCALL(__HYPERVISOR_vcpu_op, VCPUOP_initialise, id, &c);
    return rc ? rc : HYPERCALL(__HYPERVISOR_vcpu_op, VCPUOP_up, id, 0);
}

static long vcpu_op(unsigned int cmd, uint64_t id, const void *arg)
{
    return HYPERCALL(__HYPERVISOR_vcpu_op, cmd, id, arg);
}

static void test_vcpu_op_errors(void)
{
    struct vcpu_hvm_context c = ap_context(0);
    long rc;

    rc = vcpu_op(VCPUOP_is_up, 0, NULL);
    CHECK("vcpu_op.is_up_self", rc == 1, "rc %ld", rc);
    rc = vcpu_op(VCPUOP_is_up, nr_vcpus, NULL);
    CHECK("vcpu_op.no_such_vcpu", rc == -XEN_ENOENT, "rc %ld", rc);
    rc = vcpu_op(VCPUOP_up, 0xffffffffffffull, NULL);
    CHECK("vcpu_op.huge_vcpu_id", rc == -XEN_ENOENT, "rc %ld", rc);
    rc = vcpu_op(VCPUOP_initialise, 0, &c);
    CHECK("vcpu_op.initialise_running_vcpu", rc == -XEN_EEXIST, "rc %ld", rc);
    rc = vcpu_op(1000, 0, NULL);
    CHECK("vcpu_op.unknown_cmd", rc == -XEN_ENOSYS, "rc %ld", rc);
    if (nr_vcpus < 2)
        return;
    /* Broken contexts for a vCPU that is not up yet: each refused. */
    c.mode = 7;
    rc = vcpu_op(VCPUOP_initialise, 1, &c);
    CHECK("vcpu_op.bad_mode", rc == -XEN_EINVAL, "rc %ld", rc);
    c = ap_context(1);
    c.cpu_regs.x86_64.cr0 = 0x11;       /* long mode without paging */
    rc = vcpu_op(VCPUOP_initialise, 1, &c);
    CHECK("vcpu_op.long_mode_without_paging", rc == -XEN_EINVAL, "rc %ld", rc);
    c = ap_context(1);
    c.cpu_regs.x86_64.cr4 |= 1u << 13;  /* VMXE */
    rc = vcpu_op(VCPUOP_initialise, 1, &c);
    CHECK("vcpu_op.vmxe_refused", rc == -XEN_EINVAL, "rc %ld", rc);
    c = ap_context(1);
    c.cpu_regs.x86_64.efer |= 1u << 12; /* SVME */
    rc = vcpu_op(VCPUOP_initialise, 1, &c);
    CHECK("vcpu_op.svme_refused", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = vcpu_op(VCPUOP_initialise, 1, (const void *)ram_hole());
    CHECK("vcpu_op.bad_pointer", rc == -XEN_EFAULT, "rc %ld", rc);
    rc = vcpu_op(VCPUOP_up, 1, NULL);
    CHECK("vcpu_op.up_uninitialised", rc == -XEN_EINVAL, "rc %ld", rc);
}

void tests_smp(void)
{
    test_vcpu_op_errors();
    if (nr_vcpus < 2) {
        CHECK("smp.single_vcpu", nr_vcpus == 1, "%u vCPUs", nr_vcpus);
        return;
    }
    memset(probe_page, 0xaa, sizeof(probe_page));
    /* With three or more, the last one starts the native way (tests_apic.c). */
    unsigned int by_sipi = nr_vcpus >= 3 ? nr_vcpus - 1 : 0;
    uint64_t before = rdtsc();
    for (unsigned int i = 1; i < nr_vcpus; i++) {
        if (i == by_sipi) {
            apic_start_by_sipi(i);
            continue;
        }
        struct vcpu_hvm_context c = ap_context(i);
        long a = vcpu_op(VCPUOP_initialise, i, &c), b = vcpu_op(VCPUOP_up, i, NULL);
        if (a || b)
            CHECK("smp.bring_up", false, "vcpu %u: initialise %ld, up %ld", i, a, b);
    }
    /* Up to 150 s of guest time: TCG on a loaded host is slow (secondary
     * vCPUs were seen to need more than 60 s while other emulators ran). */
    uint64_t limit = tsc_khz() * 150000;
    while (arrived < nr_vcpus - 1 && rdtsc() - before < limit)
        HYPERCALL(__HYPERVISOR_sched_op, 0 /* yield */, 0, 0);
    CHECK("smp.all_vcpus_up", arrived == nr_vcpus - 1, "%u of %u arrived", arrived,
          nr_vcpus - 1);
    CHECK("smp.vcpu_ids", wrong_id == 0, "%u vCPUs saw another id", wrong_id);
    CHECK("smp.apic_ids", wrong_apic_id == 0, "%u vCPUs saw another APIC ID", wrong_apic_id);
    CHECK("smp.concurrent_hypercalls", failed_calls == 0, "%u failed", failed_calls);
    bool tsc_ok = true;
    for (unsigned int i = 1; i < nr_vcpus; i++)
        tsc_ok &= ap_tsc[i] > before;
    CHECK("smp.tsc_consistent", tsc_ok, "a vCPU's TSC was behind vCPU 0's");
    test_p2m_flush_probe();
    long rc = vcpu_op(VCPUOP_up, 1, NULL);
    CHECK("vcpu_op.up_twice", rc == 0, "rc %ld", rc);
    struct vcpu_hvm_context c = ap_context(1);
    rc = vcpu_op(VCPUOP_initialise, 1, &c);
    CHECK("vcpu_op.initialise_twice", rc == -XEN_EEXIST, "rc %ld", rc);
    rc = vcpu_op(VCPUOP_is_up, nr_vcpus - 1, NULL);
    CHECK("vcpu_op.is_up_secondary", rc == 1, "rc %ld", rc);
}
