/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fuzzer's classes of values (docs/mini.md): small ints, huge counts,
 * pointers of every class but mini's image, frame numbers, ids, ports,
 * times, plausible structure words, and the filter that keeps mini's image
 * and the scratch area's frames out of everything handed over (fuzz.h).
 */
#include <public/xen/xen.h>
#include "fuzz.h"
#include "mini.h"

static const uint64_t huge[] = {
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ul, 0x7fffffffffffffff,
    0x8000000000000000, 0xfffffffffffffffe, 0xffff, 0x10000, 0x1000000,
};

/* Guest-linear addresses of the hypervisor's kind, and non-canonical ones. */
static const uint64_t hv_addr[] = {
    0xffff800000000000, 0xffff82d040000000, 0xffffffff80000000,
    0xffffff0000000000, 0xfffffffffffff000, 0xfffffffffffffff8,
};
static const uint64_t noncanon[] = {
    0x0000800000000000, 0x8000000000000000, 0x00007ffffffffffc, 0xdead0000beef0000,
    0x0000fffffffff000, 0x7fffffffffffffff,
};

static uint64_t pick(const uint64_t *v, size_t n)
{
    return v[fuzz_below(n)];
}
#define PICK(a) pick((a), ARRAY_SIZE(a))

uint64_t fz_huge(void)
{
    return PICK(huge);
}

/* A value the hypervisor might take for a pointer or frame into mini's
 * image or a frame of the scratch area (fuzz.h). A pointer up to a page
 * below the image counts too: an array the hypervisor fills from there
 * runs into the image (GNTTABOP_setup_table's frame_list, 8 bytes a frame:
 * seed 0xa53d29923ccbcf5b had it at 0xfffff with 30 frames). */
static bool unsafe32(uint64_t v)
{
    return (v >= IMAGE_START >> 12 && v < (fz.image_end + 4095) >> 12) ||
           (v >= fz.a_start >> 12 && v < fz.a_end >> 12) ||
           (v >= IMAGE_START - 4096 && v < fz.image_end);
}

/* Each 32-bit half is checked too: a 32-bit layout reads it alone. */
static bool unsafe(uint64_t v)
{
    return unsafe32(v) || unsafe32(v & 0xffffffff) || unsafe32(v >> 32);
}

uint64_t fz_safe(uint64_t v)
{
    return unsafe(v) ? ~0ul : v;
}

static uint64_t sacrificial_addr(void)
{
    /* Above the image (rounded to 1 MiB), below the scratch area. */
    uint64_t lo = (fz.image_end + 0xfffff) & ~0xffffful;

    return lo + fuzz_below(fz.a_start - lo);
}

uint64_t fz_scratch_addr(uint64_t size)
{
    uint64_t span = fz.a_end - fz.a_start;
    return fz.a_start + fuzz_below(span - (size < span ? size : 0));
}

uint64_t fz_hole_addr(void)
{
    return fz.ram_end + fuzz_below(IDENTITY_MAP_END - fz.ram_end);
}

/* A guest-linear address of any class but mini's image. */
uint64_t fz_ptr(void)
{
    uint64_t page;

    switch (fuzz_below(16)) {
    case 0: case 1: case 2: case 3: case 4:
        return fz_scratch_addr(64) & ~7ul;
    case 5:
        return fz_scratch_addr(0);                             /* misaligned */
    case 6: case 7:
        return sacrificial_addr();
    case 8:                                                 /* crosses a page */
        page = (fuzz_below(2) ? fz_scratch_addr(8192) : sacrificial_addr()) & ~0xffful;
        return page + 4096 - 1 - fuzz_below(32);
    case 9:                             /* the end of scratch, runs into the hole */
        return fz.ram_end - 1 - fuzz_below(64);
    case 10:                                                /* no guest-physical memory */
        return fz_hole_addr();
    case 11:                                                /* not in mini's page tables */
        switch (fuzz_below(3)) {
        case 0: return IDENTITY_MAP_END + fuzz_below(HOLE_VIRT_END - IDENTITY_MAP_END);
        case 1: return 0x100000000ul + (fuzz_below(1ul << 46) & ~7ul);
        default: return 0x00007ffffffff000ul + fuzz_below(4096);
        }
    case 12:                                                /* MMIO: the local APIC, others */
        switch (fuzz_below(3)) {
        case 0: return 0xfee00000ul + (fuzz_below(4096) & ~3ul);
        case 1: return 0xfec00000ul + fuzz_below(4096);
        default: return 0xfe000000ul + fuzz_below(1ul << 20);
        }
    case 13:                        /* special pages, ACPI tables, legacy area, low RAM */
        switch (fuzz_below(4)) {
        case 0: return 0xfeff0000ul + fuzz_below(0x10000);
        case 1: return 0xfc000000ul + fuzz_below(0x2000);
        case 2: return LEGACY_START + fuzz_below(IMAGE_START - LEGACY_START - 4096);
        default: return fuzz_below(LEGACY_START - 4096);
        }
    case 14:
        return PICK(hv_addr) + (fuzz_below(2) ? fuzz_below(1ul << 30) & ~7ul : 0);
    default:
        return PICK(noncanon);
    }
}

