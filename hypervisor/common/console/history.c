/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The console's history: the last CONSOLE_HISTORY bytes the hypervisor
 * printed, numbered from boot on, for `tess dmesg` (TESS_SYSCTL_console_read,
 * docs/control.md). Kept whatever console= says; a fixed buffer, so no
 * guest can make it grow.
 */
#include <asm/spinlock.h>
#include <tessera/console.h>
#include <tessera/lib.h>

static char ring[CONSOLE_HISTORY];
static uint64_t end;                /* bytes ever written */
static spinlock_t lock = SPINLOCK_INIT;

void console_history_append(const char *s, size_t n)
{
    unsigned long flags = spin_lock_irqsave(&lock);

    for (size_t i = 0; i < n; i++)
        ring[(end + i) % CONSOLE_HISTORY] = s[i];
    end += n;
    spin_unlock_irqrestore(&lock, flags);
}

void console_history_force_unlock(void)
{
    lock = (spinlock_t)SPINLOCK_INIT;
}

size_t console_history_read(uint64_t *offset, char *buf, size_t size, uint64_t *end_out)
{
    unsigned long flags = spin_lock_irqsave(&lock);
    uint64_t oldest = end > CONSOLE_HISTORY ? end - CONSOLE_HISTORY : 0;
    uint64_t from = MAX(*offset, oldest);
    size_t n = from < end ? (size_t)MIN((uint64_t)size, end - from) : 0;

    for (size_t i = 0; i < n; i++)
        buf[i] = ring[(from + i) % CONSOLE_HISTORY];
    *offset = MIN(from, end);
    *end_out = end;
    spin_unlock_irqrestore(&lock, flags);
    return n;
}
