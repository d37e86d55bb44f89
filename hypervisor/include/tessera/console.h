/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TESSERA_CONSOLE_H
#define TESSERA_CONSOLE_H

#include <tessera/types.h>

enum loglvl { LOGLVL_NONE, LOGLVL_ERR, LOGLVL_WARN, LOGLVL_INFO, LOGLVL_DEBUG };

/* Boot options (entries of the command-line table). */
extern const struct boot_enum console_opt_loglvl;   /* loglvl= */
extern const struct boot_enum console_opt_console;  /* console=com1|none */
int console_parse_com1(const char *val, void *unused);
int console_parse_guest_rate(const char *val, void *unused);   /* console_io.c */

void console_init(void);            /* after the command line is parsed */
void console_enable_timestamps(bool on);
/* Interrupts and this CPU's timers work: printk stops waiting for the UART
 * (before this, and after console_force_unlock or console_sync, it does). */
void console_start_async(void);
/* Panic path: the lock holders may be dead; printk is synchronous again
 * and what was queued is sent first. */
void console_force_unlock(void);
/* The machine is going down (power-off, reboot): prints the console's
 * statistics and returns once everything printed is out. */
void console_sync(void);
void console_write(const char *s, size_t n);

/* The console's history (history.c): what console_write wrote, the last
 * CONSOLE_HISTORY bytes of it. console_history_read copies up to size
 * bytes from *offset on (moved up to the oldest byte kept, or down to the
 * end), returns how many, and the end (bytes ever written). */
#define CONSOLE_HISTORY     (64u << 10)
void console_history_append(const char *s, size_t n);
size_t console_history_read(uint64_t *offset, char *buf, size_t size, uint64_t *end);
void console_history_force_unlock(void);    /* console_force_unlock's */
/* Print a whole line whatever the log level (console=none still wins). */
void console_emit_always(const char *s);

#endif
