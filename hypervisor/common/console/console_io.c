/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * console_io (public/xen.h CONSOLEIO_*): a guest writes to the hypervisor's
 * console, one line at a time prefixed with its name so guests running at
 * once stay readable. The control domain (dom0) also reads: serial input
 * switched to it (console_input.c) waits in a buffer here, VIRQ_CONSOLE
 * says so, and CONSOLEIO_read takes it, as Linux's hvc0 does for an initial
 * domain (drivers/tty/hvc/hvc_xen.c). Other domains get their input
 * through their console ring; CONSOLEIO_read gives them 0 bytes.
 *
 * Xen refuses CONSOLEIO_write from a domU unless built for debugging
 * (xsm/dummy.h, xsm_console_io); our guests (mini, Linux's earlyprintk=xen)
 * use it, so instead each domain gets a token bucket (security review H2),
 * shared with port 0xe9 (hvm/exit.c): guest_console_rate=<bytes/s>,<burst>,
 * `unlimited`, or 0,0 to refuse as Xen does (docs/console.md). Excess bytes
 * are dropped and counted; the count is printed when the domain ends. The
 * control domain, whose console this is, has no limit.
 */
#include <public/xen/errno.h>
#include <public/xen/event_channel.h>
#include <public/xen/xen.h>
#include <tessera/console.h>
#include <tessera/console_ring.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/guest_mem.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>
#include <tessera/rate_limit.h>
#include <tessera/time.h>

/* Bytes written before the call continues itself (HYPERCALL_CONTINUE). */
#define CONSOLE_WRITE_BATCH 4096

static struct rate_cfg rate_cfg = { .rate = 4096, .burst = 32768 };

/* guest_console_rate=<bytes/s>[,<burst bytes>] | unlimited */
int console_parse_guest_rate(const char *val, void *unused)
{
    uint64_t v[2] = { 0, 0 };
    unsigned int i = 0;
    const char *p = val;

    if (!strcmp(val, "unlimited")) {
        rate_cfg = (struct rate_cfg){ .unlimited = true };
        return 0;
    }
    for (;;) {
        if (*p < '0' || *p > '9')
            return -EINVAL;
        while (*p >= '0' && *p <= '9') {
            v[i] = v[i] * 10 + (uint64_t)(*p++ - '0');
            if (v[i] > 0xffffffffu)
                return -EINVAL;
        }
        if (!*p)
            break;
        if (*p++ != ',' || ++i > 1)
            return -EINVAL;
    }
    /* Without a burst: a second's worth, at least a line. */
    rate_cfg = (struct rate_cfg){ .rate = (uint32_t)v[0],
                                  .burst = i ? (uint32_t)v[1] : (uint32_t)MAX(v[0], 128) };
    if (!i && !v[0])
        rate_cfg.burst = 0;
    return 0;
}

/* Whether dom0's last console_io call left a line unfinished on the
 * console (only one domain is the control domain). */
static bool dom0_mid_line;

/* A finished line: prefixed with the domain's name, unless it finishes
 * what dom0 left on the console unfinished. */
static void print_line(struct domain *d, const char *end)
{
    d->console_line[d->console_len] = '\0';
    if (d->is_hardware && dom0_mid_line)
        printk("%s%s", d->console_line, end);
    else
        printk("(%s) %s%s", d->name, d->console_line, end);
    d->console_len = 0;
    if (d->is_hardware)
        dom0_mid_line = !*end;
}

static void console_putc_locked(struct domain *d, char c)
{
    bool printable = (c >= 0x20 && c < 0x7f) || c == '\t';

    if (c == '\r')
        return;
    if (c != '\n' && printable && d->console_len < sizeof(d->console_line) - 1) {
        d->console_line[d->console_len++] = c;
        return;
    }
    if (c != '\n' && !printable)
        return;                     /* control characters are dropped */
    print_line(d, "\n");
    if (c != '\n')                  /* the line was full: keep this one */
        d->console_line[d->console_len++] = c;
}

void guest_console_putc(struct domain *d, char c)
{
    unsigned long flags = spin_lock_irqsave(&d->console_lock);

    console_putc_locked(d, c);
    spin_unlock_irqrestore(&d->console_lock, flags);
}

void guest_console_write(struct domain *d, const char *s, size_t n)
{
    unsigned long flags = spin_lock_irqsave(&d->console_lock);
    uint32_t ok = d->is_hardware ? (uint32_t)n
                                 : rate_take(&d->console_rate, &rate_cfg, time_now_ns(),
                                             (uint32_t)n);

    for (size_t i = 0; i < ok; i++)
        console_putc_locked(d, s[i]);
    /* A line cut by the limit ends here, so that what comes later (from
     * the ring too) starts a line of its own. */
    if (ok < n && d->console_len)
        console_putc_locked(d, '\n');
    bool first_drop = ok < n && !d->console_rate_warned;
    d->console_rate_warned |= first_drop;
    spin_unlock_irqrestore(&d->console_lock, flags);
    if (first_drop)
        printk(LOG_WARN "dom %s: console output over its rate limit, dropped from now on "
               "(counted at its end)\n", d->name);
}

/* dom0's console is the machine's: what it leaves unfinished (a shell's
 * prompt, the echo of a key) is shown at once, without its newline, and
 * the rest of the line follows it without a new prefix, as Xen prints
 * dom0's output raw. Another message in between lands on that line. */
static void dom0_show_unfinished(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&d->console_lock);

    if (d->console_len)
        print_line(d, "");
    spin_unlock_irqrestore(&d->console_lock, flags);
}

