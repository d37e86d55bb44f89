/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: hypervisor/arch/x86/acpi/. The fixtures are QEMU's real tables
 * (tests/unit/fixtures/acpi/{q35,pc}, made by dump.sh), placed at their
 * original physical addresses in a fake physical memory. The map function
 * hands the parser a fresh malloc'd copy of exactly the bytes it asked for,
 * so ASan catches any read beyond what the parser mapped.
 */
#include <asm/acpi.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include "test.h"

#ifndef FIXTURE_DIR
#define FIXTURE_DIR "tests/unit/fixtures"
#endif

#define BIOS_BASE   0xe0000ULL
#define TABLES_WIN  0xffd0000ULL            /* covers QEMU's tables below 256 MiB */
#define TABLES_LEN  0x30000ULL
#define SCRATCH     0x20000000ULL           /* room for hand-made tables */
#define SCRATCH_LEN MiB(1)
#define HIGH        0x100000000ULL          /* above 4 GiB */
#define HIGH_LEN    MiB(1)

static struct acpi_info info;

/* ---- strict map: exact-size copies ---- */

static void *copies[4096];
static unsigned int nr_copies, nr_maps;
static paddr_t deny_start, deny_end;        /* pretend this range is unreadable */

static const void *strict_map(paddr_t pa, size_t len)
{
    nr_maps++;
    if (!len || pa + len < pa || !host_phys_present(pa, len))
        return NULL;
    if (pa < deny_end && pa + len > deny_start)
        return NULL;
    if (nr_copies == ARRAY_SIZE(copies))
        return NULL;
    void *c = malloc(len);
    memcpy(c, phys_to_virt(pa), len);
    copies[nr_copies++] = c;
    return c;
}

static void drop_copies(void)
{
    while (nr_copies)
        free(copies[--nr_copies]);
    nr_maps = 0;
}

/* ---- fake physical memory from the fixtures ---- */

struct placed {
    char name[32];
    paddr_t pa;
    size_t len;
};
static struct placed placed[16];
static unsigned int nr_placed;
static uint8_t *rsdp_copy;

static uint8_t *P(paddr_t pa)
{
    return phys_to_virt(pa);
}

static size_t load_file(const char *path, uint8_t *buf, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        abort();
    }
    size_t n = fread(buf, 1, max, f);
    fclose(f);
    return n;
}

static paddr_t where(const char *name)
{
    for (unsigned int i = 0; i < nr_placed; i++)
        if (!strcmp(placed[i].name, name))
            return placed[i].pa;
    return 0;
}

static size_t size_of(const char *name)
{
    for (unsigned int i = 0; i < nr_placed; i++)
        if (!strcmp(placed[i].name, name))
            return placed[i].len;
    return 0;
}

static void zero_window(paddr_t base, size_t len)
{
    memset(host_phys_add(base, len), 0, len);
}

/* Builds the machine's memory; returns the RSDP's address. */
static paddr_t load_machine(const char *machine)
{
    char path[512], line[256];
    paddr_t rsdp = 0;

    drop_copies();
    host_phys_reset();
    deny_start = deny_end = 0;
    zero_window(0, 0x1000);                 /* BDA: EBDA segment 0 */
    zero_window(0x9f000, 0x1000);           /* where an EBDA would be */
    zero_window(BIOS_BASE, 0x20000);
    zero_window(TABLES_WIN, TABLES_LEN);
    zero_window(SCRATCH, SCRATCH_LEN);
    zero_window(HIGH, HIGH_LEN);
    nr_placed = 0;

    snprintf(path, sizeof(path), "%s/acpi/%s/layout.txt", FIXTURE_DIR, machine);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        abort();
    }
    while (fgets(line, sizeof(line), f)) {
        char name[32];
        unsigned long long pa;
        if (line[0] == '#' || sscanf(line, "%31s %llx", name, &pa) != 2)
            continue;
        snprintf(path, sizeof(path), "%s/acpi/%s/%s", FIXTURE_DIR, machine, name);
        if (!host_phys_present(pa, 1)) {
            fprintf(stderr, "%s at %#llx outside the fake memory\n", name, pa);
            abort();
        }
        size_t n = load_file(path, P(pa), 0x10000);
        struct placed *pl = &placed[nr_placed++];
        snprintf(pl->name, sizeof(pl->name), "%s", name);
        pl->pa = pa;
        pl->len = n;
        if (!strcmp(name, "rsdp.bin"))
            rsdp = pa;
    }
    fclose(f);
    if (!rsdp)
        abort();
    host_log_clear();
    return rsdp;
}

static void fix_csum(paddr_t pa, size_t len, size_t csum_off)
{
    uint8_t *t = P(pa);
    t[csum_off] = 0;
    t[csum_off] = (uint8_t)-acpi_checksum(t, len);
}

static void fix_table(paddr_t pa)
{
    fix_csum(pa, acpi_rd32(P(pa), 4), 9);
}

static void put32(paddr_t pa, uint32_t v) { memcpy(P(pa), &v, 4); }
static void put64(paddr_t pa, uint64_t v) { memcpy(P(pa), &v, 8); }

/* Writes a table header at pa. */
static void make_header(paddr_t pa, const char *sig, uint32_t len, uint8_t rev)
{
    uint8_t *t = P(pa);
    memset(t, 0, ACPI_HEADER_LEN);
    memcpy(t, sig, 4);
    memcpy(t + 4, &len, 4);
    t[8] = rev;
    memcpy(t + 10, "TESSRA", 6);
    memcpy(t + 16, "UNITTEST", 8);
}

