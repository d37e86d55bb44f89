/* SPDX-License-Identifier: GPL-2.0-only */
/* Pieces of a guest's ACPI tables (see asm/acpi_build.h). */
#include <asm/acpi_build.h>
#include <asm/acpi_tables.h>
#include <tessera/lib.h>

#define MADT_LAPIC_LEN      8       /* 5.2.12.2 */
#define MADT_X2APIC_LEN     16      /* 5.2.12.12 */
#define X2APIC_FROM_ID      255     /* 0xFF is the xAPIC broadcast ID */
#define MADT_ENABLED        (1u << 0)

void acpi_put8(uint8_t *p, size_t off, uint8_t v)
{
    p[off] = v;
}

void acpi_put16(uint8_t *p, size_t off, uint16_t v)
{
    p[off] = (uint8_t)v;
    p[off + 1] = (uint8_t)(v >> 8);
}

void acpi_put32(uint8_t *p, size_t off, uint32_t v)
{
    acpi_put16(p, off, (uint16_t)v);
    acpi_put16(p, off + 2, (uint16_t)(v >> 16));
}

void acpi_put64(uint8_t *p, size_t off, uint64_t v)
{
    acpi_put32(p, off, (uint32_t)v);
    acpi_put32(p, off + 4, (uint32_t)(v >> 32));
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

void acpi_put_header(uint8_t *t, const char sig[4], uint32_t len, uint8_t revision)
{
    memcpy(t, sig, 4);
    acpi_put32(t, 4, len);
    acpi_put8(t, 8, revision);
    memcpy(t + 10, "TESSRA", 6);        /* OEM ID */
    memcpy(t + 16, "PVHDOM  ", 8);      /* OEM table ID */
    acpi_put32(t, 24, 1);               /* OEM revision */
    memcpy(t + 28, "TSRA", 4);          /* creator ID */
    acpi_put32(t, 32, 1);               /* creator revision */
}

void acpi_put_checksum(uint8_t *t, uint32_t len)
{
    t[9] = balance(t, len, 9);
}

void acpi_put_rsdp(uint8_t *r, uint64_t xsdt)
{
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "TESSRA", 6);
    acpi_put8(r, 15, 2);                /* revision */
    acpi_put32(r, 16, 0);               /* no RSDT: OSPM uses the XSDT (5.2.5.3) */
    acpi_put32(r, 20, ACPI_RSDP_LEN);
    acpi_put64(r, 24, xsdt);
    r[8] = balance(r, 20, 8);           /* over the ACPI 1.0 part */
    r[32] = balance(r, ACPI_RSDP_LEN, 32);  /* extended checksum, over all of it */
}

size_t acpi_madt_cpus_len(unsigned int nr_vcpus, unsigned int *nr_lapic)
{
    unsigned int lapic = 0;

    while (lapic < nr_vcpus && acpi_vcpu_apic_id(lapic) < X2APIC_FROM_ID)
        lapic++;
    if (nr_lapic)
        *nr_lapic = lapic;
    return (size_t)lapic * MADT_LAPIC_LEN + (size_t)(nr_vcpus - lapic) * MADT_X2APIC_LEN;
}

size_t acpi_madt_put_cpus(uint8_t *e, unsigned int nr_vcpus)
{
    unsigned int nr_lapic;
    size_t len = acpi_madt_cpus_len(nr_vcpus, &nr_lapic);

    for (unsigned int v = 0; v < nr_vcpus; v++) {
        if (v < nr_lapic) {
            acpi_put8(e, 0, 0);         /* Processor Local APIC */
            acpi_put8(e, 1, MADT_LAPIC_LEN);
            acpi_put8(e, 2, (uint8_t)v);    /* ACPI processor UID */
            acpi_put8(e, 3, (uint8_t)acpi_vcpu_apic_id(v));
            acpi_put32(e, 4, MADT_ENABLED);
            e += MADT_LAPIC_LEN;
        } else {
            acpi_put8(e, 0, 9);         /* Processor Local x2APIC */
            acpi_put8(e, 1, MADT_X2APIC_LEN);
            acpi_put16(e, 2, 0);
            acpi_put32(e, 4, acpi_vcpu_apic_id(v));
            acpi_put32(e, 8, MADT_ENABLED);
            acpi_put32(e, 12, v);       /* ACPI processor UID */
            e += MADT_X2APIC_LEN;
        }
    }
    return len;
}
