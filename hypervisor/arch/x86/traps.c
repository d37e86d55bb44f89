/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupt dispatch and the fatal path: any exception taken in the
 * hypervisor itself is a bug, so it is reported (CPU, vector, error code,
 * registers, stack trace) and the machine is stopped through panic().
 */
#include <asm/apic.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/regs.h>
#include <asm/shutdown.h>
#include <asm/spinlock.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

static irq_handler_t irq_handlers[256];

static const char *const exception_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
    "invalid opcode", "device not available", "double fault",
    "coprocessor segment overrun", "invalid TSS", "segment not present",
    "stack fault", "general protection", "page fault", "reserved",
    "x87 floating point", "alignment check", "machine check",
    "SIMD floating point", "virtualization", "control protection",
    [28] = "hypervisor injection", [29] = "VMM communication", [30] = "security",
};

void set_irq_handler(unsigned int vector, irq_handler_t fn)
{
    BUG_ON(vector < 32 || vector > 255);
    irq_handlers[vector] = fn;
}

/* Device vectors handed out at run time (host IRQs routed for guests):
 * below the hypervisor's fixed ones (regs.h), above the exceptions. */
#define DYN_VECTOR_FIRST    0x30
#define DYN_VECTOR_LAST     0xdf
static spinlock_t vector_lock = SPINLOCK_INIT;

int irq_vector_alloc(irq_handler_t fn)
{
    unsigned long flags = spin_lock_irqsave(&vector_lock);
    int vec = -ENOSPC;

    for (unsigned int v = DYN_VECTOR_FIRST; v <= DYN_VECTOR_LAST; v++)
        if (!irq_handlers[v]) {
            __atomic_store_n(&irq_handlers[v], fn, __ATOMIC_RELEASE);
            vec = (int)v;
            break;
        }
    spin_unlock_irqrestore(&vector_lock, flags);
    return vec;
}

void irq_vector_free(unsigned int vector)
{
    BUG_ON(vector < DYN_VECTOR_FIRST || vector > DYN_VECTOR_LAST);
    __atomic_store_n(&irq_handlers[vector], NULL, __ATOMIC_RELEASE);
}

void show_registers(const struct cpu_regs *r)
{
    printk(LOG_ERR "RIP: %04llx:%016llx  RFLAGS: %016llx\n", (unsigned long long)r->cs,
           (unsigned long long)r->rip, (unsigned long long)r->rflags);
    printk(LOG_ERR "RSP: %04llx:%016llx  CR2: %016lx\n", (unsigned long long)r->ss,
           (unsigned long long)r->rsp, read_cr2());
    printk(LOG_ERR "RAX: %016llx RBX: %016llx RCX: %016llx\n", (unsigned long long)r->rax,
           (unsigned long long)r->rbx, (unsigned long long)r->rcx);
    printk(LOG_ERR "RDX: %016llx RSI: %016llx RDI: %016llx\n", (unsigned long long)r->rdx,
           (unsigned long long)r->rsi, (unsigned long long)r->rdi);
    printk(LOG_ERR "RBP: %016llx R8:  %016llx R9:  %016llx\n", (unsigned long long)r->rbp,
           (unsigned long long)r->r8, (unsigned long long)r->r9);
    printk(LOG_ERR "R10: %016llx R11: %016llx R12: %016llx\n", (unsigned long long)r->r10,
           (unsigned long long)r->r11, (unsigned long long)r->r12);
    printk(LOG_ERR "R13: %016llx R14: %016llx R15: %016llx\n", (unsigned long long)r->r13,
           (unsigned long long)r->r14, (unsigned long long)r->r15);
    printk(LOG_ERR "CR0: %016lx CR3: %016lx CR4: %016lx\n", read_cr0(), read_cr3(), read_cr4());
}

extern const char __image_start[], __image_end[];

/* Frame-pointer walk (the hypervisor is built with -fno-omit-frame-pointer).
 * Every frame must lie above the previous one and within 64 KiB of it, so a
 * corrupt chain ends the walk instead of faulting again. */
void show_stack_trace(uint64_t rbp)
{
    printk(LOG_ERR "Stack trace (addr2line -e build/tessera.elf):\n");
    for (unsigned int depth = 0; depth < 24 && rbp; depth++) {
        if (rbp & 7 || rbp < (uint64_t)(uintptr_t)__image_start)
            break;
        const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;
        uint64_t ret = frame[1];
        if (ret < (uint64_t)(uintptr_t)__image_start || ret >= (uint64_t)(uintptr_t)__image_end)
            break;
        printk(LOG_ERR "  [<%016llx>]\n", (unsigned long long)ret);
        if (frame[0] <= rbp || frame[0] - rbp > 65536)
            break;
        rbp = frame[0];
    }
}

static void fatal_exception(struct cpu_regs *regs)
{
    const char *name = exception_names[regs->vector];

    panic_begin();
    printk(LOG_ERR "\n*** FATAL: %s (vector %llu) on CPU %u, error code %#llx ***\n",
           name ? name : "reserved", (unsigned long long)regs->vector, this_cpu()->id,
           (unsigned long long)regs->error_code);
    show_registers(regs);
    printk(LOG_ERR "  [<%016llx>] (faulting instruction)\n", (unsigned long long)regs->rip);
    show_stack_trace(regs->rbp);
    panic_end("fatal exception");
}

static void do_nmi(struct cpu_regs *regs)
{
    if (panic_in_progress())
        stop_this_cpu();
    printk(LOG_WARN "NMI received on CPU %u (ignored)\n", this_cpu()->id);
}

void do_interrupt(struct cpu_regs *regs)
{
    unsigned int vec = regs->vector;

    if (vec == 2) {
        do_nmi(regs);
        return;
    }
    if (vec < 32) {
        fatal_exception(regs);
        return;
    }
    this_cpu()->irq_count++;
    irq_handler_t fn = __atomic_load_n(&irq_handlers[vec], __ATOMIC_ACQUIRE);
    if (fn) {
        fn(regs);
        return;
    }
    if (vec != VEC_SPURIOUS) {
        printk(LOG_WARN "unexpected interrupt vector %#x on CPU %u\n", vec, this_cpu()->id);
        apic_eoi();
    }
}