/* Re-points the RSDT entry currently at old_pa to new_pa. */
static void repoint(paddr_t old_pa, paddr_t new_pa)
{
    paddr_t rsdt = where("rsdt.bin");
    uint32_t len = acpi_rd32(P(rsdt), 4);
    for (uint32_t off = 36; off + 4 <= len; off += 4)
        if (acpi_rd32(P(rsdt), off) == old_pa)
            put32(rsdt + off, (uint32_t)new_pa);
    fix_table(rsdt);
}

/* Copies a placed table to new_pa and re-points the RSDT to it. */
static paddr_t move_table(const char *name, paddr_t new_pa)
{
    memcpy(P(new_pa), P(where(name)), size_of(name));
    repoint(where(name), new_pa);
    return new_pa;
}

static int parse_at(paddr_t rsdp_pa, size_t rsdp_len)
{
    drop_copies();
    rsdp_copy = realloc(rsdp_copy, rsdp_len);
    memcpy(rsdp_copy, P(rsdp_pa), rsdp_len);     /* like a boot loader's copy */
    int rc = acpi_parse(rsdp_copy, rsdp_len, &info, strict_map);
    drop_copies();
    return rc;
}

static int parse_machine_rsdp(paddr_t rsdp_pa)
{
    return parse_at(rsdp_pa, ACPI_RSDP_V1_LEN);
}

/* ---- the real machines ---- */

static void check_common_qemu(void)
{
    CHECK(info.has_madt);
    CHECK_EQ(info.lapic_base, 0xfee00000);
    CHECK_EQ(info.madt_flags & 1, 1);
    CHECK_EQ(info.nr_cpus, 4);
    for (unsigned int i = 0; i < info.nr_cpus && i < 4; i++) {
        CHECK_EQ(info.cpus[i].apic_id, i);
        CHECK_EQ(info.cpus[i].acpi_uid, i);
        CHECK(info.cpus[i].enabled);
        CHECK(!info.cpus[i].x2apic);
    }
    CHECK_EQ(info.nr_ioapics, 1);
    CHECK_EQ(info.ioapics[0].id, 0);
    CHECK_EQ(info.ioapics[0].address, 0xfec00000);
    CHECK_EQ(info.ioapics[0].gsi_base, 0);
    CHECK_EQ(info.nr_isos, 5);
    CHECK_EQ(info.isos[0].source, 0);                /* the PIT goes to GSI 2 */
    CHECK_EQ(info.isos[0].gsi, 2);
    CHECK_EQ(info.isos[0].flags, 0);
    CHECK_EQ(info.isos[1].source, 5);
    CHECK_EQ(info.isos[1].gsi, 5);
    CHECK_EQ(info.isos[1].flags, 0xd);               /* level, active high */
    CHECK_EQ(info.isos[4].source, 11);
    CHECK_EQ(info.nr_nmis, 1);
    CHECK_EQ(info.nmis[0].acpi_uid, ACPI_NMI_ALL_CPUS);
    CHECK_EQ(info.nmis[0].lint, 1);
    CHECK(info.fadt.present);
    CHECK_EQ(info.fadt.sci_irq, 9);
    CHECK_EQ(info.fadt.smi_cmd, 0xb2);
    CHECK_EQ(info.fadt.pm1a_evt, 0x600);
    CHECK_EQ(info.fadt.pm1a_cnt, 0x604);
    CHECK_EQ(info.fadt.pm1b_cnt, 0);
    CHECK_EQ(info.fadt.pm_tmr_blk, 0x608);
    CHECK(!info.fadt.pm_tmr_32bit);                  /* QEMU: 24-bit timer */
    CHECK(info.s5_valid);
    CHECK_EQ(info.slp_typa, 0);
    CHECK_EQ(info.slp_typb, 0);
    CHECK(info.has_hpet);
    CHECK_EQ(info.hpet_base, 0xfed00000);
    CHECK(!info.has_dmar);
    CHECK(!info.has_ivrs);
    CHECK_EQ(info.bad_tables, 0);
}

static void test_q35(void)
{
    paddr_t r = load_machine("q35");
    paddr_t found = 0;

    drop_copies();
    const void *rsdp = acpi_find_rsdp_legacy(strict_map, &found);
    CHECK(rsdp != NULL);
    CHECK_EQ(found, r);
    CHECK_EQ(acpi_parse(rsdp, ACPI_RSDP_V2_LEN, &info, strict_map), 0);
    drop_copies();
    CHECK_EQ(info.rsdp_addr, r);
    CHECK_EQ(info.rsdp_revision, 0);
    CHECK(!info.xsdt);
    CHECK_EQ(info.root_addr, where("rsdt.bin"));
    CHECK_EQ(info.nr_tables, 5);
    check_common_qemu();
    CHECK_STR(info.oem_id, "BOCHS ");
    CHECK_EQ(info.fadt.revision, 3);
    CHECK_EQ(info.fadt.acpi_enable, 0x02);
    CHECK_EQ(info.fadt.acpi_disable, 0x03);
    CHECK(info.fadt.reset_supported);
    CHECK_EQ(info.fadt.reset_reg.space_id, ACPI_GAS_IO);
    CHECK_EQ(info.fadt.reset_reg.bit_width, 8);
    CHECK_EQ(info.fadt.reset_reg.address, 0xcf9);
    CHECK_EQ(info.fadt.reset_value, 0x0f);
    CHECK_EQ(info.fadt.dsdt, where("DSDT.bin"));
    CHECK_EQ(info.fadt.facs, where("FACS.bin"));
    CHECK_EQ(info.nr_mcfg, 1);
    CHECK_EQ(info.mcfg[0].base, 0xb0000000);
    CHECK_EQ(info.mcfg[0].segment, 0);
    CHECK_EQ(info.mcfg[0].start_bus, 0);
    CHECK_EQ(info.mcfg[0].end_bus, 255);
    acpi_info_print(&info);
    CHECK_LOG("acpi: MADT: 4 CPUs (4 enabled)");
    CHECK_LOG("reset register io 0xcf9 value 0xf");
    CHECK_LOG("MCFG segment 0 buses 0-255 at 0xb0000000");
}

