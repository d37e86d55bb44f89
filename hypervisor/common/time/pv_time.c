/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Publishing time to guests (public/xen.h struct vcpu_time_info and
 * shared_info's wc_*). A guest reads system time as
 *   system_time + scale(rdtsc() - tsc_timestamp)
 * inside a version loop: version is made odd before the fields change and
 * even after, and the guest retries while it is odd or moved. Guests see
 * the host TSC unchanged (TSC offset 0), so tsc_timestamp is our rdtsc().
 *
 * system_time is time_now_ns(), the clock the hypervisor's own timers use,
 * so a guest timer set for system time T fires at T; time_now_ns() uses the
 * very same scale, so the guest's extrapolation and the hypervisor agree
 * however long ago the last refresh was. With a negative shift, the scale
 * drops the low bits of a delta; tsc_timestamp is taken at a multiple of
 * 2^-shift ticks from the hypervisor's time base so that dropping them
 * from the two parts (base to timestamp, timestamp to now) loses nothing
 * more than dropping them from the whole. What is left is the final
 * floor: the guest's value is the hypervisor's or 1 ns below it, so a
 * refresh can step a reader back by at most 1 ns. Refreshes happen
 * whenever the vCPU is picked to run and at each of its timer events.
 *
 * XEN_PVCLOCK_TSC_STABLE_BIT (Linux then skips its cross-CPU monotonic
 * clamp) is set only for an invariant TSC: the hypervisor already runs one
 * TSC time base on every CPU (time_now_ns() on any CPU subtracts the boot
 * CPU's entry TSC), so a TSC that is not invariant is unsafe for both.
 *
 * The writers of one vcpu_time_info (the run loop, a timer event on
 * another CPU) take the vCPU's pv_time lock; the version we write comes
 * from our own counter, never from the page the guest can scribble on.
 */
#include <public/xen/xen.h>
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/lib.h>
#include <tessera/pv_time.h>
#include <tessera/pvclock.h>
#include <tessera/time.h>
#include <tessera/wallclock.h>
#include "private.h"

static struct pvclock_scale scale;
static uint8_t clock_flags;
static bool ready;

void pv_time_init(bool tsc_invariant)
{
    scale = pvclock_scale_for_khz(time_tsc_khz());
    clock_flags = tsc_invariant ? XEN_PVCLOCK_TSC_STABLE_BIT : 0;
    ready = true;
}

uint64_t pv_time_now(void)
{
    return time_now_ns();
}

static void begin_update(volatile uint32_t *version, uint32_t odd)
{
    *version = odd;
    /* The odd version is seen before any field changes (x86 keeps stores
     * in order; this stops the compiler reordering them). */
    __atomic_thread_fence(__ATOMIC_RELEASE);
}

static void end_update(volatile uint32_t *version, uint32_t even)
{
    __atomic_thread_fence(__ATOMIC_RELEASE);
    *version = even;
}

static void publish_wallclock(struct domain *d)
{
    struct shared_info *s = d->shared_info;
    uint64_t wall = wallclock_boot_ns();
    uint64_t sec = wall / NSEC_PER_SEC;

    begin_update(&s->wc_version, 1);
    s->wc_sec = (uint32_t)sec;
    s->wc_sec_hi = (uint32_t)(sec >> 32);
    s->wc_nsec = (uint32_t)(wall % NSEC_PER_SEC);
    end_update(&s->wc_version, 2);
}

static void publish_locked(struct vcpu *v)
{
    struct pv_time_vcpu *p = &v->pvtime;
    struct vcpu_info *vi = v->vcpu_info;

    if (!vi || !ready)
        return;
    struct vcpu_time_info *t = &vi->time;
    uint64_t base = time_entry_tsc();
    uint64_t tsc = time_read_tsc();

    if (scale.shift < 0)
        tsc = base + ((tsc - base) & ~((1ull << -scale.shift) - 1));
    uint64_t now = tsc_to_ns(tsc - base);

    begin_update(&t->version, p->version + 1);
    t->tsc_timestamp = tsc;
    t->system_time = now;
    t->tsc_to_system_mul = scale.mul;
    t->tsc_shift = scale.shift;
    t->flags = clock_flags;
    p->version += 2;
    end_update(&t->version, p->version);
}

void pv_time_publish(struct vcpu *v)
{
    unsigned long flags = spin_lock_irqsave(&v->pvtime.lock);

    publish_locked(v);
    spin_unlock_irqrestore(&v->pvtime.lock, flags);
}

void pv_time_update(struct vcpu *v)
{
    struct pv_time_vcpu *p = &v->pvtime;
    unsigned long flags = spin_lock_irqsave(&p->lock);

    if (!p->wallclock_done && v->id == 0 && v->domain->shared_info) {
        publish_wallclock(v->domain);
        p->wallclock_done = true;
    }
    publish_locked(v);
    pv_timers_follow_locked(v, arch_cpu_id());
    spin_unlock_irqrestore(&p->lock, flags);
}
