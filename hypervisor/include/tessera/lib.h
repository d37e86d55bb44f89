/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's small C library: strings, formatting, logging, panic.
 * Host unit tests build the same hypervisor sources against the host libc,
 * whose functions have these signatures; tests/unit/host/ then supplies
 * printk() and panic(). */
#ifndef TESSERA_LIB_H
#define TESSERA_LIB_H

#include <stdarg.h>
#include <tessera/types.h>
#include <tessera/errno.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int   memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
size_t strlcpy(char *dst, const char *src, size_t size);
int   strcmp(const char *a, const char *b);
int   strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
int   vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int   snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Log levels: a message may start with one of these prefixes; printk()
 * drops it and filters the message against the loglvl= boot option. A
 * message without a prefix is LOG_INFO. */
#define LOG_ERR     "\001E"
#define LOG_WARN    "\001W"
#define LOG_INFO    "\001I"
#define LOG_DEBUG   "\001D"

void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap);
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(cond) do { \
        if (unlikely(cond)) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
    } while (0)

#endif
