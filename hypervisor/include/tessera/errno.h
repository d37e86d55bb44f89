/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Error numbers inside the hypervisor.
 *
 * Two spellings, one numbering (Linux's, which Xen's ABI uses too):
 * - -XEN_E* (public/xen/errno.h) is what a guest is given: every value a
 *   hypercall handler returns, and what a helper returns for its handler
 *   to hand on unchanged (gnttab_add_to_physmap, the event and grant batch
 *   functions).
 * - -E* (this file) is for the hypervisor's interfaces between its own
 *   parts (allocation, p2m, scheduler, domain building, hypervisor-bound
 *   event channels); their callers decide what a guest sees.
 * Write -XEN_E* where the value can reach the guest. The numbers agree
 * (checked below), so an internal -E* error a handler passes through
 * unchanged (-ENOMEM from p2m_map, say) is still the right guest value.
 */
#ifndef TESSERA_ERRNO_H
#define TESSERA_ERRNO_H

#include <public/xen/errno.h>

#define EPERM            1
#define ENOENT           2
#define ESRCH            3
#define EINTR            4
#define EIO              5
#define ENXIO            6
#define E2BIG            7
#define ENOEXEC          8
#define EBADF            9
#define ECHILD          10
#define EAGAIN          11
#define ENOMEM          12
#define EACCES          13
#define EFAULT          14
#define EBUSY           16
#define EEXIST          17
#define EXDEV           18
#define ENODEV          19
#define EISDIR          21
#define EINVAL          22
#define ENFILE          23
#define EMFILE          24
#define ENOSPC          28
#define ESPIPE          29
#define EROFS           30
#define EMLINK          31
#define EDOM            33
#define ERANGE          34
#define EDEADLK         35
#define ENAMETOOLONG    36
#define ENOLCK          37
#define ENOSYS          38
#define ENOTEMPTY       39
#define ENODATA         61
#define ETIME           62
#define EBADMSG         74
#define EOVERFLOW       75
#define EILSEQ          84
#define ERESTART        85
#define ENOTSOCK        88
#define EOPNOTSUPP      95
#define EADDRINUSE      98
#define EADDRNOTAVAIL   99
#define ENOBUFS        105
#define EISCONN        106
#define ENOTCONN       107
#define ETIMEDOUT      110
#define ECONNREFUSED   111

/* The errors that cross from internal interfaces to guests unchanged. */
_Static_assert(EPERM == XEN_EPERM && ENOENT == XEN_ENOENT && ESRCH == XEN_ESRCH &&
               EAGAIN == XEN_EAGAIN && ENOMEM == XEN_ENOMEM && EFAULT == XEN_EFAULT &&
               EBUSY == XEN_EBUSY && EEXIST == XEN_EEXIST && EINVAL == XEN_EINVAL &&
               ENOSPC == XEN_ENOSPC && ENOSYS == XEN_ENOSYS && EOPNOTSUPP == XEN_EOPNOTSUPP,
               "internal errno values are the guest ABI's");

#endif
