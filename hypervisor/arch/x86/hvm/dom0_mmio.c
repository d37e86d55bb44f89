/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control domain's MMIO (docs/dom0-io.md). Its RAM is mapped when it
 * is built; every other machine frame it may touch (dom0_frames.c) is
 * identity-mapped, uncached (P2M_MMIO), the first time it touches it: a
 * nested page fault no emulated range claimed comes here. A frame it may
 * not touch reads as an absent device does, all ones, and writes to it are
 * dropped, through the MMIO emulator; an access the emulator cannot
 * perform crashes dom0 alone.
 *
 * Faults inside a firmware-reserved range (ACPI, NVS, reserved) map a
 * whole 2 MiB page when all of it is allowed and inside that range. Holes
 * are mapped 4 KiB at a time: Linux puts grant and foreign mappings
 * ("Xen scratch", abi-pvh-dom0.md 5.5) in holes, at gfns it chooses, and
 * a larger identity mapping would sit in their way.
 */
#include "backend.h"
#include <asm/acpi.h>
#include <asm/cpufeature.h>
#include <asm/dom0_io.h>
#include <asm/hvm_mmio.h>
#include <asm/mm.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/lib.h>
#include <tessera/p2m.h>
#include <tessera/page_alloc.h>

#define LAPIC_DEFAULT_BASE  0xfee00000ull
#define ECAM_BUS_BYTES      (1ull << 20)    /* 32 devices x 8 functions x 4 KiB */
/* AMD family 10h+ BKDG: the HyperTransport range, 12 GiB below 1 TiB,
 * is not memory (Xen keeps it from dom0 too). */
#define AMD_HT_START        ((1ull << 40) - (12ull << 30))
#define AMD_HT_END          (1ull << 40)
/* Denials and maps reported on the console, the rest counted silently. */
#define REPORT_MAX          16

static struct dom0_frames policy;
static bool policy_ready;
static unsigned int nr_reported;

static const void *map_table(paddr_t pa, size_t len)
{
    return mm_range_mapped(pa, len) ? phys_to_virt(pa) : NULL;
}

static void deny_iommus(const struct acpi_info *a)
{
    const void *t;
    uint32_t len;

    if (a->has_dmar && (t = acpi_map_table(map_table, a->dmar_addr, "DMAR", &len)))
        printk("dom0 mmio: %u VT-d register ranges kept\n",
               dom0_frames_deny_dmar(&policy, t, len));
    if (a->has_ivrs && (t = acpi_map_table(map_table, a->ivrs_addr, "IVRS", &len)))
        printk("dom0 mmio: %u AMD-Vi register ranges kept\n",
               dom0_frames_deny_ivrs(&policy, t, len));
}

void dom0_mmio_init(const struct acpi_info *a)
{
    unsigned int bits = boot_cpu.phys_addr_bits ? boot_cpu.phys_addr_bits : 36;
    int rc = 0;

    machine_memmap_init();
    /* Identity maps: a frame must fit the p2m's guest-physical width too. */
    bits = MIN(bits, (unsigned int)(P2M_GFN_BITS + PAGE_SHIFT));
    dom0_frames_init(&policy, machine_memmap(), 1ull << (bits - PAGE_SHIFT));
    rc |= dom0_frames_deny(&policy, LAPIC_DEFAULT_BASE, PAGE_SIZE, "local APIC");
    if (a->lapic_base && a->lapic_base != LAPIC_DEFAULT_BASE)
        rc |= dom0_frames_deny(&policy, a->lapic_base, PAGE_SIZE, "local APIC");
    for (unsigned int i = 0; i < a->nr_ioapics; i++)
        rc |= dom0_frames_deny(&policy, a->ioapics[i].address, PAGE_SIZE, "IOAPIC");
    /* The hypervisor's clock source at boot; dom0's ACPI tables hide it,
     * as Xen's do (guest/dom0_acpi.c). */
    if (a->has_hpet)
        rc |= dom0_frames_deny(&policy, a->hpet_base, PAGE_SIZE, "HPET");
    for (unsigned int i = 0; i < a->nr_mcfg; i++) {
        const struct pci_ecam_region *m = &a->mcfg[i];
        if (m->end_bus >= m->start_bus)
            rc |= dom0_frames_deny(&policy, m->base + m->start_bus * ECAM_BUS_BYTES,
                                   (m->end_bus - m->start_bus + 1ull) * ECAM_BUS_BYTES,
                                   "PCI ECAM window");
    }
    if (!strcmp(boot_cpu.vendor, "AuthenticAMD") && bits > 40)
        rc |= dom0_frames_deny(&policy, AMD_HT_START, AMD_HT_END - AMD_HT_START,
                               "HyperTransport range");
    deny_iommus(a);
    if (rc)
        panic("dom0 mmio: more than %u ranges to keep from dom0", DOM0_FRAMES_MAX_DENY);
    policy_ready = true;
}

