/* SPDX-License-Identifier: GPL-2.0-only */
/* A PVH domain's ACPI tables (see asm/acpi_tables.h). */
#include <asm/acpi_tables.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

#define HEADER_LEN          36      /* System Description Table Header, 5.2.6 */
#define RSDP_LEN            36      /* 5.2.5.3, revision 2 */
#define XSDT_ENTRIES        2       /* FADT, MADT */
#define XSDT_LEN            (HEADER_LEN + 8 * XSDT_ENTRIES)
#define FADT_LEN            276     /* 5.2.9, revision 6 */
#define MADT_FIXED_LEN      44      /* 5.2.12: header, LAPIC address, flags */
#define MADT_LAPIC_LEN      8       /* 5.2.12.2 */
#define MADT_X2APIC_LEN     16      /* 5.2.12.12 */
#define X2APIC_FROM_ID      255     /* 0xFF is the xAPIC broadcast ID */

/* Table revisions of ACPI 6.3, which iasl and Linux 6.1 both know. */
#define XSDT_REVISION       1
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

#define MADT_ENABLED        (1u << 0)

/* \_SB is predefined, so "Scope (\_SB) {}" is the smallest DSDT body that
 * is still a real term list (ScopeOp, PkgLength 6, "\_SB_"; 20.2.5.1). */
static const uint8_t dsdt_aml[] = { 0x10, 0x06, '\\', '_', 'S', 'B', '_' };

static void wr8(uint8_t *p, size_t off, uint8_t v)
{
    p[off] = v;
}

static void wr16(uint8_t *p, size_t off, uint16_t v)
{
    p[off] = (uint8_t)v;
    p[off + 1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, size_t off, uint32_t v)
{
    wr16(p, off, (uint16_t)v);
    wr16(p, off + 2, (uint16_t)(v >> 16));
}

static void wr64(uint8_t *p, size_t off, uint64_t v)
{
    wr32(p, off, (uint32_t)v);
    wr32(p, off + 4, (uint32_t)(v >> 32));
}

/* The byte that makes len bytes from p sum to zero, with it counted as 0. */
static uint8_t balance(const uint8_t *p, size_t len, size_t at)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++)
        if (i != at)
            sum = (uint8_t)(sum + p[i]);
    return (uint8_t)-sum;
}

static void header(uint8_t *t, const char sig[4], uint32_t len, uint8_t revision)
{
    memcpy(t, sig, 4);
    wr32(t, 4, len);
    wr8(t, 8, revision);
    memcpy(t + 10, "TESSRA", 6);        /* OEM ID */
    memcpy(t + 16, "PVHDOM  ", 8);      /* OEM table ID */
    wr32(t, 24, 1);                     /* OEM revision */
    memcpy(t + 28, "TSRA", 4);          /* creator ID */
    wr32(t, 32, 1);                     /* creator revision */
}

static void finish(uint8_t *t, uint32_t len)
{
    t[9] = balance(t, len, 9);
}

static size_t madt_len(unsigned int nr_vcpus, unsigned int *nr_lapic)
{
    unsigned int lapic = 0;

    while (lapic < nr_vcpus && acpi_vcpu_apic_id(lapic) < X2APIC_FROM_ID)
        lapic++;
    if (nr_lapic)
        *nr_lapic = lapic;
    return MADT_FIXED_LEN + (size_t)lapic * MADT_LAPIC_LEN +
           (size_t)(nr_vcpus - lapic) * MADT_X2APIC_LEN;
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

static void build_rsdp(uint8_t *r, uint64_t xsdt)
{
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "TESSRA", 6);
    wr8(r, 15, 2);                      /* revision */
    wr32(r, 16, 0);                     /* no RSDT: OSPM uses the XSDT (5.2.5.3) */
    wr32(r, 20, RSDP_LEN);
    wr64(r, 24, xsdt);
    r[8] = balance(r, 20, 8);           /* over the ACPI 1.0 part */
    r[32] = balance(r, RSDP_LEN, 32);   /* extended checksum, over all of it */
}

static void build_fadt(uint8_t *f, uint64_t dsdt)
{
    header(f, "FACP", FADT_LEN, FADT_REVISION);
    /* Both DSDT fields may hold the address when they agree (5.2.9). */
    wr32(f, FADT_DSDT, dsdt <= UINT32_MAX ? (uint32_t)dsdt : 0);
    wr16(f, FADT_IAPC_BOOT_ARCH, BOOT_VGA_NOT_PRESENT | BOOT_CMOS_RTC_NOT_PRESENT);
    wr32(f, FADT_FLAGS, FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON | FADT_SLP_BUTTON |
                        FADT_HW_REDUCED);
    wr8(f, FADT_MINOR_REV, FADT_MINOR);
    wr64(f, FADT_X_DSDT, dsdt);
    finish(f, FADT_LEN);
}

static void build_madt(uint8_t *m, unsigned int nr_vcpus)
{
    unsigned int nr_lapic;
    uint32_t len = (uint32_t)madt_len(nr_vcpus, &nr_lapic);
    uint8_t *e = m + MADT_FIXED_LEN;

    header(m, "APIC", len, MADT_REVISION);
    wr32(m, 36, ACPI_TABLES_LAPIC_BASE);
    wr32(m, 40, 0);                     /* no PCAT_COMPAT: there is no 8259 */
    for (unsigned int v = 0; v < nr_vcpus; v++) {
        if (v < nr_lapic) {
            wr8(e, 0, 0);               /* Processor Local APIC */
            wr8(e, 1, MADT_LAPIC_LEN);
            wr8(e, 2, (uint8_t)v);      /* ACPI processor UID */
            wr8(e, 3, (uint8_t)acpi_vcpu_apic_id(v));
            wr32(e, 4, MADT_ENABLED);
            e += MADT_LAPIC_LEN;
        } else {
            wr8(e, 0, 9);               /* Processor Local x2APIC */
            wr8(e, 1, MADT_X2APIC_LEN);
            wr16(e, 2, 0);
            wr32(e, 4, acpi_vcpu_apic_id(v));
            wr32(e, 8, MADT_ENABLED);
            wr32(e, 12, v);             /* ACPI processor UID */
            e += MADT_X2APIC_LEN;
        }
    }
    finish(m, len);
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

    header(b + l.dsdt, "DSDT", HEADER_LEN + sizeof(dsdt_aml), DSDT_REVISION);
    memcpy(b + l.dsdt + HEADER_LEN, dsdt_aml, sizeof(dsdt_aml));
    finish(b + l.dsdt, HEADER_LEN + sizeof(dsdt_aml));
    build_fadt(b + l.fadt, paddr + l.dsdt);
    build_madt(b + l.madt, nr_vcpus);

    header(b + l.xsdt, "XSDT", XSDT_LEN, XSDT_REVISION);
    wr64(b + l.xsdt, HEADER_LEN, paddr + l.fadt);
    wr64(b + l.xsdt, HEADER_LEN + 8, paddr + l.madt);
    finish(b + l.xsdt, XSDT_LEN);
    build_rsdp(b + l.rsdp, paddr + l.xsdt);
    if (out)
        *out = l;
    return 0;
}
