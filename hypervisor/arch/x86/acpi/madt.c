/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ACPI: the Multiple APIC Description Table (ACPI 6.5 section 5.2.12).
 * After the header: the local APIC address (4 bytes) and flags (4), then
 * interrupt controller structures, each starting with type and length.
 */
#include <asm/acpi.h>
#include <tessera/lib.h>

#define MADT_LAPIC_ADDR     36
#define MADT_FLAGS          40
#define MADT_ENTRIES        44

enum {
    MADT_LAPIC          = 0,    /* 5.2.12.2 */
    MADT_IOAPIC         = 1,    /* 5.2.12.3 */
    MADT_ISO            = 2,    /* 5.2.12.5 */
    MADT_LAPIC_NMI      = 4,    /* 5.2.12.7 */
    MADT_LAPIC_OVERRIDE = 5,    /* 5.2.12.8 */
    MADT_X2APIC         = 9,    /* 5.2.12.12 */
    MADT_X2APIC_NMI     = 10,   /* 5.2.12.13 */
};

/* Minimum length of each entry type we read; 0: not read. */
static uint8_t min_len(uint8_t type)
{
    switch (type) {
    case MADT_LAPIC:          return 8;
    case MADT_IOAPIC:         return 12;
    case MADT_ISO:            return 10;
    case MADT_LAPIC_NMI:      return 6;
    case MADT_LAPIC_OVERRIDE: return 12;
    case MADT_X2APIC:         return 16;
    case MADT_X2APIC_NMI:     return 12;
    }
    return 0;
}

/* Local APIC flags (table 5.23): bit 0 Enabled, bit 1 Online Capable. */
static void add_cpu(struct acpi_info *out, uint32_t apic_id, uint32_t uid, uint32_t flags,
                    bool x2apic)
{
    if (!(flags & 3))
        return;                 /* neither enabled nor hot-pluggable: unusable */
    for (unsigned int i = 0; i < out->nr_cpus; i++) {
        if (out->cpus[i].apic_id == apic_id) {
            printk(LOG_WARN "acpi: MADT lists APIC ID %u twice, second ignored\n", apic_id);
            return;
        }
    }
    if (out->nr_cpus >= MAX_CPUS) {
        if (!out->cpus_dropped++)
            printk(LOG_WARN "acpi: more than %u CPUs in the MADT, the rest ignored\n",
                   MAX_CPUS);
        return;
    }
    out->cpus[out->nr_cpus++] = (struct acpi_cpu){
        .apic_id = apic_id, .acpi_uid = uid,
        .enabled = flags & 1, .online_capable = !(flags & 1) && (flags & 2),
        .x2apic = x2apic,
    };
}

static void add_nmi(struct acpi_info *out, uint32_t uid, uint16_t flags, uint8_t lint)
{
    if (out->nr_nmis >= ACPI_MAX_NMIS) {
        out->madt_dropped++;
        return;
    }
    out->nmis[out->nr_nmis++] = (struct acpi_lapic_nmi){ uid, flags, lint };
}

static void parse_entry(const uint8_t *e, struct acpi_info *out)
{
    switch (e[0]) {
    case MADT_LAPIC:
        if (e[3] == 0xff) {     /* not a real APIC ID */
            printk(LOG_WARN "acpi: MADT local APIC with ID 0xff ignored\n");
            break;
        }
        add_cpu(out, e[3], e[2], acpi_rd32(e, 4), false);
        break;
    case MADT_X2APIC:
        if (acpi_rd32(e, 4) == 0xffffffffu)
            break;
        add_cpu(out, acpi_rd32(e, 4), acpi_rd32(e, 12), acpi_rd32(e, 8), true);
        break;
    case MADT_IOAPIC:
        if (out->nr_ioapics >= ACPI_MAX_IOAPICS) {
            out->madt_dropped++;
            break;
        }
        out->ioapics[out->nr_ioapics++] = (struct acpi_ioapic){
            .id = e[2], .address = acpi_rd32(e, 4), .gsi_base = acpi_rd32(e, 8),
        };
        break;
    case MADT_ISO:
        if (out->nr_isos >= ACPI_MAX_ISOS) {
            out->madt_dropped++;
            break;
        }
        out->isos[out->nr_isos++] = (struct acpi_iso){
            .bus = e[2], .source = e[3], .gsi = acpi_rd32(e, 4), .flags = acpi_rd16(e, 8),
        };
        break;
    case MADT_LAPIC_NMI:
        /* processor UID 0xFF means all processors */
        add_nmi(out, e[2] == 0xff ? ACPI_NMI_ALL_CPUS : e[2], acpi_rd16(e, 3), e[5]);
        break;
    case MADT_X2APIC_NMI:
        add_nmi(out, acpi_rd32(e, 4), acpi_rd16(e, 2), e[8]);
        break;
    case MADT_LAPIC_OVERRIDE:
        out->lapic_base = acpi_rd64(e, 4);
        break;
    }
}

void acpi_parse_madt(const void *t, uint32_t len, struct acpi_info *out)
{
    const uint8_t *b = t;

    if (len < MADT_ENTRIES) {
        printk(LOG_WARN "acpi: MADT too short (%u bytes), skipped\n", len);
        out->bad_tables++;
        return;
    }
    out->has_madt = true;
    out->lapic_base = acpi_rd32(t, MADT_LAPIC_ADDR);
    out->madt_flags = acpi_rd32(t, MADT_FLAGS);

    for (uint32_t off = MADT_ENTRIES; off < len; ) {
        if (len - off < 2) {
            printk(LOG_WARN "acpi: MADT has %u stray bytes at its end\n", len - off);
            break;
        }
        uint8_t type = b[off], elen = b[off + 1];
        if (elen < 2 || elen > len - off) {
            printk(LOG_WARN "acpi: MADT entry at offset %u has bad length %u, "
                   "rest of the MADT ignored\n", off, elen);
            break;
        }
        if (elen < min_len(type))
            printk(LOG_WARN "acpi: MADT entry type %u at offset %u too short (%u), ignored\n",
                   type, off, elen);
        else
            parse_entry(b + off, out);
        off += elen;
    }
}
