/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests: hypervisor/arch/x86/guest/acpi_tables.c. The tables are
 * checked byte by byte, then read back by the hypervisor's own ACPI parser
 * (hypervisor/arch/x86/acpi/, written for real firmware), and, when iasl
 * (Debian acpica-tools) is installed, disassembled by it.
 */
#include <asm/acpi.h>
#include <asm/acpi_tables.h>
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <unistd.h>
#include "test.h"

#define BASE        0xfc000000ULL           /* where the layout puts them */
#define BUF_LEN     32768

static uint8_t buf[BUF_LEN];
static struct acpi_tables_layout lay;
static struct acpi_info info;

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;

    while (len--)
        s = (uint8_t)(s + *p++);
    return s;
}

/* The parser reads guest-physical addresses: those inside the built tables. */
static const void *map(paddr_t pa, size_t len)
{
    if (pa < BASE || len > lay.size || pa - BASE > lay.size - len)
        return NULL;
    return buf + (pa - BASE);
}

static int build(unsigned int n)
{
    memset(buf, 0xa5, sizeof(buf));
    memset(&lay, 0, sizeof(lay));
    return acpi_tables_build(buf, sizeof(buf), BASE, n, &lay);
}

static bool table_ok(size_t off, const char *sig, uint32_t len, uint8_t rev)
{
    const uint8_t *t = buf + off;

    return !memcmp(t, sig, 4) && rd32(t + 4) == len && t[8] == rev &&
           off + len <= lay.size && sum(t, len) == 0 && IS_ALIGNED(BASE + off, 16);
}

/* Everything a guest checks, for n vCPUs. */
static void check_tables(unsigned int n)
{
    unsigned int lapics = n < 128 ? n : 128;   /* APIC IDs 0, 2, ..., 254 */

    CHECK_EQ(build(n), 0);
    CHECK_EQ(lay.size, acpi_tables_size(n));
    CHECK_EQ(lay.nr_lapic, lapics);
    CHECK_EQ(lay.nr_x2apic, n - lapics);
    CHECK_EQ(buf[lay.size], 0xa5);                  /* nothing written past it */

    const uint8_t *r = buf + lay.rsdp;
    CHECK(!memcmp(r, "RSD PTR ", 8));
    CHECK_EQ(sum(r, 20), 0);
    CHECK_EQ(sum(r, 36), 0);
    CHECK_EQ(r[15], 2);
    CHECK_EQ(rd32(r + 20), 36);
    CHECK_EQ(rd64(r + 24), BASE + lay.xsdt);

    CHECK(table_ok(lay.xsdt, "XSDT", 36 + 16, 1));
    CHECK_EQ(rd64(buf + lay.xsdt + 36), BASE + lay.fadt);
    CHECK_EQ(rd64(buf + lay.xsdt + 44), BASE + lay.madt);
    CHECK(table_ok(lay.fadt, "FACP", 276, 6));
    CHECK_EQ(buf[lay.fadt + 131], 3);                        /* minor revision */
    CHECK_EQ(rd32(buf + lay.fadt + 112) & (1u << 20), 1u << 20); /* HW_REDUCED */
    CHECK_EQ(buf[lay.fadt + 109], 0x24);        /* no VGA, no CMOS RTC, no legacy, no 8042 */
    CHECK_EQ(rd32(buf + lay.fadt + 36), 0);                  /* no FACS */
    CHECK_EQ(rd32(buf + lay.fadt + 40), BASE + lay.dsdt);
    CHECK_EQ(rd64(buf + lay.fadt + 140), BASE + lay.dsdt);
    CHECK(table_ok(lay.dsdt, "DSDT", 43, 2));
    uint32_t madt_len = 44 + 8 * lapics + 16 * (n - lapics);
    CHECK(table_ok(lay.madt, "APIC", madt_len, 5));
    CHECK_EQ(rd32(buf + lay.madt + 36), 0xfee00000);
    CHECK_EQ(rd32(buf + lay.madt + 40), 0);                  /* no PCAT_COMPAT */
    CHECK_EQ(lay.madt + madt_len, lay.size);

    /* Each entry, walked by hand. */
    const uint8_t *e = buf + lay.madt + 44, *end = buf + lay.madt + madt_len;
    unsigned int v = 0;
    bool entries_ok = true;
    for (; e < end && v < n; v++) {
        if (v < lapics)
            entries_ok &= e[0] == 0 && e[1] == 8 && e[2] == v && e[3] == 2 * v &&
                          rd32(e + 4) == 1;
        else
            entries_ok &= e[0] == 9 && e[1] == 16 && rd32(e + 4) == 2 * v &&
                          rd32(e + 8) == 1 && rd32(e + 12) == v;
        e += e[1];
    }
    CHECK(entries_ok);
    CHECK_EQ(v, n);
    CHECK(e == end);

    /* The hypervisor's own parser, which real firmware's tables go through. */
    host_log_clear();
    memset(&info, 0, sizeof(info));
    CHECK_EQ(acpi_parse(buf + lay.rsdp, 36, &info, map), 0);
    CHECK(info.xsdt);
    CHECK_EQ(info.root_addr, BASE + lay.xsdt);
    CHECK_EQ(info.nr_tables, 2);
    CHECK_EQ(info.bad_tables, 0);
    CHECK(info.has_madt);
    CHECK_EQ(info.lapic_base, 0xfee00000);
    CHECK_EQ(info.madt_flags, 0);
    CHECK_EQ(info.nr_ioapics, 0);
    CHECK_EQ(info.nr_cpus, MIN(n, MAX_CPUS));
    bool cpus_ok = true;
    for (unsigned int i = 0; i < info.nr_cpus; i++) {
        /* the parser lists type 0 entries and type 9 entries in table order */
        cpus_ok &= info.cpus[i].apic_id == 2 * i && info.cpus[i].acpi_uid == i &&
                   info.cpus[i].enabled && info.cpus[i].x2apic == (2 * i >= 255);
    }
    CHECK(cpus_ok);
    CHECK(info.fadt.present);
    CHECK(info.fadt.hw_reduced);
    CHECK_EQ(info.fadt.dsdt, BASE + lay.dsdt);
    CHECK_EQ(info.fadt.facs, 0);
    CHECK(!info.s5_valid);
    CHECK(!info.has_hpet && !info.has_dmar && !info.has_ivrs && !info.nr_mcfg);
}