/* A frame number (gfn) of any class but mini's image and the scratch area. */
uint64_t fz_gfn(void)
{
    switch (fuzz_below(10)) {
    case 0: case 1: case 2: case 3:
        return sacrificial_addr() >> 12;
    case 4:
        return 1 + fuzz_below((LEGACY_START >> 12) - 1);     /* low RAM */
    case 5:
        return fz_hole_addr() >> 12;
    case 6:                                             /* the local APIC, IOAPIC, HPET */
        return (uint64_t[]){ 0xfee00, 0xfec00, 0xfed00, 0xfe000 }[fuzz_below(4)];
    case 7:                         /* special pages (console ring), ACPI, legacy */
        switch (fuzz_below(3)) {
        case 0: return 0xfeff0 + fuzz_below(16);
        case 1: return 0xfc000 + fuzz_below(2);
        default: return 0xa0 + fuzz_below(0x60);
        }
    case 8:
        return (uint64_t[]){ 1ul << 36, (1ul << 36) - 1, 1ul << 40, ~0ul,
                             (1ul << 52) - 1 }[fuzz_below(5)];
    default:
        return (fz.a_start >> 12) - 1 - fuzz_below(4);
    }
}

uint64_t fz_domid(void)
{
    switch (fuzz_below(6)) {
    case 0: case 1: return DOMID_SELF;
    case 2: return fz.domid;
    case 3: return fuzz_below(16);                      /* neighbours, living or dead */
    case 4: return DOMID_SELF + 1 + fuzz_below(15);     /* other special ids */
    default: return fuzz_below(2) ? 0xffff : fuzz_below(0x10000);
    }
}

uint64_t fz_port(void)
{
    switch (fuzz_below(5)) {
    case 0: case 1: return fuzz_below(8);
    case 2: return fuzz_below(64);
    case 3: return (uint64_t[]){ 1023, 1024, 4095, 4096, 32767, 131071, 131072,
                                 0x7fffffff, 0xffffffff }[fuzz_below(9)];
    default: return fuzz_below(4100);
    }
}

uint64_t fz_small(void)
{
    return fuzz_below(2) ? fuzz_below(4) : fuzz_below(17);
}

/* One 32-bit field of a plausible structure. */
uint64_t fz_field32(void)
{
    switch (fuzz_below(12)) {
    case 0: case 1: return fz_small();
    case 2: case 3: return fz_port();
    case 4: return fz_domid();
    case 5: return fuzz_below(40);                      /* grant refs */
    case 6: return fuzz_below(3);                       /* vCPUs */
    case 7: return 0xffffffff;
    case 8: return fuzz_below(2) ? 0x7fffffff : 0x80000000;
    case 9: return (uint32_t)fuzz_rand();
    case 10: return (uint64_t[]){ 2, 6, 4, 3, 0x18, 1 }[fuzz_below(6)];    /* flags */
    default: return 0;
    }
}

/* One 64-bit word of a plausible structure. */
uint64_t fz_field64(void)
{
    switch (fuzz_below(8)) {
    case 0: case 1: case 2: return fz_field32() | fz_field32() << 32;
    case 3: return fz_ptr();
    case 4: return fz_gfn();
    case 5: return fuzz_below(2) ? ~0ul : PICK(huge);
    case 6: return fuzz_rand();
    default: return fz_small();
    }
}

/* Random bytes and plausible words (grant refs, ports, domain ids, frames,
 * pointers), 8 bytes at a time. */
void fuzz_fill_scratch(uint64_t addr, uint64_t bytes)
{
    uint64_t *p = (uint64_t *)(addr & ~7ul);

    for (uint64_t i = 0; i < bytes / 8 && (uint64_t)(p + i) < fz.a_end; i++)
        p[i] = fz_safe(fuzz_below(2) ? fuzz_rand() : fz_field64());
}

/* A structure of `words` plausible words in the scratch area, usually
 * aligned, sometimes straddling a page. */
uint64_t *fz_scratch_struct(unsigned int words)
{
    uint64_t a;

    if (fuzz_below(8) == 0)
        a = ((fz_scratch_addr(8192) & ~0xffful) + 4096 - 8 * (1 + fuzz_below(words))) & ~7ul;
    else
        a = fz_scratch_addr(8 * words + 8) & ~7ul;
    fuzz_fill_scratch(a, 8 * words);
    return (uint64_t *)a;
}

uint64_t fz_time(void)
{
    switch (fuzz_below(8)) {
    case 0: return 0;
    case 1: return 1 + fuzz_below(1000);                        /* the past */
    case 2: return fuzz_now() - fuzz_below(1000000);
    case 3: return PICK(huge);
    case 4: return 1ul << 50 | fuzz_below(1ul << 50);
    default: return fuzz_now() + fuzz_below(2000000);           /* within 2 ms */
    }
}
