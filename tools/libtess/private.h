/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libtess internals: the handle, hypercall buffers in locked memory, and
 * the two control hypercalls.
 */
#ifndef LIBTESS_PRIVATE_H
#define LIBTESS_PRIVATE_H

#include <public/tessera/ctl.h>
#include <stddef.h>

#include "libtess.h"

struct libtess {
    int fd; /* /dev/xen/privcmd, or -1 */
    char error[256];
};

/* Records the failure in h->error and returns err (a negative errno). */
int tess_fail(struct libtess *h, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Page-aligned, locked, resident memory for the hypervisor to read and
 * write; NULL (and errno) if it cannot be had. */
void *tess_buf_alloc(size_t len);
void tess_buf_free(void *p, size_t len);

/* One call; op names it in the error message. 0 or a negative errno. */
int tess_sysctl(struct libtess *h, struct tess_sysctl *op, const char *what);
int tess_domctl(struct libtess *h, struct tess_domctl *op, const char *what);

/* After a list call into buf (room records of size bytes) that reported
 * nr: the first max of them copied to out, and nr returned; rc if the call
 * failed, -EIO if nr is more than room. */
int tess_list_result(struct libtess *h, int rc, uint32_t nr, unsigned int room, void *out,
                     unsigned int max, const void *buf, size_t size, const char *what);

/* cpus (an xl cpu list) into mask: -EINVAL for a bad one or a CPU beyond
 * the interface's 256. */
int tess_cpumask_parse(const char *cpus, uint64_t mask[TESS_CPU_WORDS]);

#endif
