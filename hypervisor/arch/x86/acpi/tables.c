/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ACPI: finding and validating the RSDP, walking the RSDT/XSDT, handing each
 * table to its parser (see asm/acpi.h). Section numbers: ACPI 6.5.
 */
#include <asm/acpi.h>
#include <tessera/lib.h>

/* The last RSDP acpi_find_rsdp_legacy() found, so acpi_parse() can report
 * its physical address. */
static const void *legacy_rsdp;
static paddr_t legacy_rsdp_pa;

uint8_t acpi_checksum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while (len--)
        sum = (uint8_t)(sum + *b++);
    return sum;
}

void acpi_gas_read(const void *p, size_t off, struct acpi_gas *gas)
{
    gas->space_id = acpi_rd8(p, off);
    gas->bit_width = acpi_rd8(p, off + 1);
    gas->bit_offset = acpi_rd8(p, off + 2);
    gas->access_size = acpi_rd8(p, off + 3);
    gas->address = acpi_rd64(p, off + 4);
}

static void sig_str(const void *p, char out[5])
{
    for (int i = 0; i < 4; i++) {
        char c = (char)acpi_rd8(p, (size_t)i);
        out[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    out[4] = '\0';
}

static const void *map_checked(acpi_map_fn map, paddr_t pa, size_t len)
{
    if (!pa || pa > ~(paddr_t)0 - len)
        return NULL;
    return map(pa, len);
}

const void *acpi_map_table(acpi_map_fn map, paddr_t pa, const char *sig, uint32_t *lenp)
{
    const void *h = map_checked(map, pa, ACPI_HEADER_LEN);
    char name[5];

    if (!h) {
        printk(LOG_WARN "acpi: table at %#llx is not in readable memory\n",
               (unsigned long long)pa);
        return NULL;
    }
    sig_str(h, name);
    if (sig && memcmp(h, sig, 4)) {
        printk(LOG_WARN "acpi: expected %s at %#llx, found '%s'\n", sig,
               (unsigned long long)pa, name);
        return NULL;
    }
    uint32_t len = acpi_rd32(h, 4);
    if (len < ACPI_HEADER_LEN || len > ACPI_MAX_TABLE_LEN) {
        printk(LOG_WARN "acpi: %s at %#llx has a bogus length %u\n", name,
               (unsigned long long)pa, len);
        return NULL;
    }
    const void *t = map_checked(map, pa, len);
    if (!t) {
        printk(LOG_WARN "acpi: %s at %#llx (%u bytes) runs past readable memory\n", name,
               (unsigned long long)pa, len);
        return NULL;
    }
    if (acpi_checksum(t, len)) {
        printk(LOG_WARN "acpi: %s at %#llx has a bad checksum\n", name, (unsigned long long)pa);
        return NULL;
    }
    *lenp = len;
    return t;
}

/* 5.2.5.3: the first 20 bytes always checksum to 0; revision 2+ adds a
 * length and an extended checksum over the whole structure. avail is how
 * many bytes at p may be read. */
static bool rsdp_valid(const uint8_t *p, size_t avail)
{
    if (avail < ACPI_RSDP_V1_LEN || memcmp(p, "RSD PTR ", 8) ||
        acpi_checksum(p, ACPI_RSDP_V1_LEN))
        return false;
    if (p[15] < 2)
        return true;
    if (avail < ACPI_RSDP_V2_LEN)
        return false;
    uint32_t len = acpi_rd32(p, 20);
    return len >= ACPI_RSDP_V2_LEN && len <= avail && !acpi_checksum(p, len);
}

static const void *scan_rsdp(acpi_map_fn map, paddr_t start, size_t len, paddr_t *found)
{
    const uint8_t *area = map_checked(map, start, len);

    if (!area)
        return NULL;
    for (size_t off = 0; off + ACPI_RSDP_V1_LEN <= len; off += 16) {
        if (rsdp_valid(area + off, len - off)) {
            *found = start + off;
            return area + off;
        }
    }
    return NULL;
}

const void *acpi_find_rsdp_legacy(acpi_map_fn map, paddr_t *found)
{
    const void *r = NULL;
    const uint8_t *bda = map_checked(map, 0x40e, 2);
    paddr_t pa = 0;

    /* 5.2.5.1: the first KiB of the EBDA, whose segment is at 0x40E ... */
    if (bda) {
        paddr_t ebda = (paddr_t)acpi_rd16(bda, 0) << 4;
        if (ebda >= 0x400 && ebda + 1024 <= 0xa0000)
            r = scan_rsdp(map, ebda, 1024, &pa);
    }
    /* ... then the BIOS read-only area 0xE0000-0xFFFFF. */
    if (!r)
        r = scan_rsdp(map, 0xe0000, 0x20000, &pa);
    if (r) {
        legacy_rsdp = r;
        legacy_rsdp_pa = pa;
        if (found)
            *found = pa;
    }
    return r;
}

/* The root table and its entry width; NULL if unusable. */
static const void *map_root(acpi_map_fn map, paddr_t pa, bool xsdt, uint32_t *len)
{
    const void *t = acpi_map_table(map, pa, xsdt ? "XSDT" : "RSDT", len);

    if (t && (*len - ACPI_HEADER_LEN) % (xsdt ? 8 : 4))
        printk(LOG_WARN "acpi: %s length %u is not a whole number of entries\n",
               xsdt ? "XSDT" : "RSDT", *len);
    return t;
}

static void remember(const char *what, bool *has, paddr_t *addr, paddr_t pa)
{
    if (*has) {
        printk(LOG_WARN "acpi: second %s at %#llx ignored\n", what, (unsigned long long)pa);
        return;
    }
    *has = true;
    *addr = pa;
}

static void parse_table(acpi_map_fn map, paddr_t pa, struct acpi_info *out)
{
    static const char *const known[] = { "APIC", "FACP", "MCFG", "HPET", "DMAR", "IVRS" };
    const void *h = map_checked(map, pa, ACPI_HEADER_LEN);
    const void *t;
    uint32_t len;
    unsigned int i;

    if (!h) {
        printk(LOG_WARN "acpi: root table entry %#llx is not in readable memory\n",
               (unsigned long long)pa);
        out->bad_tables++;
        return;
    }
    for (i = 0; i < ARRAY_SIZE(known); i++)
        if (!memcmp(h, known[i], 4))
            break;
    if (i == ARRAY_SIZE(known))
        return;                         /* not one we use: not even validated */
    t = acpi_map_table(map, pa, known[i], &len);
    if (!t) {
        printk(LOG_WARN "acpi: %s skipped\n", known[i]);
        out->bad_tables++;
        return;
    }
    switch (i) {
    case 0:
        if (out->has_madt)
            printk(LOG_WARN "acpi: second MADT at %#llx ignored\n", (unsigned long long)pa);
        else
            acpi_parse_madt(t, len, out);
        break;
    case 1:
        if (out->fadt.present)
            printk(LOG_WARN "acpi: second FADT at %#llx ignored\n", (unsigned long long)pa);
        else
            acpi_parse_fadt(t, len, out);
        break;
    case 2:
        acpi_parse_mcfg(t, len, out);
        break;
    case 3:
        if (!out->has_hpet)
            acpi_parse_hpet(t, len, out);
        break;
    case 4:
        remember("DMAR", &out->has_dmar, &out->dmar_addr, pa);
        break;
    case 5:
        remember("IVRS", &out->has_ivrs, &out->ivrs_addr, pa);
        break;
    }
}

/* The DSDT is reached through the FADT, not the root table (5.2.9). */
static void parse_dsdt(acpi_map_fn map, struct acpi_info *out)
{
    uint32_t len;

    if (!out->fadt.dsdt)
        return;
    const void *t = acpi_map_table(map, out->fadt.dsdt, "DSDT", &len);
    if (!t) {
        printk(LOG_WARN "acpi: DSDT skipped: no S5 (soft-off) information\n");
        out->bad_tables++;
        return;
    }
    int rc = acpi_find_s5(t, len, &out->slp_typa, &out->slp_typb);
    if (rc == 0)
        out->s5_valid = true;
    else if (rc == -ENOENT)
        printk(LOG_WARN "acpi: DSDT has no \\_S5_ object: no ACPI soft-off\n");
    else
        printk(LOG_WARN "acpi: DSDT's \\_S5_ package is malformed: no ACPI soft-off\n");
}

int acpi_parse(const void *rsdp, size_t rsdp_len, struct acpi_info *out, acpi_map_fn map)
{
    const uint8_t *r = rsdp;
    const void *root = NULL;
    uint32_t len = 0;
    bool xsdt = false;

    if (!out || !map)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    if (!r || !rsdp_valid(r, rsdp_len)) {
        printk(LOG_ERR "acpi: RSDP invalid (signature, checksum or length)\n");
        return -EINVAL;
    }
    if (rsdp == legacy_rsdp)
        out->rsdp_addr = legacy_rsdp_pa;
    out->rsdp_revision = r[15];
    memcpy(out->oem_id, r + 9, 6);
    for (int i = 0; i < 6; i++)
        if (out->oem_id[i] < 0x20 || out->oem_id[i] >= 0x7f)
            out->oem_id[i] = '?';

    /* 5.2.5.3: on revision 2+, use the XSDT when there is one. */
    paddr_t rsdt_pa = acpi_rd32(r, 16);
    paddr_t xsdt_pa = r[15] >= 2 ? acpi_rd64(r, 24) : 0;
    if (xsdt_pa) {
        root = map_root(map, xsdt_pa, true, &len);
        if (root) {
            xsdt = true;
            out->root_addr = xsdt_pa;
        } else if (rsdt_pa) {
            printk(LOG_WARN "acpi: XSDT unusable, falling back to the RSDT\n");
        }
    }
    if (!root && rsdt_pa) {
        root = map_root(map, rsdt_pa, false, &len);
        out->root_addr = rsdt_pa;
    }
    if (!root) {
        printk(LOG_ERR "acpi: no usable RSDT/XSDT\n");
        out->root_addr = 0;
        return -EINVAL;
    }
    out->xsdt = xsdt;

    unsigned int width = xsdt ? 8 : 4;
    unsigned int n = (len - ACPI_HEADER_LEN) / width;
    if (n > ACPI_MAX_ROOT_ENTRIES) {
        printk(LOG_WARN "acpi: %u root table entries, only the first %u used\n",
               n, ACPI_MAX_ROOT_ENTRIES);
        n = ACPI_MAX_ROOT_ENTRIES;
    }
    out->nr_tables = n;
    for (unsigned int i = 0; i < n; i++) {
        size_t off = ACPI_HEADER_LEN + (size_t)i * width;
        paddr_t pa = xsdt ? acpi_rd64(root, off) : acpi_rd32(root, off);
        if (pa)
            parse_table(map, pa, out);
    }
    parse_dsdt(map, out);
    return 0;
}
