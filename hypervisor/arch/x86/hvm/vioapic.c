/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hardware domain's vIOAPICs (asm/vioapic.h): the register model of
 * vioapic_regs.c behind each host IOAPIC's MMIO window, messages to the
 * domain's vLAPICs, the vLAPIC's EOI of a level vector, and each pin's
 * host GSI (gsi_route.h), bound the first time the domain unmasks it.
 * docs/dom0-interrupts.md tells the whole path.
 *
 * One lock for all of it: there is one hardware domain, and the host
 * interrupt handler must find it (or find it gone) safely.
 */
#include <asm/gsi_route.h>
#include <asm/hvm_mmio.h>
#include <asm/io_apic.h>
#include <asm/percpu.h>
#include <asm/spinlock.h>
#include <asm/vioapic.h>
#include <asm/vlapic.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/heap.h>
#include <tessera/lib.h>

#define PIN_BOUND       (1u << 0)   /* its host GSI is routed to us */
#define PIN_REFUSED     (1u << 1)   /* binding failed once (logged) */

struct vioapic_hw {
    struct vioapic regs;
    struct domain *d;
    uint64_t base, len;             /* the MMIO window, at the host's address */
    uint8_t *state;                 /* PIN_* per pin */
};

struct vioapic_set {
    unsigned int n;
    struct vioapic_hw apic[];
};

static spinlock_t lock = SPINLOCK_INIT;
static struct vioapic_set *hw_set;  /* the hardware domain's: host GSIs land here */

static void host_irq(uint32_t gsi);

/* ---- the model's callbacks (lock held) ---- */

static void deliver(struct vioapic *s, const struct vioapic_msg *m)
{
    struct vioapic_hw *h = s->ctx;

    switch (m->mode) {
    case VIOAPIC_DM_FIXED:
    case VIOAPIC_DM_LOWEST:
        vlapic_deliver_to_domain(h->d, m->dest, m->logical, m->mode == VIOAPIC_DM_LOWEST,
                                 m->vector, m->level);
        break;
    default:
        /* SMI, NMI, INIT, ExtINT through an IOAPIC: Linux uses none of
         * them (the 8259s are absent for dom0). Dropped. */
        break;
    }
}

static void rte_written(struct vioapic *s, unsigned int pin)
{
    struct vioapic_hw *h = s->ctx;
    uint64_t rte = s->pins[pin].rte;
    uint64_t mode = rte & (RTE_LEVEL | RTE_ACTIVE_LOW);
    bool masked = rte & RTE_MASKED;
    uint32_t gsi = s->gsi_base + pin;
    const char *owner;
    int rc;

    if (h->state[pin] & PIN_BOUND) {
        gsi_route_update(gsi, mode, masked);
        return;
    }
    if (masked)
        return;
    /* To this CPU: it runs the vCPU that unmasked the pin, so it is one
     * of dom0's (with cpus=, one dom0 has to itself), and the interrupt
     * does not stop another domain's vCPU on its way. */
    rc = gsi_route_bind(gsi, mode, this_cpu()->apic_id, host_irq);
    if (!rc) {
        h->state[pin] |= PIN_BOUND;
        printk("d%u: GSI %u bound (%s, active %s)\n", h->d->id, gsi,
               mode & RTE_LEVEL ? "level" : "edge", mode & RTE_ACTIVE_LOW ? "low" : "high");
        return;
    }
    /* §10 item 9 of the dom0 reference: refused, and the pin stays as the
     * guest wrote it; it just never fires. Tried again at each unmask
     * (vectors may have been freed), reported once. */
    if (h->state[pin] & PIN_REFUSED)
        return;
    h->state[pin] |= PIN_REFUSED;
    owner = io_apic_reserved(gsi);
    if (owner)
        printk(LOG_WARN "d%u: GSI %u is %s, kept by the hypervisor: not bound\n", h->d->id,
               gsi, owner);
    else
        printk(LOG_WARN "d%u: GSI %u cannot be bound (%d)\n", h->d->id, gsi, rc);
}

static void pin_eoi(struct vioapic *s, unsigned int pin)
{
    struct vioapic_hw *h = s->ctx;

    if (h->state[pin] & PIN_BOUND)
        gsi_route_eoi(s->gsi_base + pin);
}

