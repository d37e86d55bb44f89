/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: hypervisor/arch/x86/guest/dom0_mem.c, dom0's RAM taken from
 * the page allocator at given machine frames, on a fake 128 MiB machine
 * whose first 12 MiB (hypervisor, modules) and a few scattered pages are
 * taken.
 */
#include <asm/dom0_build.h>
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/memmap.h>
#include <tessera/page_alloc.h>
#include "test.h"

#define TOP         MiB(128)
#define HOLE        (MiB(60) + 3 * PAGE_SIZE)   /* a page the hypervisor holds */

static struct memmap host_map;
static struct page_info *ft;
static unsigned long free_before;

static void machine(void)
{
    host_phys_reset();
    host_phys_add(0, TOP);
    memmap_init(&host_map);
    memmap_add(&host_map, 0, 0x9fc00, MEM_RAM);
    memmap_add(&host_map, 0xf0000, MiB(1), MEM_RESERVED);
    memmap_add(&host_map, MiB(1), TOP, MEM_RAM);
    free(ft);
    ft = calloc(1, page_alloc_frame_table_bytes(TOP >> PAGE_SHIFT));
    page_alloc_init(ft, TOP >> PAGE_SHIFT);
    page_alloc_add_free(MiB(12), TOP);
    CHECK_EQ(alloc_pages_at(HOLE, 0, 0), HOLE);
    free_before = page_alloc_free_pages();
}

/* Both steps, as the builder takes them (the kernel is unpacked between). */
static int claim(uint64_t bytes, uint64_t need_start, uint64_t need_end, struct dom0_mem *m)
{
    int rc = dom0_mem_claim(&host_map, bytes, need_start, need_end, m);

    return rc ? rc : dom0_mem_claim_rest(&host_map, m);
}

/* Gives m back and checks the allocator is as machine() left it. */
static void release_and_check(struct dom0_mem *m)
{
    dom0_mem_release(m, true);
    CHECK_EQ(page_alloc_free_pages(), free_before);
    CHECK_EQ(page_alloc_check(), 0);
}

static uint64_t block_bytes(const struct dom0_mem *m)
{
    uint64_t n = 0;

    for (unsigned int i = 0; i < m->nr_blocks; i++) {
        CHECK(IS_ALIGNED(m->blocks[i].pa, PAGE_SIZE << m->blocks[i].order));
        CHECK_EQ(m->blocks[i].gfn, m->blocks[i].pa >> PAGE_SHIFT);     /* 1:1 */
        CHECK(m->blocks[i].order <= 18);
        if (i)
            CHECK(m->blocks[i - 1].pa < m->blocks[i].pa);
        n += PAGE_SIZE << m->blocks[i].order;
    }
    return n;
}

static void test_kernel_range_then_address_order(void)
{
    struct dom0_mem m;

    machine();
    CHECK_EQ(claim(MiB(64), MiB(16), MiB(40) + 123, &m), 0);
    CHECK_EQ(block_bytes(&m), MiB(64));
    CHECK_EQ(page_alloc_free_pages(), free_before - (MiB(64) >> PAGE_SHIFT));
    CHECK_EQ(page_alloc_check(), 0);
    /* [16M, 40M + a page) first, then from 12M up, around the held page. */
    CHECK_EQ(m.nr_ranges, 2);
    CHECK_EQ(m.ranges[0].start, MiB(12));
    CHECK_EQ(m.ranges[0].end, HOLE);
    CHECK_EQ(m.ranges[1].start, HOLE + PAGE_SIZE);
    CHECK_EQ(m.ranges[1].end, MiB(76) + PAGE_SIZE);
    for (uint64_t pa = MiB(16); pa < MiB(40) + PAGE_SIZE; pa += PAGE_SIZE)
        CHECK(pa_to_page(pa)->flags & PGF_ALLOCATED);
    release_and_check(&m);
}

/* A block taken between the steps (the kernel's unpacking buffer) is
 * stepped around, and is free again afterwards for others. */
static void test_buffer_between_the_steps(void)
{
    struct dom0_mem m;

    machine();
    CHECK_EQ(dom0_mem_claim(&host_map, MiB(64), MiB(16), MiB(48), &m), 0);
    paddr_t buf = alloc_pages(13, 0);       /* 32 MiB */
    CHECK(buf != 0);
    CHECK(buf < MiB(16) || buf >= MiB(48));
    CHECK_EQ(dom0_mem_claim_rest(&host_map, &m), 0);
    CHECK_EQ(block_bytes(&m), MiB(64));
    for (unsigned int i = 0; i < m.nr_ranges; i++)
        CHECK(m.ranges[i].end <= buf || m.ranges[i].start >= buf + MiB(32));
    CHECK_EQ(free_pages(buf, 13), 0);
    release_and_check(&m);
}

/* Nothing is kept when the claim fails. */
static void test_refusals_leave_nothing(void)
{
    struct dom0_mem m;

    machine();
    host_log_clear();
    CHECK_EQ(dom0_mem_claim(&host_map, MiB(64), MiB(8), MiB(40), &m), -EBUSY);
    CHECK_LOG("its kernel needs [0x800000, 0x2800000), but host frame 0x800000 is not free");
    CHECK_EQ(dom0_mem_claim(&host_map, MiB(64), MiB(58), MiB(62), &m), -EBUSY);
    CHECK_LOG("host frame 0x3c03000 is not free");
    CHECK_EQ(dom0_mem_claim(&host_map, MiB(16), MiB(16), MiB(40), &m), -EBUSY);
    CHECK_LOG("host frame 0x2000000 is beyond its mem=");
    CHECK_EQ(dom0_mem_claim(&host_map, MiB(120), MiB(16), MiB(40), &m), -ENOMEM);
    CHECK_LOG("needs 120M above 1M, but the machine has 115M free");
    /* Enough free pages in all, but the last ones are not above 1 MiB RAM
     * of the map: the map is what counts. */
    memmap_remove(&host_map, MiB(100), TOP);
    CHECK_EQ(claim(MiB(100), MiB(16), MiB(40), &m), -ENOMEM);
    CHECK_LOG("but only 87M of RAM there were free");
    CHECK_EQ(m.nr_blocks, 0);
    CHECK_EQ(page_alloc_free_pages(), free_before);
    CHECK_EQ(page_alloc_check(), 0);
}

/* All the free memory, in the fewest blocks the buddy layout allows. */
static void test_everything(void)
{
    struct dom0_mem m;
    unsigned long pages;

    machine();
    pages = free_before;
    CHECK_EQ(claim((uint64_t)pages << PAGE_SHIFT, MiB(16), MiB(17), &m), 0);
    CHECK_EQ(page_alloc_free_pages(), 0);
    CHECK_EQ(block_bytes(&m), (uint64_t)pages << PAGE_SHIFT);
    CHECK(m.nr_blocks < 40);
    dom0_mem_release(&m, true);
    CHECK_EQ(page_alloc_free_pages(), pages);
}

int main(void)
{
    RUN(test_kernel_range_then_address_order);
    RUN(test_buffer_between_the_steps);
    RUN(test_refusals_leave_nothing);
    RUN(test_everything);
    return test_summary();
}
