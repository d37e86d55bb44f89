/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Binary buddy allocator over the frame table (see tessera/page_alloc.h).
 *
 * A free block of order k is 2^k pages starting at a pfn aligned to 2^k; its
 * head page has PGF_FREE|PGF_HEAD and order k and sits on free_list[zone][k];
 * its other pages have PGF_FREE only. An allocated block looks the same with
 * PGF_ALLOCATED. Freeing merges a block with its buddy (pfn ^ 2^k) while the
 * buddy is a free head of the same order.
 *
 * Locking: every public function holds one irqsave spinlock (lock() and
 * unlock() below).
 */
#include <asm/spinlock.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>

enum { ZONE_LOW, ZONE_HIGH, NR_ZONES };

#define LOW_ZONE_PFNS   (GiB(4) >> PAGE_SHIFT)

static struct page_info *frames;
static unsigned long nr_frames;
static struct page_info *free_list[NR_ZONES][MAX_ORDER + 1];
static unsigned long nr_free_blocks[MAX_ORDER + 1];
static unsigned long free_count, total_count;

/* irqsave: allocation may happen from interrupt context (timer callbacks). */
static irqsave_lock_t page_alloc_lock = IRQSAVE_LOCK_INIT;
static inline void lock(void)   { irqsave_lock(&page_alloc_lock); }
static inline void unlock(void) { irqsave_unlock(&page_alloc_lock); }

static inline unsigned long pfn_of(const struct page_info *pg)
{
    return (unsigned long)(pg - frames);
}

static inline int zone_of(unsigned long pfn)
{
    return pfn < LOW_ZONE_PFNS ? ZONE_LOW : ZONE_HIGH;
}

static void list_add(struct page_info *pg, unsigned int order)
{
    struct page_info **head = &free_list[zone_of(pfn_of(pg))][order];

    pg->prev = NULL;
    pg->next = *head;
    if (*head)
        (*head)->prev = pg;
    *head = pg;
    nr_free_blocks[order]++;
}

static void list_del(struct page_info *pg, unsigned int order)
{
    if (pg->prev)
        pg->prev->next = pg->next;
    else
        free_list[zone_of(pfn_of(pg))][order] = pg->next;
    if (pg->next)
        pg->next->prev = pg->prev;
    pg->next = pg->prev = NULL;
    nr_free_blocks[order]--;
}

static void set_block(unsigned long pfn, unsigned int order, uint8_t state)
{
    for (unsigned long i = 0; i < (1UL << order); i++) {
        frames[pfn + i].flags = state;
        frames[pfn + i].order = 0;
    }
    frames[pfn].flags = state | PGF_HEAD;
    frames[pfn].order = (uint8_t)order;
}

/* Gives a block back to the free lists, merging with free buddies. Only
 * the block's own pages and the merged buddies' heads are rewritten. */
static void free_block(unsigned long pfn, unsigned int order)
{
    free_count += 1UL << order;
    set_block(pfn, order, PGF_FREE);
    frames[pfn].flags = PGF_FREE;
    while (order < MAX_ORDER) {
        unsigned long buddy = pfn ^ (1UL << order);

        if (buddy >= nr_frames)
            break;
        struct page_info *b = &frames[buddy];
        if (b->flags != (PGF_FREE | PGF_HEAD) || b->order != order)
            break;
        list_del(b, order);
        b->flags = PGF_FREE;
        b->order = 0;
        pfn &= ~(1UL << order);
        order++;
    }
    frames[pfn].flags = PGF_FREE | PGF_HEAD;
    frames[pfn].order = (uint8_t)order;
    frames[pfn].owner = PAGE_OWNER_NONE;
    frames[pfn].count = 0;
    list_add(&frames[pfn], order);
}

size_t page_alloc_frame_table_bytes(unsigned long n)
{
    return (size_t)n * sizeof(struct page_info);
}

void page_alloc_init(struct page_info *table, unsigned long n)
{
    lock();
    frames = table;
    nr_frames = n;
    memset(table, 0, page_alloc_frame_table_bytes(n));
    for (unsigned long i = 0; i < n; i++) {
        table[i].flags = PGF_RESERVED;
        table[i].owner = PAGE_OWNER_NONE;
    }
    memset(free_list, 0, sizeof(free_list));
    memset(nr_free_blocks, 0, sizeof(nr_free_blocks));
    free_count = total_count = 0;
    unlock();
}