static const struct vioapic_ops model_ops = {
    .deliver = deliver,
    .rte_written = rte_written,
    .eoi = pin_eoi,
};

/* ---- host interrupts ---- */

static struct vioapic_hw *find_gsi(struct vioapic_set *set, uint32_t gsi, unsigned int *pin)
{
    for (unsigned int i = 0; i < set->n; i++) {
        struct vioapic *s = &set->apic[i].regs;
        if (gsi >= s->gsi_base && gsi - s->gsi_base < s->nr_pins) {
            *pin = gsi - s->gsi_base;
            return &set->apic[i];
        }
    }
    return NULL;
}

/*
 * A routed host GSI fired (interrupt context). The host pin's state is the
 * line's: the line is pulsed, which an edge pin sends and a level pin
 * sends and holds in remote IRR. A level line still asserted at the guest's
 * EOI fires again on the host once gsi_route_eoi() unmasks it.
 */
static void host_irq(uint32_t gsi)
{
    unsigned long flags = spin_lock_irqsave(&lock);
    struct vioapic_hw *h;
    unsigned int pin;

    h = hw_set ? find_gsi(hw_set, gsi, &pin) : NULL;
    /* A dying domain's vCPUs are freed before its vIOAPICs: it gets
     * nothing once it is dying, and one that was running when this
     * handler began cannot be freed before the handler ends (its CPU has
     * not passed the quiescent point domain_reap() waits for). */
    if (h && (h->state[pin] & PIN_BOUND) &&
        __atomic_load_n(&h->d->state, __ATOMIC_ACQUIRE) == DOM_RUNNING) {
        vioapic_set_line(&h->regs, pin, true);
        vioapic_set_line(&h->regs, pin, false);
        /* Not sent (masked meanwhile): no EOI will come, so the host pin
         * must not wait for one. */
        if (!(h->regs.pins[pin].rte & RTE_REMOTE_IRR))
            gsi_route_eoi(gsi);
    }
    spin_unlock_irqrestore(&lock, flags);
}

/* ---- the MMIO window ---- */

static struct vioapic_hw *find_gpa(struct domain *d, uint64_t gpa)
{
    struct vioapic_set *set = d->arch.vioapic;

    for (unsigned int i = 0; set && i < set->n; i++)
        if (gpa >= set->apic[i].base && gpa - set->apic[i].base < set->apic[i].len)
            return &set->apic[i];
    return NULL;
}

static int mmio_read(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *val)
{
    struct vioapic_hw *h = find_gpa(v->domain, gpa);
    unsigned long flags;

    if (!h)
        return -EINVAL;
    flags = spin_lock_irqsave(&lock);
    *val = vioapic_mmio_read(&h->regs, (unsigned int)(gpa - h->base), size);
    spin_unlock_irqrestore(&lock, flags);
    return 0;
}

static int mmio_write(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t val)
{
    struct vioapic_hw *h = find_gpa(v->domain, gpa);
    unsigned long flags;

    if (!h)
        return -EINVAL;
    flags = spin_lock_irqsave(&lock);
    vioapic_mmio_write(&h->regs, (unsigned int)(gpa - h->base), size, val);
    spin_unlock_irqrestore(&lock, flags);
    return 0;
}

static const struct hvm_mmio_ops vioapic_mmio_ops = {
    .name = "ioapic",
    .read = mmio_read,
    .write = mmio_write,
};

/* fn(each of set's vIOAPICs, arg) with the lock held; nothing if set is NULL. */
static void for_each_apic(struct vioapic_set *set, void (*fn)(struct vioapic_hw *, unsigned int),
                          unsigned int arg)
{
    unsigned long flags;

    if (!set)
        return;
    flags = spin_lock_irqsave(&lock);
    for (unsigned int i = 0; i < set->n; i++)
        fn(&set->apic[i], arg);
    spin_unlock_irqrestore(&lock, flags);
}

static void eoi_one(struct vioapic_hw *h, unsigned int vector)
{
    vioapic_eoi(&h->regs, (uint8_t)vector);
}

