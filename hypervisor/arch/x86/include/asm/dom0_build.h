/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Building dom0, the control domain (docs/dom0.md). Its RAM is host RAM
 * mapped 1:1 (guest-physical == machine address), so that device DMA to
 * its buffers lands right without an IOMMU. The pieces:
 *   dom0_mem.c    taking dom0's RAM from the page allocator at the machine
 *                 addresses it needs (its kernel's), then in address order
 *   dom0_e820.c   dom0's memory map: the host's, RAM retyped
 *   dom0_acpi.c   RSDP + XSDT + MADT of its own over the host's other tables
 *   dom0_absent.c all-ones placeholders where dom0's IOAPICs and ECAM go
 *   dom0_build.c  the whole build, from the boot module to vCPU 0 running
 */
#ifndef ASM_DOM0_BUILD_H
#define ASM_DOM0_BUILD_H

#include <asm/acpi.h>
#include <tessera/domain.h>
#include <tessera/memmap.h>
#include <tessera/types.h>

#define DOM0_E820_MAX       127     /* Linux's boot_params holds 128 and adds one */
#define DOM0_ACPI_MAX       PAGE_SIZE
#define DOM0_HOST_TABLES    64      /* host tables dom0 may read, mapped 1:1 */

/* [start, end), machine and guest-physical alike. */
struct dom0_range {
    uint64_t start, end;
};

/*
 * dom0's memory map: every host range in address order, RAM cut into what
 * ram[] (sorted, disjoint) gives dom0 (RAM; ACPI where it meets
 * [acpi_start, acpi_end)) and the rest (UNUSABLE: host RAM dom0 must not
 * put devices at); other types unchanged. Touching entries of one type
 * merge. Returns the entry count, or -ENOSPC past max entries.
 */
int dom0_e820_build(const struct memmap *host, const struct dom0_range *ram, unsigned int nr_ram,
                    uint64_t acpi_start, uint64_t acpi_end, struct e820_entry *out,
                    unsigned int max);

/* Where dom0's ACPI tables went (offsets from the buffer's start), and the
 * host tables they point at, which dom0 must be able to read. */
struct dom0_acpi_layout {
    size_t rsdp, xsdt, madt, size;
    unsigned int nr_listed;             /* XSDT entries: MADT + host tables */
    unsigned int nr_hidden;             /* host root-table entries left out */
    unsigned int nr_host;
    struct dom0_range host[DOM0_HOST_TABLES];  /* page-rounded, for the p2m */
};

/*
 * Builds an RSDP (revision 2), an XSDT and a MADT for nr_vcpus vCPUs into
 * buf, which dom0 sees at paddr. The XSDT lists the new MADT, then the
 * host's tables that an OS may drive without owning the hardware the
 * hypervisor keeps (Xen's allow-list: FACP, SSDT, MCFG, ...); MADT, DMAR,
 * IVRS, HPET, SRAT and the rest stay hidden. The MADT has the vCPUs, the
 * host's IOAPICs, interrupt source overrides and local APIC NMI entries,
 * flags 0. Host tables are read through map; a table outside is_firmware()
 * memory is hidden too (it would expose RAM). Returns 0, or -EINVAL /
 * -ENOSPC (logged).
 */
int dom0_acpi_build(void *buf, size_t size, uint64_t paddr, unsigned int nr_vcpus,
                    const struct acpi_info *host, acpi_map_fn map,
                    bool (*is_firmware)(uint64_t pa, uint64_t len),
                    struct dom0_acpi_layout *out);

/* All-ones MMIO at the host IOAPICs and ECAM windows not yet emulated
 * for d (dom0_absent.c). 0 or -ENOSPC. */
int dom0_absent_register(struct domain *d, const struct acpi_info *host);

/* dom0's RAM blocks, taken from the page allocator. */
struct dom0_mem {
    unsigned int nr_blocks;
    struct ram_chunk *blocks;           /* xmalloc'ed, sorted by address */
    unsigned int nr_ranges;
    struct dom0_range *ranges;          /* the blocks merged, sorted */
};

/*
 * Takes bytes of RAM (a page multiple) for dom0 at gfn == machine frame:
 * all of [need_start, need_end) (its kernel's load range), which must be
 * free, then free host RAM above 1 MiB in address order, each piece in
 * the largest block it allows. Returns 0, or -EBUSY (a needed frame is not
 * free), -ENOMEM (not enough free RAM; nothing kept), logged.
 */
int dom0_mem_claim(const struct memmap *host, uint64_t bytes, uint64_t need_start,
                   uint64_t need_end, struct dom0_mem *out);
/* Gives back blocks not yet handed to domain_create(), frees the arrays. */
void dom0_mem_release(struct dom0_mem *m, bool free_blocks);

#endif
