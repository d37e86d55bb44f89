/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Each CPU's loop once the machine is up: ask the scheduler what to run,
 * run that vCPU until it blocks, yields, its slice ends, someone kicks this
 * CPU or its domain dies, and ask again. An idle CPU halts.
 *
 * x87/SSE state is not used by the hypervisor (-mno-sse): a vCPU's is
 * loaded with FXRSTOR when it is picked and saved with FXSAVE when it
 * leaves the CPU, so no CPU ever holds a pointer to a vCPU between two
 * picks (domain.c frees a dead domain's vCPUs on that basis). XSAVE is
 * hidden from guests (cpuid.c).
 */
#include "backend.h"
#include <asm/hvm_intr.h>
#include <asm/p2m.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/console_ring.h>
#include <tessera/domain.h>
#include <tessera/lib.h>
#include <tessera/pv_time.h>
#include <tessera/sched.h>
#include <tessera/time.h>
#include <tessera/timer.h>

struct run_cpu {
    struct timer slice_timer;
    volatile bool resched;
    struct vcpu *volatile current;  /* in run_vcpu() here, or NULL */
    volatile uint64_t guest_seq;    /* odd while in hvm->run() */
};

static struct run_cpu run_cpus[MAX_CPUS];
volatile uint64_t cpu_quiescent_seq[MAX_CPUS];

static void slice_end(void *data)
{
    ((struct run_cpu *)data)->resched = true;
}

/* Makes cpu ask the scheduler again soon (an IPI if it is another CPU). */
void cpu_resched(int cpu)
{
    if (cpu < 0 || cpu >= MAX_CPUS)
        return;
    run_cpus[cpu].resched = true;
    if ((unsigned int)cpu != smp_processor_id())
        arch_cpu_kick((unsigned int)cpu);
}

/*
 * HLT with interrupts off: only an INIT, a start-up IPI or VCPUOP_up can
 * bring the vCPU back. When every vCPU of a domain is down the domain
 * has powered itself off; that is what Linux's poweroff ends in when it
 * finds no ACPI sleep state (Xen's hvm_hlt does the same).
 */
void vcpu_down(struct vcpu *v)
{
    struct domain *d = v->domain;
    unsigned long flags;
    bool any_up = false;

    /* Blocked first: a VCPUOP_up that sees it down from here on wakes it. */
    sched_block(&v->unit, time_now_ns());
    __atomic_store_n(&v->blocked, true, __ATOMIC_SEQ_CST);
    run_cpus[smp_processor_id()].resched = true;
    flags = spin_lock_irqsave(&d->lock);
    v->up = false;
    v->state_claimed = false;       /* a later SIPI may start it again */
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        any_up |= d->vcpus[i]->up;
    spin_unlock_irqrestore(&d->lock, flags);
    if (!any_up)
        domain_shutdown(d, DOM_END_POWEROFF);
}

/* A paused domain's vCPU stays blocked in the scheduler: the unpause that
 * clears d->paused and then wakes each vCPU not blocked (common/ctl/
 * domctl.c) sees this v->blocked, or this sees paused cleared. */
void vcpu_wake(struct vcpu *v)
{
    __atomic_store_n(&v->blocked, false, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&v->domain->paused, __ATOMIC_SEQ_CST))
        return;
    cpu_resched(sched_wake(&v->unit, time_now_ns()));
}

/* Picked while its domain is paused: off the CPU without running. The
 * unit is blocked before paused is read again, so an unpause in between
 * either is seen here or wakes the blocked unit. */
static bool leave_if_paused(struct run_cpu *rc, struct vcpu *v)
{
    if (!__atomic_load_n(&v->domain->paused, __ATOMIC_SEQ_CST))
        return false;
    sched_block(&v->unit, time_now_ns());
    rc->resched = true;
    if (!__atomic_load_n(&v->domain->paused, __ATOMIC_SEQ_CST))
        cpu_resched(sched_wake(&v->unit, time_now_ns()));
    return true;
}

/*
 * Blocks unless an interrupt is pending. Pairs with vcpu_kick() (intr.c):
 * the unit is marked blocked first (a wake from now on undoes it), then
 * v->blocked, then the sources are looked at once more, so a source made
 * pending at any point either is seen here or finds v->blocked and wakes.
 */
static void block_unless(struct vcpu *v, bool (*ready)(struct vcpu *v))
{
    sched_block(&v->unit, time_now_ns());
    __atomic_store_n(&v->blocked, true, __ATOMIC_SEQ_CST);
    if (ready(v))
        vcpu_wake(v);
    run_cpus[smp_processor_id()].resched = true;
}

void vcpu_block(struct vcpu *v)
{
    block_unless(v, hvm_intr_pending);
}

/*
 * SCHEDOP_poll's sleep, which (as Xen's do_poll) an interrupt already
 * pending keeps short only if the vCPU can take it now. Linux polls for
 * its spinlock kicks with interrupts off, often with an upcall pending:
 * that vCPU sleeps until a port of the domain is raised or a new source
 * kicks it (vcpu_kick wakes it whatever its RFLAGS.IF).
 */