static void test_pc(void)
{
    paddr_t r = load_machine("pc");

    CHECK_EQ(parse_machine_rsdp(r), 0);
    check_common_qemu();
    CHECK_EQ(info.fadt.revision, 1);                 /* 116-byte FADT */
    CHECK_EQ(info.fadt.length, 116);
    CHECK_EQ(info.fadt.acpi_enable, 0xf1);
    CHECK_EQ(info.fadt.acpi_disable, 0xf0);
    CHECK(!info.fadt.reset_supported);               /* no reset register in rev 1 */
    CHECK_EQ(info.nr_mcfg, 0);                       /* no PCIe on i440fx */
    CHECK_EQ(info.nr_tables, 4);
    CHECK_EQ(info.rsdp_addr, 0);                     /* a copy: address unknown */
    acpi_info_print(&info);
    CHECK_LOG("no reset register");
}

/* XSDT variant: RSDP v2 -> XSDT above 4 GiB, MADT moved above 4 GiB, a FADT
 * whose X_DSDT points to a DSDT copy above 4 GiB and DSDT to garbage. */
static paddr_t build_xsdt(paddr_t *xsdt_out, bool with_rsdt)
{
    load_machine("q35");
    paddr_t rsdt = where("rsdt.bin"), xsdt = HIGH, rsdp = BIOS_BASE + 0x100;
    uint32_t n = (acpi_rd32(P(rsdt), 4) - 36) / 4;

    make_header(xsdt, "XSDT", 36 + 8 * n, 1);
    for (uint32_t i = 0; i < n; i++) {
        paddr_t t = acpi_rd32(P(rsdt), 36 + 4 * i);
        if (t == where("APIC.bin")) {
            memcpy(P(HIGH + 0x1000), P(t), size_of("APIC.bin"));
            t = HIGH + 0x1000;
        } else if (t == where("FACP.bin")) {
            memcpy(P(HIGH + 0x2000), P(t), size_of("FACP.bin"));
            t = HIGH + 0x2000;
            put32(t + 40, 0xdead0000);                   /* DSDT: ignored */
            put64(t + 140, HIGH + 0x4000);               /* X_DSDT */
            fix_table(t);
            memcpy(P(HIGH + 0x4000), P(where("DSDT.bin")), size_of("DSDT.bin"));
        }
        put64(xsdt + 36 + 8 * i, t);
    }
    fix_table(xsdt);

    uint8_t *p = P(rsdp);
    memcpy(p, "RSD PTR ", 8);
    memcpy(p + 9, "TESSRA", 6);
    p[15] = 2;
    put32(rsdp + 16, with_rsdt ? (uint32_t)rsdt : 0);
    put32(rsdp + 20, 36);
    put64(rsdp + 24, xsdt);
    fix_csum(rsdp, 20, 8);
    fix_csum(rsdp, 36, 32);
    *xsdt_out = xsdt;
    return rsdp;
}

static void test_xsdt_variant(void)
{
    paddr_t xsdt, rsdp = build_xsdt(&xsdt, true);

    CHECK_EQ(parse_at(rsdp, ACPI_RSDP_V2_LEN), 0);
    CHECK(info.xsdt);
    CHECK_EQ(info.root_addr, xsdt);
    CHECK_EQ(info.rsdp_revision, 2);
    CHECK_EQ(info.fadt.dsdt, HIGH + 0x4000);        /* X_DSDT preferred */
    check_common_qemu();
    CHECK_STR(info.oem_id, "TESSRA");

    /* the legacy scan finds the v2 RSDP (extended checksum checked) */
    paddr_t found;
    memset(P(where("rsdp.bin")), 0, 20);             /* remove QEMU's */
    drop_copies();
    CHECK(acpi_find_rsdp_legacy(strict_map, &found) != NULL);
    CHECK_EQ(found, rsdp);
    P(rsdp)[32] ^= 1;                                /* break the extended checksum */
    drop_copies();
    CHECK(acpi_find_rsdp_legacy(strict_map, &found) == NULL);
    drop_copies();

    /* a bad XSDT falls back to the RSDT */
    rsdp = build_xsdt(&xsdt, true);
    P(xsdt)[40] ^= 0xff;
    CHECK_EQ(parse_at(rsdp, ACPI_RSDP_V2_LEN), 0);
    CHECK(!info.xsdt);
    CHECK_LOG("XSDT at 0x100000000 has a bad checksum");
    CHECK_LOG("falling back to the RSDT");
    check_common_qemu();
    /* ... but without an RSDT it is fatal */
    rsdp = build_xsdt(&xsdt, false);
    P(xsdt)[40] ^= 0xff;
    CHECK_EQ(parse_at(rsdp, ACPI_RSDP_V2_LEN), -EINVAL);
    CHECK_LOG("no usable RSDT/XSDT");
}

