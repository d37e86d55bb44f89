/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom0's ACPI root: an RSDP and XSDT of its own over the host's tables, and
 * a MADT for its vCPUs (see asm/dom0_build.h). Section numbers refer to the
 * ACPI Specification 6.3.
 */
#include <asm/acpi_build.h>
#include <asm/acpi_tables.h>
#include <asm/dom0_build.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

#define MADT_REVISION       5
#define MADT_IOAPIC_LEN     12      /* 5.2.12.3 */
#define MADT_ISO_LEN        10      /* 5.2.12.5 */
#define MADT_LAPIC_NMI_LEN  6       /* 5.2.12.7 */
#define MADT_X2APIC_NMI_LEN 12      /* 5.2.12.13 */
#define FACS_LEN_MIN        64      /* 5.2.10: FACS has no checksum, a length at 4 */

#define ACPI_ERR(...)   printk(LOG_ERR "dom0: acpi: " __VA_ARGS__)

/*
 * Tables an OS may use without driving hardware the hypervisor keeps: the
 * fixed hardware and AML (FACP, SSDT, PSDT), PCI config space (MCFG),
 * platform data (SBST, SLIC, MSDM, WDAT, FPDT, S3PT, TCPA, TPM2, VFCT) and
 * OEM tables; this is Xen's list (xen/arch/x86/hvm/dom0_build.c,
 * pvh_acpi_table_allowed). Everything else is hidden: the host's MADT
 * (replaced), the IOMMUs' DMAR and IVRS, the HPET the hypervisor times
 * with, NUMA (SRAT, SLIT) and error tables (APEI) that describe the host's
 * CPUs and memory rather than dom0's.
 */
static bool allowed(const uint8_t *sig)
{
    static const char *const names[] = {
        "FACP", "SSDT", "PSDT", "MCFG", "SBST", "SLIC", "MSDM", "WDAT", "FPDT", "S3PT",
        "TCPA", "TPM2", "VFCT",
    };

    if (!memcmp(sig, "OEM", 3))
        return true;
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (!memcmp(sig, names[i], 4))
            return true;
    return false;
}

static int add_host(struct dom0_acpi_layout *l, uint64_t pa, uint64_t len)
{
    if (l->nr_host == DOM0_HOST_TABLES) {
        ACPI_ERR("more than %u host tables\n", DOM0_HOST_TABLES);
        return -ENOSPC;
    }
    l->host[l->nr_host++] = (struct dom0_range){ ALIGN_DOWN(pa, PAGE_SIZE),
                                                 ALIGN_UP(pa + len, PAGE_SIZE) };
    return 0;
}

/* The host root table's entry i (0 if unreadable). */
static uint64_t root_entry(const struct acpi_info *host, acpi_map_fn map, unsigned int i)
{
    unsigned int width = host->xsdt ? 8 : 4;
    const uint8_t *e = map(host->root_addr + ACPI_TABLE_HEADER_LEN + (uint64_t)i * width, width);

    if (!e)
        return 0;
    return host->xsdt ? acpi_rd64(e, 0) : acpi_rd32(e, 0);
}

/* The host tables dom0 keeps: their addresses into xsdt[] (room for
 * nr_tables), their pages into l->host. Returns how many, or -errno. */
static int pick_tables(const struct acpi_info *host, acpi_map_fn map,
                       bool (*is_firmware)(uint64_t, uint64_t), uint64_t *xsdt,
                       struct dom0_acpi_layout *l)
{
    unsigned int n = 0;
    uint32_t len;
    int rc;

    for (unsigned int i = 0; i < host->nr_tables; i++) {
        uint64_t pa = root_entry(host, map, i);
        const uint8_t *h = pa ? map(pa, ACPI_TABLE_HEADER_LEN) : NULL;

        if (!h || !allowed(h) || !acpi_map_table(map, pa, NULL, &len) ||
            !is_firmware(pa, len)) {
            l->nr_hidden++;
            continue;
        }
        if ((rc = add_host(l, pa, len)) < 0)
            return rc;
        xsdt[n++] = pa;
    }
    /* The FADT's DSDT and FACS are reached through it, not the XSDT. */
    if (host->fadt.dsdt && acpi_map_table(map, host->fadt.dsdt, "DSDT", &len) &&
        is_firmware(host->fadt.dsdt, len) && (rc = add_host(l, host->fadt.dsdt, len)) < 0)
        return rc;
    const uint8_t *facs = host->fadt.facs ? map(host->fadt.facs, FACS_LEN_MIN) : NULL;
    if (facs && !memcmp(facs, "FACS", 4) &&
        is_firmware(host->fadt.facs, MAX(acpi_rd32(facs, 4), FACS_LEN_MIN)) &&
        (rc = add_host(l, host->fadt.facs, MAX(acpi_rd32(facs, 4), FACS_LEN_MIN))) < 0)
        return rc;
    return (int)n;
}

static size_t madt_len(unsigned int nr_vcpus, const struct acpi_info *host)
{
    size_t len = ACPI_MADT_FIXED_LEN + acpi_madt_cpus_len(nr_vcpus, NULL) +
                 host->nr_ioapics * MADT_IOAPIC_LEN + host->nr_isos * MADT_ISO_LEN;

    for (unsigned int i = 0; i < host->nr_nmis; i++)
        len += host->nmis[i].acpi_uid == ACPI_NMI_ALL_CPUS || host->nmis[i].acpi_uid < 0xff
               ? MADT_LAPIC_NMI_LEN : MADT_X2APIC_NMI_LEN;
    return len;
}