static void test_one_vcpu(void)
{
    check_tables(1);
    CHECK_EQ(lay.size, lay.madt + 44 + 8);
}

static void test_two_vcpus(void)
{
    check_tables(2);
}

static void test_64_vcpus(void)
{
    check_tables(64);
    CHECK_EQ(lay.nr_x2apic, 0);
}

static void test_x2apic_boundary(void)
{
    check_tables(127);                              /* last id 252 */
    CHECK_EQ(lay.nr_x2apic, 0);
    check_tables(128);                              /* last id 254: still xAPIC */
    CHECK_EQ(lay.nr_x2apic, 0);
    check_tables(129);                              /* id 256 */
    CHECK_EQ(lay.nr_x2apic, 1);
    check_tables(200);
    CHECK_EQ(lay.nr_x2apic, 72);
    check_tables(ACPI_TABLES_MAX_VCPUS);
}

static void test_bad_requests(void)
{
    CHECK_EQ(acpi_tables_size(0), 0);
    CHECK_EQ(acpi_tables_size(ACPI_TABLES_MAX_VCPUS + 1), 0);
    CHECK_EQ(acpi_tables_size(~0u), 0);
    CHECK_EQ(build(0), -EINVAL);
    CHECK_EQ(build(ACPI_TABLES_MAX_VCPUS + 1), -EINVAL);
    CHECK_EQ(buf[0], 0xa5);                         /* nothing written */
    CHECK_EQ(acpi_tables_build(buf, sizeof(buf), BASE + 8, 1, NULL), -EINVAL);
    /* One byte short, then exactly enough. */
    size_t need = acpi_tables_size(3);
    memset(buf, 0xa5, sizeof(buf));
    CHECK_EQ(acpi_tables_build(buf, need - 1, BASE, 3, NULL), -EINVAL);
    CHECK_EQ(buf[0], 0xa5);
    CHECK_EQ(acpi_tables_build(buf, need, BASE, 3, NULL), 0);
    CHECK_EQ(buf[need], 0xa5);
    /* A range that would wrap past 2^64. */
    CHECK_EQ(acpi_tables_build(buf, sizeof(buf), ~0ULL & ~15ULL, 1, NULL), -EINVAL);
    CHECK_EQ(acpi_tables_build(buf, sizeof(buf), ~0ULL - 0xff, 1, NULL), -EINVAL);
}

