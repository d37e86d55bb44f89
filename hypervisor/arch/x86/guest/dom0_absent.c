/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Until dom0's virtual IOAPICs and vPCI exist (issue 13's irq and vpci
 * work), the host IOAPIC pages and ECAM windows its MADT and MCFG name
 * answer like absent hardware: reads all ones, writes dropped. Linux then
 * skips the IOAPIC ("registers return all ones") and finds no PCI device,
 * instead of dom0 crashing on an unmapped page. A range someone already
 * registered (the real emulation) is left to it. The HPET, which the
 * hypervisor keeps (its table is hidden), stays absent for good: AML that
 * probes it (QEMU's _STA reads its ID) then finds no HPET.
 */
#include <asm/dom0_build.h>
#include <asm/hvm_mmio.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

static int absent(struct domain *d, uint64_t gpa, uint64_t len)
{
    int rc = hvm_mmio_register(d, gpa, len, &hvm_mmio_absent_ops);

    return rc == -EINVAL ? 0 : rc;      /* already emulated */
}

int dom0_absent_register(struct domain *d, const struct acpi_info *host)
{
    int rc = 0;

    for (unsigned int i = 0; i < host->nr_ioapics && !rc; i++)
        rc = absent(d, ALIGN_DOWN(host->ioapics[i].address, PAGE_SIZE), PAGE_SIZE);
    if (host->has_hpet && !rc)
        rc = absent(d, ALIGN_DOWN(host->hpet_base, PAGE_SIZE), PAGE_SIZE);
    for (unsigned int i = 0; i < host->nr_mcfg && !rc; i++) {
        const struct pci_ecam_region *r = &host->mcfg[i];
        rc = absent(d, r->base + ((uint64_t)r->start_bus << 20),
                    ((uint64_t)r->end_bus - r->start_bus + 1) << 20);
    }
    return rc;
}
