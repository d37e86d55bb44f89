/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vPCI in the hypervisor (asm/vpci.h): the hardware domain's configuration
 * mechanisms trapped (0xCF8/0xCFC ports, each ECAM window), the MSI-X
 * pages trapped, and the model's struct vpci_hw on the real machine: the
 * host's configuration access (pci.c), dom0's p2m, host MMIO and vectors.
 */
#include <asm/bootinfo.h>
#include <asm/dom0_io.h>
#include <asm/hvm_ioport.h>
#include <asm/hvm_mmio.h>
#include <asm/io.h>
#include <asm/mm.h>
#include <asm/pci.h>
#include <asm/percpu.h>
#include <asm/vpci.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/heap.h>
#include <tessera/lib.h>
#include <tessera/p2m.h>

#define CF8_ENABLE      0x80000000u

/* Where the chipset decodes the IOAPICs (FEC0_0000h), the HPET
 * (FED0_0000h) and the local APICs / MSI window (FEE0_0000h-FEEF_FFFFh,
 * SDM vol. 3 11.11.1): the hypervisor's, whatever a BAR says. */
#define APIC_WINDOW_BASE    0xfec00000ull
#define APIC_WINDOW_END     0xfef00000ull

static uint32_t hw_conf_read(uint32_t sbdf, unsigned int reg, unsigned int size)
{
    return pci_conf_read(sbdf >> 16, (sbdf >> 8) & 0xff, (sbdf >> 3) & 0x1f, sbdf & 7, reg,
                         size);
}

static void hw_conf_write(uint32_t sbdf, unsigned int reg, unsigned int size, uint32_t val)
{
    pci_conf_write(sbdf >> 16, (sbdf >> 8) & 0xff, (sbdf >> 3) & 0x1f, sbdf & 7, reg, size,
                   val);
}

static const char *hw_mmio_denied(uint64_t addr, uint64_t size)
{
    uint64_t first = addr >> PAGE_SHIFT, end = (addr + size + PAGE_SIZE - 1) >> PAGE_SHIFT;

    return dom0_frames_denied(first, end - first);
}

static int hw_p2m_identity(void *ctx, uint64_t gfn, uint64_t nr, bool map)
{
    struct domain *d = ctx;
    int rc = map ? p2m_set_range(d->p2m, gfn, nr, gfn, P2M_MMIO)
                 : p2m_set_range(d->p2m, gfn, nr, P2M_NO_MFN, P2M_INVALID);

    domain_p2m_flush(d);
    return rc;
}

static const struct hvm_mmio_ops msix_ops;

/* Traps every page of [gpa, gpa + len) not yet trapped for MSI-X, in runs. */
static int hw_mmio_claim(void *ctx, uint64_t gpa, uint64_t len)
{
    struct domain *d = ctx;
    uint64_t run = gpa;

    for (uint64_t pa = gpa; pa <= gpa + len; pa += PAGE_SIZE) {
        bool covered = false;
        int rc;

        for (unsigned int i = 0; pa < gpa + len && i < d->arch.nr_mmio; i++)
            if (d->arch.mmio[i].ops == &msix_ops && pa >= d->arch.mmio[i].gpa &&
                pa - d->arch.mmio[i].gpa < d->arch.mmio[i].len)
                covered = true;
        if (pa < gpa + len && !covered)
            continue;
        if (pa > run) {
            rc = hvm_mmio_register(d, run, pa - run, &msix_ops);
            if (rc)
                return rc;
        }
        run = pa + PAGE_SIZE;
    }
    return 0;
}

static bool hw_mmio_read(uint64_t pa, unsigned int size, uint64_t *val)
{
    if (!mm_range_mapped(pa, size))
        return false;
    switch (size) {
    case 1:  *val = mmio_read8(pa); break;
    case 2:  *val = mmio_read16(pa); break;
    case 4:  *val = mmio_read32(pa); break;
    default: *val = mmio_read64(pa); break;
    }
    return true;
}

static bool hw_mmio_write(uint64_t pa, unsigned int size, uint64_t val)
{
    if (!mm_range_mapped(pa, size))
        return false;
    switch (size) {
    case 1:  mmio_write8(pa, val); break;
    case 2:  mmio_write16(pa, val); break;
    case 4:  mmio_write32(pa, val); break;
    default: mmio_write64(pa, val); break;
    }
    return true;
}

static int hw_vec_alloc(void *ctx)
{
    return vmsi_vector_alloc(ctx);
}

static void hw_vec_free(void *ctx, int vec)
{
    (void)ctx;
    vmsi_vector_free(vec);
}

static void hw_vec_target(void *ctx, int vec, const struct vmsi_guest *g)
{
    vmsi_vector_target(ctx, vec, g);
}

