/* SPDX-License-Identifier: GPL-2.0-only */
/* Host helpers for the .xz tests: the xz command-line tool as the reference
 * encoder, and whole-file reads. */
#ifndef XZ_CLI_H
#define XZ_CLI_H

#include <stddef.h>
#include <stdint.h>

/* Compresses data[0, len) with `xz <args> -c`; returns a malloc'd buffer
 * (*out_len bytes) or NULL if xz failed. */
uint8_t *xz_cli(const void *data, size_t len, const char *args, size_t *out_len);

/* Reads a whole file into a malloc'd buffer; NULL if it cannot. */
uint8_t *read_file(const char *path, size_t *len);

/* Writes a whole file; 0 or -1. */
int write_file(const char *path, const void *data, size_t len);

#endif