/* [s, e) are reserved frames: free them as the largest aligned blocks. */
static void add_run(unsigned long s, unsigned long e)
{
    while (s < e) {
        unsigned int order = 0;

        while (order < MAX_ORDER && !(s & (1UL << order)) && s + (2UL << order) <= e)
            order++;
        total_count += 1UL << order;
        free_block(s, order);
        s += 1UL << order;
    }
}

void page_alloc_add_free(paddr_t start, paddr_t end)
{
    unsigned long s = (unsigned long)(ALIGN_UP(start, PAGE_SIZE) >> PAGE_SHIFT);
    unsigned long e = (unsigned long)(ALIGN_DOWN(end, PAGE_SIZE) >> PAGE_SHIFT);
    unsigned long skipped = 0;

    if (start > ~0ULL - PAGE_SIZE)
        return;
    lock();
    if (e > nr_frames)
        e = nr_frames;
    if (s == 0)
        s = 1;                  /* page 0 is never free: see page_alloc.h */
    while (s < e) {
        if (frames[s].flags != PGF_RESERVED) {
            skipped++;
            s++;
            continue;
        }
        unsigned long run = s;
        while (run < e && frames[run].flags == PGF_RESERVED)
            run++;
        add_run(s, run);
        s = run;
    }
    unlock();
    if (skipped)
        printk(LOG_WARN "page_alloc: %lu pages in [%#llx, %#llx) were not reserved, skipped\n",
               skipped, (unsigned long long)start, (unsigned long long)end);
}

static struct page_info *take_block(int zone, unsigned int order)
{
    unsigned int k;

    for (k = order; k <= MAX_ORDER; k++)
        if (free_list[zone][k])
            break;
    if (k > MAX_ORDER)
        return NULL;

    struct page_info *pg = free_list[zone][k];
    unsigned long pfn = pfn_of(pg);

    list_del(pg, k);
    while (k > order) {         /* give back the upper halves */
        k--;
        unsigned long upper = pfn + (1UL << k);
        frames[upper].flags = PGF_FREE | PGF_HEAD;
        frames[upper].order = (uint8_t)k;
        list_add(&frames[upper], k);
    }
    set_block(pfn, order, PGF_ALLOCATED);
    free_count -= 1UL << order;
    return pg;
}

paddr_t alloc_pages(unsigned int order, unsigned int flags)
{
    struct page_info *pg = NULL;

    if (order > MAX_ORDER)
        return 0;
    lock();
    if (!(flags & PA_BELOW_4G))
        pg = take_block(ZONE_HIGH, order);
    if (!pg)
        pg = take_block(ZONE_LOW, order);
    if (pg) {
        pg->owner = PAGE_OWNER_HYP;
        pg->count = 0;
        pg->u = 0;
    }
    unlock();
    if (!pg)
        return 0;

    paddr_t pa = page_to_pa(pg);
    if (flags & PA_ZERO)
        memset(phys_to_virt(pa), 0, PAGE_SIZE << order);
    return pa;
}

/* The free block holding pfn, or -1: its head is the aligned pfn of some
 * order k with a free head of exactly that order (buddies always merge). */
static int free_block_of(unsigned long pfn, unsigned long *head)
{
    for (unsigned int k = 0; k <= MAX_ORDER; k++) {
        unsigned long h = pfn & ~((1UL << k) - 1);
        if (frames[h].flags == (PGF_FREE | PGF_HEAD) && frames[h].order == k) {
            *head = h;
            return (int)k;
        }
    }
    return -1;
}

paddr_t alloc_pages_at(paddr_t pa, unsigned int order, unsigned int flags)
{
    unsigned long pfn = (unsigned long)(pa >> PAGE_SHIFT), head = 0;
    int k = -1;

    if (order > MAX_ORDER || !IS_ALIGNED(pa, PAGE_SIZE << order) || pfn == 0)
        return 0;
    lock();
    if (pfn < nr_frames && pfn + (1UL << order) <= nr_frames)
        k = free_block_of(pfn, &head);
    if (k < (int)order) {
        unlock();
        return 0;
    }
    list_del(&frames[head], (unsigned int)k);
    while (k > (int)order) {    /* give back the half without pfn */
        k--;
        unsigned long other = (pfn & (1UL << k)) ? head : head + (1UL << k);
        if (other == head)
            head += 1UL << k;
        frames[other].flags = PGF_FREE | PGF_HEAD;
        frames[other].order = (uint8_t)k;
        list_add(&frames[other], (unsigned int)k);
    }
    set_block(pfn, order, PGF_ALLOCATED);
    free_count -= 1UL << order;
    frames[pfn].owner = PAGE_OWNER_HYP;
    frames[pfn].count = 0;
    frames[pfn].u = 0;
    unlock();
    if (flags & PA_ZERO)
        memset(phys_to_virt(pa), 0, PAGE_SIZE << order);
    return pa;
}