void guest_console_end(struct domain *d)
{
    if (d->console_rate.dropped)
        printk("dom %s id=%u: %llu bytes of console output dropped (rate limit)\n", d->name,
               d->id, (unsigned long long)d->console_rate.dropped);
}

/* Serial input for dom0, from the poll; a full buffer drops the rest. */
#define DOM0_INPUT_SIZE 1024
static struct {
    spinlock_t lock;
    uint32_t prod, cons;            /* free-running */
    char buf[DOM0_INPUT_SIZE];
} dom0_in = { .lock = SPINLOCK_INIT };

static struct domain *control_domain(void)
{
    struct domain *d = domain_by_id(0);

    return d && d->is_hardware ? d : NULL;
}

bool console_dom0_present(void)
{
    return control_domain() != NULL;
}

void console_dom0_input(const char *s, unsigned int n)
{
    struct domain *d = control_domain();
    unsigned long flags;

    if (!d)
        return;
    flags = spin_lock_irqsave(&dom0_in.lock);
    for (unsigned int i = 0; i < n && dom0_in.prod - dom0_in.cons < DOM0_INPUT_SIZE; i++)
        dom0_in.buf[dom0_in.prod++ % DOM0_INPUT_SIZE] = s[i];
    spin_unlock_irqrestore(&dom0_in.lock, flags);
    evtchn_send_global_virq(d, VIRQ_CONSOLE);
}

/* Up to count bytes of dom0's input into its buffer at la; how many.
 * Bytes taken for a bad buffer are lost: the guest's own doing. */
static long dom0_read(struct vcpu *v, uint64_t la, uint32_t count)
{
    char chunk[128];
    unsigned long flags = spin_lock_irqsave(&dom0_in.lock);
    uint32_t n = MIN(MIN(count, dom0_in.prod - dom0_in.cons), (uint32_t)sizeof(chunk));

    for (uint32_t i = 0; i < n; i++)
        chunk[i] = dom0_in.buf[dom0_in.cons++ % DOM0_INPUT_SIZE];
    spin_unlock_irqrestore(&dom0_in.lock, flags);
    if (n && copy_to_guest(v, la, chunk, n))
        return -XEN_EFAULT;
    return n;
}

long do_console_io(struct vcpu *v, uint64_t arg[6])
{
    uint64_t cmd = arg[0], count = arg[1], buf = arg[2];
    char chunk[128];

    switch (cmd) {
    case CONSOLEIO_write:
        if (!rate_cfg.unlimited && !rate_cfg.rate && !rate_cfg.burst)
            return -XEN_EPERM;      /* refused, as Xen does for a domU */
        /* 32-bit count (public/xen.h: unsigned int), as Xen reads it. */
        count = (uint32_t)count;
        for (uint64_t done = 0; done < count;) {
            if (done == CONSOLE_WRITE_BATCH) {
                arg[1] = count - done;
                arg[2] = buf + done;
                return HYPERCALL_CONTINUE;
            }
            size_t n = count - done < sizeof(chunk) ? count - done : sizeof(chunk);
            if (copy_from_guest(v, chunk, buf + done, n))
                return -XEN_EFAULT;
            guest_console_write(v->domain, chunk, n);
            done += n;
        }
        if (v->domain->is_hardware)
            dom0_show_unfinished(v->domain);
        return 0;
    case CONSOLEIO_read:
        if (!v->domain->is_hardware)
            return 0;               /* no input this way (docs/console.md) */
        return dom0_read(v, buf, (uint32_t)count);
    }
    return -XEN_ENOSYS;
}
