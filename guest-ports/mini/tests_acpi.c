/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ACPI tables the hypervisor built for us, found the way Linux finds
 * them (hvm_start_info.rsdp_paddr), and the memory map around them
 * (docs/guest-layout.md). ACPI Specification 6.3 section numbers.
 */
#include "mini.h"

#define LEGACY_START    0xa0000ul
#define LEGACY_END      0x100000ul
#define FADT_HW_REDUCED (1u << 20)

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* head.S maps [0, 1 GiB) and [3 GiB, 4 GiB). */
static bool mapped(uint64_t pa, uint64_t len)
{
    return (pa < IDENTITY_MAP_END && len <= IDENTITY_MAP_END - pa) ||
           (pa >= (3ul << 30) && pa < (4ul << 30) && len <= (4ul << 30) - pa);
}

static bool sums_to_zero(const uint8_t *p, uint32_t len)
{
    uint8_t s = 0;

    while (len--)
        s = (uint8_t)(s + *p++);
    return s == 0;
}

/* A table with a header (5.2.6) at pa: signature, sane length, checksum. */
static const uint8_t *table(uint64_t pa, const char *sig)
{
    const uint8_t *t = (const uint8_t *)(uintptr_t)pa;

    if (!mapped(pa, 36) || memcmp(t, sig, 4))
        return NULL;
    uint32_t len = rd32(t + 4);
    if (len < 36 || len > 65536 || !mapped(pa, len) || !sums_to_zero(t, len))
        return NULL;
    return t;
}

static void test_memmap(uint64_t rsdp)
{
    const struct hvm_memmap_table_entry *mm = (const void *)(uintptr_t)start_info->memmap_paddr;
    bool legacy_ram = false, acpi_covered = false;

    for (unsigned int i = 0; i < start_info->memmap_entries; i++) {
        printf("mini: memmap [%#lx, %#lx) type %u\n", (unsigned long)mm[i].addr,
               (unsigned long)(mm[i].addr + mm[i].size), mm[i].type);
        if (mm[i].type == XEN_HVM_MEMMAP_TYPE_RAM && mm[i].addr < LEGACY_END &&
            mm[i].addr + mm[i].size > LEGACY_START)
            legacy_ram = true;
        if (mm[i].type == XEN_HVM_MEMMAP_TYPE_NVS && rsdp >= mm[i].addr &&
            rsdp < mm[i].addr + mm[i].size)
            acpi_covered = true;
    }
    CHECK("acpi.memmap_legacy_hole", !legacy_ram, "RAM in [%#lx, %#lx)", LEGACY_START,
          LEGACY_END);
    CHECK("acpi.memmap_nvs", acpi_covered, "no ACPI NVS entry holds the RSDP at %#lx",
          (unsigned long)rsdp);
    /* Not RAM, but there and zeroed: Linux scans it for ROMs, SMBIOS and
     * MP tables whatever the map says. */
    uint64_t v = 0;
    int vec = safe_read64(0xc0000, &v);
    uint64_t w = 0;
    vec |= safe_read64(0xffff8, &w);
    CHECK("acpi.legacy_hole_reads_zero", vec == 0 && v == 0 && w == 0, "vector %d, %#lx %#lx",
          vec, (unsigned long)v, (unsigned long)w);
}

/* Processors in the MADT (5.2.12): UID i has APIC ID 2 * i, all enabled. */
static void test_madt(const uint8_t *madt)
{
    uint32_t len = rd32(madt + 4), my_apic_id = 0xffffffffu, r[4];
    unsigned int cpus = 0, wrong = 0;

    CHECK("acpi.madt_header", rd32(madt + 36) == 0xfee00000u && rd32(madt + 40) == 0,
          "LAPIC address %#x, flags %#x", rd32(madt + 36), rd32(madt + 40));
    for (uint32_t off = 44; off + 2 <= len;) {
        const uint8_t *e = madt + off;
        uint32_t uid, id, flags;

        if (e[1] < 2 || off + e[1] > len)
            break;
        if (e[0] == 0 && e[1] == 8) {
            uid = e[2];
            id = e[3];
            flags = rd32(e + 4);
        } else if (e[0] == 9 && e[1] == 16) {
            id = rd32(e + 4);
            flags = rd32(e + 8);
            uid = rd32(e + 12);
        } else {
            CHECK("acpi.madt_entry_types", false, "entry type %u at %u", e[0], off);
            off += e[1];
            continue;
        }
        if (uid != cpus || id != 2 * cpus || !(flags & 1))
            wrong++;
        if (uid == 0)
            my_apic_id = id;
        cpus++;
        off += e[1];
    }
    CHECK("acpi.madt_cpus", cpus == nr_vcpus && wrong == 0, "%u processors (%u wrong), %u vCPUs",
          cpus, wrong, nr_vcpus);
    /* We run on vCPU 0: CPUID's initial APIC ID must be the MADT's. */
    cpuid(1, 0, r);
    CHECK("acpi.madt_matches_cpuid", my_apic_id == r[1] >> 24, "MADT %#x, CPUID %#x",
          my_apic_id, r[1] >> 24);
}

void tests_acpi(void)
{
    uint64_t pa = start_info->rsdp_paddr;
    const uint8_t *rsdp = (const uint8_t *)(uintptr_t)pa;

    /* RSDP (5.2.5.3): revision 2, both checksums, an XSDT. */
    bool ok = pa && !(pa & 15) && mapped(pa, 36) && !memcmp(rsdp, "RSD PTR ", 8) &&
              rsdp[15] == 2 && rd32(rsdp + 20) == 36 && sums_to_zero(rsdp, 20) &&
              sums_to_zero(rsdp, 36);
    CHECK("acpi.rsdp", ok, "at %#lx", (unsigned long)pa);
    if (!ok)
        return;
    test_memmap(pa);

    const uint8_t *xsdt = table(rd64(rsdp + 24), "XSDT");
    CHECK("acpi.xsdt", xsdt && (rd32(xsdt + 4) - 36) % 8 == 0, "at %#lx",
          (unsigned long)rd64(rsdp + 24));
    if (!xsdt)
        return;
    const uint8_t *fadt = NULL, *madt = NULL;
    for (uint32_t off = 36; off + 8 <= rd32(xsdt + 4); off += 8) {
        uint64_t t = rd64(xsdt + off);
        fadt = fadt ? fadt : table(t, "FACP");
        madt = madt ? madt : table(t, "APIC");
    }
    /* FADT (5.2.9): hardware-reduced, DSDT through X_DSDT. */
    CHECK("acpi.fadt", fadt && rd32(fadt + 4) >= 244 && (rd32(fadt + 112) & FADT_HW_REDUCED),
          "%s", fadt ? "not hardware-reduced" : "missing or bad");
    if (fadt)
        CHECK("acpi.dsdt", table(rd64(fadt + 140), "DSDT") != NULL, "at %#lx",
              (unsigned long)rd64(fadt + 140));
    CHECK("acpi.madt", madt != NULL, "missing or bad");
    if (madt)
        test_madt(madt);
}
