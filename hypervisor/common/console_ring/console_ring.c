/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The console backend: one ring page per boot-time domain, owned by the
 * hypervisor and mapped into the guest at a special gfn (Linux's hvc_xen
 * finds it through HVM_PARAM_CONSOLE_PFN and HVM_PARAM_CONSOLE_EVTCHN).
 *
 * Output is taken when the guest notifies its port (in its own hypercall,
 * at most BATCH bytes of its ring: a guest that notifies in a storm pays
 * for it itself), and by a poll every POLL_PERIOD_NS (a guest that never
 * notifies, or has no event channel yet, is still heard), which also reads
 * the UART's input. None of it runs in interrupt context (security review
 * H2): the poll timer only marks the work due and has its CPU leave the
 * guest; the run loop then calls console_ring_work(), with interrupts on,
 * which takes at most BATCH bytes a ring and PASS_BUDGET bytes in all,
 * starting each pass where the last one stopped, so N guests keeping their
 * rings full cannot hold a CPU. The ring and registry locks are never
 * taken in interrupt context. Nothing is taken while the serial transmit
 * ring is more than half full (serial_tx_busy): a guest flooding its ring
 * waits for the serial line instead of having others' lines dropped.
 *
 * Lifetime: the ring is in the registry from attach until the domain's
 * shutdown (detach); the page is freed with the domain, once no CPU can be
 * in the poll or a notification for it (domain.c's quiescent points).
 */
#include <tessera/p2m.h>
#include <asm/spinlock.h>
#include <public/xen/hvm/params.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/console_ring.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/event.h>
#include <tessera/heap.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include <tessera/serial.h>
#include <tessera/time.h>
#include <tessera/timer.h>

#define POLL_PERIOD_NS  (10 * NSEC_PER_MSEC)
#define BATCH           512u
#define PASS_BUDGET     4096u
#define PASS_RINGS      64u         /* rings looked at in one pass */

struct console_ring {
    struct domain *d;
    struct ring_io io;
    spinlock_t lock;                /* one drainer or filler at a time */
    unsigned int port;              /* 0: no event channel */
    bool detached;
    bool bogus_reported;
    struct console_ring *next;
};

static spinlock_t registry_lock = SPINLOCK_INIT;
static struct console_ring *rings;
static struct console_ring *focus;  /* NULL: the hypervisor's */
static struct timer poll_timer;
static bool poll_started;
static bool work_due;               /* set by the poll timer */
static unsigned int next_start;     /* the ring the next pass begins with */

static void put_char(void *ctx, char c)
{
    guest_console_putc(ctx, c);
}

/* Takes what the guest wrote, up to a batch; returns how many bytes. Ring
 * lock held. */
static unsigned int drain_locked(struct console_ring *r)
{
    /* The ring is flow-controlled: with the serial line behind, its bytes
     * wait in it rather than push others' lines out of the serial ring. */
    if (r->detached || serial_tx_busy())
        return 0;
    int n = ring_io_take_output(&r->io, BATCH, put_char, r->d);
    if (n < 0 && !r->bogus_reported) {
        r->bogus_reported = true;
        printk(LOG_WARN "dom %s: console ring indices out of range; output dropped\n",
               r->d->name);
    }
    if (n > 0 && r->port)
        evtchn_notify_guest(r->d, r->port);    /* room in out[] again */
    return n > 0 ? (unsigned int)n : 0;
}

/* The guest sent on the ring's port (its vCPU, in a hypercall, interrupts
 * on). */
static void notified(struct domain *d, unsigned int port, void *data)
{
    struct console_ring *r = data;

    spin_lock(&r->lock);
    drain_locked(r);
    spin_unlock(&r->lock);
}

/* Interrupt context: only says the work is due. Whichever CPU next comes
 * to the top of its run loop does it (an idle one at once: this interrupt
 * ends its halt); a CPU busy with a guest is left alone, no reschedule and
 * no time republish for that guest. Doing the work after every exit
 * instead corrupted a mini domain's memory now and then in make check
 * (this stop's closing note): until that is understood, it is not done
 * there. */
static void poll(void *unused)
{
    __atomic_store_n(&work_due, true, __ATOMIC_RELEASE);
    timer_set(&poll_timer, time_now_ns() + POLL_PERIOD_NS);
}

/* Up to PASS_RINGS rings from next_start on (wrapping); returns how many.
 * The pointers stay valid after the registry lock is dropped until this
 * CPU's next quiescent point (console_ring_free runs after it); a ring
 * detached meanwhile is skipped by drain_locked. */
static unsigned int pick_rings(struct console_ring **out, unsigned int *first)
{
    unsigned long flags = spin_lock_irqsave(&registry_lock);
    unsigned int nr = 0, picked = 0, k = 0;

    for (struct console_ring *r = rings; r; r = r->next)
        nr++;
    *first = nr ? next_start % nr : 0;
    /* Those from *first to the end, then those before it. */
    for (struct console_ring *r = rings; r && picked < PASS_RINGS; r = r->next, k++)
        if (k >= *first)
            out[picked++] = r;
    k = 0;
    for (struct console_ring *r = rings; k < *first && picked < PASS_RINGS; r = r->next, k++)
        out[picked++] = r;
    spin_unlock_irqrestore(&registry_lock, flags);
    return picked;
}

void console_ring_work(void)
{
    struct console_ring *pick[PASS_RINGS];
    unsigned int first, nr, done = 0, i;
    int c;

    if (!__atomic_load_n(&work_due, __ATOMIC_ACQUIRE) ||
        !__atomic_exchange_n(&work_due, false, __ATOMIC_ACQ_REL))
        return;
    for (i = 0; i < 64 && (c = serial_getc()) >= 0; i++)
        console_input_char((char)c);
    nr = pick_rings(pick, &first);
    for (i = 0; i < nr && done < PASS_BUDGET; i++) {
        /* Skipped if a notification is draining it right now. */
        if (spin_trylock(&pick[i]->lock)) {
            done += drain_locked(pick[i]);
            spin_unlock(&pick[i]->lock);
        }
    }
    /* Out of budget: the next pass (any CPU's run loop, or the next poll)
     * goes on from the first ring not served. */
    __atomic_store_n(&next_start, first + i, __ATOMIC_RELAXED);
    if (i < nr)
        __atomic_store_n(&work_due, true, __ATOMIC_RELEASE);
}

/* The poll (serial input and rings) runs once anyone reads the console. */
static void start_poll_locked(void)
{
    if (poll_started)
        return;
    poll_started = true;
    timer_init(&poll_timer, poll, NULL, arch_cpu_id());
    timer_set(&poll_timer, time_now_ns() + POLL_PERIOD_NS);
}

int console_ring_attach(struct domain *d)
{
    uint64_t gfn = arch_special_gfn(CONSOLE_RING_SPECIAL_INDEX);
    struct console_ring *r = xzalloc(sizeof(*r));
    paddr_t pa;
    int rc;

    if (!r)
        return -ENOMEM;
    pa = alloc_pages(0, PA_ZERO);
    if (!pa) {
        xfree(r);
        return -ENOMEM;
    }
    rc = p2m_map(d->p2m, gfn, pa >> PAGE_SHIFT, P2M_ORDER_4K, P2M_RAM_RW);
    if (rc) {
        free_pages(pa, 0);
        xfree(r);
        return rc;
    }
    r->d = d;
    r->io.intf = phys_to_virt(pa);
    r->lock = (spinlock_t)SPINLOCK_INIT;
    /* The guest sees an interdomain port to domain 0, as a domU's console
     * port to xenconsoled would be. Without a free port the ring still
     * works, polled. */
    evtchn_port_t port = 0;
    if (evtchn_alloc_xen_bound(d, 0, notified, r, &port))
        port = 0;
    r->port = port;
    d->params[HVM_PARAM_CONSOLE_PFN] = gfn;
    d->params[HVM_PARAM_CONSOLE_EVTCHN] = r->port;
    d->console_ring = r;

    unsigned long flags = spin_lock_irqsave(&registry_lock);
    r->next = rings;
    rings = r;
    start_poll_locked();
    spin_unlock_irqrestore(&registry_lock, flags);
    return 0;
}

int console_ring_attach_dom0(struct domain *d)
{
    evtchn_port_t port;
    int rc = evtchn_alloc_unbound_port(d, 0, &port);

    if (rc)
        return rc;
    d->params[HVM_PARAM_CONSOLE_PFN] = arch_special_gfn(CONSOLE_RING_SPECIAL_INDEX);
    d->params[HVM_PARAM_CONSOLE_EVTCHN] = port;
    d->console_dom0 = true;
    return 0;
}

void console_ring_poll_start(void)
{
    unsigned long flags = spin_lock_irqsave(&registry_lock);

    start_poll_locked();
    spin_unlock_irqrestore(&registry_lock, flags);
}

void console_ring_detach(struct domain *d)
{
    struct console_ring *r = d->console_ring;

    if (!r)
        return;
    unsigned long flags = spin_lock_irqsave(&registry_lock);
    for (struct console_ring **p = &rings; *p; p = &(*p)->next)
        if (*p == r) {
            *p = r->next;
            break;
        }
    if (focus == r) {
        focus = NULL;
        console_emit_always("*** Serial input to the hypervisor (its domain ended)\n");
    }
    spin_lock(&r->lock);
    r->detached = true;
    spin_unlock(&r->lock);
    spin_unlock_irqrestore(&registry_lock, flags);
}

void console_ring_free(struct domain *d)
{
    struct console_ring *r = d->console_ring;

    if (!r)
        return;
    free_pages(virt_to_phys(r->io.intf), 0);
    xfree(r);
    d->console_ring = NULL;
}

bool console_ring_focus_next(char *name, size_t size)
{
    unsigned long flags = spin_lock_irqsave(&registry_lock);

    /* The registry lists the newest first; the cycle goes hypervisor ->
     * each ring in that order -> hypervisor. */
    focus = focus ? focus->next : rings;
    if (focus)
        snprintf(name, size, "%s", focus->d->name);
    spin_unlock_irqrestore(&registry_lock, flags);
    return focus != NULL;
}

void console_ring_input(const char *s, unsigned int n)
{
    unsigned long flags = spin_lock_irqsave(&registry_lock);
    struct console_ring *r = focus;

    if (r) {
        spin_lock(&r->lock);
        if (!r->detached && ring_io_give_input(&r->io, s, n) && r->port)
            evtchn_notify_guest(r->d, r->port);
        spin_unlock(&r->lock);
    }
    spin_unlock_irqrestore(&registry_lock, flags);
}
