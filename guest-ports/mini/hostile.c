/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hostile cases. tests_hostile() runs those that must end in an error code
 * for us; hostile_run() runs one (mini.test=<case>) that must end with
 * this domain crashed by the hypervisor and everything else untouched.
 */
#include <public/xen/errno.h>
#include <public/xen/hvm/hvm_vcpu.h>
#include <public/xen/sched.h>
#include <public/xen/vcpu.h>
#include <public/xen/xen.h>
#include "hypercall.h"
#include "mini.h"

void tests_hostile(void)
{
    /* A write that runs off the end of our RAM: its first page is fine
     * (carriage returns, which print nothing), then the hole. */
    uint64_t hole = ram_hole();
    char *tail = (char *)(uintptr_t)(hole - PAGE_SIZE);
    memset(tail, '\r', PAGE_SIZE);
    long rc = HYPERCALL(__HYPERVISOR_console_io, CONSOLEIO_write, 0xffffffffu, tail);
    CHECK("hostile.console_write_into_hole", rc == -XEN_EFAULT, "rc %ld", rc);

    /* Arguments in every register full of ones, for each implemented call. */
    static const unsigned int nrs[] = { __HYPERVISOR_memory_op, __HYPERVISOR_xen_version,
                                        __HYPERVISOR_console_io, __HYPERVISOR_vcpu_op,
                                        __HYPERVISOR_sched_op, __HYPERVISOR_hvm_op,
                                        __HYPERVISOR_grant_table_op };
    bool ok = true;
    for (unsigned int i = 0; i < ARRAY_SIZE(nrs); i++) {
        rc = hypercall5(nrs[i], ~0ull, ~0ull, ~0ull, ~0ull, ~0ull);
        if (rc >= 0) {
            CHECK("hostile.all_ones_arguments", false, "hypercall %u gave %ld", nrs[i], rc);
            ok = false;
        }
    }
    if (ok)
        CHECK("hostile.all_ones_arguments", true, " ");
}

/* No IDT at all, then an exception: #GP on the breakpoint's gate, #DF on
 * that one, and the CPU shuts down (SDM vol. 3 6.15, interrupt 8). */
static void triple_fault(void)
{
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) none = { 0, 0 };

    __asm__ volatile("lidt %0; int3" ::"m"(none));
}

static void touch_unmapped(void)
{
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)ram_hole();
    printf("mini: reading guest-physical %p, which has no memory\n", (void *)p);
    (void)*p;
}

static void write_unclaimed_mmio(void)
{
    /* No RAM and no device model there (nor on a PC). */
    *(volatile uint32_t *)0xfe000000ul = 0;
}

/* A second vCPU whose first instruction is at a non-canonical address. */
static void broken_vcpu(void)
{
    extern uint8_t pml4[];
    struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_64B };

    c.cpu_regs.x86_64 = (struct vcpu_hvm_x86_64){
        .rip = 0x8000000000000000ull, .rflags = 2, .cr0 = 0x80000011,
        .cr3 = (uintptr_t)pml4, .cr4 = 0x20, .efer = 0x500 };
    long a = HYPERCALL(__HYPERVISOR_vcpu_op, VCPUOP_initialise, 1, &c);
    long b = HYPERCALL(__HYPERVISOR_vcpu_op, VCPUOP_up, 1, 0);
    printf("mini: vcpu 1 initialised (%ld) and up (%ld) at a non-canonical rip\n", a, b);
    for (;;)
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
}

static const struct {
    const char *name;
    void (*run)(void);
} cases[] = {
    { "triplefault", triple_fault },
    { "unmapped", touch_unmapped },
    { "mmio", write_unclaimed_mmio },
    { "badvcpu", broken_vcpu },
};

void hostile_run(const char *which)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        if (strcmp(which, cases[i].name))
            continue;
        printf("mini: hostile %s\n", which);
        cases[i].run();
        printf("mini: FAIL hostile %s: still running\n", which);
        shutdown(SHUTDOWN_poweroff);
    }
    printf("mini: FAIL hostile %s: no such case\n", which);
    shutdown(SHUTDOWN_poweroff);
}
