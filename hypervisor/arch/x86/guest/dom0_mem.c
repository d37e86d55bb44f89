/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom0's RAM at given machine addresses (see asm/dom0_build.h): blocks are
 * taken with alloc_pages_at(), its kernel's range first, the rest in
 * address order, so dom0's memory is a few long runs of host RAM.
 */
#include <asm/dom0_build.h>
#include <tessera/errno.h>
#include <tessera/heap.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include <tessera/p2m.h>

#define MEM_ERR(...)    printk(LOG_ERR "dom0: " __VA_ARGS__)

struct claim {
    struct dom0_mem *m;
    unsigned int capacity;
    uint64_t left;                      /* pages still wanted */
};

static bool page_free(uint64_t pa)
{
    const struct page_info *pg = pa_to_page(pa);

    return pg && (pg->flags & PGF_FREE);
}

static int add_block(struct claim *c, paddr_t pa, unsigned int order)
{
    if (c->m->nr_blocks == c->capacity)
        return -ENOSPC;         /* cannot happen: see dom0_mem_claim() */
    c->m->blocks[c->m->nr_blocks++] = (struct ram_chunk){ pa, pa >> PAGE_SHIFT, order };
    c->left -= 1ull << order;
    return 0;
}

/* Takes the largest free block at pa that fits before end and what is
 * still wanted; its size in bytes, 0 if pa is not free, or -errno. */
static int64_t take_at(struct claim *c, uint64_t pa, uint64_t end)
{
    unsigned int order = P2M_ORDER_1G;

    if (!page_free(pa))
        return 0;
    while (order && (!IS_ALIGNED(pa, PAGE_SIZE << order) || end - pa < (PAGE_SIZE << order) ||
                     c->left < (1ull << order)))
        order--;
    for (;; order--) {
        if (alloc_pages_at(pa, order, PA_ZERO)) {
            int rc = add_block(c, pa, order);
            if (rc) {
                free_pages(pa, order);
                return rc;
            }
            return (int64_t)(PAGE_SIZE << order);
        }
        if (!order)
            return 0;
    }
}

/* All of [start, end), which must be free. */
static int take_needed(struct claim *c, uint64_t start, uint64_t end)
{
    for (uint64_t pa = start; pa < end;) {
        int64_t got = c->left ? take_at(c, pa, end) : 0;
        if (got < 0)
            return (int)got;
        if (!got) {
            MEM_ERR("its kernel needs [%#llx, %#llx), but host frame %#llx is %s\n",
                    (unsigned long long)start, (unsigned long long)end,
                    (unsigned long long)pa,
                    c->left ? "not free (a boot module or the hypervisor's)" :
                              "beyond its mem=");
            return -EBUSY;
        }
        pa += (uint64_t)got;
    }
    return 0;
}

/* Free RAM above 1 MiB in address order until enough is taken. */
static int take_rest(struct claim *c, const struct memmap *host)
{
    const struct memmap_range *r;

    memmap_for_each(host, r) {
        if (r->type != MEM_RAM)
            continue;
        uint64_t end = ALIGN_DOWN(r->end, PAGE_SIZE);
        for (uint64_t pa = ALIGN_UP(MAX(r->start, MiB(1)), PAGE_SIZE); pa < end && c->left;) {
            int64_t got = take_at(c, pa, end);
            if (got < 0)
                return (int)got;
            pa += got ? (uint64_t)got : PAGE_SIZE;
        }
    }
    return 0;
}

static void sort_blocks(struct dom0_mem *m)
{
    for (unsigned int i = 1; i < m->nr_blocks; i++) {
        struct ram_chunk b = m->blocks[i];
        unsigned int j = i;
        for (; j && m->blocks[j - 1].pa > b.pa; j--)
            m->blocks[j] = m->blocks[j - 1];
        m->blocks[j] = b;
    }
}

static int merge_ranges(struct dom0_mem *m)
{
    m->ranges = xmalloc(MAX(m->nr_blocks, 1u) * sizeof(*m->ranges));
    if (!m->ranges)
        return -ENOMEM;
    m->nr_ranges = 0;
    for (unsigned int i = 0; i < m->nr_blocks; i++) {
        uint64_t s = m->blocks[i].pa, e = s + (PAGE_SIZE << m->blocks[i].order);
        if (m->nr_ranges && m->ranges[m->nr_ranges - 1].end == s)
            m->ranges[m->nr_ranges - 1].end = e;
        else
            m->ranges[m->nr_ranges++] = (struct dom0_range){ s, e };
    }
    return 0;
}

int dom0_mem_claim(const struct memmap *host, uint64_t bytes, uint64_t need_start,
                   uint64_t need_end, struct dom0_mem *out)
{
    struct claim c = { .m = out, .left = bytes >> PAGE_SHIFT };
    int rc;

    memset(out, 0, sizeof(*out));
    if (c.left > page_alloc_free_pages()) {
        MEM_ERR("mem=%lluM, but the machine has %lluM free\n",
                (unsigned long long)(bytes >> 20),
                (unsigned long long)(page_alloc_free_pages() >> (20 - PAGE_SHIFT)));
        return -ENOMEM;
    }
    /* Every block taken is a free block, or a piece of one cut by the
     * kernel's range (its own pieces, and the two ends left over) or by the
     * end of what is wanted: at most 5 runs of MAX_ORDER + 1 pieces. */
    c.capacity = 5 * (MAX_ORDER + 1);
    for (unsigned int k = 0; k <= MAX_ORDER; k++)
        c.capacity += (unsigned int)page_alloc_free_blocks(k);
    out->blocks = xmalloc(c.capacity * sizeof(*out->blocks));
    if (!out->blocks)
        return -ENOMEM;
    rc = take_needed(&c, ALIGN_DOWN(need_start, PAGE_SIZE), ALIGN_UP(need_end, PAGE_SIZE));
    if (!rc)
        rc = take_rest(&c, host);
    if (!rc && c.left) {
        MEM_ERR("mem=%lluM, but only %lluM of RAM above 1M were free\n",
                (unsigned long long)(bytes >> 20),
                (unsigned long long)((bytes - (c.left << PAGE_SHIFT)) >> 20));
        rc = -ENOMEM;
    }
    if (!rc) {
        sort_blocks(out);
        rc = merge_ranges(out);
    }
    if (rc)
        dom0_mem_release(out, true);
    return rc;
}

void dom0_mem_release(struct dom0_mem *m, bool free_blocks)
{
    for (unsigned int i = 0; free_blocks && i < m->nr_blocks; i++)
        free_pages(m->blocks[i].pa, m->blocks[i].order);
    xfree(m->blocks);
    xfree(m->ranges);
    memset(m, 0, sizeof(*m));
}
