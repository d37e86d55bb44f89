/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ACPI table parsing: what the hypervisor needs from the firmware's static
 * tables (RSDP, RSDT/XSDT, MADT, FADT, DSDT's _S5_, MCFG, HPET, DMAR, IVRS).
 * Section numbers refer to the ACPI Specification 6.5.
 *
 * Every table is read through a caller-supplied map(pa, len) that returns a
 * pointer to len readable bytes or NULL; nothing is read outside what map
 * granted. Every table's signature, length (>= header, <= ACPI_MAX_TABLE_LEN)
 * and checksum are checked. A bad optional table is reported and skipped.
 */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <asm/pci.h>
#include <tessera/types.h>

#ifndef MAX_CPUS
#define MAX_CPUS            256
#endif
#define ACPI_MAX_IOAPICS    32
#define ACPI_MAX_ISOS       48      /* interrupt source overrides */
#define ACPI_MAX_NMIS       (MAX_CPUS + 8)
#define ACPI_MAX_MCFG       16
#define ACPI_MAX_ROOT_ENTRIES 256   /* tables listed in the RSDT/XSDT */
#define ACPI_MAX_TABLE_LEN  MiB(1)  /* sanity cap on any table's length */
#define ACPI_RSDP_V1_LEN    20
#define ACPI_RSDP_V2_LEN    36

typedef const void *(*acpi_map_fn)(paddr_t pa, size_t len);

/* Generic Address Structure (5.2.3.2) */
#define ACPI_GAS_MEMORY     0
#define ACPI_GAS_IO         1
#define ACPI_GAS_PCI        2
struct acpi_gas {
    uint8_t  space_id;
    uint8_t  bit_width;
    uint8_t  bit_offset;
    uint8_t  access_size;
    uint64_t address;
};

struct acpi_cpu {
    uint32_t apic_id;
    uint32_t acpi_uid;
    bool     enabled;           /* usable now */
    bool     online_capable;    /* may be hot-added later (MADT flags bit 1) */
    bool     x2apic;            /* came from a type 9 entry */
};

struct acpi_ioapic {
    uint8_t  id;
    uint32_t address;
    uint32_t gsi_base;
};

/* MPS INTI flags (5.2.12.5): polarity bits 1:0, trigger mode bits 3:2 */
struct acpi_iso {
    uint8_t  bus;               /* 0: ISA */
    uint8_t  source;            /* bus-relative IRQ */
    uint32_t gsi;
    uint16_t flags;
};

#define ACPI_NMI_ALL_CPUS   0xffffffffu
struct acpi_lapic_nmi {
    uint32_t acpi_uid;          /* ACPI_NMI_ALL_CPUS: every processor */
    uint16_t flags;
    uint8_t  lint;              /* LINT0 or LINT1 */
};

/* MCFG entries are handed straight to pci_init() as struct pci_ecam_region
 * (asm/pci.h): base (ECAM address of bus 0 of the segment), segment,
 * start_bus, end_bus. */

struct acpi_fadt_info {
    bool     present;
    uint8_t  revision;
    uint32_t length;
    uint32_t flags;
    uint16_t iapc_boot_arch;
    uint16_t sci_irq;
    uint32_t smi_cmd;           /* I/O port, 0: no SMM handshake needed */
    uint8_t  acpi_enable, acpi_disable;
    uint32_t pm1a_evt, pm1b_evt;    /* I/O ports, 0 if absent */
    uint32_t pm1a_cnt, pm1b_cnt;    /* I/O ports, 0 if absent */
    uint16_t pm_tmr_blk;            /* I/O port of the PM timer, 0 if none */
    bool     pm_tmr_32bit;          /* TMR_VAL_EXT */
    bool     reset_supported;       /* RESET_REG_SUP and a usable reset register */
    struct acpi_gas reset_reg;
    uint8_t  reset_value;
    bool     hw_reduced;
    paddr_t  dsdt;                  /* X_DSDT when non-zero, else DSDT */
    paddr_t  facs;
};

/* FADT flags (5.2.9, table 5.10) */
#define ACPI_FADT_TMR_VAL_EXT       (1u << 8)
#define ACPI_FADT_RESET_REG_SUP     (1u << 10)
#define ACPI_FADT_HW_REDUCED        (1u << 20)

struct acpi_info {
    paddr_t  rsdp_addr;         /* 0 if unknown (a boot loader's copy) */
    uint8_t  rsdp_revision;
    char     oem_id[7];
    paddr_t  root_addr;         /* the RSDT or XSDT actually used */
    bool     xsdt;              /* root_addr is an XSDT */
    unsigned int nr_tables;     /* entries in the root table */
    unsigned int bad_tables;    /* tables reported and skipped */

    /* MADT (5.2.12) */
    bool     has_madt;
    paddr_t  lapic_base;        /* after any type 5 override */
    uint32_t madt_flags;        /* bit 0: PC-AT compatible dual 8259s */
    unsigned int nr_cpus;
    unsigned int cpus_dropped;  /* beyond MAX_CPUS */
    struct acpi_cpu cpus[MAX_CPUS];
    unsigned int nr_ioapics;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    unsigned int nr_isos;
    struct acpi_iso isos[ACPI_MAX_ISOS];
    unsigned int nr_nmis;
    struct acpi_lapic_nmi nmis[ACPI_MAX_NMIS];
    unsigned int madt_dropped;  /* other entries beyond the arrays */

    struct acpi_fadt_info fadt;

    /* \_S5_ from the DSDT (7.4.2), for soft-off through PM1x_CNT.SLP_TYPx */
    bool     s5_valid;
    uint8_t  slp_typa, slp_typb;

    unsigned int nr_mcfg;
    struct pci_ecam_region mcfg[ACPI_MAX_MCFG];

    bool     has_hpet;
    paddr_t  hpet_base;
    uint8_t  hpet_number;

    bool     has_dmar;          /* Intel VT-d */
    paddr_t  dmar_addr;
    bool     has_ivrs;          /* AMD-Vi */
    paddr_t  ivrs_addr;
};

/*
 * Parses everything reachable from the RSDP (rsdp_len bytes at rsdp: a copy
 * from the boot loader, or what acpi_find_rsdp_legacy() returned). Returns 0,
 * or -EINVAL if the RSDP or the root table (RSDT/XSDT) is unusable. A bad
 * XSDT falls back to the RSDT when there is one.
 */
int acpi_parse(const void *rsdp, size_t rsdp_len, struct acpi_info *out, acpi_map_fn map);

/* Scans the first KiB of the EBDA (segment at 0x40E) and 0xE0000-0xFFFFF on
 * 16-byte boundaries for a valid RSDP (5.2.5.1). Returns it (and its address
 * in *found) or NULL. */
const void *acpi_find_rsdp_legacy(acpi_map_fn map, paddr_t *found);

void acpi_info_print(const struct acpi_info *info);

/* The host's tables as parsed at boot (setup.c; all zero without ACPI),
 * and the map function that reads them through the hypervisor's map. */
const struct acpi_info *acpi_host(void);
const void *acpi_map(paddr_t pa, size_t len);

/* ---- shared by the parser's files (arch/x86/acpi/) ---- */

#define ACPI_HEADER_LEN     36      /* System Description Table Header, 5.2.6 */

static inline uint8_t acpi_rd8(const void *p, size_t off)
{
    return ((const uint8_t *)p)[off];
}
static inline uint16_t acpi_rd16(const void *p, size_t off)
{
    const uint8_t *b = (const uint8_t *)p + off;
    return (uint16_t)(b[0] | b[1] << 8);
}
static inline uint32_t acpi_rd32(const void *p, size_t off)
{
    return (uint32_t)acpi_rd16(p, off) | (uint32_t)acpi_rd16(p, off + 2) << 16;
}
static inline uint64_t acpi_rd64(const void *p, size_t off)
{
    return (uint64_t)acpi_rd32(p, off) | (uint64_t)acpi_rd32(p, off + 4) << 32;
}

uint8_t acpi_checksum(const void *p, size_t len);
/* Maps a whole table at pa and validates it (signature if sig != NULL,
 * length, checksum); reports problems; returns it and its length or NULL. */
const void *acpi_map_table(acpi_map_fn map, paddr_t pa, const char *sig, uint32_t *len);
void acpi_gas_read(const void *p, size_t off, struct acpi_gas *gas);

void acpi_parse_madt(const void *t, uint32_t len, struct acpi_info *out);
void acpi_parse_fadt(const void *t, uint32_t len, struct acpi_info *out);
void acpi_parse_mcfg(const void *t, uint32_t len, struct acpi_info *out);
void acpi_parse_hpet(const void *t, uint32_t len, struct acpi_info *out);
/* Finds \_S5_ in a DSDT's AML; returns 0 or -ENOENT / -EINVAL. */
int acpi_find_s5(const void *dsdt, uint32_t len, uint8_t *slp_typa, uint8_t *slp_typb);

#endif
