/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: dom0's memory map and ACPI root (hypervisor/arch/x86/guest/
 * dom0_e820.c, dom0_acpi.c). The host's firmware is faked in a buffer
 * (RSDP-less: the builder starts from the parsed struct acpi_info); dom0's
 * tables are checked byte by byte and read back by the hypervisor's own
 * ACPI parser.
 */
#include <asm/acpi.h>
#include <asm/acpi_build.h>
#include <asm/acpi_tables.h>
#include <asm/dom0_build.h>
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/memmap.h>
#include "test.h"

/* ---- the memory map ---- */

static struct memmap host_map;
static struct e820_entry e820[DOM0_E820_MAX];

/* SeaBIOS's map of a 2 GiB q35 machine, as the hypervisor normalises it. */
static void seabios_map(void)
{
    memmap_init(&host_map);
    memmap_add(&host_map, 0, 0x9fc00, MEM_RAM);
    memmap_add(&host_map, 0x9fc00, 0xa0000, MEM_RESERVED);
    memmap_add(&host_map, 0xf0000, 0x100000, MEM_RESERVED);
    memmap_add(&host_map, 0x100000, 0x7ffe0000, MEM_RAM);
    memmap_add(&host_map, 0x7ffe0000, 0x80000000, MEM_RESERVED);
    memmap_add(&host_map, 0xb0000000, 0xc0000000, MEM_RESERVED);
    memmap_add(&host_map, 0xfffc0000, 0x100000000, MEM_RESERVED);
}

static void check_entry(int i, uint64_t start, uint64_t end, uint32_t type)
{
    CHECK_EQ(e820[i].addr, start);
    CHECK_EQ(e820[i].addr + e820[i].size, end);
    CHECK_EQ(e820[i].type, type);
}

static void test_e820_layout(void)
{
    const struct dom0_range ram[] = {
        { 0, 0x9f000 }, { 0xa90000, 0x20000000 }, { 0x20200000, 0x40000000 },
    };
    int n;

    seabios_map();
    n = dom0_e820_build(&host_map, ram, ARRAY_SIZE(ram), 0xa90000, 0xa91000, e820,
                        DOM0_E820_MAX);
    CHECK_EQ(n, 13);
    check_entry(0, 0, 0x9f000, MEM_RAM);
    check_entry(1, 0x9f000, 0x9fc00, MEM_UNUSABLE);     /* the host's partial page */
    check_entry(2, 0x9fc00, 0xa0000, MEM_RESERVED);
    check_entry(3, 0xf0000, 0x100000, MEM_RESERVED);
    check_entry(4, 0x100000, 0xa90000, MEM_UNUSABLE);   /* the hypervisor, modules */
    check_entry(5, 0xa90000, 0xa91000, MEM_ACPI);       /* the crafted tables */
    check_entry(6, 0xa91000, 0x20000000, MEM_RAM);
    check_entry(7, 0x20000000, 0x20200000, MEM_UNUSABLE);
    check_entry(8, 0x20200000, 0x40000000, MEM_RAM);
    check_entry(9, 0x40000000, 0x7ffe0000, MEM_UNUSABLE);
    check_entry(10, 0x7ffe0000, 0x80000000, MEM_RESERVED);
    check_entry(11, 0xb0000000, 0xc0000000, MEM_RESERVED);
    check_entry(12, 0xfffc0000, 0x100000000, MEM_RESERVED);
}

/* Whatever the ranges, RAM + ACPI typed bytes are exactly dom0's, every
 * byte of host RAM is covered once, and the entries are sorted. */
static void test_e820_accounts_for_everything(void)
{
    uint64_t seed = 12345;

    seabios_map();
    for (int round = 0; round < 200; round++) {
        struct dom0_range ram[8];
        unsigned int nr = 0;
        uint64_t at = 0, mine = 0;

        while (nr < ARRAY_SIZE(ram)) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            uint64_t gap = (seed >> 20) % 0x8000000, len = (seed >> 40) % 0x8000000 + 1;
            uint64_t s = ALIGN_UP(at + gap, PAGE_SIZE), e = ALIGN_UP(s + len, PAGE_SIZE);
            if (e > 0x7ffe0000)
                break;
            if (s < 0x100000 && e > 0x9f000)
                s = 0x100000;           /* dom0's RAM is host RAM */
            if (s >= e)
                continue;
            ram[nr++] = (struct dom0_range){ s, e };
            mine += e - s;
            at = e;
        }
        uint64_t acpi = nr ? ram[nr - 1].end - PAGE_SIZE : 0;
        int n = dom0_e820_build(&host_map, ram, nr, acpi, nr ? acpi + PAGE_SIZE : 0, e820,
                                DOM0_E820_MAX);
        CHECK(n > 0);
        uint64_t typed = 0, host_ram = 0, prev_end = 0;
        for (int i = 0; i < n; i++) {
            CHECK(e820[i].addr >= prev_end);
            prev_end = e820[i].addr + e820[i].size;
            if (e820[i].type == MEM_RAM || e820[i].type == MEM_ACPI)
                typed += e820[i].size;
            if (e820[i].type == MEM_RAM || e820[i].type == MEM_ACPI ||
                e820[i].type == MEM_UNUSABLE)
                host_ram += e820[i].size;
            if (i)
                CHECK(e820[i].type != e820[i - 1].type ||
                      e820[i - 1].addr + e820[i - 1].size != e820[i].addr);
        }
        CHECK_EQ(typed, mine);
        CHECK_EQ(host_ram, memmap_usable_bytes(&host_map));
    }
}

