/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Serial output without waiting for the UART (security review H2): printk
 * puts its bytes in a ring and returns; bytes go to the UART only when it
 * says it can take them (THRE: a whole FIFO, 16 bytes on a 16550A), from
 * the writer itself (one FIFO's worth at most), from COM1's transmitter-
 * empty interrupt where arch routes it (arch/x86/com1_irq.c), and from a
 * tick on the CPU that started it, armed while bytes are queued: every
 * TICK_NS without the interrupt, every TICK_FALLBACK_NS with it (in case
 * an interrupt is lost). Early boot, panic and power-off write
 * synchronously, polling the UART, so what they print is never lost.
 *
 * Time with interrupts off: a write copies its bytes and sends at most one
 * FIFO; a tick or an interrupt sends at most PUMP_BUDGET bytes, which on a
 * real UART is one FIFO (THRE clears as soon as it is filled) and on an
 * emulated one, which does not pace (QEMU's THRE is set again at once),
 * bounds the pass. The lock is never held for more than one FIFO's worth
 * of port writes.
 */
#include <asm/spinlock.h>
#include <tessera/arch.h>
#include <tessera/lib.h>
#include <tessera/serial.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <tessera/tx_ring.h>

#define RING_BYTES  (128u * 1024)
#define TICK_NS     (1 * NSEC_PER_MSEC)     /* a FIFO lasts 1.39 ms at 115200 */
#define TICK_FALLBACK_NS (10 * NSEC_PER_MSEC)
#define PUMP_BUDGET 256u

static char ring_buf[RING_BYTES];
static struct tx_ring ring = { .buf = ring_buf, .size = RING_BYTES };
static spinlock_t lock = SPINLOCK_INIT;
static bool async;                  /* false: every write is sent at once */
static bool cr_sent;                /* the '\r' of the '\n' at the head went out */
static struct timer tick;
static bool tick_armed;
static bool use_irq;                /* COM1's interrupt is routed to us */
static bool irq_on;                 /* and enabled in the UART (IER) */
static uint64_t nr_irqs, nr_ticks;

static uint64_t tick_period(void)
{
    return use_irq ? TICK_FALLBACK_NS : TICK_NS;
}

/* With the interrupt routed: on while bytes are queued. Lock held. */
static void irq_update_locked(void)
{
    bool want = use_irq && async && tx_ring_used(&ring);

    if (want != irq_on) {
        irq_on = want;
        serial_tx_irq(want);        /* on with THRE set: it fires at once */
    }
}

/* Sends up to room bytes of the ring, '\n' as "\r\n". Lock held. */
static unsigned int send(unsigned int room)
{
    unsigned int sent = 0;
    int c;

    while (sent < room && (c = tx_ring_peek(&ring)) >= 0) {
        if (c == '\n' && !cr_sent) {
            serial_tx_byte('\r');
            cr_sent = true;
        } else {
            serial_tx_byte((char)c);
            tx_ring_pop(&ring);
            cr_sent = false;
        }
        sent++;
    }
    return sent;
}

/* Sends everything, polling the UART; a UART that never gets ready (or is
 * absent) has the rest dropped rather than hanging the caller. */
static void send_all(void)
{
    unsigned int room;

    tx_ring_write(&ring, "", 0);            /* a pending drop note */
    while (tx_ring_used(&ring)) {
        room = serial_present() ? serial_wait_room() : 0;
        if (!room) {
            ring.dropped_total += tx_ring_used(&ring);
            ring.cons = ring.prod;
            break;
        }
        send(room);
    }
    serial_wait_sent();                     /* THRE was not the wire yet */
}

/* Whoever turns tick_armed on sets the timer, after dropping the lock. */
static bool arm_locked(void)
{
    if (!async || tick_armed || !tx_ring_used(&ring))
        return false;
    tick_armed = true;
    return true;
}

/* Sends what the UART takes without waiting, one FIFO per hold of the
 * lock (so a printk on another CPU never waits for more than that), up to
 * PUMP_BUDGET bytes; then says what was lost, if anything, and sets the
 * interrupt for what is left. Returns whether the tick must be set. */
static bool pump(bool from_tick)
{
    unsigned int sent = 0, room = 1;
    bool again = false;

    while (room) {
        spin_lock(&lock);
        room = async && sent < PUMP_BUDGET && tx_ring_used(&ring) ? serial_tx_room() : 0;
        sent += send(room);
        if (!room) {
            tx_ring_write(&ring, "", 0);
            if (from_tick)
                tick_armed = false;
            again = arm_locked();
            irq_update_locked();
        }
        spin_unlock(&lock);
    }
    return again;
}

static void tick_fn(void *unused)
{
    __atomic_add_fetch(&nr_ticks, 1, __ATOMIC_RELAXED);
    if (pump(true))
        timer_set(&tick, time_now_ns() + tick_period());
}

void serial_tx_write(const char *s, size_t n)
{
    if (!serial_present())
        return;                             /* nowhere to send it */
    unsigned long flags = spin_lock_irqsave(&lock);

    tx_ring_write(&ring, s, n);
    if (async)
        send(serial_tx_room());             /* one FIFO at most */
    else
        send_all();
    irq_update_locked();
    bool arm = arm_locked();
    spin_unlock_irqrestore(&lock, flags);
    if (arm)
        timer_set(&tick, time_now_ns() + tick_period());
}

void serial_tx_start_async(void)
{
    timer_init(&tick, tick_fn, NULL, arch_cpu_id());
    unsigned long flags = spin_lock_irqsave(&lock);
    async = true;
    bool arm = arm_locked();
    spin_unlock_irqrestore(&lock, flags);
    if (arm)
        timer_set(&tick, time_now_ns() + tick_period());
}

void serial_tx_sync(bool force)
{
    unsigned long flags = arch_irq_save();

    if (force)
        lock = (spinlock_t)SPINLOCK_INIT;
    spin_lock(&lock);
    async = false;
    irq_update_locked();
    send_all();
    spin_unlock(&lock);
    arch_irq_restore(flags);
}

void serial_tx_use_interrupt(void)
{
    unsigned long flags = spin_lock_irqsave(&lock);

    use_irq = true;
    irq_update_locked();
    spin_unlock_irqrestore(&lock, flags);
}

/* The transmitter is empty. An emulated UART that does not pace has it
 * empty again at once, so the pump's budget, not one FIFO, is sent: that
 * is one interrupt per PUMP_BUDGET bytes there, one per FIFO on hardware. */
void serial_tx_interrupt(void)
{
    spin_lock(&lock);
    nr_irqs++;
    serial_irq_ack();
    spin_unlock(&lock);
    if (pump(false))
        timer_set(&tick, time_now_ns() + tick_period());
}

bool serial_tx_busy(void)
{
    return __atomic_load_n(&ring.prod, __ATOMIC_RELAXED) -
           __atomic_load_n(&ring.cons, __ATOMIC_RELAXED) > RING_BYTES / 2;
}

void serial_tx_stats(uint64_t *irqs, uint64_t *ticks)
{
    *irqs = __atomic_load_n(&nr_irqs, __ATOMIC_RELAXED);
    *ticks = __atomic_load_n(&nr_ticks, __ATOMIC_RELAXED);
}

uint64_t serial_tx_dropped(void)
{
    return __atomic_load_n(&ring.dropped_total, __ATOMIC_RELAXED);
}