/* The checks above can fail: a flipped byte anywhere in a table is caught. */
static void test_corruption_is_caught(void)
{
    CHECK_EQ(build(2), 0);
    buf[lay.madt + 50] ^= 1;
    host_log_clear();
    memset(&info, 0, sizeof(info));
    acpi_parse(buf, 36, &info, map);
    CHECK(!info.has_madt);
    CHECK_EQ(info.bad_tables, 1);
    CHECK_EQ(build(2), 0);
    buf[lay.xsdt + 40] ^= 0x10;
    memset(&info, 0, sizeof(info));
    CHECK(acpi_parse(buf, 36, &info, map) < 0);
}

/* Tables above 4 GiB: the FADT's 32-bit DSDT field stays 0. */
static void test_high_placement(void)
{
    CHECK_EQ(acpi_tables_build(buf, sizeof(buf), 0x123400000ULL, 2, &lay), 0);
    CHECK_EQ(rd32(buf + lay.fadt + 40), 0);
    CHECK_EQ(rd64(buf + lay.fadt + 140), 0x123400000ULL + lay.dsdt);
    CHECK_EQ(sum(buf + lay.fadt, 276), 0);
}

/* iasl -d on each table; it must decode them without complaint. (It takes no
 * RSDP on its own, not even QEMU's: the RSDP is checked above.) */
static bool iasl_accepts(const char *dir, const char *name, size_t off, size_t len,
                         const char *expect)
{
    char path[256], cmd[768], dsl[256], line[512];
    bool found = false, clean = true;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
    snprintf(dsl, sizeof(dsl), "%s/%s.dsl", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(buf + off, 1, len, f) != len)
        return false;
    fclose(f);
    snprintf(cmd, sizeof(cmd), "cd %s && iasl -d %s.dat > %s.log 2>&1", dir, name, name);
    if (system(cmd) != 0) {
        printf("    iasl -d %s failed\n", name);
        return false;
    }
    f = fopen(dsl, "r");
    if (!f)
        return false;
    while (fgets(line, sizeof(line), f)) {
        if (strstr(line, expect))
            found = true;
        /* iasl marks what it dislikes in the output: "**** Invalid checksum"... */
        if (strstr(line, "****") || strstr(line, "Invalid") || strstr(line, "Warning"))
            clean = false;
    }
    fclose(f);
    if (!found || !clean)
        printf("    iasl output for %s: found '%s' %d, clean %d\n", name, expect, found, clean);
    return found && clean;
}

static void test_iasl(void)
{
    char dir[] = "/tmp/tessera-acpi-XXXXXX", cmd[128];

    if (system("command -v iasl >/dev/null 2>&1") != 0) {
        printf("    iasl not installed (Debian acpica-tools): skipped\n");
        return;
    }
    CHECK(mkdtemp(dir));
    for (unsigned int n = 1; n <= 200; n += 199) {
        CHECK_EQ(build(n), 0);
        CHECK(iasl_accepts(dir, "xsdt", lay.xsdt, 52, "ACPI Table Address   1 : 00000000FC0001"));
        CHECK(iasl_accepts(dir, "facp", lay.fadt, 276, "Hardware Reduced (V5) : 1"));
        CHECK(iasl_accepts(dir, "dsdt", lay.dsdt, 43, "Scope (\\_SB)"));
        CHECK(iasl_accepts(dir, "apic", lay.madt, lay.size - lay.madt,
                           n == 1 ? "Local Apic Address : FEE00000"
                                  : "Processor x2Apic ID : 0000018E"));
    }
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK_EQ(system(cmd), 0);
}

int main(void)
{
    RUN(test_one_vcpu);
    RUN(test_two_vcpus);
    RUN(test_64_vcpus);
    RUN(test_x2apic_boundary);
    RUN(test_bad_requests);
    RUN(test_corruption_is_caught);
    RUN(test_high_placement);
    RUN(test_iasl);
    return test_summary();
}
