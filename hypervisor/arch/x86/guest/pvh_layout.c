/* SPDX-License-Identifier: GPL-2.0-only */
/* A PVH domain's start-of-day memory layout (see asm/pvh_layout.h). */
#include <tessera/lib.h>
#include <asm/pvh_layout.h>
#include <tessera/arch.h>
#include <tessera/store_ring.h>

#define PVH_ERR(...)    printk(LOG_ERR "pvh: " __VA_ARGS__)

/* Page ranges that are taken: page 0, the legacy hole, the kernel, what is
 * placed so far. */
struct busy {
    unsigned int nr;
    uint64_t start[5], end[5];
};

static bool is_free(const struct busy *b, uint64_t s, uint64_t size, uint64_t limit)
{
    if (s > limit || size > limit - s)
        return false;
    for (unsigned int i = 0; i < b->nr; i++)
        if (s < b->end[i] && b->start[i] < s + size)
            return false;
    return true;
}

/*
 * Finds size bytes (page aligned) in [0, limit) clear of b: the lowest
 * address >= hint, else the highest below it. A lowest fit starts at hint
 * or at the end of a busy range; a highest fit ends at hint, at limit or at
 * the start of a busy range: only those candidates need trying.
 */
static int place(const struct busy *b, uint64_t size, uint64_t hint, uint64_t limit,
                 uint64_t *out)
{
    uint64_t cand[2 + 2 * ARRAY_SIZE(b->start) + 1];
    unsigned int n = 0;
    bool above = false, below = false;
    uint64_t best_above = 0, best_below = 0;

    cand[n++] = hint;
    if (hint >= size)
        cand[n++] = hint - size;
    if (limit >= size)
        cand[n++] = ALIGN_DOWN(limit - size, PAGE_SIZE);
    for (unsigned int i = 0; i < b->nr; i++) {
        cand[n++] = b->end[i];
        if (b->start[i] >= size)
            cand[n++] = b->start[i] - size;
    }
    for (unsigned int i = 0; i < n; i++) {
        uint64_t c = cand[i];

        if (!IS_ALIGNED(c, PAGE_SIZE) || !is_free(b, c, size, limit))
            continue;
        if (c >= hint && (!above || c < best_above)) {
            above = true;
            best_above = c;
        } else if (c < hint && (!below || c > best_below)) {
            below = true;
            best_below = c;
        }
    }
    if (!above && !below)
        return -ENOMEM;
    *out = above ? best_above : best_below;
    return 0;
}

static void busy_add(struct busy *b, uint64_t start, uint64_t size)
{
    b->start[b->nr] = start;
    b->end[b->nr] = start + size;
    b->nr++;
}

static void add_memmap(struct pvh_layout *l, uint64_t addr, uint64_t size, uint32_t type)
{
    l->memmap[l->nr_memmap++] = (struct hvm_memmap_table_entry){
        .addr = addr, .size = size, .type = type,
    };
}

static void add_backed(struct pvh_layout *l, uint64_t addr, uint64_t size)
{
    l->backed[l->nr_backed++] = (struct pvh_range){ .addr = addr, .size = size };
}

/* RAM in the memory map: all of [0, end) but the legacy hole, and what is
 * above 4G. Then the ACPI pages and the special pages; in address order. */
static void build_memmap(struct pvh_layout *l)
{
    uint64_t end = l->low_ram_end;

    add_memmap(l, 0, MIN(end, PVH_LEGACY_START), HVM_MEMMAP_TYPE_RAM);
    if (end > PVH_LEGACY_END)
        add_memmap(l, PVH_LEGACY_END, end - PVH_LEGACY_END, HVM_MEMMAP_TYPE_RAM);
    /* NVS, not ACPI (reclaimable): libxl types a PVH domU's tables so, as
     * they stay in use (tools/libs/light/libxl_x86.c, domain_construct_memmap). */
    add_memmap(l, l->acpi_paddr, l->acpi_size, HVM_MEMMAP_TYPE_NVS);
    add_memmap(l, PVH_SPECIAL_BASE, PVH_SPECIAL_END - PVH_SPECIAL_BASE,
               HVM_MEMMAP_TYPE_RESERVED);
    if (l->high_ram_end)
        add_memmap(l, PVH_HIGH_RAM_BASE, l->high_ram_end - PVH_HIGH_RAM_BASE,
                   HVM_MEMMAP_TYPE_RAM);

    add_backed(l, 0, end);
    add_backed(l, l->acpi_paddr, l->acpi_size);
    if (l->store_gfn)
        add_backed(l, l->store_gfn << PAGE_SHIFT, PAGE_SIZE);
    if (l->high_ram_end)
        add_backed(l, PVH_HIGH_RAM_BASE, l->high_ram_end - PVH_HIGH_RAM_BASE);
}