void vioapic_eoi_vector(struct domain *d, uint8_t vector)
{
    /* The EOI is broadcast to every IOAPIC (SDM vol. 3 11.8.5). */
    for_each_apic(d->arch.vioapic, eoi_one, vector);
}

/* ---- life cycle ---- */

/* The window covers the rest of the IOAPIC's page, up to the next IOAPIC:
 * a host IOAPIC's page is never mapped for the domain, so an access
 * anywhere in it must land here rather than crash the domain. */
static uint64_t window_len(unsigned int i)
{
    uint64_t base = io_apic_get(i)->base, end = (base | 0xfff) + 1;

    for (unsigned int j = 0; j < io_apic_count(); j++) {
        uint64_t other = io_apic_get(j)->base;
        if (other > base && other < end)
            end = other;
    }
    return end - base;
}

/* Lock held. */
static void unbind_pins(struct vioapic_hw *h, unsigned int unused)
{
    for (unsigned int pin = 0; pin < h->regs.nr_pins; pin++)
        if (h->state[pin] & PIN_BOUND) {
            gsi_route_unbind(h->regs.gsi_base + pin);
            h->state[pin] &= ~PIN_BOUND;
        }
}

static void free_set(struct vioapic_set *set)
{
    for (unsigned int i = 0; i < set->n; i++) {
        xfree(set->apic[i].regs.pins);
        xfree(set->apic[i].state);
    }
    xfree(set);
}

int vioapic_domain_init(struct domain *d)
{
    unsigned int n = io_apic_count();
    struct vioapic_set *set;
    unsigned long flags;
    int rc = 0;

    if (!d->is_hardware)
        return 0;
    if (!n)
        printk(LOG_WARN "d%u: the host has no IOAPIC: no vIOAPIC\n", d->id);
    set = xzalloc(sizeof(*set) + n * sizeof(set->apic[0]));
    if (!set)
        return -ENOMEM;
    for (unsigned int i = 0; i < n && !rc; i++) {
        const struct io_apic *io = io_apic_get(i);
        struct vioapic_hw *h = &set->apic[i];

        set->n++;
        h->d = d;
        h->base = io->base;
        h->len = window_len(i);
        /* 0x11, as Xen's vIOAPIC: what Linux has run with as a PVH dom0.
         * Linux EOIs such a pin, when it must, by the level->edge switch. */
        h->regs.version = VIOAPIC_VERSION_11;
        h->regs.id = io->id;
        h->regs.gsi_base = io->gsi_base;
        h->regs.nr_pins = MIN(io->nr_pins, (unsigned int)VIOAPIC_MAX_PINS);
        h->regs.ops = &model_ops;
        h->regs.ctx = h;
        h->regs.pins = xzalloc(h->regs.nr_pins * sizeof(h->regs.pins[0]));
        h->state = xzalloc(h->regs.nr_pins);
        if (!h->regs.pins || !h->state) {
            rc = -ENOMEM;
            break;
        }
        vioapic_reset(&h->regs);
        rc = hvm_mmio_register(d, h->base, h->len, &vioapic_mmio_ops);
        if (io->nr_pins > VIOAPIC_MAX_PINS)
            printk(LOG_WARN "d%u: IOAPIC %u: only its first %u pins are mirrored\n", d->id,
                   io->id, VIOAPIC_MAX_PINS);
    }
    flags = spin_lock_irqsave(&lock);
    if (!rc && hw_set)
        rc = -EEXIST;           /* one hardware domain at a time */
    if (!rc)
        hw_set = set;
    spin_unlock_irqrestore(&lock, flags);
    if (rc) {
        free_set(set);
        return rc;
    }
    d->arch.vioapic = set;
    return 0;
}

void vioapic_domain_destroy(struct domain *d)
{
    struct vioapic_set *set = d->arch.vioapic;
    unsigned long flags;

    if (!set)
        return;
    for_each_apic(set, unbind_pins, 0);
    flags = spin_lock_irqsave(&lock);
    if (hw_set == set)
        hw_set = NULL;
    spin_unlock_irqrestore(&lock, flags);
    d->arch.vioapic = NULL;
    free_set(set);
}