static void test_e820_too_many_entries(void)
{
    struct dom0_range ram[80];

    seabios_map();
    for (unsigned int i = 0; i < ARRAY_SIZE(ram); i++)
        ram[i] = (struct dom0_range){ MiB(2) * (i + 1), MiB(2) * (i + 1) + MiB(1) };
    CHECK_EQ(dom0_e820_build(&host_map, ram, ARRAY_SIZE(ram), 0, 0, e820, DOM0_E820_MAX),
             -ENOSPC);
    /* unusable below 1M, 2 reserved, then unusable + RAM per range, the
     * last unusable up to the end of host RAM, 3 reserved above */
    CHECK_EQ(dom0_e820_build(&host_map, ram, 10, 0, 0, e820, DOM0_E820_MAX), 27);
}

/* ---- ACPI ---- */

#define HOST        0x7ffe0000ULL       /* the fake firmware's tables */
#define HOST_LEN    0x8000
#define RAM_TABLE   0x00200000ULL       /* a table in host RAM: must stay hidden */
#define BASE        0x00a90000ULL       /* dom0's tables */

static uint8_t host_mem[HOST_LEN], ram_mem[PAGE_SIZE], buf[DOM0_ACPI_MAX];
static size_t host_used;
static struct acpi_info host;
static struct dom0_acpi_layout lay;

static const void *map(paddr_t pa, size_t len)
{
    if (pa >= HOST && len <= HOST_LEN && pa - HOST <= HOST_LEN - len)
        return host_mem + (pa - HOST);
    if (pa >= RAM_TABLE && len <= PAGE_SIZE && pa - RAM_TABLE <= PAGE_SIZE - len)
        return ram_mem + (pa - RAM_TABLE);
    if (pa >= BASE && len <= sizeof(buf) && pa - BASE <= sizeof(buf) - len)
        return buf + (pa - BASE);
    return NULL;
}

static bool is_firmware(uint64_t pa, uint64_t len)
{
    return pa >= HOST && pa + len <= HOST + HOST_LEN;
}

/* A table of len bytes with a valid header and checksum; its address. */
static uint64_t host_table(const char *sig, uint32_t len)
{
    uint64_t pa = HOST + host_used;

    acpi_put_header(host_mem + host_used, sig, len, 1);
    acpi_put_checksum(host_mem + host_used, len);
    host_used = ALIGN_UP(host_used + len, 64);
    return pa;
}

/* The host: XSDT -> FACP, APIC, HPET, DMAR, IVRS, SSDT, MCFG, SRAT, OEM1,
 * and an SSDT in RAM; FACP -> DSDT, FACS; one IOAPIC, two overrides, one
 * LINT1 NMI for all CPUs. */
