/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Slab + buddy heap (see tessera/heap.h).
 *
 * Locking: every public function holds one irqsave spinlock (lock() and
 * unlock() below; taken before the page allocator's).
 */
#include <asm/spinlock.h>
#include <tessera/heap.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>

#define SLAB_MAGIC      0x534c4142u     /* "SLAB" */
#define LARGE_MAGIC     0x4c524745u     /* "LRGE" */
#define DEAD_MAGIC      0xdeadb10cu
#define SLAB_HDR_SIZE   128
#define LARGE_HDR_SIZE  64
#define MAX_SLAB_OBJS   256
#define NR_CLASSES      8               /* 16 << 0 .. 16 << 7 = 2048 */
#define POISON_FREE     0xdb

struct slab {
    uint32_t magic;
    uint16_t cls;
    uint16_t nr_objs;
    uint16_t nr_free;
    uint16_t first_off;                 /* offset of object 0 */
    uint32_t order;                     /* of the buddy block */
    void *free;                         /* singly linked through free objects */
    struct slab *next, *prev;           /* partial-slab list of the class */
    uint64_t used[MAX_SLAB_OBJS / 64];  /* allocated objects */
};
_Static_assert(sizeof(struct slab) <= SLAB_HDR_SIZE, "slab header too big");

struct large {
    uint32_t magic;
    uint32_t order;
    size_t size;                        /* usable bytes from user */
    void *user;                         /* the pointer xmalloc returned */
};
_Static_assert(sizeof(struct large) <= LARGE_HDR_SIZE, "large header too big");

/* Slab block order per class: at least ~15 objects per slab. */
static const uint8_t slab_order[NR_CLASSES] = { 0, 0, 0, 0, 0, 1, 2, 3 };

static struct slab *partial[NR_CLASSES];
static struct heap_stats stats;

/* irqsave: allocation may happen from interrupt context (timer callbacks). */
static irqsave_lock_t heap_lock = IRQSAVE_LOCK_INIT;
static inline void lock(void)   { irqsave_lock(&heap_lock); }
static inline void unlock(void) { irqsave_unlock(&heap_lock); }

static inline size_t class_size(unsigned int cls) { return (size_t)16 << cls; }

static unsigned int size_class(size_t size)
{
    unsigned int cls = 0;

    while (class_size(cls) < size)
        cls++;
    return cls;
}

static void slab_link(struct slab *s)
{
    s->prev = NULL;
    s->next = partial[s->cls];
    if (s->next)
        s->next->prev = s;
    partial[s->cls] = s;
}

static void slab_unlink(struct slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        partial[s->cls] = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

/* Gets a block for the heap and tags its pages. */
static void *get_block(unsigned int order)
{
    paddr_t pa = alloc_pages(order, 0);

    if (!pa)
        return NULL;
    struct page_info *pg = pa_to_page(pa);
    for (unsigned long i = 0; i < (1UL << order); i++) {
        pg[i].flags |= PGF_HEAP;
        pg[i].u = (uint32_t)i;
    }
    stats.pages += 1UL << order;
    return phys_to_virt(pa);
}

static void put_block(void *va, unsigned int order)
{
    paddr_t pa = virt_to_phys(va);
    struct page_info *pg = pa_to_page(pa);

    for (unsigned long i = 0; i < (1UL << order); i++) {
        pg[i].flags &= (uint8_t)~PGF_HEAP;
        pg[i].u = 0;
    }
    stats.pages -= 1UL << order;
    free_pages(pa, order);
}

static struct slab *slab_new(unsigned int cls)
{
    size_t sz = class_size(cls);
    struct slab *s = get_block(slab_order[cls]);

    if (!s)
        return NULL;
    memset(s, 0, sizeof(*s));
    s->magic = SLAB_MAGIC;
    s->cls = (uint16_t)cls;
    s->order = slab_order[cls];
    s->first_off = (uint16_t)MAX((size_t)SLAB_HDR_SIZE, sz);
    s->nr_objs = (uint16_t)(((PAGE_SIZE << s->order) - s->first_off) / sz);
    s->nr_free = s->nr_objs;
    /* Thread the free list in address order. */
    char *base = (char *)s + s->first_off;
    for (unsigned int i = s->nr_objs; i-- > 0; ) {
        void **obj = (void **)(base + i * sz);
        *obj = s->free;
        s->free = obj;
    }
    stats.free_bytes += s->nr_objs * sz;
    slab_link(s);
    return s;
}

static void *slab_alloc(unsigned int cls)
{
    struct slab *s = partial[cls];

    if (!s && !(s = slab_new(cls)))
        return NULL;
    void **obj = s->free;
    s->free = *obj;
    s->nr_free--;
    unsigned int idx = (unsigned int)(((char *)obj - ((char *)s + s->first_off)) / class_size(cls));
    s->used[idx / 64] |= 1ULL << (idx % 64);
    if (!s->nr_free)
        slab_unlink(s);
    stats.free_bytes -= class_size(cls);
    stats.used_bytes += class_size(cls);
    stats.nr_allocs++;
    return obj;
}

static void *large_alloc(size_t size, size_t align)
{
    size_t off = ALIGN_UP((size_t)LARGE_HDR_SIZE, align);
    unsigned int order = 0;

    if (off >= (PAGE_SIZE << MAX_ORDER) || size > (PAGE_SIZE << MAX_ORDER) - off)
        return NULL;
    while ((PAGE_SIZE << order) < off + size)
        order++;
    /* The block is aligned to its own size, which is > off >= align. */
    struct large *h = get_block(order);
    if (!h)
        return NULL;
    h->magic = LARGE_MAGIC;
    h->order = order;
    h->size = (PAGE_SIZE << order) - off;
    h->user = (char *)h + off;
    stats.used_bytes += PAGE_SIZE << order;
    stats.nr_allocs++;
    return h->user;
}

void *xmalloc_aligned(size_t size, size_t align)
{
    void *p;

    if (align == 0)
        align = HEAP_MIN_ALIGN;
    if (align & (align - 1))
        return NULL;
    if (align < HEAP_MIN_ALIGN)
        align = HEAP_MIN_ALIGN;
    lock();
    if (size <= HEAP_MAX_SMALL && align <= HEAP_MAX_SMALL)
        p = slab_alloc(size_class(MAX(size, align)));   /* objects align to their class */
    else
        p = large_alloc(size, align);
    unlock();
    return p;
}

void *xmalloc(size_t size)
{
    return xmalloc_aligned(size, HEAP_MIN_ALIGN);
}

void *xzalloc(size_t size)
{
    void *p = xmalloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

/* Finds the header of the heap block holding p, or NULL (not heap memory). */
static void *block_of(const void *p)
{
    struct page_info *pg = pa_to_page(virt_to_phys(p));

    if (!pg || (pg->flags & (PGF_HEAP | PGF_ALLOCATED)) != (PGF_HEAP | PGF_ALLOCATED))
        return NULL;
    struct page_info *head = pg - pg->u;
    if ((head->flags & (PGF_HEAP | PGF_HEAD)) != (PGF_HEAP | PGF_HEAD))
        return NULL;
    return phys_to_virt(page_to_pa(head));
}

static int bad_free(const void *p, const char *why)
{
    stats.errors++;
    printk(LOG_ERR "xfree(%p): %s\n", p, why);
    return -EINVAL;
}

/* Object index of p in slab s, or -1 if p is not the start of an object. */
static int slab_index(const struct slab *s, const void *p)
{
    size_t sz = class_size(s->cls);
    const char *base = (const char *)s + s->first_off;

    if ((const char *)p < base)
        return -1;
    size_t off = (size_t)((const char *)p - base);
    if (off % sz || off / sz >= s->nr_objs)
        return -1;
    return (int)(off / sz);
}

static void slab_free(struct slab *s, void *p)
{
    int idx = slab_index(s, p);
    size_t sz = class_size(s->cls);

    if (idx < 0) {
        bad_free(p, "not the start of a heap object");
        return;
    }
    if (!(s->used[idx / 64] & (1ULL << (idx % 64)))) {
        bad_free(p, "double free");
        return;
    }
    s->used[idx / 64] &= ~(1ULL << (idx % 64));
    memset(p, POISON_FREE, sz);
    *(void **)p = s->free;
    s->free = p;
    if (!s->nr_free++)
        slab_link(s);
    stats.free_bytes += sz;
    stats.used_bytes -= sz;
    stats.nr_allocs--;

    /* An empty slab goes back to the page allocator unless it is the
     * class's only partial slab (avoids thrashing on alloc/free pairs). */
    if (s->nr_free == s->nr_objs && (s->prev || s->next)) {
        slab_unlink(s);
        stats.free_bytes -= s->nr_objs * sz;
        s->magic = DEAD_MAGIC;
        put_block(s, s->order);
    }
}

static void large_free(struct large *h, void *p)
{
    if (p != h->user) {
        bad_free(p, "not the start of a heap object");
        return;
    }
    h->magic = DEAD_MAGIC;
    stats.used_bytes -= PAGE_SIZE << h->order;
    stats.nr_allocs--;
    put_block(h, h->order);
}

void xfree(void *p)
{
    if (!p)
        return;
    lock();
    uint32_t *magic = block_of(p);
    if (!magic)
        bad_free(p, "not a live heap allocation (double free or foreign pointer)");
    else if (*magic == SLAB_MAGIC)
        slab_free((struct slab *)magic, p);
    else if (*magic == LARGE_MAGIC)
        large_free((struct large *)magic, p);
    else
        bad_free(p, "heap block header corrupted");
    unlock();
}

size_t xmalloc_usable_size(const void *p)
{
    size_t n = 0;

    lock();
    const uint32_t *magic = p ? block_of(p) : NULL;
    if (magic && *magic == SLAB_MAGIC) {
        const struct slab *s = (const void *)magic;
        int idx = slab_index(s, p);
        if (idx >= 0 && (s->used[idx / 64] & (1ULL << (idx % 64))))
            n = class_size(s->cls);
    } else if (magic && *magic == LARGE_MAGIC) {
        const struct large *h = (const void *)magic;
        if (h->user == p)
            n = h->size;
    }
    unlock();
    return n;
}

void heap_stats(struct heap_stats *out)
{
    lock();
    *out = stats;
    unlock();
}

void heap_print_stats(void)
{
    struct heap_stats s;

    heap_stats(&s);
    printk("heap: %zu allocations, %zu KiB used, %zu KiB free in slabs, %zu pages held\n",
           s.nr_allocs, s.used_bytes >> 10, s.free_bytes >> 10, s.pages);
}
