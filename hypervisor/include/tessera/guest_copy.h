/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How the domain builder writes into a guest's memory without knowing how it
 * is mapped: the caller supplies these and checks gpa/len against the domain.
 * Both return 0 or a negative errno; the builder stops at the first error.
 */
#ifndef TESSERA_GUEST_COPY_H
#define TESSERA_GUEST_COPY_H

#include <tessera/types.h>

struct guest_copy_ops {
    int (*copy)(void *ctx, uint64_t gpa, const void *src, size_t len);
    int (*zero)(void *ctx, uint64_t gpa, size_t len);
};

#endif
