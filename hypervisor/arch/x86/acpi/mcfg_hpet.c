/* SPDX-License-Identifier: GPL-2.0-only */
/* ACPI: the MCFG (PCI Firmware Specification 3.2, section 4.1.2) and HPET
 * (IA-PC HPET Specification 1.0a, section 3.2.4) tables. */
#include <asm/acpi.h>
#include <tessera/lib.h>

#define MCFG_ENTRIES        44      /* header + 8 reserved bytes */
#define MCFG_ENTRY_LEN      16

void acpi_parse_mcfg(const void *t, uint32_t len, struct acpi_info *out)
{
    if (len < MCFG_ENTRIES) {
        printk(LOG_WARN "acpi: MCFG too short (%u bytes), skipped\n", len);
        out->bad_tables++;
        return;
    }
    for (uint32_t off = MCFG_ENTRIES; len - off >= MCFG_ENTRY_LEN; off += MCFG_ENTRY_LEN) {
        struct pci_ecam_region e = {
            .base = acpi_rd64(t, off), .segment = acpi_rd16(t, off + 8),
            .start_bus = acpi_rd8(t, off + 10), .end_bus = acpi_rd8(t, off + 11),
        };
        if (e.end_bus < e.start_bus || !e.base || (e.base & 0xfffff)) {
            printk(LOG_WARN "acpi: MCFG entry %#llx seg %u buses %u-%u is bogus, ignored\n",
                   (unsigned long long)e.base, e.segment, e.start_bus, e.end_bus);
            continue;
        }
        if (out->nr_mcfg >= ACPI_MAX_MCFG) {
            printk(LOG_WARN "acpi: more than %u MCFG entries, the rest ignored\n",
                   ACPI_MAX_MCFG);
            break;
        }
        out->mcfg[out->nr_mcfg++] = e;
    }
}

/* HPET: event timer block ID (4) at 36, base address GAS at 40, HPET number
 * at 52, minimum tick (2) at 53, page protection at 55. */
void acpi_parse_hpet(const void *t, uint32_t len, struct acpi_info *out)
{
    struct acpi_gas g;

    if (len < 56) {
        printk(LOG_WARN "acpi: HPET table too short (%u bytes), skipped\n", len);
        out->bad_tables++;
        return;
    }
    acpi_gas_read(t, 40, &g);
    if (g.space_id != ACPI_GAS_MEMORY || !g.address || (g.address & 0x3ff)) {
        printk(LOG_WARN "acpi: HPET base %#llx (space %u) unusable, ignored\n",
               (unsigned long long)g.address, g.space_id);
        out->bad_tables++;
        return;
    }
    out->has_hpet = true;
    out->hpet_base = g.address;
    out->hpet_number = acpi_rd8(t, 52);
}
