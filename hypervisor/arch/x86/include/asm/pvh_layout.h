/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A PVH domain's guest-physical layout at boot (docs/guest-layout.md):
 *
 *   [0, 0xA0000)                  RAM
 *   [0xA0000, 1M)                 not RAM in the memory map (the PC's VGA,
 *                                   ROM and BIOS area); backed by zeroed
 *                                   frames, as on Xen, because Linux scans it
 *                                   for ROMs, SMBIOS and MP tables
 *   [1M, low_end)                 RAM, low_end = min(mem, PVH_LOW_RAM_MAX)
 *   [PVH_LOW_RAM_MAX, 4G)         not RAM: MMIO, LAPIC/IOAPIC, and
 *   [PVH_ACPI_BASE, +pages)         ACPI NVS: the ACPI tables (backed)
 *   [PVH_SPECIAL_BASE, +16 pages)   reserved: special pages (rings, ...);
 *                                   a runtime domain's xenstore ring page
 *                                   is RAM of the domain (backed)
 *   [4G, 4G + mem - low_end)      RAM, when mem > PVH_LOW_RAM_MAX
 *
 * The domain's memory is mem bytes at [0, low_end) and above 4G, plus the
 * ACPI pages. The kernel sits where its ELF says (inside RAM, not in page 0).
 * The initrd goes in low RAM, page aligned, right above the kernel if it
 * fits, else as high as it fits below it. The start-of-day block
 * (hvm_start_info, module list, memory map, command line; one page or two)
 * goes in the lowest free pages of low RAM below PVH_INFO_LIMIT, so that
 * guest code running on a small early identity map can read it. The block
 * and the initrd are RAM in the memory map: the guest may reuse them once
 * it has read them, as on Xen.
 */
#ifndef TESSERA_PVH_LAYOUT_H
#define TESSERA_PVH_LAYOUT_H

#include <asm/acpi_tables.h>
#include <tessera/guest_copy.h>
#include <asm/pvh_start.h>
#include <tessera/types.h>

#define PVH_LEGACY_START    0xa0000ULL
#define PVH_LEGACY_END      0x100000ULL
#define PVH_LOW_RAM_MAX     0xc0000000ULL           /* 3 GiB; the rest goes above 4G */
#define PVH_ACPI_BASE       0xfc000000ULL           /* where Xen's toolstack puts them */
#define PVH_ACPI_MAX        (2 * PAGE_SIZE)
#define PVH_MAX_VCPUS       512                     /* their tables fit PVH_ACPI_MAX */
#define PVH_HIGH_RAM_BASE   0x100000000ULL
#define PVH_SPECIAL_PAGES   16
#define PVH_SPECIAL_END     0xff000000ULL
#define PVH_SPECIAL_BASE    (PVH_SPECIAL_END - PVH_SPECIAL_PAGES * PAGE_SIZE)
#define PVH_INFO_LIMIT      GiB(1)
#define PVH_MEM_MAX         GiB(1024)
#define PVH_CMDLINE_MAX     1023
#define PVH_MEMMAP_MAX      5
#define PVH_BACKED_MAX      4

struct pvh_range {
    uint64_t addr, size;
};

struct pvh_layout_req {
    uint64_t mem;                   /* RAM bytes: a page multiple */
    uint64_t kernel_start;          /* [start, end): the ELF's paddr range */
    uint64_t kernel_end;
    uint64_t initrd_size;           /* 0: no initrd */
    size_t cmdline_len;             /* without the NUL, <= PVH_CMDLINE_MAX */
    unsigned int nr_vcpus;          /* 1..PVH_MAX_VCPUS: the MADT lists them */
    uint32_t flags;                 /* SIF_* for hvm_start_info */
    bool store_page;                /* back the xenstore ring's special page */
};

struct pvh_layout {
    uint64_t low_ram_end;
    uint64_t store_gfn;             /* 0: no xenstore ring page */
    uint64_t high_ram_end;          /* 0: no RAM above 4G */
    uint64_t initrd_paddr;          /* 0: none */
    uint64_t initrd_size;
    uint64_t info_paddr, info_size; /* the start-of-day block, whole pages */
    uint64_t start_info_paddr;      /* what %ebx gets */
    uint64_t modlist_paddr, memmap_paddr, cmdline_paddr;
    size_t cmdline_len;
    unsigned int nr_memmap;
    struct hvm_memmap_table_entry memmap[PVH_MEMMAP_MAX];
    unsigned int nr_backed;         /* what the p2m maps, in address order */
    struct pvh_range backed[PVH_BACKED_MAX];
    uint64_t acpi_paddr, acpi_size; /* the ACPI pages, whole pages */
    struct acpi_tables_layout acpi; /* offsets from acpi_paddr */
    uint8_t acpi_tables[PVH_ACPI_MAX];
    struct hvm_start_info start_info;
    struct hvm_modlist_entry module;    /* valid if start_info.nr_modules */
};

/*
 * Computes the layout and builds the ACPI tables. Returns 0, -EINVAL (bad
 * mem, kernel range, vCPU count or command-line length) or -ENOMEM (mem too
 * small for what must fit), with a LOG_ERR line.
 */
int pvh_layout_compute(struct pvh_layout *l, const struct pvh_layout_req *req);

/*
 * Writes the initrd (initrd_size bytes; NULL if there is none), the
 * start-of-day block (zeroed first) and the ACPI pages into the guest. cmdline
 * must be cmdline_len bytes long. Returns 0, -EINVAL, or a callback's error.
 */
int pvh_layout_write(const struct pvh_layout *l, const char *cmdline, const void *initrd,
                     const struct guest_copy_ops *ops, void *ctx);

#endif