static void test_bad_rsdp(void)
{
    paddr_t xsdt, r = load_machine("q35");
    uint8_t save[36];

    memcpy(save, P(r), 20);
    P(r)[9] ^= 1;                                    /* checksum */
    CHECK_EQ(parse_machine_rsdp(r), -EINVAL);
    CHECK_LOG("RSDP invalid");
    memcpy(P(r), save, 20);
    P(r)[0] = 'X';                                   /* signature */
    fix_csum(r, 20, 8);
    CHECK_EQ(parse_machine_rsdp(r), -EINVAL);
    memcpy(P(r), save, 20);
    CHECK_EQ(parse_at(r, 19), -EINVAL);              /* too short */
    CHECK_EQ(acpi_parse(NULL, 36, &info, strict_map), -EINVAL);
    CHECK_EQ(parse_machine_rsdp(r), 0);

    paddr_t r2 = build_xsdt(&xsdt, true);
    CHECK_EQ(parse_at(r2, 20), -EINVAL);             /* rev 2 needs 36 bytes */
    put32(r2 + 20, 0x1000);                          /* length beyond the copy */
    fix_csum(r2, 36, 32);
    CHECK_EQ(parse_at(r2, 36), -EINVAL);
    put32(r2 + 20, 36);
    P(r2)[33] ^= 1;                                  /* extended checksum */
    CHECK_EQ(parse_at(r2, 36), -EINVAL);
}

static void test_bad_rsdt(void)
{
    paddr_t r = load_machine("q35");
    paddr_t rsdt = where("rsdt.bin");

    P(rsdt)[40] ^= 0x10;                             /* checksum */
    CHECK_EQ(parse_machine_rsdp(r), -EINVAL);
    char msg[80];
    snprintf(msg, sizeof(msg), "RSDT at %#llx has a bad checksum", (unsigned long long)rsdt);
    CHECK_LOG(msg);

    r = load_machine("q35");
    put32(r + 16, 0x70000000);                       /* outside memory */
    fix_csum(r, 20, 8);
    CHECK_EQ(parse_machine_rsdp(r), -EINVAL);
    CHECK_LOG("not in readable memory");

    r = load_machine("q35");
    put32(r + 16, TABLES_WIN + TABLES_LEN - 20);     /* header runs off the end */
    fix_csum(r, 20, 8);
    CHECK_EQ(parse_machine_rsdp(r), -EINVAL);

    r = load_machine("q35");
    put32(r + 16, 0);                                /* no RSDT at all */
    fix_csum(r, 20, 8);
    CHECK_EQ(parse_machine_rsdp(r), -EINVAL);

    static const uint32_t bad_len[] = { 0, 35, 0x10000000, 0xffffffff };
    for (unsigned int i = 0; i < ARRAY_SIZE(bad_len); i++) {
        r = load_machine("q35");
        put32(rsdt + 4, bad_len[i]);
        fix_csum(rsdt, 36, 9);
        CHECK_EQ(parse_machine_rsdp(r), -EINVAL);
        CHECK_LOG("bogus length");
    }
    r = load_machine("q35");                         /* length past mapped memory */
    put32(rsdt + 4, (uint32_t)(TABLES_WIN + TABLES_LEN - rsdt + 0x100));
    CHECK_EQ(parse_machine_rsdp(r), -EINVAL);
    CHECK_LOG("runs past readable memory");

    /* an RSDT covering the rest of the window: many zero/garbage entries */
    r = load_machine("q35");
    uint32_t big = (uint32_t)(TABLES_WIN + TABLES_LEN - rsdt);
    put32(rsdt + 4, big);
    fix_table(rsdt);
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK_LOG("root table entries, only the first 256 used");
    CHECK(info.has_madt);
    /* odd length: the partial entry is ignored */
    r = load_machine("q35");
    put32(rsdt + 4, acpi_rd32(P(rsdt), 4) - 2);
    fix_table(rsdt);
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK_LOG("not a whole number of entries");
    CHECK_EQ(info.nr_tables, 4);
}

static void test_bad_optional_tables(void)
{
    paddr_t r = load_machine("q35");

    P(where("APIC.bin"))[50] ^= 1;                  /* bad MADT checksum */
    P(where("MCFG.bin"))[0] = 'X';                  /* unknown signature: ignored */
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK(!info.has_madt);
    CHECK_EQ(info.nr_cpus, 0);
    CHECK_EQ(info.nr_mcfg, 0);
    CHECK_EQ(info.bad_tables, 1);
    char msg[80];
    snprintf(msg, sizeof(msg), "APIC at %#llx has a bad checksum",
             (unsigned long long)where("APIC.bin"));
    CHECK_LOG(msg);
    CHECK_LOG("APIC skipped");
    CHECK(info.fadt.present && info.has_hpet && info.s5_valid);

    r = load_machine("q35");
    repoint(where("HPET.bin"), 0x70000000);         /* entry outside memory */
    paddr_t mcfg = where("MCFG.bin");
    put32(mcfg + 4, 0x40000);                       /* past the window (checksum moot) */
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK(!info.has_hpet);
    CHECK_EQ(info.nr_mcfg, 0);
    CHECK_EQ(info.bad_tables, 2);
    CHECK(info.has_madt && info.fadt.present);

    /* a FADT too short to use */
    r = load_machine("q35");
    paddr_t fadt = move_table("FACP.bin", SCRATCH);
    put32(fadt + 4, 80);
    fix_table(fadt);
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK(!info.fadt.present);
    CHECK(!info.s5_valid);                          /* no FADT, no DSDT */
    CHECK_LOG("FADT too short");

    /* the DSDT pointer leads nowhere */
    r = load_machine("q35");
    fadt = where("FACP.bin");
    put32(fadt + 40, 0x70000000);
    put64(fadt + 140, 0);
    fix_table(fadt);
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK(info.fadt.present);
    CHECK(!info.s5_valid);
    CHECK_LOG("DSDT skipped");

    /* an HPET table with an I/O-space base */
    r = load_machine("q35");
    P(where("HPET.bin"))[40] = ACPI_GAS_IO;
    fix_table(where("HPET.bin"));
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK(!info.has_hpet);
    CHECK_LOG("HPET base");
}

