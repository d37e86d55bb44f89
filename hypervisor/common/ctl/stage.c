/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stages: room in the hypervisor for the kernel and initrd of a domain the
 * control domain is about to create, filled a chunk at a time
 * (TESS_DOMCTL_stage_alloc / _write / _free, then create takes one).
 *
 * Each image is one block of the page allocator, so the builder reads it
 * as plain bytes through the identity map; the blocks of all stages
 * together are bounded (CTL_STAGE_TOTAL_MAX), each image too. Every byte
 * of an image is written exactly once: the written ranges are kept, a
 * write over one is refused, and create wants them to cover the image.
 * One write per stage at a time (the copy runs without the lock, with the
 * stage marked busy): a second one meanwhile gets -EBUSY.
 */
#include <public/xen/errno.h>
#include <tessera/console.h>
#include <tessera/ctl.h>
#include <tessera/domain.h>
#include <tessera/guest_mem.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include "private.h"

#define MAX_PIECES      64      /* written ranges an image may be in at once */

struct stage_image {
    paddr_t pa;                 /* 0: none */
    unsigned int order;
    uint64_t size;
    uint64_t written;           /* bytes in pieces[] */
    unsigned int nr_pieces;
    struct { uint64_t start, end; } pieces[MAX_PIECES];    /* sorted, merged */
};

struct stage {
    bool used;
    bool busy;                  /* being allocated, written or built from */
    uint16_t owner;             /* the domain that made it */
    uint32_t handle;
    struct stage_image img[2];  /* TESS_STAGE_KERNEL, TESS_STAGE_INITRD */
};

static spinlock_t lock = SPINLOCK_INIT;
static struct stage stages[CTL_STAGES_MAX];
static uint64_t staged_bytes;   /* blocks of every stage, allocated or reserved */
static uint32_t generation;

static uint64_t block_bytes(const struct stage_image *im)
{
    return im->size ? PAGE_SIZE << im->order : 0;
}

static unsigned int order_for(uint64_t size)
{
    unsigned int order = 0;

    while ((PAGE_SIZE << order) < size)
        order++;
    return order;
}

/* The caller's stage with that handle, under the lock; NULL if none. */
static struct stage *find(const struct vcpu *v, uint32_t handle)
{
    struct stage *s = &stages[handle % CTL_STAGES_MAX];

    return s->used && s->handle == handle && s->owner == v->domain->id ? s : NULL;
}

static void free_images(struct stage *s)
{
    for (unsigned int i = 0; i < 2; i++)
        if (s->img[i].pa)
            free_pages(s->img[i].pa, s->img[i].order);
}

/* Forgets s, whose blocks are freed already. Under the lock. */
static void drop(struct stage *s)
{
    staged_bytes -= block_bytes(&s->img[0]) + block_bytes(&s->img[1]);
    memset(s, 0, sizeof(*s));
}

long stage_alloc(struct vcpu *v, struct tess_stage_alloc *a)
{
    struct stage *s = NULL;
    uint64_t sizes[2] = { a->kernel_size, a->initrd_size }, charge = 0;
    unsigned long flags;

    if (!a->kernel_size)
        return -XEN_EINVAL;
    if (a->kernel_size > CTL_STAGE_IMAGE_MAX || a->initrd_size > CTL_STAGE_IMAGE_MAX)
        return -XEN_E2BIG;
    for (unsigned int i = 0; i < 2; i++)
        charge += sizes[i] ? PAGE_SIZE << order_for(sizes[i]) : 0;

    flags = spin_lock_irqsave(&lock);
    for (unsigned int i = 0; i < CTL_STAGES_MAX && !s; i++)
        if (!stages[i].used)
            s = &stages[i];
    if (!s || staged_bytes + charge > CTL_STAGE_TOTAL_MAX) {
        spin_unlock_irqrestore(&lock, flags);
        return s ? -XEN_ENOMEM : -XEN_ENOSPC;
    }
    memset(s, 0, sizeof(*s));
    s->used = s->busy = true;
    s->owner = v->domain->id;
    for (unsigned int i = 0; i < 2; i++) {
        s->img[i].size = sizes[i];
        s->img[i].order = order_for(sizes[i]);
    }
    staged_bytes += charge;
    generation++;
    s->handle = (generation * CTL_STAGES_MAX) + (uint32_t)(s - stages);
    spin_unlock_irqrestore(&lock, flags);

    /* Not zeroed: create reads only bytes the caller wrote. */
    bool ok = true;
    for (unsigned int i = 0; i < 2 && ok; i++)
        if (sizes[i])
            ok = (s->img[i].pa = alloc_pages(s->img[i].order, 0)) != 0;
    if (!ok)
        free_images(s);
    flags = spin_lock_irqsave(&lock);
    if (ok)
        s->busy = false;
    else
        drop(s);
    a->stage = ok ? s->handle : 0;
    spin_unlock_irqrestore(&lock, flags);
    return ok ? 0 : -XEN_ENOMEM;
}

/* Whether [start, end) meets a written piece; where it would go. */
static bool overlaps(const struct stage_image *im, uint64_t start, uint64_t end,
                     unsigned int *at)
{
    unsigned int i = 0;

    while (i < im->nr_pieces && im->pieces[i].end <= start)
        i++;
    *at = i;
    return i < im->nr_pieces && im->pieces[i].start < end;
}

