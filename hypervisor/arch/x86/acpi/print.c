/* SPDX-License-Identifier: GPL-2.0-only */
/* ACPI: a short summary of what the tables said. */
#include <asm/acpi.h>
#include <tessera/lib.h>

static const char *space_name(uint8_t id)
{
    switch (id) {
    case ACPI_GAS_MEMORY: return "mem";
    case ACPI_GAS_IO:     return "io";
    case ACPI_GAS_PCI:    return "pci";
    }
    return "?";
}

void acpi_info_print(const struct acpi_info *a)
{
    const struct acpi_fadt_info *f = &a->fadt;
    unsigned int enabled = 0;

    for (unsigned int i = 0; i < a->nr_cpus; i++)
        enabled += a->cpus[i].enabled;
    printk("acpi: RSDP rev %u at %#llx, OEM '%s', %s at %#llx with %u tables%s\n",
           a->rsdp_revision, (unsigned long long)a->rsdp_addr, a->oem_id,
           a->xsdt ? "XSDT" : "RSDT", (unsigned long long)a->root_addr, a->nr_tables,
           a->bad_tables ? " (some bad ones skipped)" : "");
    if (a->has_madt)
        printk("acpi: MADT: %u CPUs (%u enabled)%s, LAPIC %#llx, %u IOAPICs, "
               "%u overrides, %u NMIs\n", a->nr_cpus, enabled,
               a->cpus_dropped ? " +more ignored" : "", (unsigned long long)a->lapic_base,
               a->nr_ioapics, a->nr_isos, a->nr_nmis);
    for (unsigned int i = 0; i < a->nr_ioapics; i++)
        printk("acpi:   IOAPIC id %u at %#x, GSIs from %u\n", a->ioapics[i].id,
               a->ioapics[i].address, a->ioapics[i].gsi_base);
    if (f->present) {
        printk("acpi: FADT rev %u: SCI %u, PM1a_CNT %#x, PM1b_CNT %#x, PM timer %#x (%u bit), "
               "SMI_CMD %#x\n", f->revision, f->sci_irq, f->pm1a_cnt, f->pm1b_cnt,
               f->pm_tmr_blk, f->pm_tmr_32bit ? 32 : 24, f->smi_cmd);
        if (f->reset_supported)
            printk("acpi: reset register %s %#llx value %#x\n",
                   space_name(f->reset_reg.space_id),
                   (unsigned long long)f->reset_reg.address, f->reset_value);
        else
            printk("acpi: no reset register\n");
    }
    if (a->s5_valid)
        printk("acpi: S5 (soft-off) SLP_TYPa %u SLP_TYPb %u\n", a->slp_typa, a->slp_typb);
    for (unsigned int i = 0; i < a->nr_mcfg; i++)
        printk("acpi: MCFG segment %u buses %u-%u at %#llx\n", a->mcfg[i].segment,
               a->mcfg[i].start_bus, a->mcfg[i].end_bus, (unsigned long long)a->mcfg[i].base);
    if (a->has_hpet)
        printk("acpi: HPET at %#llx\n", (unsigned long long)a->hpet_base);
    if (a->has_dmar)
        printk("acpi: DMAR (VT-d) at %#llx\n", (unsigned long long)a->dmar_addr);
    if (a->has_ivrs)
        printk("acpi: IVRS (AMD-Vi) at %#llx\n", (unsigned long long)a->ivrs_addr);
}
