/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest-linear memory access for hypercalls (arch/x86/hvm/guest_mem.c);
 * the guest-physical forms are in tessera/domain.h. All return 0 or -EFAULT. */
#ifndef TESSERA_GUEST_MEM_H
#define TESSERA_GUEST_MEM_H

#include <tessera/errno.h>
#include <tessera/types.h>

struct vcpu;

int guest_linear_to_gpa(struct vcpu *v, uint64_t la, bool write, uint64_t *gpa);
int copy_from_guest(struct vcpu *v, void *dst, uint64_t la, size_t len);
int copy_to_guest(struct vcpu *v, uint64_t la, const void *src, size_t len);

/*
 * The same with the size taken from the type of what p points to, so a
 * copy cannot disagree with its buffer. p must point to a complete type: a
 * void * is refused at compile time (sizeof(void) would be 1 in GNU C).
 */
#define guest_obj_size(p)                                                   \
    (sizeof(struct {                                                        \
        _Static_assert(!__builtin_types_compatible_p(__typeof__(*(p)), void), \
                       "guest copy sized from a void *");                   \
        char c;                                                             \
    }) * 0 + sizeof(*(p)))

/* *objp from / to the guest's object at la. */
#define copy_from_guest_obj(v, objp, la) \
    copy_from_guest((v), (objp), (la), guest_obj_size(objp))
#define copy_to_guest_obj(v, la, objp) \
    copy_to_guest((v), (la), (objp), guest_obj_size(objp))

/* One member of *objp to the same member of the guest's copy of the whole
 * object at la (the rest of the guest's copy is left as it is). */
#define copy_field_to_guest(v, la, objp, field)                              \
    copy_to_guest((v), (la) + offsetof(__typeof__(*(objp)), field),          \
                  &(objp)->field, sizeof((objp)->field))

/* nr elements of size bytes; -EFAULT if nr * size does not fit a size_t
 * (no guest array is that large). Through the _array macros below. */
static inline int copy_from_guest_n(struct vcpu *v, void *dst, uint64_t la, size_t nr,
                                    size_t size)
{
    size_t len;

    if (__builtin_mul_overflow(nr, size, &len))
        return -EFAULT;
    return copy_from_guest(v, dst, la, len);
}

static inline int copy_to_guest_n(struct vcpu *v, uint64_t la, const void *src, size_t nr,
                                  size_t size)
{
    size_t len;

    if (__builtin_mul_overflow(nr, size, &len))
        return -EFAULT;
    return copy_to_guest(v, la, src, len);
}

/* The first nr elements of the array ptr points into, from / to the
 * guest's array at la; the caller has checked nr against the array. */
#define copy_from_guest_array(v, ptr, la, nr) \
    copy_from_guest_n((v), (ptr), (la), (nr), guest_obj_size(ptr))
#define copy_to_guest_array(v, la, ptr, nr) \
    copy_to_guest_n((v), (la), (ptr), (nr), guest_obj_size(ptr))

#endif
