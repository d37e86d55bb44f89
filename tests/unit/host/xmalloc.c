/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's heap interface (tessera/heap.h) on the host's malloc, for
 * tests of code that allocates but does not test the heap itself: ASan then
 * sees every object. test_heap links the real common/heap.c instead. */
#include <stdlib.h>
#include <tessera/heap.h>

/* xmalloc(0) is a valid object in the hypervisor too. */
void *xmalloc(size_t size)
{
    return malloc(size ? size : 1);
}

void *xzalloc(size_t size)
{
    return calloc(1, size ? size : 1);
}

void xfree(void *p)
{
    free(p);
}