static void fake_host(void)
{
    static const char *const sigs[] = {
        "FACP", "APIC", "HPET", "DMAR", "IVRS", "SSDT", "MCFG", "SRAT", "OEM1",
    };
    uint64_t entries[ARRAY_SIZE(sigs) + 1];

    memset(host_mem, 0, sizeof(host_mem));
    memset(&host, 0, sizeof(host));
    host_used = 0;
    memcpy(host_mem, "FACS", 4);
    acpi_put32(host_mem, 4, 64);
    host.fadt.facs = HOST;
    host_used = 64;
    host.fadt.dsdt = host_table("DSDT", 100);
    for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
        entries[i] = host_table(sigs[i], !strcmp(sigs[i], "FACP") ? 244 : 60);
    acpi_put_header(ram_mem, "SSDT", 50, 1);
    acpi_put_checksum(ram_mem, 50);
    entries[ARRAY_SIZE(sigs)] = RAM_TABLE;
    uint32_t xlen = ACPI_TABLE_HEADER_LEN + 8 * ARRAY_SIZE(entries);
    uint64_t xsdt = HOST + host_used;
    acpi_put_header(host_mem + host_used, "XSDT", xlen, 1);
    for (size_t i = 0; i < ARRAY_SIZE(entries); i++)
        acpi_put64(host_mem + host_used, ACPI_TABLE_HEADER_LEN + 8 * i, entries[i]);
    acpi_put_checksum(host_mem + host_used, xlen);
    host_used += xlen;
    host.root_addr = xsdt;
    host.xsdt = true;
    host.nr_tables = ARRAY_SIZE(entries);
    host.fadt.present = true;
    host.has_madt = true;
    host.madt_flags = 1;                /* PCAT_COMPAT, which dom0 must not see */
    host.nr_ioapics = 1;
    host.ioapics[0] = (struct acpi_ioapic){ .id = 0, .address = 0xfec00000, .gsi_base = 0 };
    host.nr_isos = 2;
    host.isos[0] = (struct acpi_iso){ .bus = 0, .source = 0, .gsi = 2, .flags = 0 };
    host.isos[1] = (struct acpi_iso){ .bus = 0, .source = 9, .gsi = 9, .flags = 0xd };
    host.nr_nmis = 1;
    host.nmis[0] = (struct acpi_lapic_nmi){ ACPI_NMI_ALL_CPUS, 0, 1 };
}

static uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;

    while (len--)
        s = (uint8_t)(s + *p++);
    return s;
}

static bool xsdt_lists(const char *sig)
{
    const uint8_t *x = buf + lay.xsdt;
    uint32_t len = acpi_rd32(x, 4);

    for (uint32_t off = ACPI_TABLE_HEADER_LEN; off + 8 <= len; off += 8) {
        const uint8_t *t = map(acpi_rd64(x, off), ACPI_TABLE_HEADER_LEN);
        if (t && !memcmp(t, sig, 4))
            return true;
    }
    return false;
}

static bool host_mapped(uint64_t pa)
{
    for (unsigned int i = 0; i < lay.nr_host; i++)
        if (pa >= lay.host[i].start && pa < lay.host[i].end)
            return true;
    return false;
}

static void test_acpi_root(void)
{
    fake_host();
    CHECK_EQ(dom0_acpi_build(buf, sizeof(buf), BASE, 2, &host, map, is_firmware, &lay), 0);
    const uint8_t *r = buf + lay.rsdp;
    CHECK(!memcmp(r, "RSD PTR ", 8));
    CHECK_EQ(r[15], 2);
    CHECK_EQ(sum(r, 20), 0);
    CHECK_EQ(sum(r, ACPI_RSDP_LEN), 0);
    CHECK_EQ(acpi_rd64(r, 24), BASE + lay.xsdt);
    const uint8_t *x = buf + lay.xsdt;
    CHECK(!memcmp(x, "XSDT", 4));
    CHECK_EQ(sum(x, acpi_rd32(x, 4)), 0);
    /* MADT (new), FACP, SSDT, MCFG, OEM1: five. */
    CHECK_EQ(lay.nr_listed, 5);
    CHECK_EQ(acpi_rd32(x, 4), ACPI_TABLE_HEADER_LEN + 5 * 8);
    CHECK_EQ(acpi_rd64(x, ACPI_TABLE_HEADER_LEN), BASE + lay.madt);
    CHECK_EQ(lay.nr_hidden, 6);         /* APIC, HPET, DMAR, IVRS, SRAT, SSDT in RAM */
    for (const char *const *s = (const char *const[]){ "FACP", "SSDT", "MCFG", "OEM1", 0 };
         *s; s++)
        CHECK(xsdt_lists(*s));
    for (const char *const *s = (const char *const[]){ "HPET", "DMAR", "IVRS", "SRAT", 0 };
         *s; s++)
        CHECK(!xsdt_lists(*s));
    /* The only APIC listed is ours. */
    const uint8_t *m = buf + lay.madt;
    CHECK(!memcmp(m, "APIC", 4));
    CHECK_EQ(sum(m, acpi_rd32(m, 4)), 0);
    CHECK(lay.size <= sizeof(buf));
    /* dom0 can read what it is pointed at: the listed tables, DSDT, FACS. */
    CHECK(host_mapped(host.fadt.dsdt));
    CHECK(host_mapped(host.fadt.facs));
    CHECK_EQ(lay.nr_host, 6);
    CHECK(!host_mapped(RAM_TABLE));
}

