/* SPDX-License-Identifier: GPL-2.0-only */
/* A PVH domain's ACPI tables (see asm/acpi_tables.h). */
#include <asm/acpi_build.h>
#include <asm/acpi_tables.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

#define HEADER_LEN          ACPI_TABLE_HEADER_LEN
#define RSDP_LEN            ACPI_RSDP_LEN
#define XSDT_ENTRIES        2       /* FADT, MADT */
#define XSDT_LEN            (HEADER_LEN + 8 * XSDT_ENTRIES)
#define FADT_LEN            276     /* 5.2.9, revision 6 */

/* Table revisions of ACPI 6.3, which iasl and Linux 6.1 both know. */
#define XSDT_REVISION       ACPI_XSDT_REVISION
#define FADT_REVISION       6
#define FADT_MINOR          3
#define MADT_REVISION       5
#define DSDT_REVISION       2       /* 2: AML integers are 64-bit (19.6.31) */

/* FADT offsets (5.2.9, table 5.33) */
#define FADT_DSDT           40
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS          112
#define FADT_MINOR_REV      131
#define FADT_X_DSDT         140

/* IA-PC boot architecture flags (5.2.9.3): LEGACY_DEVICES (bit 0) and
 * 8042 (bit 1) stay clear. */
#define BOOT_VGA_NOT_PRESENT    (1u << 2)
#define BOOT_CMOS_RTC_NOT_PRESENT (1u << 5)

/* Fixed feature flags (5.2.9, table 5.35) */
#define FADT_WBINVD         (1u << 0)
#define FADT_PROC_C1        (1u << 2)
#define FADT_PWR_BUTTON     (1u << 4)   /* set: no fixed power button */
#define FADT_SLP_BUTTON     (1u << 5)   /* set: no fixed sleep button */
#define FADT_HW_REDUCED     (1u << 20)

/* \_SB is predefined, so "Scope (\_SB) {}" is the smallest DSDT body that
 * is still a real term list (ScopeOp, PkgLength 6, "\_SB_"; 20.2.5.1). */
static const uint8_t dsdt_aml[] = { 0x10, 0x06, '\\', '_', 'S', 'B', '_' };

static size_t madt_len(unsigned int nr_vcpus, unsigned int *nr_lapic)
{
    return ACPI_MADT_FIXED_LEN + acpi_madt_cpus_len(nr_vcpus, nr_lapic);
}

/* Offsets of each table; every table starts 16-byte aligned. */
static void place(unsigned int nr_vcpus, struct acpi_tables_layout *l)
{
    l->rsdp = 0;
    l->xsdt = ALIGN_UP(l->rsdp + RSDP_LEN, 16);
    l->fadt = ALIGN_UP(l->xsdt + XSDT_LEN, 16);
    l->dsdt = ALIGN_UP(l->fadt + FADT_LEN, 16);
    l->madt = ALIGN_UP(l->dsdt + HEADER_LEN + sizeof(dsdt_aml), 16);
    l->size = l->madt + madt_len(nr_vcpus, &l->nr_lapic);
    l->nr_x2apic = nr_vcpus - l->nr_lapic;
}

size_t acpi_tables_size(unsigned int nr_vcpus)
{
    struct acpi_tables_layout l;

    if (!nr_vcpus || nr_vcpus > ACPI_TABLES_MAX_VCPUS)
        return 0;
    place(nr_vcpus, &l);
    return l.size;
}

static void build_fadt(uint8_t *f, uint64_t dsdt)
{
    acpi_put_header(f, "FACP", FADT_LEN, FADT_REVISION);
    /* Both DSDT fields may hold the address when they agree (5.2.9). */
    acpi_put32(f, FADT_DSDT, dsdt <= UINT32_MAX ? (uint32_t)dsdt : 0);
    acpi_put16(f, FADT_IAPC_BOOT_ARCH, BOOT_VGA_NOT_PRESENT | BOOT_CMOS_RTC_NOT_PRESENT);
    acpi_put32(f, FADT_FLAGS, FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON | FADT_SLP_BUTTON |
                        FADT_HW_REDUCED);
    acpi_put8(f, FADT_MINOR_REV, FADT_MINOR);
    acpi_put64(f, FADT_X_DSDT, dsdt);
    acpi_put_checksum(f, FADT_LEN);
}

static void build_madt(uint8_t *m, unsigned int nr_vcpus)
{
    uint32_t len = (uint32_t)madt_len(nr_vcpus, NULL);

    acpi_put_header(m, "APIC", len, MADT_REVISION);
    acpi_put32(m, 36, ACPI_TABLES_LAPIC_BASE);
    acpi_put32(m, 40, 0);               /* no PCAT_COMPAT: there is no 8259 */
    acpi_madt_put_cpus(m + ACPI_MADT_FIXED_LEN, nr_vcpus);
    acpi_put_checksum(m, len);
}

int acpi_tables_build(void *buf, size_t size, uint64_t paddr, unsigned int nr_vcpus,
                      struct acpi_tables_layout *out)
{
    struct acpi_tables_layout l;
    uint8_t *b = buf;

    if (!nr_vcpus || nr_vcpus > ACPI_TABLES_MAX_VCPUS || !IS_ALIGNED(paddr, 16))
        return -EINVAL;
    place(nr_vcpus, &l);
    if (size < l.size || paddr + l.size < paddr)
        return -EINVAL;
    memset(b, 0, l.size);

    acpi_put_header(b + l.dsdt, "DSDT", HEADER_LEN + sizeof(dsdt_aml), DSDT_REVISION);
    memcpy(b + l.dsdt + HEADER_LEN, dsdt_aml, sizeof(dsdt_aml));
    acpi_put_checksum(b + l.dsdt, HEADER_LEN + sizeof(dsdt_aml));
    build_fadt(b + l.fadt, paddr + l.dsdt);
    build_madt(b + l.madt, nr_vcpus);

    acpi_put_header(b + l.xsdt, "XSDT", XSDT_LEN, XSDT_REVISION);
    acpi_put64(b + l.xsdt, HEADER_LEN, paddr + l.fadt);
    acpi_put64(b + l.xsdt, HEADER_LEN + 8, paddr + l.madt);
    acpi_put_checksum(b + l.xsdt, XSDT_LEN);
    acpi_put_rsdp(b + l.rsdp, paddr + l.xsdt);
    if (out)
        *out = l;
    return 0;
}