static int build_acpi(struct pvh_layout *l, unsigned int nr_vcpus)
{
    int rc = acpi_tables_build(l->acpi_tables, sizeof(l->acpi_tables), PVH_ACPI_BASE,
                               nr_vcpus, &l->acpi);

    if (rc < 0) {
        PVH_ERR("cannot build ACPI tables for %u vCPUs (%d)\n", nr_vcpus, rc);
        return rc;
    }
    l->acpi_paddr = PVH_ACPI_BASE;
    l->acpi_size = ALIGN_UP((uint64_t)l->acpi.size, PAGE_SIZE);
    return 0;
}

static int check_req(const struct pvh_layout_req *r)
{
    if (!r->mem || !IS_ALIGNED(r->mem, PAGE_SIZE) || r->mem > PVH_MEM_MAX) {
        PVH_ERR("bad memory size %#llx (page multiple, at most %#llx)\n",
                (unsigned long long)r->mem, (unsigned long long)PVH_MEM_MAX);
        return -EINVAL;
    }
    if (r->kernel_start < PAGE_SIZE || r->kernel_start >= r->kernel_end) {
        PVH_ERR("bad kernel range [%#llx, %#llx) (page 0 stays free)\n",
                (unsigned long long)r->kernel_start, (unsigned long long)r->kernel_end);
        return -EINVAL;
    }
    if (!r->nr_vcpus || r->nr_vcpus > PVH_MAX_VCPUS) {
        PVH_ERR("%u vCPUs: 1 to %u\n", r->nr_vcpus, PVH_MAX_VCPUS);
        return -EINVAL;
    }
    if (r->cmdline_len > PVH_CMDLINE_MAX) {
        PVH_ERR("command line of %zu bytes, at most %u\n", r->cmdline_len, PVH_CMDLINE_MAX);
        return -EINVAL;
    }
    return 0;
}

