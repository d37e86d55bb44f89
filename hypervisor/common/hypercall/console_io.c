/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * console_io (public/xen.h CONSOLEIO_*): a guest writes to the hypervisor's
 * console, one line at a time prefixed with its name so guests running at
 * once stay readable. There is no console input for guests yet: a read
 * returns 0 bytes.
 */
#include <public/xen/errno.h>
#include <public/xen/xen.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/guest_mem.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>

/* Bytes written before the call continues itself (HYPERCALL_CONTINUE). */
#define CONSOLE_WRITE_BATCH 4096

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

long do_console_io(struct vcpu *v, uint64_t arg[6])
{
    uint64_t cmd = arg[0], count = arg[1], buf = arg[2];
    char chunk[128];

    switch (cmd) {
    case CONSOLEIO_write:
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
            for (size_t i = 0; i < n; i++)
                guest_console_putc(v->domain, chunk[i]);
            done += n;
        }
        return 0;
    case CONSOLEIO_read:
        return 0;
    }
    return -XEN_ENOSYS;
}