/* A MADT entry: type, length, then little-endian fields at offsets. */
struct field {
    uint8_t off, size;
    uint32_t val;
};

static size_t put_entry(uint8_t *e, uint8_t type, uint8_t len, const struct field *f,
                        unsigned int nr)
{
    acpi_put8(e, 0, type);
    acpi_put8(e, 1, len);
    for (unsigned int i = 0; i < nr; i++) {
        if (f[i].size == 1)
            acpi_put8(e, f[i].off, (uint8_t)f[i].val);
        else if (f[i].size == 2)
            acpi_put16(e, f[i].off, (uint16_t)f[i].val);
        else
            acpi_put32(e, f[i].off, f[i].val);
    }
    return len;
}

#define PUT_ENTRY(e, type, len, ...) \
    put_entry(e, type, len, (const struct field[]){ __VA_ARGS__ }, \
              sizeof((const struct field[]){ __VA_ARGS__ }) / sizeof(struct field))

/* A Local APIC NMI entry when the UID fits a byte (0xFF: all), else a
 * Local x2APIC NMI entry. */
static size_t put_nmi(uint8_t *e, const struct acpi_lapic_nmi *n)
{
    if (n->acpi_uid != ACPI_NMI_ALL_CPUS && n->acpi_uid >= 0xff)
        return PUT_ENTRY(e, 10, MADT_X2APIC_NMI_LEN, { 2, 2, n->flags }, { 4, 4, n->acpi_uid },
                         { 8, 1, n->lint });
    return PUT_ENTRY(e, 4, MADT_LAPIC_NMI_LEN, { 2, 1, n->acpi_uid & 0xff }, { 3, 2, n->flags },
                     { 5, 1, n->lint });
}

/* The vCPUs' own entries; the host's IOAPICs unchanged (dom0's virtual
 * ones sit at the same addresses), its overrides and NMI wiring. */
static void build_madt(uint8_t *m, size_t len, unsigned int nr_vcpus,
                       const struct acpi_info *host)
{
    uint8_t *e = m + ACPI_MADT_FIXED_LEN;

    acpi_put_header(m, "APIC", (uint32_t)len, MADT_REVISION);
    acpi_put32(m, 36, ACPI_TABLES_LAPIC_BASE);
    acpi_put32(m, 40, 0);               /* no PCAT_COMPAT: dom0 has no 8259 */
    e += acpi_madt_put_cpus(e, nr_vcpus);
    for (unsigned int i = 0; i < host->nr_ioapics; i++) {
        const struct acpi_ioapic *io = &host->ioapics[i];
        e += PUT_ENTRY(e, 1, MADT_IOAPIC_LEN, { 2, 1, io->id }, { 4, 4, io->address },
                       { 8, 4, io->gsi_base });
    }
    for (unsigned int i = 0; i < host->nr_isos; i++) {
        const struct acpi_iso *iso = &host->isos[i];
        e += PUT_ENTRY(e, 2, MADT_ISO_LEN, { 2, 1, iso->bus }, { 3, 1, iso->source },
                       { 4, 4, iso->gsi }, { 8, 2, iso->flags });
    }
    for (unsigned int i = 0; i < host->nr_nmis; i++)
        e += put_nmi(e, &host->nmis[i]);
    acpi_put_checksum(m, (uint32_t)len);
}

int dom0_acpi_build(void *buf, size_t size, uint64_t paddr, unsigned int nr_vcpus,
                    const struct acpi_info *host, acpi_map_fn map,
                    bool (*is_firmware)(uint64_t pa, uint64_t len),
                    struct dom0_acpi_layout *out)
{
    uint64_t tables[ACPI_MAX_ROOT_ENTRIES];
    struct dom0_acpi_layout l = { 0 };
    uint8_t *b = buf;
    size_t xsdt_len, mlen;
    int n;

    if (!nr_vcpus || nr_vcpus > ACPI_TABLES_MAX_VCPUS || !IS_ALIGNED(paddr, 16) ||
        !host->root_addr || host->nr_tables > ACPI_MAX_ROOT_ENTRIES) {
        ACPI_ERR("no usable host tables, or a bad request\n");
        return -EINVAL;
    }
    if ((n = pick_tables(host, map, is_firmware, tables, &l)) < 0)
        return n;
    l.nr_listed = (unsigned int)n + 1;
    xsdt_len = ACPI_TABLE_HEADER_LEN + 8 * (size_t)l.nr_listed;
    mlen = madt_len(nr_vcpus, host);
    l.rsdp = 0;
    l.xsdt = ALIGN_UP(ACPI_RSDP_LEN, 16);
    l.madt = ALIGN_UP(l.xsdt + xsdt_len, 16);
    l.size = l.madt + mlen;
    if (l.size > size) {
        ACPI_ERR("tables need %zu bytes, room for %zu\n", l.size, size);
        return -ENOSPC;
    }
    memset(b, 0, l.size);
    build_madt(b + l.madt, mlen, nr_vcpus, host);
    acpi_put_header(b + l.xsdt, "XSDT", (uint32_t)xsdt_len, ACPI_XSDT_REVISION);
    acpi_put64(b + l.xsdt, ACPI_TABLE_HEADER_LEN, paddr + l.madt);
    for (int i = 0; i < n; i++)
        acpi_put64(b + l.xsdt, ACPI_TABLE_HEADER_LEN + 8 * (size_t)(i + 1), tables[i]);
    acpi_put_checksum(b + l.xsdt, (uint32_t)xsdt_len);
    acpi_put_rsdp(b + l.rsdp, paddr + l.xsdt);
    *out = l;
    return 0;
}