/* A MADT at SCRATCH made of the given entry bytes. */
static void custom_madt(const uint8_t *entries, size_t n)
{
    make_header(SCRATCH, "APIC", (uint32_t)(44 + n), 5);
    put32(SCRATCH + 36, 0xfee00000);
    put32(SCRATCH + 40, 1);
    memcpy(P(SCRATCH + 44), entries, n);
    fix_table(SCRATCH);
    repoint(where("APIC.bin"), SCRATCH);
}

static void test_madt_entries(void)
{
    static const uint8_t cpu0[] = { 0, 8, 0, 0, 1, 0, 0, 0 };
    uint8_t e[512];
    size_t n;
    paddr_t r;

    /* length 0 stops the walk: earlier entries kept */
    for (int bad = 0; bad < 2; bad++) {
        r = load_machine("q35");
        n = 0;
        memcpy(e + n, cpu0, 8); n += 8;
        e[n++] = 0; e[n++] = (uint8_t)bad;             /* length 0 or 1 */
        e[n++] = 0; e[n++] = 8; e[n++] = 1; e[n++] = 1; /* never reached */
        e[n++] = 1; e[n++] = 0; e[n++] = 0; e[n++] = 0;
        custom_madt(e, n);
        CHECK_EQ(parse_machine_rsdp(r), 0);
        CHECK(info.has_madt);
        CHECK_EQ(info.nr_cpus, 1);
        CHECK_LOG("has bad length");
    }
    /* an entry running past the end */
    r = load_machine("q35");
    n = 0;
    memcpy(e + n, cpu0, 8); n += 8;
    e[n++] = 1; e[n++] = 12; e[n++] = 0; e[n++] = 0;
    custom_madt(e, n);
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK_EQ(info.nr_cpus, 1);
    CHECK_EQ(info.nr_ioapics, 0);
    CHECK_LOG("has bad length 12");
    /* a single stray byte at the end */
    r = load_machine("q35");
    n = 0;
    memcpy(e + n, cpu0, 8); n += 8;
    e[n++] = 0;
    custom_madt(e, n);
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK_EQ(info.nr_cpus, 1);
    CHECK_LOG("stray bytes");

    /* too-short entries are skipped individually; type 5, 9, 10, flags */
    r = load_machine("q35");
    n = 0;
    static const uint8_t mix[] = {
        0, 4, 7, 7,                                       /* LAPIC too short */
        0, 8, 1, 2, 1, 0, 0, 0,                           /* uid 1, APIC 2, enabled */
        0, 8, 2, 3, 0, 0, 0, 0,                           /* neither: ignored */
        0, 8, 3, 4, 2, 0, 0, 0,                           /* online capable */
        0, 8, 4, 2, 1, 0, 0, 0,                           /* duplicate APIC ID 2 */
        0, 8, 5, 0xff, 1, 0, 0, 0,                        /* APIC ID 0xff */
        9, 16, 0, 0, 0x00, 0x01, 0, 0, 1, 0, 0, 0, 0x10, 0, 0, 0,   /* x2APIC 256, uid 16 */
        9, 12, 0, 0, 0x01, 0x01, 0, 0, 1, 0, 0, 0,        /* x2APIC too short */
        5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 1, 0, 0, 0,        /* LAPIC override */
        10, 12, 5, 0, 0x10, 0, 0, 0, 1, 0, 0, 0,          /* x2APIC NMI uid 16 */
        1, 12, 9, 0, 0, 0, 0xc0, 0xfe, 24, 0, 0, 0,       /* IOAPIC 9, GSI 24 */
        2, 10, 0, 9, 20, 0, 0, 0, 0x0f, 0,                /* ISO 9 -> 20 */
        4, 6, 1, 5, 0, 0,                                 /* NMI uid 1 LINT0 */
        0x7f, 3, 0,                                       /* unknown type */
    };
    custom_madt(mix, sizeof(mix));
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK_EQ(info.nr_cpus, 3);
    CHECK_EQ(info.cpus[0].apic_id, 2);
    CHECK(info.cpus[0].enabled);
    CHECK_EQ(info.cpus[1].apic_id, 4);
    CHECK(!info.cpus[1].enabled && info.cpus[1].online_capable);
    CHECK_EQ(info.cpus[2].apic_id, 256);
    CHECK_EQ(info.cpus[2].acpi_uid, 16);
    CHECK(info.cpus[2].x2apic);
    CHECK_EQ(info.lapic_base, 0x1fee00000ULL);
    CHECK_EQ(info.nr_nmis, 2);
    CHECK_EQ(info.nmis[0].acpi_uid, 16);
    CHECK_EQ(info.nmis[0].flags, 5);
    CHECK_EQ(info.nmis[1].acpi_uid, 1);
    CHECK_EQ(info.nmis[1].lint, 0);
    CHECK_EQ(info.nr_ioapics, 1);
    CHECK_EQ(info.ioapics[0].id, 9);
    CHECK_EQ(info.ioapics[0].gsi_base, 24);
    CHECK_EQ(info.nr_isos, 1);
    CHECK_EQ(info.isos[0].gsi, 20);
    CHECK_LOG("MADT entry type 0 at offset 44 too short");
    CHECK_LOG("APIC ID 2 twice");

    /* more CPUs than MAX_CPUS: capped, reported */
    r = load_machine("q35");
    static uint8_t many[16 * 300];
    for (unsigned int i = 0; i < 300; i++) {
        uint8_t *x = many + 16 * i;
        memset(x, 0, 16);
        x[0] = 9; x[1] = 16;
        memcpy(x + 4, &i, 4);
        x[8] = 1;
        memcpy(x + 12, &i, 4);
    }
    custom_madt(many, sizeof(many));
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK_EQ(info.nr_cpus, MAX_CPUS);
    CHECK_EQ(info.cpus_dropped, 300 - MAX_CPUS);
    CHECK_LOG("more than 256 CPUs");

    /* a MADT shorter than its fixed part */
    r = load_machine("q35");
    custom_madt(e, 0);
    put32(SCRATCH + 4, 40);
    fix_table(SCRATCH);
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK(!info.has_madt);
    CHECK_LOG("MADT too short");
}

