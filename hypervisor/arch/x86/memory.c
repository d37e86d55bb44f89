/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * From the boot loader's memory map to the page allocator: everything that
 * is not plain RAM, the first MiB (firmware data, and where APs start), our
 * own image and the boot modules are kept out of the free memory.
 */
#include <asm/bootinfo.h>
#include <asm/mm.h>
#include <asm/percpu.h>
#include <tessera/lib.h>
#include <tessera/memmap.h>
#include <tessera/memory.h>
#include <tessera/page_alloc.h>

extern const char __image_start[], __image_end[];

static struct memmap firmware_map;     /* as reported, after mem= */
static struct memmap free_map;         /* what the allocator gets */
static paddr_t trampoline_page;
static uint64_t frame_table_bytes;
static uint64_t usable_bytes;

static enum mem_type type_of(uint32_t e820_type)
{
    switch (e820_type) {
    case BOOT_MEM_RAM:  return MEM_RAM;
    case BOOT_MEM_ACPI: return MEM_ACPI;
    case BOOT_MEM_NVS:  return MEM_NVS;
    case BOOT_MEM_UNUSABLE: return MEM_UNUSABLE;
    default:            return MEM_RESERVED;
    }
}

static void build_firmware_map(uint64_t mem_limit)
{
    memmap_init(&firmware_map);
    for (unsigned int i = 0; i < boot_info.nr_mmap; i++) {
        const struct boot_mmap_entry *e = &boot_info.mmap[i];
        if (e->len == 0 || e->base + e->len < e->base)
            continue;
        memmap_add(&firmware_map, e->base, e->base + e->len, type_of(e->type));
    }
    if (boot_info.dropped_mmap)
        printk(LOG_WARN "mm: %u memory map entries beyond %u ignored\n",
               boot_info.dropped_mmap, BOOT_MAX_MMAP);
    if (mem_limit) {
        memmap_remove(&firmware_map, mem_limit, ~0ULL);
        printk("mm: mem=%lluMiB: RAM above that is ignored\n",
               (unsigned long long)(mem_limit >> 20));
    }
    usable_bytes = memmap_usable_bytes(&firmware_map);
}

/* The highest-addressed free RAM page in [4 KiB, 640 KiB): APs start in
 * real mode, so their first code must live below 1 MiB. */
static void pick_trampoline_page(void)
{
    for (unsigned int i = 0; i < free_map.nr; i++) {
        const struct memmap_range *r = &free_map.ranges[i];
        if (r->type != MEM_RAM)
            continue;
        paddr_t lo = ALIGN_UP(MAX(r->start, (paddr_t)PAGE_SIZE), PAGE_SIZE);
        paddr_t hi = ALIGN_DOWN(MIN(r->end, (paddr_t)KiB(640)), PAGE_SIZE);
        if (hi > lo)
            trampoline_page = hi - PAGE_SIZE;
    }
    if (!trampoline_page)
        panic("mm: no free page below 640 KiB for starting the other CPUs");
}

/* A home for the frame table: RAM below 4 GiB (mapped by the boot page
 * tables, which is all we have until the allocator exists), top-down. */
static paddr_t place_frame_table(uint64_t bytes)
{
    for (int i = (int)free_map.nr - 1; i >= 0; i--) {
        const struct memmap_range *r = &free_map.ranges[i];
        if (r->type != MEM_RAM)
            continue;
        paddr_t end = ALIGN_DOWN(MIN(r->end, GiB(4)), PAGE_SIZE);
        paddr_t start = ALIGN_UP(r->start, PAGE_SIZE);
        if (end > start && end - start >= bytes)
            return end - ALIGN_UP(bytes, PAGE_SIZE);
    }
    panic("mm: no room below 4 GiB for a %llu KiB frame table",
          (unsigned long long)(bytes >> 10));
}

static paddr_t highest_ram(const struct memmap *m)
{
    paddr_t top = 0;

    for (unsigned int i = 0; i < m->nr; i++)
        if (m->ranges[i].type == MEM_RAM)
            top = MAX(top, m->ranges[i].end);
    return top;
}

void memory_init(uint64_t mem_limit)
{
    build_firmware_map(mem_limit);
    free_map = firmware_map;

    memmap_remove(&free_map, (paddr_t)(uintptr_t)__image_start,
                  ALIGN_UP((paddr_t)(uintptr_t)__image_end, PAGE_SIZE));
    for (unsigned int i = 0; i < boot_info.nr_modules; i++) {
        const struct boot_module *m = &boot_info.modules[i];
        if (m->end > m->start)
            memmap_remove(&free_map, ALIGN_DOWN(m->start, PAGE_SIZE),
                          ALIGN_UP(m->end, PAGE_SIZE));
    }
    pick_trampoline_page();
    memmap_remove(&free_map, 0, MiB(1));

    paddr_t top = highest_ram(&free_map);
    unsigned long nr_frames = top >> PAGE_SHIFT;
    frame_table_bytes = page_alloc_frame_table_bytes(nr_frames);
    paddr_t ft = place_frame_table(frame_table_bytes);
    memmap_remove(&free_map, ft, ft + ALIGN_UP(frame_table_bytes, PAGE_SIZE));

    page_alloc_init(phys_to_virt(ft), nr_frames);
    for (unsigned int i = 0; i < free_map.nr; i++)
        if (free_map.ranges[i].type == MEM_RAM)
            page_alloc_add_free(free_map.ranges[i].start, free_map.ranges[i].end);

    mm_init_page_tables(highest_ram(&firmware_map));
    printk("mm: %llu MiB of RAM, %lu MiB free for allocation, highest address %#llx\n",
           (unsigned long long)(usable_bytes >> 20),
           page_alloc_free_pages() >> (20 - PAGE_SHIFT), (unsigned long long)top);
}

uint64_t memory_usable_bytes(void)  { return usable_bytes; }
paddr_t memory_trampoline_page(void) { return trampoline_page; }
const struct memmap *memory_firmware_map(void) { return &firmware_map; }

void memory_print_usage(void)
{
    uint64_t image = ALIGN_UP((uint64_t)(__image_end - __image_start), PAGE_SIZE);
    uint64_t tables = (uint64_t)mm_page_table_pages() * PAGE_SIZE;
    uint64_t stacks = (uint64_t)(nr_cpus_possible - 1) *
                      (CPU_STACK_SIZE + IST_COUNT * IST_STACK_SIZE);
    uint64_t total = image + ALIGN_UP(frame_table_bytes, PAGE_SIZE) + tables + stacks;

    printk("mm: hypervisor keeps %llu KiB: image %llu, frame table %llu, page tables %llu, "
           "CPU stacks %llu (KiB)\n", (unsigned long long)(total >> 10),
           (unsigned long long)(image >> 10), (unsigned long long)(frame_table_bytes >> 10),
           (unsigned long long)(tables >> 10), (unsigned long long)(stacks >> 10));
}
