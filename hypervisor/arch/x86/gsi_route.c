/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host GSIs routed to a guest (asm/gsi_route.h). One hypervisor vector per
 * routed GSI, so the handler knows its source from the vector alone.
 *
 * Level pins: the handler masks the pin and EOIs the local APIC at once;
 * the EOI reaches the IOAPIC and clears its remote IRR (82093AA 3.2.4),
 * and the masked pin cannot fire again until the guest EOIs and
 * gsi_route_eoi() unmasks it. A line still asserted then fires again.
 * (Xen calls this ACKTYPE_UNMASK; deferring the local APIC EOI instead
 * would block every lower-priority vector on that CPU meanwhile.)
 *
 * Lock order: the owner may hold its own lock when calling in here;
 * route_lock is taken after it, and never held when the handler calls the
 * owner's function.
 */
#include <asm/apic.h>
#include <asm/io_apic.h>
#include <asm/gsi_route.h>
#include <asm/regs.h>
#include <asm/spinlock.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

struct route {
    gsi_route_fn fn;                /* NULL: vector not ours */
    uint32_t gsi;
    uint64_t mode;                  /* RTE_LEVEL | RTE_ACTIVE_LOW */
    uint8_t dest;                   /* physical APIC ID */
    bool guest_masked;              /* the guest's mask bit */
    bool in_service;                /* level: fired, guest has not EOI'd */
};

static struct route routes[256];    /* by vector */
static spinlock_t route_lock = SPINLOCK_INIT;

static struct route *find(uint32_t gsi)
{
    for (unsigned int v = 0; v < ARRAY_SIZE(routes); v++)
        if (routes[v].fn && routes[v].gsi == gsi)
            return &routes[v];
    return NULL;
}

/* Under route_lock: the host RTE from the route's state. */
static void program(struct route *r)
{
    uint64_t rte = (uint64_t)(r - routes) | r->mode | (uint64_t)r->dest << RTE_DEST_SHIFT;

    if (r->guest_masked || r->in_service)
        rte |= RTE_MASKED;
    io_apic_write_rte(r->gsi, rte);
}

static void route_interrupt(struct cpu_regs *regs)
{
    struct route *r = &routes[regs->vector & 0xff];
    gsi_route_fn fn;
    uint32_t gsi;

    spin_lock(&route_lock);     /* interrupts are off in a handler */
    fn = r->fn;
    gsi = r->gsi;
    if (fn && (r->mode & RTE_LEVEL)) {
        r->in_service = true;
        program(r);             /* masked before the EOI below */
    }
    spin_unlock(&route_lock);
    apic_eoi();
    if (fn)
        fn(gsi);
}

int gsi_route_bind(uint32_t gsi, uint64_t mode, uint32_t apic_id, gsi_route_fn fn)
{
    unsigned long flags;
    struct route *r;
    int vec;

    if (io_apic_reserved(gsi))
        return -EPERM;
    /* An xAPIC-format destination has 8 bits; more would need interrupt
     * remapping. */
    if (apic_id > 0xff)
        return -ERANGE;
    flags = spin_lock_irqsave(&route_lock);
    vec = find(gsi) ? -EEXIST : irq_vector_alloc(route_interrupt);
    if (vec < 0) {
        spin_unlock_irqrestore(&route_lock, flags);
        return vec;
    }
    r = &routes[vec];
    *r = (struct route){
        .fn = fn,
        .gsi = gsi,
        .mode = mode & (RTE_LEVEL | RTE_ACTIVE_LOW),
        .dest = (uint8_t)apic_id,
    };
    if (io_apic_write_rte(gsi, (uint64_t)vec | RTE_MASKED)) {
        r->fn = NULL;
        spin_unlock_irqrestore(&route_lock, flags);
        irq_vector_free((unsigned int)vec);
        return -ENOENT;
    }
    program(r);
    spin_unlock_irqrestore(&route_lock, flags);
    return 0;
}

void gsi_route_update(uint32_t gsi, uint64_t mode, bool masked)
{
    unsigned long flags = spin_lock_irqsave(&route_lock);
    struct route *r = find(gsi);

    if (r) {
        r->mode = mode & (RTE_LEVEL | RTE_ACTIVE_LOW);
        r->guest_masked = masked;
        if (!(r->mode & RTE_LEVEL))
            r->in_service = false;      /* an edge pin waits for no EOI */
        program(r);
    }
    spin_unlock_irqrestore(&route_lock, flags);
}

void gsi_route_eoi(uint32_t gsi)
{
    unsigned long flags = spin_lock_irqsave(&route_lock);
    struct route *r = find(gsi);

    if (r && r->in_service) {
        r->in_service = false;
        program(r);
    }
    spin_unlock_irqrestore(&route_lock, flags);
}

void gsi_route_unbind(uint32_t gsi)
{
    unsigned long flags = spin_lock_irqsave(&route_lock);
    struct route *r = find(gsi);
    unsigned int vec = 0;

    if (r) {
        io_apic_write_rte(gsi, RTE_MASKED);
        r->fn = NULL;
        vec = (unsigned int)(r - routes);
    }
    spin_unlock_irqrestore(&route_lock, flags);
    /* An interrupt already on its way finds no route (or no handler) and
     * is only EOI'd. */
    if (vec)
        irq_vector_free(vec);
}
