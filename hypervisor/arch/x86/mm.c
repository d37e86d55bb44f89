/* SPDX-License-Identifier: GPL-2.0-only */
/* Building the hypervisor's page tables (4-level, SDM Vol. 3A, 4.5). */
#include <asm/boot.h>
#include <asm/cpufeature.h>
#include <asm/mm.h>
#include <asm/processor.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>

#define PT_ENTRIES      512
#define PTE_ADDR_MASK   0x000ffffffffff000ULL
#define LEAF_FLAGS      (PTE_P | PTE_W | PTE_G)
#define TABLE_FLAGS     (PTE_P | PTE_W)

static uint64_t *root;
static paddr_t mapped_top;
static unsigned long pt_pages;

void *phys_to_virt(paddr_t pa)            { return (void *)(uintptr_t)pa; }
paddr_t virt_to_phys(const void *va)      { return (paddr_t)(uintptr_t)va; }

/* Page tables stay below 4 GiB: an AP loads CR3 while still in 32-bit mode. */
static uint64_t *new_table(void)
{
    paddr_t pa = alloc_pages(0, PA_BELOW_4G | PA_ZERO);

    if (!pa)
        panic("mm: out of memory for page tables");
    pt_pages++;
    return phys_to_virt(pa);
}

static uint64_t *next_level(uint64_t *table, unsigned int index)
{
    if (!(table[index] & PTE_P))
        table[index] = virt_to_phys(new_table()) | TABLE_FLAGS;
    return phys_to_virt(table[index] & PTE_ADDR_MASK);
}

/* Maps [start, end) onto itself with the largest pages alignment allows. */
static void map_identity(paddr_t start, paddr_t end)
{
    paddr_t a = start;

    while (a < end) {
        uint64_t *pdpt = next_level(root, (a >> 39) & 511);
        unsigned int i3 = (a >> 30) & 511;
        if (boot_cpu.page1gb && IS_ALIGNED(a, GiB(1)) && end - a >= GiB(1)) {
            pdpt[i3] = a | LEAF_FLAGS | PTE_PS;
            a += GiB(1);
            continue;
        }
        uint64_t *pd = next_level(pdpt, i3);
        unsigned int i2 = (a >> 21) & 511;
        if (IS_ALIGNED(a, MiB(2)) && end - a >= MiB(2)) {
            pd[i2] = a | LEAF_FLAGS | PTE_PS;
            a += MiB(2);
            continue;
        }
        uint64_t *pt = next_level(pd, i2);
        pt[(a >> 12) & 511] = a | LEAF_FLAGS;
        a += PAGE_SIZE;
    }
}

void mm_init_page_tables(paddr_t top)
{
    root = new_table();
    top = ALIGN_UP(MAX(top, GiB(4)), MiB(2));
    map_identity(PAGE_SIZE, top);      /* page 0 stays unmapped */
    write_cr4(read_cr4() | X86_CR4_PGE);
    write_cr3(virt_to_phys(root));
    mapped_top = top;
}

bool mm_range_mapped(paddr_t pa, uint64_t len)
{
    return pa >= PAGE_SIZE && len <= mapped_top && pa <= mapped_top - len;
}

unsigned long mm_page_table_pages(void) { return pt_pages; }
paddr_t mm_mapped_top(void)             { return mapped_top; }
