/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exceptions. Tests that expect one (an unknown MSR's #GP, say) run the
 * instruction through a safe_* helper, which arms a recovery address: the
 * handler records the vector and resumes there. Any other exception is a
 * bug of mini's or a broken hypervisor: it is printed and the domain is
 * shut down as crashed.
 */
#include <public/xen/sched.h>
#include "mini.h"

struct trap_frame {
    uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;          /* pushed by the CPU */
};

struct idt_entry {
    uint16_t off_lo, sel, attr, off_mid;
    uint32_t off_hi, zero;
};

static struct idt_entry idt[256] __attribute__((aligned(16)));
static irq_handler_fn irq_handlers[256];
extern const char trap_stubs[];

/* Per vCPU: where to resume after an expected fault (0: none armed). */
static volatile uint64_t recovery_rip[MAX_VCPUS];
static volatile int fault_vec[MAX_VCPUS];

static unsigned int this_vcpu(void)
{
    uint32_t r[4];
    cpuid(0x40000004, 0, r);        /* EBX: vCPU id (public/arch-x86/cpuid.h) */
    return r[1] < MAX_VCPUS ? r[1] : 0;
}

void trap_load_idt(void)
{
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) d = {
        sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

    __asm__ volatile("lidt %0" ::"m"(d));
}

void trap_init(void)
{
    for (unsigned int v = 0; v < 256; v++) {
        uint64_t a = (uint64_t)(uintptr_t)(trap_stubs + 16 * v);
        idt[v] = (struct idt_entry){ (uint16_t)a, 0x08, 0x8e00, (uint16_t)(a >> 16),
                                     (uint32_t)(a >> 32), 0 };
    }
    trap_load_idt();
}

void trap_handler(struct trap_frame *f);
void trap_handler(struct trap_frame *f)
{
    unsigned int cpu = this_vcpu();

    if (f->vector >= 32 || f->vector == VEC_NMI) {
        irq_handler_fn fn = irq_handlers[f->vector];
        if (fn) {
            fn((unsigned int)f->vector);
            return;
        }
        printf("mini: unexpected interrupt %u at rip %#lx, vcpu %u\n",
               (unsigned int)f->vector, (unsigned long)f->rip, cpu);
        shutdown(SHUTDOWN_crash);
    }
    if (recovery_rip[cpu]) {
        fault_vec[cpu] = (int)f->vector;
        f->rip = recovery_rip[cpu];
        recovery_rip[cpu] = 0;
        return;
    }
    printf("mini: unexpected exception %u (error %#lx) at rip %#lx, vcpu %u\n",
           (unsigned int)f->vector, (unsigned long)f->error, (unsigned long)f->rip, cpu);
    shutdown(SHUTDOWN_crash);
}

void irq_set_handler(unsigned int vector, irq_handler_fn fn)
{
    if ((vector >= 32 && vector < 256) || vector == VEC_NMI)
        __atomic_store_n(&irq_handlers[vector], fn, __ATOMIC_RELEASE);
}

/*
 * Each helper stores the address of label 1 (just past the instruction
 * under test) as the recovery point, runs the instruction, and disarms.
 */
#define ARM(cpu) "leaq 1f(%%rip), %%r11\n\tmovq %%r11, %[rec]\n\t"

/* RDMSR or RDPMC: ECX in, EDX:EAX out. */
static int safe_read_ecx(bool pmc, uint32_t ecx, uint64_t *val)
{
    unsigned int cpu = this_vcpu();
    uint32_t lo = 0, hi = 0;

    fault_vec[cpu] = -1;
    if (pmc)
        __asm__ volatile(ARM(cpu) "rdpmc\n1:"
                         : "+a"(lo), "+d"(hi), [rec] "=m"(recovery_rip[cpu])
                         : "c"(ecx) : "r11", "memory");
    else
        __asm__ volatile(ARM(cpu) "rdmsr\n1:"
                         : "+a"(lo), "+d"(hi), [rec] "=m"(recovery_rip[cpu])
                         : "c"(ecx) : "r11", "memory");
    recovery_rip[cpu] = 0;
    *val = ((uint64_t)hi << 32) | lo;
    return fault_vec[cpu] < 0 ? 0 : fault_vec[cpu];
}

int safe_rdmsr(uint32_t msr, uint64_t *val)
{
    return safe_read_ecx(false, msr, val);
}

int safe_rdpmc(uint32_t counter, uint64_t *val)
{
    return safe_read_ecx(true, counter, val);
}

int safe_wrmsr(uint32_t msr, uint64_t val)
{
    unsigned int cpu = this_vcpu();

    fault_vec[cpu] = -1;
    __asm__ volatile(ARM(cpu) "wrmsr\n1:"
                     : [rec] "=m"(recovery_rip[cpu])
                     : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
                     : "r11", "memory");
    recovery_rip[cpu] = 0;
    return fault_vec[cpu] < 0 ? 0 : fault_vec[cpu];
}

int safe_read64(uint64_t addr, uint64_t *val)
{
    unsigned int cpu = this_vcpu();
    uint64_t v = 0;

    fault_vec[cpu] = -1;
    __asm__ volatile(ARM(cpu) "movq (%[p]), %[v]\n1:"
                     : [v] "+r"(v), [rec] "=m"(recovery_rip[cpu])
                     : [p] "r"(addr) : "r11", "memory");
    recovery_rip[cpu] = 0;
    *val = v;
    return fault_vec[cpu] < 0 ? 0 : fault_vec[cpu];
}

/* A string IN: mini's tests expect #GP, as no device is emulated. */
int safe_insb(uint16_t port)
{
    unsigned int cpu = this_vcpu();
    uint8_t byte = 0;
    void *dst = &byte;

    fault_vec[cpu] = -1;
    __asm__ volatile(ARM(cpu) "insb\n1:"
                     : "+D"(dst), [rec] "=m"(recovery_rip[cpu])
                     : "d"(port) : "r11", "memory");
    recovery_rip[cpu] = 0;
    return fault_vec[cpu] < 0 ? 0 : fault_vec[cpu];
}

/* VMRUN (AMD) and VMXON (Intel) from a guest: both must give #UD. */
int safe_vmrun(void)
{
    unsigned int cpu = this_vcpu();

    fault_vec[cpu] = -1;
    __asm__ volatile(ARM(cpu) "movq $0x1000, %%rax\n\tvmrun\n1:"
                     : [rec] "=m"(recovery_rip[cpu]) :: "rax", "r11", "memory");
    recovery_rip[cpu] = 0;
    return fault_vec[cpu] < 0 ? 0 : fault_vec[cpu];
}

int safe_vmxon(void)
{
    unsigned int cpu = this_vcpu();
    uint64_t region = 0x1000;

    fault_vec[cpu] = -1;
    __asm__ volatile(ARM(cpu) "vmxon %[r]\n1:"
                     : [rec] "=m"(recovery_rip[cpu]) : [r] "m"(region) : "r11", "memory");
    recovery_rip[cpu] = 0;
    return fault_vec[cpu] < 0 ? 0 : fault_vec[cpu];
}

int safe_cache_flush(bool invd)
{
    unsigned int cpu = this_vcpu();

    fault_vec[cpu] = -1;
    if (invd)
        __asm__ volatile(ARM(cpu) "invd\n1:" : [rec] "=m"(recovery_rip[cpu]) :: "r11", "memory");
    else
        __asm__ volatile(ARM(cpu) "wbinvd\n1:" : [rec] "=m"(recovery_rip[cpu]) :: "r11", "memory");
    recovery_rip[cpu] = 0;
    return fault_vec[cpu] < 0 ? 0 : fault_vec[cpu];
}
