/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host vectors for dom0's MSIs (asm/vpci.h): each device message vPCI
 * programs names one of these vectors on the boot CPU; its handler hands
 * dom0's own vector to the vLAPICs dom0's message addressed. The target
 * table is read in interrupt context, so it has an irqsave lock.
 */
#include <asm/apic.h>
#include <asm/regs.h>
#include <asm/spinlock.h>
#include <asm/vlapic.h>
#include <asm/vpci.h>

struct vmsi_target {
    struct domain *d;
    struct vmsi_guest g;
    bool valid;
};

static spinlock_t lock = SPINLOCK_INIT;
static struct vmsi_target targets[256];

static void vmsi_irq(struct cpu_regs *regs)
{
    unsigned int vec = regs->vector & 0xff;
    unsigned long flags;
    struct vmsi_target t;

    apic_eoi();     /* MSIs are edge-triggered: nothing to hold back */
    flags = spin_lock_irqsave(&lock);
    t = targets[vec];
    spin_unlock_irqrestore(&lock, flags);
    if (t.valid)
        vlapic_deliver_to_domain(t.d, t.g.dest, t.g.logical, t.g.lowest, t.g.vector, false);
}

int vmsi_vector_alloc(struct domain *d)
{
    int vec = irq_vector_alloc(vmsi_irq);
    unsigned long flags;

    if (vec < 0)
        return vec;
    flags = spin_lock_irqsave(&lock);
    targets[vec] = (struct vmsi_target){ .d = d, .valid = false };
    spin_unlock_irqrestore(&lock, flags);
    return vec;
}

void vmsi_vector_free(int vec)
{
    unsigned long flags = spin_lock_irqsave(&lock);

    targets[vec & 0xff] = (struct vmsi_target){ 0 };
    spin_unlock_irqrestore(&lock, flags);
    irq_vector_free(vec);
}

void vmsi_vector_target(struct domain *d, int vec, const struct vmsi_guest *g)
{
    unsigned long flags = spin_lock_irqsave(&lock);

    targets[vec & 0xff].d = d;
    targets[vec & 0xff].valid = g != NULL;
    if (g)
        targets[vec & 0xff].g = *g;
    spin_unlock_irqrestore(&lock, flags);
}
