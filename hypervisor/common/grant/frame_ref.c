/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * References on granted frames. Every mapping of a granted frame into a
 * p2m counts once in the frame's page_info.count, taken before the p2m
 * entry exists and dropped only after it is gone and flushed. When a
 * domain is freed, each of its RAM blocks with a counted frame is held
 * here instead of going back to the allocator; the put that brings the
 * last of its counts to zero frees it.
 */
#include <tessera/lib.h>
#include <tessera/domain.h>
#include <tessera/heap.h>
#include <tessera/page_alloc.h>
#include "private.h"

struct held_block {
    struct held_block *next;
    paddr_t pa;
    unsigned int order;
};

static spinlock_t held_lock = SPINLOCK_INIT;
static struct held_block *held;

void gnttab_frame_get(uint64_t mfn)
{
    __atomic_add_fetch(&pa_to_page(mfn << PAGE_SHIFT)->count, 1, __ATOMIC_ACQ_REL);
}

static bool block_referenced(paddr_t pa, unsigned int order)
{
    struct page_info *pg = pa_to_page(pa);

    for (unsigned long i = 0; i < (1UL << order); i++)
        if (__atomic_load_n(&pg[i].count, __ATOMIC_ACQUIRE))
            return true;
    return false;
}

/* held_lock held. */
static void free_if_unreferenced(uint64_t mfn)
{
    paddr_t pa = mfn << PAGE_SHIFT;

    for (struct held_block **p = &held; *p; p = &(*p)->next) {
        struct held_block *b = *p;
        if (pa < b->pa || pa - b->pa >= (PAGE_SIZE << b->order))
            continue;
        if (!block_referenced(b->pa, b->order)) {
            *p = b->next;
            free_pages(b->pa, b->order);
            printk("grant: %lu KiB of a dead domain's RAM freed after its last mapping\n",
                   (PAGE_SIZE << b->order) >> 10);
            xfree(b);
        }
        return;
    }
}

void gnttab_frame_put(uint64_t mfn)
{
    unsigned long flags = spin_lock_irqsave(&held_lock);
    if (!__atomic_sub_fetch(&pa_to_page(mfn << PAGE_SHIFT)->count, 1, __ATOMIC_ACQ_REL) && held)
        free_if_unreferenced(mfn);
    spin_unlock_irqrestore(&held_lock, flags);
}

void gnttab_hold_referenced_ram(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&held_lock);

    for (unsigned int i = 0; i < d->nr_chunks;) {
        struct ram_chunk c = d->chunks[i];

        if (!block_referenced(c.pa, c.order)) {
            i++;
            continue;
        }
        struct held_block *b = xmalloc(sizeof(*b));
        if (b) {
            *b = (struct held_block){ held, c.pa, c.order };
            held = b;
            printk("dom %s id=%u: %lu KiB of RAM still mapped by other domains, "
                   "held until unmapped\n", d->name, d->id, (PAGE_SIZE << c.order) >> 10);
        } else {
            printk(LOG_ERR "dom %s id=%u: out of memory, %lu KiB of mapped RAM never freed\n",
                   d->name, d->id, (PAGE_SIZE << c.order) >> 10);
        }
        /* Either way not the domain's to free any more. */
        d->chunks[i] = d->chunks[--d->nr_chunks];
    }
    spin_unlock_irqrestore(&held_lock, flags);
}