int free_pages(paddr_t pa, unsigned int order)
{
    const char *why = NULL;
    unsigned long pfn = (unsigned long)(pa >> PAGE_SHIFT);

    lock();
    if (order > MAX_ORDER)
        why = "bad order";
    else if (!IS_ALIGNED(pa, PAGE_SIZE << order))
        why = "misaligned";
    else if (pfn == 0 || pfn >= nr_frames || pfn + (1UL << order) > nr_frames)
        why = "outside the frame table";
    else if (frames[pfn].flags & PGF_FREE)
        why = "double free";
    else if ((frames[pfn].flags & (PGF_ALLOCATED | PGF_HEAD)) != (PGF_ALLOCATED | PGF_HEAD))
        why = "not the start of an allocated block";
    else if (frames[pfn].order != order)
        why = "wrong order";

    if (!why) {
        for (unsigned long i = 0; i < (1UL << order); i++)
            frames[pfn + i].u = 0;
        free_block(pfn, order);
    }
    unlock();
    if (why) {
        printk(LOG_ERR "page_alloc: free_pages(%#llx, order %u): %s\n",
               (unsigned long long)pa, order, why);
        return -EINVAL;
    }
    return 0;
}

unsigned long page_alloc_free_pages(void)  { return free_count; }
unsigned long page_alloc_total_pages(void) { return total_count; }

unsigned long page_alloc_free_blocks(unsigned int order)
{
    return order <= MAX_ORDER ? nr_free_blocks[order] : 0;
}

static unsigned long check_block(int zone, unsigned int k, const struct page_info *pg,
                                 const struct page_info *prev)
{
    unsigned long pfn = pfn_of(pg), buddy = pfn ^ (1UL << k);
    const char *why = NULL;

    if (pg < frames || pfn >= nr_frames || pfn + (1UL << k) > nr_frames)
        why = "outside the frame table";
    else if (pg->prev != prev)
        why = "broken back link";
    else if (pg->flags != (PGF_FREE | PGF_HEAD) || pg->order != k)
        why = "head has the wrong flags or order";
    else if (pfn & ((1UL << k) - 1))
        why = "misaligned";
    else if (zone_of(pfn) != zone)
        why = "in the wrong zone";
    else if (k < MAX_ORDER && buddy < nr_frames &&
             frames[buddy].flags == (PGF_FREE | PGF_HEAD) && frames[buddy].order == k)
        why = "not merged with its free buddy";
    if (why)
        printk(LOG_ERR "page_alloc: free block %#llx order %u: %s\n",
               (unsigned long long)pfn << PAGE_SHIFT, k, why);
    return why != NULL;
}

unsigned long page_alloc_check(void)
{
    unsigned long bad = 0, pages = 0;

    lock();
    for (int zone = 0; zone < NR_ZONES; zone++) {
        for (unsigned int k = 0; k <= MAX_ORDER; k++) {
            const struct page_info *prev = NULL;
            for (const struct page_info *pg = free_list[zone][k]; pg; pg = pg->next) {
                if (check_block(zone, k, pg, prev)) {
                    bad++;
                    break;          /* the list itself may be garbage */
                }
                pages += 1UL << k;
                prev = pg;
            }
        }
    }
    if (pages != free_count) {
        printk(LOG_ERR "page_alloc: free lists hold %lu pages, count says %lu\n",
               pages, free_count);
        bad++;
    }
    unlock();
    return bad;
}

struct page_info *pa_to_page(paddr_t pa)
{
    unsigned long pfn = (unsigned long)(pa >> PAGE_SHIFT);

    return (frames && (pa >> PAGE_SHIFT) < nr_frames) ? &frames[pfn] : NULL;
}

paddr_t page_to_pa(const struct page_info *pg)
{
    return (paddr_t)pfn_of(pg) << PAGE_SHIFT;
}