/* The CPU whose run loop has the vCPU dom0's message names (physical
 * destination), else this one: the CPU of the dom0 vCPU programming the
 * device, as for dom0's GSIs (docs/dom0-interrupts.md). Without interrupt
 * remapping a host message names an 8-bit APIC ID (SDM vol. 3 11.11.1). */
static uint32_t hw_host_dest(void *ctx, const struct vmsi_guest *g)
{
    struct domain *d = ctx;
    int cpu = (int)smp_processor_id();

    for (unsigned int i = 0; g && !g->logical && i < d->nr_vcpus; i++) {
        const struct vcpu *v = d->vcpus[i];
        if (v && (v->arch.vlapic.id & 0xff) == g->dest && v->run_cpu >= 0)
            cpu = v->run_cpu;
    }
    return cpus[cpu].apic_id <= 0xff ? cpus[cpu].apic_id : cpus[0].apic_id;
}

static const struct vpci_hw machine = {
    .conf_read = hw_conf_read, .conf_write = hw_conf_write, .mmio_denied = hw_mmio_denied,
    .p2m_identity = hw_p2m_identity, .mmio_claim = hw_mmio_claim,
    .mmio_read = hw_mmio_read, .mmio_write = hw_mmio_write,
    .host_dest = hw_host_dest, .vec_alloc = hw_vec_alloc, .vec_free = hw_vec_free,
    .vec_target = hw_vec_target,
};