void vcpu_block_poll(struct vcpu *v)
{
    block_unless(v, hvm_intr_deliverable);
}

/*
 * Every vCPU of d flushes its second-stage translations at its next VM
 * entry (the backends take the request with an atomic exchange just
 * before entering). What is left is a vCPU in guest mode right now on
 * another CPU: that CPU is kicked out of the guest and waited for.
 * guest_seq is read before current: if current is no longer d's vCPU by
 * then, that vCPU has left the guest since, and guest_seq has moved.
 */
void domain_p2m_flush(struct domain *d)
{
    unsigned int self = smp_processor_id();
    uint64_t ticket;

    if (!p2m_flush_needed_and_clear(d->p2m, &ticket))
        return;
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        hvm->p2m_changed(d->vcpus[i]);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++) {
        struct run_cpu *rc = &run_cpus[cpu];
        uint64_t seq = __atomic_load_n(&rc->guest_seq, __ATOMIC_SEQ_CST);
        struct vcpu *cur = rc->current;

        if (cpu == self || !(seq & 1) || !cur || cur->domain != d)
            continue;
        arch_cpu_kick(cpu);
        while (__atomic_load_n(&rc->guest_seq, __ATOMIC_ACQUIRE) == seq)
            cpu_relax();
    }
    p2m_flush_done(d->p2m, ticket);
}

void vcpu_yield(struct vcpu *v)
{
    sched_unit_yield(&v->unit, time_now_ns());
    run_cpus[smp_processor_id()].resched = true;
}

static void run_vcpu(struct run_cpu *rc, struct vcpu *v)
{
    struct domain *d = v->domain;
    struct hvm_exit exit;

    if (leave_if_paused(rc, v))
        return;
    if (!v->started) {
        v->started = true;
        if (v->id == 0)
            printk("tessera: dom %s id=%u started\n", d->name, d->id);
    }
    pv_time_update(v);
    runstate_set(v, RUNSTATE_running);
    __asm__ volatile("fxrstor64 %0" :: "m"(*v->arch.fpu));
    rc->current = v;
    /* Sequentially consistent: against a pause, which sets d->paused and
     * then waits for run_cpu to be -1, either it sees this store or the
     * loop below sees its flag (a store then a load, which x86 may
     * otherwise reorder). */
    __atomic_store_n(&v->run_cpu, (int)smp_processor_id(), __ATOMIC_SEQ_CST);
    for (;;) {
        local_irq_disable();
        if (rc->resched || d->state != DOM_RUNNING || d->paused) {
            local_irq_enable();
            break;
        }
        __atomic_add_fetch(&rc->guest_seq, 1, __ATOMIC_SEQ_CST);
        hvm->run(v, &exit);
        __atomic_add_fetch(&rc->guest_seq, 1, __ATOMIC_RELEASE);
        hvm_intr_after_exit(v);
        local_irq_enable();     /* the interrupt that made it exit runs here */
        hvm_handle_exit(v, &exit);
    }
    __asm__ volatile("fxsave64 %0" : "=m"(*v->arch.fpu));
    if (hvm->vcpu_put)
        hvm->vcpu_put(v);
    runstate_set(v, !v->up ? RUNSTATE_offline : v->blocked ? RUNSTATE_blocked
                                                           : RUNSTATE_runnable);
    __atomic_store_n(&v->run_cpu, -1, __ATOMIC_RELEASE);
    rc->current = NULL;
}

__noreturn void cpu_run_loop(void)
{
    unsigned int cpu = smp_processor_id();
    struct run_cpu *rc = &run_cpus[cpu];

    timer_init(&rc->slice_timer, slice_end, rc, cpu);
    for (;;) {
        /* Cleared before anything that a kick asks for is looked at: a kick
         * that lands after this point is seen by the halt check below (a
         * kick cleared after the reap would be lost, and the CPU would
         * sleep with a dead domain waiting for its quiescent count). */
        rc->resched = false;
        __atomic_add_fetch(&cpu_quiescent_seq[cpu], 1, __ATOMIC_SEQ_CST);
        domain_reap();
        console_ring_work();        /* not in the timer's interrupt */

        struct sched_decision dec = sched_pick(cpu, time_now_ns());
        cpu_resched(dec.kick);      /* a unit this CPU left its pool without */
        if (dec.timer_ns)
            timer_set(&rc->slice_timer, dec.timer_ns);
        else
            timer_stop(&rc->slice_timer);

        if (!dec.unit) {
            local_irq_disable();
            /* QEMU 7.2's TCG without -icount can drop the request behind a
             * timer interrupt or kick that its APIC has already put in IRR
             * (an unlocked |= in its helper_vmrun, docs/linux-guest.md);
             * this CPU would then sleep for good with the vector pending.
             * Writing the timer again makes QEMU's APIC signal the CPU once
             * more when it fires: at once if its head is already due. */
            timer_rearm_local();
            if (!rc->resched)
                safe_halt();
            local_irq_enable();
            continue;
        }
        run_vcpu(rc, container_of(dec.unit, struct vcpu, unit));
    }
}
