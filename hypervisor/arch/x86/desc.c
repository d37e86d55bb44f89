/* SPDX-License-Identifier: GPL-2.0-only */
/* Descriptor tables: one IDT for all CPUs; a GDT and TSS per CPU (each TSS
 * needs its own descriptor, whose busy bit is per CPU). */
#include <asm/percpu.h>
#include <asm/processor.h>
#include <tessera/lib.h>

/* entry.S lays out 256 stubs, 16 bytes apart. */
extern const char interrupt_stubs[];
#define STUB_SIZE 16

static struct idt_gate idt[256] __aligned(16);

static void set_gate(unsigned int vec, uint8_t ist)
{
    uint64_t addr = (uint64_t)(uintptr_t)interrupt_stubs + vec * STUB_SIZE;

    idt[vec] = (struct idt_gate){
        .offset_lo = addr & 0xffff,
        .selector = BOOT_CS64,
        .ist = ist,
        .type_attr = 0x8e,          /* present, DPL0, 64-bit interrupt gate */
        .offset_mid = (addr >> 16) & 0xffff,
        .offset_hi = addr >> 32,
    };
}

void idt_init(void)
{
    for (unsigned int v = 0; v < 256; v++)
        set_gate(v, 0);
    /* NMI, #DF and #MC can arrive on a broken stack: give them their own. */
    set_gate(2, IST_NMI);
    set_gate(8, IST_DF);
    set_gate(18, IST_MC);
}

static void gdt_fill(struct cpu *c)
{
    uint64_t base = (uint64_t)(uintptr_t)&c->tss;
    uint64_t limit = sizeof(c->tss) - 1;

    c->gdt[0] = 0;
    c->gdt[1] = 0x00af9b000000ffffULL;      /* 64-bit code */
    c->gdt[2] = 0x00cf93000000ffffULL;      /* data */
    c->gdt[3] = 0x00cf9b000000ffffULL;      /* 32-bit code */
    /* 64-bit available TSS (type 9), present (SDM Vol. 3A, 7.2.3). */
    c->gdt[4] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
                (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    c->gdt[5] = base >> 32;
}

void percpu_activate(struct cpu *c)
{
    struct desc_ptr gdtr = { sizeof(c->gdt) - 1, (uint64_t)(uintptr_t)c->gdt };
    struct desc_ptr idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

    c->self = c;
    for (unsigned int i = 0; i < IST_COUNT; i++)
        c->tss.ist[i] = (uint64_t)(uintptr_t)c->ist_stacks[i] + IST_STACK_SIZE;
    c->tss.iomap_base = sizeof(c->tss);     /* no I/O bitmap */
    gdt_fill(c);

    __asm__ volatile("lgdt %0" :: "m"(gdtr));
    /* Reload CS through a far return, then the data segments. */
    __asm__ volatile("pushq %0\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "mov %1, %%ds\n\t"
                     "mov %1, %%es\n\t"
                     "mov %1, %%ss\n\t"
                     :: "i"(BOOT_CS64), "r"(BOOT_DS) : "rax", "memory");
    __asm__ volatile("ltr %w0" :: "r"(GDT_TSS));
    __asm__ volatile("lidt %0" :: "m"(idtr));
    wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
}