static void test_fadt_fields(void)
{
    paddr_t r = load_machine("q35");
    paddr_t f = move_table("FACP.bin", SCRATCH);

    /* X_PM1a_CNT (I/O) overrides PM1a_CNT; X_PM_TMR in memory space is not a port */
    put64(f + 172 + 4, 0x1004);
    P(f + 208)[0] = ACPI_GAS_MEMORY;
    put32(f + 112, acpi_rd32(P(f), 112) | ACPI_FADT_TMR_VAL_EXT);
    put32(f + 112, acpi_rd32(P(f), 112) & ~ACPI_FADT_RESET_REG_SUP);
    fix_table(f);
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK_EQ(info.fadt.pm1a_cnt, 0x1004);
    CHECK_EQ(info.fadt.pm_tmr_blk, 0x608);           /* legacy field kept */
    CHECK(info.fadt.pm_tmr_32bit);
    CHECK(!info.fadt.reset_supported);
    CHECK_EQ(info.fadt.reset_reg.address, 0xcf9);    /* still reported */

    /* X_ fields zero: legacy fields used; no PM timer when PM_TMR_LEN != 4 */
    r = load_machine("q35");
    f = move_table("FACP.bin", SCRATCH);
    memset(P(f + 148), 0, 96);
    put32(f + 64, 0x404);
    P(f)[91] = 0;
    fix_table(f);
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK_EQ(info.fadt.pm1a_cnt, 0x404);
    CHECK_EQ(info.fadt.pm_tmr_blk, 0);
    CHECK(!info.fadt.pm_tmr_32bit);
}

/* ---- _S5_ ---- */

static int s5(const uint8_t *aml, size_t n, uint8_t *a, uint8_t *b)
{
    /* an exact-size heap copy with a header in front: ASan sees overreads */
    uint8_t *t = malloc(ACPI_HEADER_LEN + n);
    memset(t, 0, ACPI_HEADER_LEN);
    memcpy(t, "DSDT", 4);
    memcpy(t + ACPI_HEADER_LEN, aml, n);
    int rc = acpi_find_s5(t, (uint32_t)(ACPI_HEADER_LEN + n), a, b);
    free(t);
    return rc;
}

