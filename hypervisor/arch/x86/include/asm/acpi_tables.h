/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ACPI tables a PVH domain finds through hvm_start_info.rsdp_paddr
 * (docs/guest-layout.md): RSDP (revision 2) -> XSDT -> { FADT -> DSDT, MADT }.
 *
 * The FADT declares a hardware-reduced ACPI platform with no legacy devices,
 * no VGA and no CMOS RTC; the DSDT holds no devices. The MADT lists one
 * enabled processor per vCPU: ACPI processor UID = vCPU id, APIC ID =
 * 2 * vCPU id (Xen's numbering, which CPUID reports too); a Local APIC entry
 * while the id is below 255, a Local x2APIC entry from there on; local APIC
 * address 0xFEE00000, flags 0 (no PC-AT dual 8259s); no I/O APIC.
 * Section numbers refer to the ACPI Specification 6.3.
 */
#ifndef TESSERA_ACPI_TABLES_H
#define TESSERA_ACPI_TABLES_H

#include <tessera/types.h>

#define ACPI_TABLES_MAX_VCPUS   1024
#define ACPI_TABLES_LAPIC_BASE  0xfee00000u

/* Where each table went: byte offsets from the start of the buffer. */
struct acpi_tables_layout {
    size_t rsdp, xsdt, fadt, dsdt, madt;
    size_t size;                    /* bytes used, from offset 0 */
    unsigned int nr_lapic;          /* MADT type 0 entries */
    unsigned int nr_x2apic;         /* MADT type 9 entries */
};

/* The APIC ID a vCPU gets (also in CPUID and the MADT). */
static inline uint32_t acpi_vcpu_apic_id(unsigned int vcpu)
{
    return 2 * vcpu;
}

/* Bytes the tables take for nr_vcpus, or 0 if nr_vcpus is 0 or above
 * ACPI_TABLES_MAX_VCPUS. */
size_t acpi_tables_size(unsigned int nr_vcpus);

/*
 * Builds the tables into buf (size bytes), which the guest will see at
 * guest-physical paddr; the RSDP is at paddr itself. Returns 0 and fills
 * *out (may be NULL), or -EINVAL: bad nr_vcpus, paddr not 16-byte aligned,
 * the range running past 2^64, or size too small. Bytes of buf past
 * out->size are left alone.
 */
int acpi_tables_build(void *buf, size_t size, uint64_t paddr, unsigned int nr_vcpus,
                      struct acpi_tables_layout *out);

#endif
