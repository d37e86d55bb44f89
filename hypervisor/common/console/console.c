/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor console: printk with log levels, written to COM1 through
 * the transmit ring (drivers/char/serial_tx.c), so a line costs a copy,
 * not the UART's time.
 * Boot options: console=com1|none, com1=<baud>[,8n1], loglvl=<level>,
 * console_timestamps (see docs/boot-options.md).
 */
#include <asm/spinlock.h>
#include <tessera/cmdline.h>
#include <tessera/console.h>
#include <tessera/lib.h>
#include <tessera/serial.h>
#include <tessera/time.h>

static spinlock_t console_lock = SPINLOCK_INIT;
static enum loglvl loglvl = LOGLVL_INFO;
static bool serial_wanted = true;
static unsigned int com1_baud = 115200;
static bool timestamps;
static bool at_line_start = true;

/* How long printk keeps interrupts off on its CPU, per call: printed by
 * console_sync() when the machine goes down (docs/console.md). The
 * histogram (by powers of two) gives a median and a 99th percentile, which
 * an emulator's host descheduling it now and then does not move. */
static struct {
    uint64_t lines, total_ns, max_ns;
    uint64_t hist[65];              /* [b]: under 2^b ns, from 2^(b-1) */
} irqs_off;

/* The power of two that the pct-th percentile of the histogram is below. */
static uint64_t percentile(unsigned int pct)
{
    uint64_t seen = 0, want = (irqs_off.lines * pct + 99) / 100;

    for (unsigned int b = 0; b < 65; b++) {
        seen += irqs_off.hist[b];
        if (seen >= want && seen)
            return b < 64 ? 1ull << b : ~0ull;
    }
    return 0;
}

const struct boot_enum console_opt_loglvl = BOOT_ENUM(loglvl,
    { "none", LOGLVL_NONE }, { "error", LOGLVL_ERR }, { "warning", LOGLVL_WARN },
    { "info", LOGLVL_INFO }, { "debug", LOGLVL_DEBUG }, { "all", LOGLVL_DEBUG });

const struct boot_enum console_opt_console = BOOT_ENUM(serial_wanted,
    { "com1", true }, { "none", false });

/* com1=<baud>[,8n1]: only 8 data bits, no parity, 1 stop bit is supported. */
int console_parse_com1(const char *val, void *unused)
{
    unsigned int baud = 0;
    const char *p = val;

    if (*p < '0' || *p > '9')
        return -EINVAL;
    while (*p >= '0' && *p <= '9') {
        baud = baud * 10 + (*p++ - '0');
        if (baud > 115200)
            return -EINVAL;
    }
    if (*p && strcmp(p, ",8n1"))
        return -EINVAL;
    if (baud == 0 || 115200 % baud)
        return -EINVAL;
    com1_baud = baud;
    return 0;
}

void console_init(void)
{
    if (serial_wanted)
        serial_init(COM1_PORT, com1_baud);
}

void console_enable_timestamps(bool on)
{
    timestamps = on;
}

void console_start_async(void)
{
    serial_tx_start_async();
}

void console_force_unlock(void)
{
    console_lock = (spinlock_t)SPINLOCK_INIT;
    console_history_force_unlock();
    serial_tx_sync(true);
}

void console_write(const char *s, size_t n)
{
    console_history_append(s, n);
    if (serial_wanted)
        serial_tx_write(s, n);
}

/* Writes s a line at a time, each with its time stamp if asked for. */
static void emit(const char *s)
{
    char stamp[24];

    while (*s) {
        if (at_line_start && timestamps) {
            uint64_t ns = time_now_ns();
            int n = snprintf(stamp, sizeof(stamp), "[%4llu.%06llu] ",
                             (unsigned long long)(ns / 1000000000),
                             (unsigned long long)(ns / 1000 % 1000000));
            console_write(stamp, n);
        }
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) + 1 : strlen(s);
        console_write(s, len);
        at_line_start = nl != NULL;
        s += len;
    }
}

static enum loglvl message_level(const char **fmt)
{
    const char *f = *fmt;

    if (f[0] != '\001' || !f[1])
        return LOGLVL_INFO;
    *fmt = f + 2;
    switch (f[1]) {
    case 'E': return LOGLVL_ERR;
    case 'W': return LOGLVL_WARN;
    case 'D': return LOGLVL_DEBUG;
    default:  return LOGLVL_INFO;
    }
}

void console_emit_always(const char *s)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);

    emit(s);
    spin_unlock_irqrestore(&console_lock, flags);
}

void vprintk(const char *fmt, va_list ap)
{
    char buf[512];

    if (message_level(&fmt) > loglvl)
        return;
    vsnprintf(buf, sizeof(buf), fmt, ap);
    unsigned long flags = spin_lock_irqsave(&console_lock);
    uint64_t t0 = time_now_ns();
    emit(buf);
    uint64_t ns = time_now_ns() - t0;
    irqs_off.lines++;
    irqs_off.total_ns += ns;
    irqs_off.max_ns = MAX(irqs_off.max_ns, ns);
    irqs_off.hist[ns ? 64 - __builtin_clzll(ns) : 0]++;   /* ns < 2^bucket */
    spin_unlock_irqrestore(&console_lock, flags);
}

void console_sync(void)
{
    uint64_t lines = irqs_off.lines, irqs, ticks;

    printk("console: %llu printk calls, interrupts off per call %llu ns on average, "
           "half under %llu ns, 99%% under %llu ns, %llu ns at most; %llu bytes dropped\n",
           (unsigned long long)lines,
           (unsigned long long)(lines ? irqs_off.total_ns / lines : 0),
           (unsigned long long)percentile(50), (unsigned long long)percentile(99),
           (unsigned long long)irqs_off.max_ns, (unsigned long long)serial_tx_dropped());
    serial_tx_stats(&irqs, &ticks);
    printk("console: serial sent from %llu transmit interrupts and %llu ticks\n",
           (unsigned long long)irqs, (unsigned long long)ticks);
    serial_tx_sync(false);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}