int pvh_layout_compute(struct pvh_layout *l, const struct pvh_layout_req *r)
{
    struct busy b = { 0 };
    uint64_t kstart, kend, off;
    int rc;

    memset(l, 0, sizeof(*l));
    if ((rc = check_req(r)) < 0)
        return rc;
    l->low_ram_end = MIN(r->mem, PVH_LOW_RAM_MAX);
    if (r->mem > PVH_LOW_RAM_MAX)
        l->high_ram_end = PVH_HIGH_RAM_BASE + (r->mem - PVH_LOW_RAM_MAX);

    kstart = ALIGN_DOWN(r->kernel_start, PAGE_SIZE);
    if (r->kernel_end > l->low_ram_end) {
        PVH_ERR("kernel [%#llx, %#llx) does not fit in low RAM [0, %#llx)\n",
                (unsigned long long)r->kernel_start, (unsigned long long)r->kernel_end,
                (unsigned long long)l->low_ram_end);
        return -ENOMEM;
    }
    if (r->kernel_start < PVH_LEGACY_END && PVH_LEGACY_START < r->kernel_end) {
        PVH_ERR("kernel [%#llx, %#llx) overlaps [%#llx, %#llx), which is not RAM\n",
                (unsigned long long)r->kernel_start, (unsigned long long)r->kernel_end,
                PVH_LEGACY_START, PVH_LEGACY_END);
        return -EINVAL;
    }
    kend = ALIGN_UP(r->kernel_end, PAGE_SIZE);     /* <= low_ram_end: no overflow */
    busy_add(&b, 0, PAGE_SIZE);
    busy_add(&b, PVH_LEGACY_START, PVH_LEGACY_END - PVH_LEGACY_START);
    busy_add(&b, kstart, kend - kstart);

    if (r->initrd_size) {
        if (r->initrd_size > l->low_ram_end ||
            place(&b, ALIGN_UP(r->initrd_size, PAGE_SIZE), kend, l->low_ram_end,
                  &l->initrd_paddr) < 0) {
            PVH_ERR("no room for a %#llx-byte initrd in low RAM [0, %#llx)\n",
                    (unsigned long long)r->initrd_size, (unsigned long long)l->low_ram_end);
            return -ENOMEM;
        }
        l->initrd_size = r->initrd_size;
        busy_add(&b, l->initrd_paddr, ALIGN_UP(r->initrd_size, PAGE_SIZE));
    }

    if ((rc = build_acpi(l, r->nr_vcpus)) < 0)
        return rc;
    l->store_gfn = r->store_page ? arch_special_gfn(STORE_RING_SPECIAL_INDEX) : 0;
    build_memmap(l);

    /* The block: start info, module list, memory map, command line; each
     * 8-byte aligned (the structures hold 64-bit fields). */
    off = sizeof(struct hvm_start_info);
    l->modlist_paddr = r->initrd_size ? off : 0;
    off += r->initrd_size ? sizeof(struct hvm_modlist_entry) : 0;
    l->memmap_paddr = off;
    off += l->nr_memmap * sizeof(struct hvm_memmap_table_entry);
    l->cmdline_paddr = off;
    off += r->cmdline_len + 1;
    l->info_size = ALIGN_UP(off, PAGE_SIZE);
    if (place(&b, l->info_size, PAGE_SIZE, MIN(l->low_ram_end, PVH_INFO_LIMIT),
              &l->info_paddr) < 0) {
        PVH_ERR("no room for the start-of-day block (%#llx bytes) below %#llx\n",
                (unsigned long long)l->info_size,
                (unsigned long long)MIN(l->low_ram_end, PVH_INFO_LIMIT));
        return -ENOMEM;
    }
    l->start_info_paddr = l->info_paddr;
    if (l->modlist_paddr)
        l->modlist_paddr += l->info_paddr;
    l->memmap_paddr += l->info_paddr;
    l->cmdline_paddr += l->info_paddr;
    l->cmdline_len = r->cmdline_len;

    l->start_info = (struct hvm_start_info){
        .magic = HVM_START_MAGIC,
        .version = HVM_START_VERSION,
        .flags = r->flags,
        .nr_modules = r->initrd_size ? 1 : 0,
        .modlist_paddr = l->modlist_paddr,
        .cmdline_paddr = l->cmdline_paddr,
        .rsdp_paddr = l->acpi_paddr + l->acpi.rsdp,
        .memmap_paddr = l->memmap_paddr,
        .memmap_entries = l->nr_memmap,
    };
    if (r->initrd_size)
        l->module = (struct hvm_modlist_entry){
            .paddr = l->initrd_paddr, .size = r->initrd_size,
        };
    return 0;
}

int pvh_layout_write(const struct pvh_layout *l, const char *cmdline, const void *initrd,
                     const struct guest_copy_ops *ops, void *ctx)
{
    int rc;

    if (!cmdline || strnlen(cmdline, l->cmdline_len + 1) != l->cmdline_len ||
        (l->initrd_size && !initrd)) {
        PVH_ERR("command line or initrd does not match the layout\n");
        return -EINVAL;
    }
    if (l->initrd_size && (rc = ops->copy(ctx, l->initrd_paddr, initrd, l->initrd_size)) < 0)
        return rc;
    if ((rc = ops->zero(ctx, l->info_paddr, l->info_size)) < 0 ||
        (rc = ops->copy(ctx, l->start_info_paddr, &l->start_info, sizeof(l->start_info))) < 0)
        return rc;
    if (l->start_info.nr_modules &&
        (rc = ops->copy(ctx, l->modlist_paddr, &l->module, sizeof(l->module))) < 0)
        return rc;
    if ((rc = ops->copy(ctx, l->memmap_paddr, l->memmap,
                        l->nr_memmap * sizeof(l->memmap[0]))) < 0)
        return rc;
    if ((rc = ops->zero(ctx, l->acpi_paddr, l->acpi_size)) < 0 ||
        (rc = ops->copy(ctx, l->acpi_paddr, l->acpi_tables, l->acpi.size)) < 0)
        return rc;
    return ops->copy(ctx, l->cmdline_paddr, cmdline, l->cmdline_len + 1);
}

uint64_t arch_special_gfn(unsigned int index)
{
    return (PVH_SPECIAL_BASE >> PAGE_SHIFT) + index;
}