/* Records [start, end), which overlaps nothing, at index at: merged with
 * its neighbours, or a new piece (there is room: checked before). */
static void add_piece(struct stage_image *im, unsigned int at, uint64_t start, uint64_t end)
{
    bool left = at > 0 && im->pieces[at - 1].end == start;
    bool right = at < im->nr_pieces && im->pieces[at].start == end;

    im->written += end - start;
    if (left && right) {
        im->pieces[at - 1].end = im->pieces[at].end;
        memmove(&im->pieces[at], &im->pieces[at + 1],
                (im->nr_pieces - at - 1) * sizeof(im->pieces[0]));
        im->nr_pieces--;
    } else if (left) {
        im->pieces[at - 1].end = end;
    } else if (right) {
        im->pieces[at].start = start;
    } else {
        memmove(&im->pieces[at + 1], &im->pieces[at],
                (im->nr_pieces - at) * sizeof(im->pieces[0]));
        im->pieces[at].start = start;
        im->pieces[at].end = end;
        im->nr_pieces++;
    }
}

long stage_write(struct vcpu *v, const struct tess_stage_write *w)
{
    struct stage *s;
    struct stage_image *im;
    uint64_t end;
    unsigned int at;
    long rc = 0;

    if (w->which > TESS_STAGE_INITRD || !w->len)
        return -XEN_EINVAL;
    if (w->len > TESS_STAGE_CHUNK)
        return -XEN_E2BIG;
    unsigned long flags = spin_lock_irqsave(&lock);
    s = find(v, w->stage);
    if (!s || s->busy) {
        spin_unlock_irqrestore(&lock, flags);
        return s ? -XEN_EBUSY : -XEN_ENOENT;
    }
    im = &s->img[w->which];
    if (__builtin_add_overflow(w->offset, w->len, &end) || end > im->size)
        rc = -XEN_EINVAL;
    else if (overlaps(im, w->offset, end, &at))
        rc = -XEN_EEXIST;
    else if (im->nr_pieces == MAX_PIECES)
        rc = -XEN_ENOSPC;
    else
        s->busy = true;
    spin_unlock_irqrestore(&lock, flags);
    if (rc)
        return rc;

    /* The stage is ours alone while busy: no free, take or other write. */
    rc = copy_from_guest(v, (uint8_t *)phys_to_virt(im->pa) + w->offset, w->buffer, w->len);
    flags = spin_lock_irqsave(&lock);
    if (!rc)
        add_piece(im, at, w->offset, end);
    s->busy = false;
    spin_unlock_irqrestore(&lock, flags);
    return rc ? -XEN_EFAULT : 0;
}

/* The caller's stage, marked busy for it alone: 0, -XEN_ENOENT, -XEN_EBUSY. */
static long claim(const struct vcpu *v, uint32_t handle, struct stage **out)
{
    unsigned long flags = spin_lock_irqsave(&lock);
    struct stage *s = find(v, handle);
    long rc = !s ? -XEN_ENOENT : s->busy ? -XEN_EBUSY : 0;

    if (!rc)
        s->busy = true;
    spin_unlock_irqrestore(&lock, flags);
    *out = s;
    return rc;
}

long stage_free(struct vcpu *v, uint32_t handle)
{
    struct stage *s;
    long rc = claim(v, handle, &s);

    if (!rc)
        stage_release(s);
    return rc;
}

long stage_take(struct vcpu *v, uint32_t handle, struct pvh_images *out, bool *complete,
                void **token)
{
    struct stage *s;
    long rc = claim(v, handle, &s);

    if (rc)
        return rc;
    *complete = s->img[0].written == s->img[0].size && s->img[1].written == s->img[1].size;
    *out = (struct pvh_images){
        .kernel = phys_to_virt(s->img[0].pa),
        .kernel_size = s->img[0].size,
        .initrd = s->img[1].size ? phys_to_virt(s->img[1].pa) : NULL,
        .initrd_size = s->img[1].size,
    };
    *token = s;
    return 0;
}

/* Frees a stage marked busy by its caller. */
void stage_release(void *token)
{
    struct stage *s = token;

    free_images(s);
    unsigned long flags = spin_lock_irqsave(&lock);
    drop(s);
    spin_unlock_irqrestore(&lock, flags);
}

/* At a domain's freeing no call of its can be under way (domain.c): none
 * of its stages is busy. */
void ctl_domain_freed(uint16_t id)
{
    unsigned int n = 0;
    uint64_t bytes = 0;

    for (unsigned int i = 0; i < CTL_STAGES_MAX; i++) {
        struct stage *s = &stages[i];
        unsigned long flags = spin_lock_irqsave(&lock);
        bool mine = s->used && !s->busy && s->owner == id;
        if (mine) {
            s->busy = true;
            bytes += block_bytes(&s->img[0]) + block_bytes(&s->img[1]);
        }
        spin_unlock_irqrestore(&lock, flags);
        if (mine) {
            stage_release(s);
            n++;
        }
    }
    if (n)
        printk("ctl: %u stages of domain %u freed with it (%llu KiB)\n", n, id,
               (unsigned long long)(bytes >> 10));
}