static void test_s5_parsing(void)
{
    uint8_t a = 99, b = 99;
    static const uint8_t qemu[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0 };
    static const uint8_t bytes[] = { 0x10, 0x08, 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
                                     0x0a, 0x05, 0x0a, 0x07, 0x00, 0x00 };
    static const uint8_t rooted[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x01, 0x0b,
                                      0x06, 0x00 };
    static const uint8_t longlen[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x48, 0x04, 0x02,
                                       0x0c, 3, 0, 0, 0, 0x01, [15 ... 77] = 0xa3 };
    static const uint8_t ref_then_def[] = { 0x70, '_', 'S', '5', '_', 0x60,      /* a use */
                                            0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x01, 0x0a, 2 };

    CHECK_EQ(s5(qemu, sizeof(qemu), &a, &b), 0);
    CHECK_EQ(a, 0); CHECK_EQ(b, 0);
    CHECK_EQ(s5(bytes, sizeof(bytes), &a, &b), 0);
    CHECK_EQ(a, 5); CHECK_EQ(b, 7);
    CHECK_EQ(s5(rooted, sizeof(rooted), &a, &b), 0);
    CHECK_EQ(a, 1); CHECK_EQ(b, 6);
    CHECK_EQ(s5(longlen, sizeof(longlen), &a, &b), 0);   /* 2-byte PkgLength */
    CHECK_EQ(a, 3); CHECK_EQ(b, 1);
    CHECK_EQ(s5(ref_then_def, sizeof(ref_then_def), &a, &b), 0);
    CHECK_EQ(a, 1); CHECK_EQ(b, 2);

    /* every truncation of a valid package fails cleanly */
    for (size_t cut = 0; cut < sizeof(bytes); cut++) {
        int rc = s5(bytes, cut, &a, &b);
        if (rc == 0)
            test_fail(__FILE__, __LINE__, "truncated at %zu accepted", cut);
    }
    for (size_t cut = 0; cut < sizeof(longlen); cut++)
        if (s5(longlen, cut, &a, &b) == 0)
            test_fail(__FILE__, __LINE__, "truncated longlen at %zu accepted", cut);

    static const uint8_t one_elem[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x01, 0x0a, 5 };
    static const uint8_t too_big[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 9, 0, 0 };
    static const uint8_t not_pkg[] = { 0x08, '_', 'S', '5', '_', 0x0a, 0x05 };
    static const uint8_t bad_elem[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0d, 'a', 0 };
    static const uint8_t pkglen_past[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x3f, 0x02, 0, 0 };
    static const uint8_t pkglen_tiny[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x02, 0, 0 };
    static const uint8_t pkglen_zero[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x00, 0x02, 0, 0 };
    static const uint8_t none[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0 };
    CHECK_EQ(s5(one_elem, sizeof(one_elem), &a, &b), -EINVAL);
    CHECK_EQ(s5(too_big, sizeof(too_big), &a, &b), -EINVAL);
    CHECK_EQ(s5(not_pkg, sizeof(not_pkg), &a, &b), -EINVAL);
    CHECK_EQ(s5(bad_elem, sizeof(bad_elem), &a, &b), -EINVAL);
    CHECK_EQ(s5(pkglen_past, sizeof(pkglen_past), &a, &b), -EINVAL);
    CHECK_EQ(s5(pkglen_tiny, sizeof(pkglen_tiny), &a, &b), -EINVAL);
    CHECK_EQ(s5(pkglen_zero, sizeof(pkglen_zero), &a, &b), -EINVAL);
    CHECK_EQ(s5(none, sizeof(none), &a, &b), -ENOENT);
    CHECK_EQ(s5(none, 0, &a, &b), -ENOENT);
    CHECK_EQ(s5((const uint8_t *)"_S5_", 4, &a, &b), -ENOENT);   /* right after the header */
}

static void test_dsdt_s5_via_parse(void)
{
    paddr_t r = load_machine("pc");
    paddr_t d = where("DSDT.bin");
    uint8_t *p = P(d);
    size_t len = size_of("DSDT.bin");

    for (size_t i = 0; i + 4 <= len; i++)            /* rename _S5_ */
        if (!memcmp(p + i, "_S5_", 4))
            p[i + 2] = '6';
    fix_table(d);
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK(!info.s5_valid);
    CHECK_LOG("DSDT has no \\_S5_ object");

    /* a DSDT that ends in the middle of the _S5_ package */
    r = load_machine("pc");
    d = where("DSDT.bin");
    p = P(d);
    size_t at = 0;
    for (size_t i = 0; i + 4 <= len; i++)
        if (!memcmp(p + i, "_S5_", 4))
            at = i;
    CHECK(at != 0);
    put32(d + 4, (uint32_t)(at + 7));               /* NameOp _S5_ PackageOp PkgLen | */
    fix_table(d);
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK(!info.s5_valid);
    CHECK_LOG("package is malformed");
}

static void test_mcfg_dmar_ivrs(void)
{
    paddr_t r = load_machine("q35");
    paddr_t m = SCRATCH;

    make_header(m, "MCFG", 44 + 16 * 4 + 8, 1);     /* 4 entries and a partial one */
    uint8_t *p = P(m);
    const struct { uint64_t base; uint16_t seg; uint8_t s, e; } ent[] = {
        { 0xb0000000, 0, 0, 255 }, { 0xc0000000, 1, 0, 63 },
        { 0xd0000000, 2, 10, 5 },                      /* end < start */
        { 0xe0001000, 3, 0, 1 },                       /* misaligned */
    };
    for (unsigned int i = 0; i < 4; i++) {
        memcpy(p + 44 + 16 * i, &ent[i].base, 8);
        memcpy(p + 44 + 16 * i + 8, &ent[i].seg, 2);
        p[44 + 16 * i + 10] = ent[i].s;
        p[44 + 16 * i + 11] = ent[i].e;
    }
    fix_table(m);
    repoint(where("MCFG.bin"), m);
    /* DMAR and IVRS in place of WAET and HPET (presence only) */
    make_header(SCRATCH + 0x1000, "DMAR", 48, 1);
    fix_table(SCRATCH + 0x1000);
    repoint(where("WAET.bin"), SCRATCH + 0x1000);
    make_header(SCRATCH + 0x2000, "IVRS", 48, 2);
    fix_table(SCRATCH + 0x2000);
    repoint(where("HPET.bin"), SCRATCH + 0x2000);
    CHECK_EQ(parse_machine_rsdp(r), 0);
    CHECK_EQ(info.nr_mcfg, 2);
    CHECK_EQ(info.mcfg[1].base, 0xc0000000);
    CHECK_EQ(info.mcfg[1].segment, 1);
    CHECK_EQ(info.mcfg[1].end_bus, 63);
    CHECK_LOG("is bogus, ignored");
    CHECK(info.has_dmar);
    CHECK_EQ(info.dmar_addr, SCRATCH + 0x1000);
    CHECK(info.has_ivrs);
    CHECK_EQ(info.ivrs_addr, SCRATCH + 0x2000);
    CHECK(!info.has_hpet);
    acpi_info_print(&info);
    CHECK_LOG("DMAR (VT-d) at 0x20001000");
}