static uint64_t ones(unsigned int size)
{
    return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

/* ---- 0xCF8 / 0xCFC (PCI local bus spec 3.0 3.2.2.3.2) ---- */

/* Only a doubleword access to 0xCF8 is the address latch; 0xCF9-0xCFB are
 * not claimed (0xCF9 is the chipset's reset register). */
static int cf8_read(struct vcpu *v, uint16_t port, unsigned int size, uint32_t *val)
{
    (void)port;
    *val = size == 4 ? v->domain->arch.vpci->cf8 : (uint32_t)ones(size);
    return 0;
}

static int cf8_write(struct vcpu *v, uint16_t port, unsigned int size, uint32_t val)
{
    (void)port;
    if (size == 4)
        v->domain->arch.vpci->cf8 = val;
    return 0;
}

/* The latched function and register for an access at port, or false. */
static bool cfc_target(struct vpci *vp, uint16_t port, unsigned int size, uint32_t *sbdf,
                       unsigned int *reg)
{
    unsigned int off = port - 0xcfc;

    if (!(vp->cf8 & CF8_ENABLE) || off + size > 4)
        return false;
    *sbdf = VPCI_SBDF(0, (vp->cf8 >> 16) & 0xff, (vp->cf8 >> 11) & 0x1f, (vp->cf8 >> 8) & 7);
    *reg = (vp->cf8 & 0xfc) + off;
    return true;
}

static int cfc_read(struct vcpu *v, uint16_t port, unsigned int size, uint32_t *val)
{
    struct vpci *vp = v->domain->arch.vpci;
    uint32_t sbdf;
    unsigned int reg;

    *val = cfc_target(vp, port, size, &sbdf, &reg) ? vpci_read(vp, sbdf, reg, size)
                                                    : (uint32_t)ones(size);
    return 0;
}

static int cfc_write(struct vcpu *v, uint16_t port, unsigned int size, uint32_t val)
{
    struct vpci *vp = v->domain->arch.vpci;
    uint32_t sbdf;
    unsigned int reg;

    if (cfc_target(vp, port, size, &sbdf, &reg))
        vpci_write(vp, sbdf, reg, size, val);
    return 0;
}

static const struct hvm_ioport_ops cf8_ops = { "pci-cf8", cf8_read, cf8_write };
static const struct hvm_ioport_ops cfc_ops = { "pci-cfc", cfc_read, cfc_write };

/* ---- ECAM (PCIe base spec 7.2.2) ---- */

/* The function and register behind an ECAM address, or false. */
static bool ecam_target(uint64_t gpa, uint32_t *sbdf, unsigned int *reg)
{
    unsigned int n;
    const struct pci_ecam_region *w = pci_ecam_windows(&n);

    for (unsigned int i = 0; i < n; i++) {
        uint64_t len = (uint64_t)(w[i].end_bus - w[i].start_bus + 1) << 20;
        uint64_t off = gpa - w[i].base;

        if (gpa < w[i].base || off >= len)
            continue;
        *sbdf = VPCI_SBDF(w[i].segment, w[i].start_bus + (off >> 20), (off >> 15) & 0x1f,
                          (off >> 12) & 7);
        *reg = off & 0xfff;
        return true;
    }
    return false;
}

/* A quadword is two doublewords, as in Xen's vpci_mmcfg_read/write(). */
static int ecam_access(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *val,
                       bool write)
{
    struct vpci *vp = v->domain->arch.vpci;
    unsigned int reg, piece = size == 8 ? 4 : size;
    uint32_t sbdf;
    uint64_t r = 0;

    if (!ecam_target(gpa, &sbdf, &reg) || reg + size > 4096 || (reg & (size - 1))) {
        if (!write)
            *val = ones(size);
        return 0;
    }
    for (unsigned int k = 0; k < size; k += piece) {
        if (write)
            vpci_write(vp, sbdf, reg + k, piece, (uint32_t)(*val >> (8 * k)));
        else
            r |= (uint64_t)vpci_read(vp, sbdf, reg + k, piece) << (8 * k);
    }
    if (!write)
        *val = r;
    return 0;
}

static int ecam_read(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *val)
{
    return ecam_access(v, gpa, size, val, false);
}

static int ecam_write(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t val)
{
    return ecam_access(v, gpa, size, &val, true);
}

static const struct hvm_mmio_ops ecam_ops = { "pci-ecam", ecam_read, ecam_write };

/* ---- MSI-X table and PBA pages ---- */

static int msix_read(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *val)
{
    if (!vpci_msix_read(v->domain->arch.vpci, gpa, size, val))
        *val = ones(size);      /* a page a BAR no longer covers */
    return 0;
}

static int msix_write(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t val)
{
    vpci_msix_write(v->domain->arch.vpci, gpa, size, val);
    return 0;
}

static const struct hvm_mmio_ops msix_ops = { "pci-msix", msix_read, msix_write };

/* ---- set-up ---- */

static void forbid(struct vpci *vp, uint64_t base, uint64_t len, const char *what)
{
    if (vp->nr_forbidden < VPCI_MAX_FORBIDDEN && len)
        vp->forbidden[vp->nr_forbidden++] = (struct vpci_forbidden){ base, len, what };
}

static void forbid_host_ranges(struct vpci *vp)
{
    unsigned int n;
    const struct pci_ecam_region *w = pci_ecam_windows(&n);

    forbid(vp, 0, 0x100000, "the first MiB");
    forbid(vp, APIC_WINDOW_BASE, APIC_WINDOW_END - APIC_WINDOW_BASE,
           "the IOAPIC/HPET/local APIC window");
    for (unsigned int i = 0; i < n; i++)
        forbid(vp, w[i].base, (uint64_t)(w[i].end_bus - w[i].start_bus + 1) << 20, "ECAM");
    for (unsigned int i = 0; i < boot_info.nr_mmap; i++) {
        const struct boot_mmap_entry *e = &boot_info.mmap[i];
        if (e->type != BOOT_MEM_RESERVED)
            forbid(vp, e->base, e->len,
                   e->type == BOOT_MEM_RAM ? "RAM" : "ACPI or unusable memory");
    }
    if (vp->nr_forbidden == VPCI_MAX_FORBIDDEN)
        printk(LOG_WARN "vpci: memory map too long: BARs are checked against part of it\n");
}

int vpci_domain_init(struct domain *d)
{
    struct vpci *vp = xzalloc(sizeof(*vp));
    unsigned int n;
    const struct pci_ecam_region *w = pci_ecam_windows(&n);
    int rc;

    if (!vp)
        return -ENOMEM;
    vp->lock = (spinlock_t)SPINLOCK_INIT;
    vp->hw = &machine;
    vp->ctx = d;
    forbid_host_ranges(vp);
    d->arch.vpci = vp;
    rc = hvm_ioport_register(d, 0xcf8, 1, &cf8_ops);
    if (!rc)
        rc = hvm_ioport_register(d, 0xcfc, 4, &cfc_ops);
    for (unsigned int i = 0; !rc && i < n; i++)
        rc = hvm_mmio_register(d, w[i].base,
                               (uint64_t)(w[i].end_bus - w[i].start_bus + 1) << 20, &ecam_ops);
    if (rc) {
        printk(LOG_ERR "vpci: cannot trap configuration space (%d)\n", rc);
        return rc;
    }
    spin_lock(&vp->lock);
    for (unsigned int i = 0; i < nr_pci_funcs; i++) {
        const struct pci_func *f = &pci_funcs[i];
        vpci_dev_get(vp, VPCI_SBDF(f->segment, f->bus, f->dev, f->fn));
    }
    spin_unlock(&vp->lock);
    printk("vpci: dom%u: %u PCI functions, %u ECAM window%s trapped\n", d->id, vp->nr_devs, n,
           n == 1 ? "" : "s");
    return 0;
}

void vpci_domain_destroy(struct domain *d)
{
    struct vpci *vp = d->arch.vpci;

    if (!vp)
        return;
    spin_lock(&vp->lock);
    for (unsigned int i = 0; i < vp->nr_devs; i++)
        vpci_dev_free(vp, vp->devs[i]);
    vp->nr_devs = 0;
    spin_unlock(&vp->lock);
    d->arch.vpci = NULL;
    xfree(vp);
}
