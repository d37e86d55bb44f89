/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * console_io (public/xen.h CONSOLEIO_*): a guest writes to the hypervisor's
 * console, one line at a time prefixed with its name so guests running at
 * once stay readable. There is no console input for guests yet: a read
 * returns 0 bytes.
 *
 * Xen refuses CONSOLEIO_write from a domU unless built for debugging
 * (xsm/dummy.h, xsm_console_io); our guests (mini, Linux's earlyprintk=xen)
 * use it, so instead each domain gets a token bucket (security review H2),
 * shared with port 0xe9 (hvm/exit.c): guest_console_rate=<bytes/s>,<burst>,
 * `unlimited`, or 0,0 to refuse as Xen does (docs/console.md). Excess bytes
 * are dropped and counted; the count is printed when the domain ends.
 */
#include <public/xen/errno.h>
#include <public/xen/xen.h>
#include <tessera/console.h>
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
    d->console_line[d->console_len] = '\0';
    printk("(%s) %s\n", d->name, d->console_line);
    d->console_len = 0;
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
    uint32_t ok = rate_take(&d->console_rate, &rate_cfg, time_now_ns(), (uint32_t)n);

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

void guest_console_end(struct domain *d)
{
    if (d->console_rate.dropped)
        printk("dom %s id=%u: %llu bytes of console output dropped (rate limit)\n", d->name,
               d->id, (unsigned long long)d->console_rate.dropped);
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
        return 0;
    case CONSOLEIO_read:
        return 0;
    }
    return -XEN_ENOSYS;
}