bool dom0_may_touch_frame(uint64_t mfn)
{
    return policy_ready && !dom0_frames_check(&policy, mfn, 1);
}

/* The 2 MiB page around gfn, if all of it may be mapped and lies in one
 * firmware-reserved range (see the top of this file). */
static bool whole_2m_allowed(const struct domain *d, uint64_t gfn)
{
    uint64_t first = gfn & ~((1ull << P2M_ORDER_2M) - 1), pa = first << PAGE_SHIFT;
    const struct memmap_range *r;

    if (dom0_frames_check(&policy, first, 1ull << P2M_ORDER_2M))
        return false;
    for (uint64_t g = first; g < first + (1ull << P2M_ORDER_2M); g++)
        if (arch_gfn_emulated(d, g))
            return false;
    memmap_for_each(policy.host, r)
        if (r->start <= pa && pa + (PAGE_SIZE << P2M_ORDER_2M) <= r->end)
            return r->type == MEM_RESERVED || r->type == MEM_ACPI || r->type == MEM_NVS;
    return false;
}

static void map_frame(struct vcpu *v, uint64_t gfn, unsigned int hole_order)
{
    struct domain *d = v->domain;
    int rc = -EINVAL;

    if (hole_order >= P2M_ORDER_2M && whole_2m_allowed(d, gfn)) {
        uint64_t first = gfn & ~((1ull << P2M_ORDER_2M) - 1);
        rc = p2m_map(d->p2m, first, first, P2M_ORDER_2M, P2M_MMIO);
    }
    if (rc)
        rc = p2m_map(d->p2m, gfn, gfn, P2M_ORDER_4K, P2M_MMIO);
    if (rc) {
        domain_crash(d, "vcpu %u: cannot map machine frame %#llx (%d)", v->id,
                     (unsigned long long)gfn, rc);
        return;
    }
    domain_p2m_flush(d);
}

bool dom0_mmio_fault(struct vcpu *v, const struct hvm_exit *e)
{
    struct domain *d = v->domain;
    uint64_t gfn = e->npf.gpa >> PAGE_SHIFT;
    unsigned int order = 0;
    const char *why;

    if (!policy_ready || !d->is_hardware || e->npf.present)
        return false;
    if (p2m_lookup(d->p2m, gfn, NULL, NULL, &order) != -ENOENT || arch_gfn_emulated(d, gfn))
        return false;
    why = dom0_frames_check(&policy, gfn, 1);
    if (why && e->npf.fetch)
        return false;       /* nothing to emulate: the crash path reports it */
    if (__atomic_fetch_add(&nr_reported, 1, __ATOMIC_RELAXED) < REPORT_MAX)
        printk("dom %s: %s of machine frame %#llx: %s%s\n", d->name,
               e->npf.write ? "write" : "read", (unsigned long long)gfn,
               why ? "kept from it: " : "mapped", why ? why : "");
    if (!why) {
        map_frame(v, gfn, order);
        return true;
    }
    struct hvm_mmio_range page = { .gpa = gfn << PAGE_SHIFT, .len = PAGE_SIZE,
                                   .ops = &hvm_mmio_absent_ops };
    hvm_mmio_emulate(v, e, &page);
    return true;
}