static void test_legacy_scan(void)
{
    paddr_t found = 0;
    paddr_t qemu = load_machine("q35");

    /* an EBDA copy is found first */
    uint16_t seg = 0x9f00;
    memcpy(P(0x40e), &seg, 2);
    memcpy(P(0x9f000 + 0x40), P(qemu), 20);
    drop_copies();
    CHECK(acpi_find_rsdp_legacy(strict_map, &found) != NULL);
    CHECK_EQ(found, 0x9f040);
    /* only 16-byte boundaries count */
    memmove(P(0x9f000 + 0x48), P(0x9f000 + 0x40), 20);
    memset(P(0x9f000 + 0x40), 0, 8);
    drop_copies();
    CHECK(acpi_find_rsdp_legacy(strict_map, &found) != NULL);
    CHECK_EQ(found, qemu);
    /* a bad checksum is skipped, a later good one found */
    memcpy(P(0xe0010), P(qemu), 20);
    P(0xe0010)[8] ^= 1;
    drop_copies();
    CHECK(acpi_find_rsdp_legacy(strict_map, &found) != NULL);
    CHECK_EQ(found, qemu);
    /* none at all */
    memset(P(qemu), 0, 20);
    drop_copies();
    CHECK(acpi_find_rsdp_legacy(strict_map, &found) == NULL);
    /* an RSDP in the last 16 bytes of the area */
    memcpy(P(0xffff0), P(0xe0010), 16);
    drop_copies();
    CHECK(acpi_find_rsdp_legacy(strict_map, &found) == NULL);
    /* unreadable BDA / BIOS area: NULL, no crash */
    deny_start = 0;
    deny_end = 0x100000;
    drop_copies();
    CHECK(acpi_find_rsdp_legacy(strict_map, &found) == NULL);
    deny_start = deny_end = 0;
    drop_copies();
}

/* Random byte flips in the real tables, checksums fixed half of the time so
 * the parsers see the damage. Must never crash or read out of bounds. */
static void test_fuzz(void)
{
    static const char *const machines[] = { "q35", "pc" };
    static const char *const victims[] = { "rsdt.bin", "FACP.bin", "APIC.bin", "DSDT.bin",
                                           "HPET.bin", "MCFG.bin", "rsdp.bin" };
    unsigned int ok = 0, iters = 0;

    test_srand(2024);
    for (unsigned int m = 0; m < 2; m++) {
        paddr_t r = load_machine(machines[m]);
        /* pristine copies of the windows holding tables */
        uint8_t *bios = malloc(0x20000), *tabs = malloc(TABLES_LEN);
        memcpy(bios, P(BIOS_BASE), 0x20000);
        memcpy(tabs, P(TABLES_WIN), TABLES_LEN);
        for (unsigned int it = 0; it < 2500; it++, iters++) {
            memcpy(P(BIOS_BASE), bios, 0x20000);
            memcpy(P(TABLES_WIN), tabs, TABLES_LEN);
            const char *v = victims[test_rand() % ARRAY_SIZE(victims)];
            paddr_t pa = where(v);
            size_t len = size_of(v);
            if (!pa || !len)
                continue;
            unsigned int flips = 1 + (unsigned int)(test_rand() % 8);
            for (unsigned int k = 0; k < flips; k++) {
                size_t off = (size_t)(test_rand() % len);
                /* bias towards the header and the first entries */
                if (test_rand() & 1)
                    off %= MIN(len, (size_t)64);
                P(pa)[off] ^= (uint8_t)(1u << (test_rand() % 8));
                if (test_rand() % 4 == 0)
                    P(pa)[off] = (uint8_t)test_rand();
            }
            if (test_rand() & 1) {
                if (!strcmp(v, "rsdp.bin"))
                    fix_csum(pa, 20, 8);
                else if (acpi_rd32(P(pa), 4) >= ACPI_HEADER_LEN &&
                         acpi_rd32(P(pa), 4) <= TABLES_WIN + TABLES_LEN - pa)
                    fix_table(pa);
            }
            host_log_clear();
            ok += parse_machine_rsdp(r) == 0;
            /* invariants of whatever came out */
            CHECK(info.nr_cpus <= MAX_CPUS);
            CHECK(info.nr_ioapics <= ACPI_MAX_IOAPICS);
            CHECK(info.nr_isos <= ACPI_MAX_ISOS);
            CHECK(info.nr_mcfg <= ACPI_MAX_MCFG);
            CHECK(!info.s5_valid || (info.slp_typa < 8 && info.slp_typb < 8));
            acpi_info_print(&info);
        }
        free(bios);
        free(tabs);
    }
    printf("    %u of %u mutated images still parsed\n", ok, iters);
    CHECK(ok > 0 && ok < iters);
}

int main(void)
{
    RUN(test_q35);
    RUN(test_pc);
    RUN(test_xsdt_variant);
    RUN(test_bad_rsdp);
    RUN(test_bad_rsdt);
    RUN(test_bad_optional_tables);
    RUN(test_madt_entries);
    RUN(test_fadt_fields);
    RUN(test_s5_parsing);
    RUN(test_dsdt_s5_via_parse);
    RUN(test_mcfg_dmar_ivrs);
    RUN(test_legacy_scan);
    RUN(test_fuzz);
    drop_copies();
    host_phys_reset();
    free(rsdp_copy);
    return test_summary();
}