/* The host's IOAPICs, overrides and NMI entries, unchanged. */
static bool same_host_entries(const struct acpi_info *a, const struct acpi_info *b)
{
    bool same = a->nr_ioapics == b->nr_ioapics && a->nr_isos == b->nr_isos &&
                a->nr_nmis == b->nr_nmis;

    for (unsigned int i = 0; same && i < a->nr_ioapics; i++)
        same = a->ioapics[i].id == b->ioapics[i].id &&
               a->ioapics[i].address == b->ioapics[i].address &&
               a->ioapics[i].gsi_base == b->ioapics[i].gsi_base;
    for (unsigned int i = 0; same && i < a->nr_isos; i++)
        same = a->isos[i].bus == b->isos[i].bus && a->isos[i].source == b->isos[i].source &&
               a->isos[i].gsi == b->isos[i].gsi && a->isos[i].flags == b->isos[i].flags;
    for (unsigned int i = 0; same && i < a->nr_nmis; i++)
        same = a->nmis[i].acpi_uid == b->nmis[i].acpi_uid &&
               a->nmis[i].flags == b->nmis[i].flags && a->nmis[i].lint == b->nmis[i].lint;
    return same;
}

/* The MADT as Linux's parser would see it: the hypervisor's own. */
static void test_acpi_madt_reads_back(void)
{
    static struct acpi_info got;
    static const unsigned int counts[] = { 1, 2, 64, 127, 128, 300 };

    for (size_t c = 0; c < ARRAY_SIZE(counts); c++) {
        unsigned int n = counts[c];
        fake_host();
        CHECK_EQ(dom0_acpi_build(buf, sizeof(buf), BASE, n, &host, map, is_firmware, &lay), 0);
        memset(&got, 0, sizeof(got));
        host_log_clear();
        CHECK_EQ(acpi_parse(buf + lay.rsdp, ACPI_RSDP_LEN, &got, map), 0);
        CHECK(got.has_madt);
        CHECK_EQ(got.madt_flags, 0);
        CHECK_EQ(got.lapic_base, ACPI_TABLES_LAPIC_BASE);
        CHECK_EQ(got.nr_cpus, MIN(n, (unsigned int)MAX_CPUS));
        for (unsigned int i = 0; i < got.nr_cpus; i++) {
            CHECK_EQ(got.cpus[i].apic_id, acpi_vcpu_apic_id(i));
            CHECK_EQ(got.cpus[i].acpi_uid, i);
            CHECK(got.cpus[i].enabled);
        }
        CHECK(same_host_entries(&got, &host));
        CHECK(!got.has_hpet && !got.has_dmar && !got.has_ivrs);
        CHECK(got.fadt.present);
        CHECK_EQ(got.bad_tables, 0);
    }
}

static void test_acpi_errors(void)
{
    fake_host();
    host_log_clear();
    CHECK_EQ(dom0_acpi_build(buf, 64, BASE, 2, &host, map, is_firmware, &lay), -ENOSPC);
    CHECK_LOG("dom0: acpi: tables need");
    CHECK_EQ(dom0_acpi_build(buf, sizeof(buf), BASE + 1, 2, &host, map, is_firmware, &lay),
             -EINVAL);
    CHECK_EQ(dom0_acpi_build(buf, sizeof(buf), BASE, 0, &host, map, is_firmware, &lay),
             -EINVAL);
    host.root_addr = 0;
    CHECK_EQ(dom0_acpi_build(buf, sizeof(buf), BASE, 2, &host, map, is_firmware, &lay),
             -EINVAL);
    /* A root entry pointing nowhere, or at a bad checksum, is hidden. */
    fake_host();
    host_mem[HOST + 64 - HOST + 9] ^= 1;    /* the DSDT's checksum */
    acpi_put64(host_mem, (size_t)(host.root_addr - HOST) + ACPI_TABLE_HEADER_LEN, 0xdead0000);
    CHECK_EQ(dom0_acpi_build(buf, sizeof(buf), BASE, 2, &host, map, is_firmware, &lay), 0);
    CHECK(!xsdt_lists("FACP"));
    CHECK_EQ(lay.nr_listed, 4);
    CHECK_EQ(lay.nr_host, 4);           /* SSDT, MCFG, OEM1, FACS */
}

int main(void)
{
    RUN(test_e820_layout);
    RUN(test_e820_accounts_for_everything);
    RUN(test_e820_too_many_entries);
    RUN(test_acpi_root);
    RUN(test_acpi_madt_reads_back);
    RUN(test_acpi_errors);
    return test_summary();
}
