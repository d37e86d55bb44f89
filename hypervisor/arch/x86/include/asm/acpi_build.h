/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writing ACPI tables for a guest: little-endian stores, the common table
 * header, checksums, a revision-2 RSDP and the MADT's processor entries.
 * Shared by a domU's tables (acpi_tables.c) and dom0's (dom0_acpi.c).
 * Section numbers refer to the ACPI Specification 6.3.
 */
#ifndef ASM_ACPI_BUILD_H
#define ASM_ACPI_BUILD_H

#include <tessera/types.h>

#define ACPI_TABLE_HEADER_LEN   36      /* System Description Table Header, 5.2.6 */
#define ACPI_RSDP_LEN           36      /* 5.2.5.3, revision 2 */
#define ACPI_MADT_FIXED_LEN     44      /* 5.2.12: header, LAPIC address, flags */
#define ACPI_XSDT_REVISION      1

void acpi_put8(uint8_t *p, size_t off, uint8_t v);
void acpi_put16(uint8_t *p, size_t off, uint16_t v);
void acpi_put32(uint8_t *p, size_t off, uint32_t v);
void acpi_put64(uint8_t *p, size_t off, uint64_t v);

/* The header of a table of len bytes, with Tessera's OEM fields. */
void acpi_put_header(uint8_t *t, const char sig[4], uint32_t len, uint8_t revision);
/* Sets the checksum byte of a finished table of len bytes. */
void acpi_put_checksum(uint8_t *t, uint32_t len);
/* A revision-2 RSDP pointing at the XSDT at guest-physical xsdt. */
void acpi_put_rsdp(uint8_t *r, uint64_t xsdt);

/* The MADT's processor entries for nr_vcpus vCPUs: UID = vCPU id, APIC ID
 * acpi_vcpu_apic_id(); a Local APIC entry (5.2.12.2) while the ID is below
 * 255, a Local x2APIC entry (5.2.12.12) from there on. _len gives their
 * bytes (and how many are Local APIC entries), _put writes them at e. */
size_t acpi_madt_cpus_len(unsigned int nr_vcpus, unsigned int *nr_lapic);
size_t acpi_madt_put_cpus(uint8_t *e, unsigned int nr_vcpus);

#endif
