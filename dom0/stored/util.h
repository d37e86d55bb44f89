/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TESS_STORED_UTIL_H
#define TESS_STORED_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
void *xmemdup(const void *p, size_t n);
uint32_t hash_str(const char *s);

/* Growable byte buffer. */
struct buf {
	char *p;
	size_t len, cap;
};
void buf_add(struct buf *b, const void *d, size_t n);
void buf_adds(struct buf *b, const char *s);	/* adds s and its NUL */
void buf_free(struct buf *b);

/* Split a payload into NUL-terminated strings; returns count or -1 if the
 * payload does not end with NUL. */
int split_strings(const char *data, uint32_t len, const char **vec, int max);
bool parse_uint(const char *s, unsigned long max, unsigned long *out);

#endif
