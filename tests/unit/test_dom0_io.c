/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/arch/x86/hvm/dom0_ports.c (which ports dom0
 * reaches directly) and dom0_frames.c (which machine frames it may map),
 * with a q35-like machine: COM1, PM1a control at 0x604, RAM below 2 GiB
 * and from 4 GiB, firmware-reserved ranges, ECAM, IOAPIC, LAPIC, IOMMUs. */
#include <asm/dom0_io.h>
#include <tessera/lib.h>
#include <tessera/memmap.h>
#include "test.h"

static const struct dom0_io_host q35 = { .uart_base = 0x3f8, .pm1a_cnt = 0x604 };

static void test_port_classes(void)
{
    /* The PICs (and aliases), the PIT, the UART: the hypervisor's. */
    static const uint16_t deny[] = { 0x20, 0x21, 0x22, 0x23, 0x24, 0x3d, 0xa0, 0xa1, 0xbc,
                                     0x4d0, 0x4d1, 0x40, 0x43, 0x50, 0x53, 0x61, 0x92, 0x00,
                                     0x1f, 0x81, 0x8f, 0xc0, 0xdf, 0xf0, 0x3f8, 0x3fd, 0x3ff };
    /* Devices dom0 drives: i8042 data, RTC data, IDE, VGA, a PCI I/O BAR,
     * POST codes, ACPI PM1 event block, another UART. */
    static const uint16_t direct[] = { 0x60, 0x71, 0x1f0, 0x1f7, 0x3f6, 0x3c0, 0xc000,
                                       0xffff, 0x80, 0x600, 0x601, 0x608, 0x2f8, 0x3f7,
                                       0x400, 0xcf7, 0xd00, 0xb2, 0xb3, 0xa2, 0x26, 0x3e,
                                       0x44, 0x4f, 0x54 };
    static const uint16_t mediate[] = { 0x70, 0x64, 0xcf9, 0x604, 0x605 };
    static const uint16_t emulate[] = { 0xcf8, 0xcfa, 0xcfc, 0xcff, 0xe9 };

    for (size_t i = 0; i < ARRAY_SIZE(deny); i++)
        CHECK_EQ(dom0_port_use(&q35, deny[i]), DOM0_PORT_DENY);
    for (size_t i = 0; i < ARRAY_SIZE(direct); i++)
        CHECK_EQ(dom0_port_use(&q35, direct[i]), DOM0_PORT_DIRECT);
    for (size_t i = 0; i < ARRAY_SIZE(mediate); i++)
        CHECK_EQ(dom0_port_use(&q35, mediate[i]), DOM0_PORT_MEDIATE);
    for (size_t i = 0; i < ARRAY_SIZE(emulate); i++)
        CHECK_EQ(dom0_port_use(&q35, emulate[i]), DOM0_PORT_EMULATE);
}

/* Another UART base and no PM1 block move the policy with them. */
static void test_port_host_varies(void)
{
    struct dom0_io_host h = { .uart_base = 0x2f8 };

    CHECK_EQ(dom0_port_use(&h, 0x3f8), DOM0_PORT_DIRECT);
    CHECK_EQ(dom0_port_use(&h, 0x2f8), DOM0_PORT_DENY);
    CHECK_EQ(dom0_port_use(&h, 0x2ff), DOM0_PORT_DENY);
    CHECK_EQ(dom0_port_use(&h, 0x300), DOM0_PORT_DIRECT);
    CHECK_EQ(dom0_port_use(&h, 0x604), DOM0_PORT_DIRECT);
    CHECK_EQ(dom0_port_use(&h, 0x0), DOM0_PORT_DENY);   /* base 0 is not "port 0 block" */
    h.uart_base = 0;
    CHECK_EQ(dom0_port_use(&h, 0x3f8), DOM0_PORT_DIRECT);
    CHECK_EQ(dom0_port_use(&h, 0x7), DOM0_PORT_DENY);   /* DMA, not a UART at 0 */
}

/* The bitmap has a set bit exactly for the ports that are not DIRECT. */
static void test_bitmap(void)
{
    static uint8_t bm[DOM0_IO_BITMAP_BYTES];
    unsigned int trapped = 0;

    memset(bm, 0x5a, sizeof(bm));
    dom0_io_bitmap_fill(&q35, bm);
    for (unsigned int p = 0; p < 0x10000; p++) {
        bool bit = bm[p / 8] >> (p % 8) & 1;
        CHECK_EQ(bit, dom0_port_use(&q35, (uint16_t)p) != DOM0_PORT_DIRECT);
        trapped += bit;
    }
    CHECK_EQ(bm[0x3f8 / 8], 0xff);          /* COM1's byte is all trapped */
    CHECK_EQ(bm[0x1f0 / 8], 0x00);          /* IDE: all direct */
    /* the two DMA controllers (32 each) and their pages (15), the PICs and
     * aliases (16 each), the IMCR, the PIT and its alias, 0x61, 0x92,
     * 0xf0, the ELCR, the UART; 5 mediated; 0xcf8-0xcff but 0xcf9, and
     * 0xe9 emulated */
    CHECK_EQ(trapped, 2 * 32u + 15 + 2 * 16 + 2 + 2 * 4 + 1 + 1 + 1 + 2 + 8 + 5 + 8);
}

static struct memmap machine;

static void machine_init(void)
{
    memmap_init(&machine);
    memmap_add(&machine, 0, 0x9fc00, MEM_RAM);
    memmap_add(&machine, 0x9fc00, 0xa0000, MEM_RESERVED);
    memmap_add(&machine, 0xf0000, 0x100000, MEM_RESERVED);
    memmap_add(&machine, 0x100000, 0x7ffdf000, MEM_RAM);
    memmap_add(&machine, 0x7ffdf000, 0x80000000, MEM_RESERVED);
    memmap_add(&machine, 0xb0000000, 0xc0000000, MEM_RESERVED);     /* ECAM */
    memmap_add(&machine, 0xfed1c000, 0xfed20000, MEM_RESERVED);
    memmap_add(&machine, 0x100000000ull, 0x140000000ull, MEM_RAM);
    memmap_add(&machine, 0x140000000ull, 0x140000800ull, MEM_UNUSABLE);
}

static void q35_frames(struct dom0_frames *f)
{
    machine_init();
    dom0_frames_init(f, &machine, 1ull << (40 - 12));
    CHECK_EQ(dom0_frames_deny(f, 0xfee00000, 4096, "local APIC"), 0);
    CHECK_EQ(dom0_frames_deny(f, 0xfec00000, 4096, "IOAPIC"), 0);
    CHECK_EQ(dom0_frames_deny(f, 0xb0000000, 256ull << 20, "PCI ECAM window"), 0);
}

static void test_frames(void)
{
    static struct dom0_frames f;

    q35_frames(&f);
    /* RAM, wherever it is, and unusable memory: never. */
    CHECK_STR(dom0_frames_check(&f, 0x0, 1), "host RAM");
    CHECK_STR(dom0_frames_check(&f, 0x9f, 1), "host RAM");          /* partly RAM */
    CHECK_STR(dom0_frames_check(&f, 0x7ffde, 1), "host RAM");
    CHECK_STR(dom0_frames_check(&f, 0x100000, 1), "host RAM");
    CHECK_STR(dom0_frames_check(&f, 0x13ffff, 1), "host RAM");
    CHECK_STR(dom0_frames_check(&f, 0x140000, 1), "unusable memory");
    /* The hypervisor's and the emulated devices' pages. */
    CHECK_STR(dom0_frames_check(&f, 0xfee00, 1), "local APIC");
    CHECK_STR(dom0_frames_check(&f, 0xfec00, 1), "IOAPIC");
    CHECK_STR(dom0_frames_check(&f, 0xb0000, 1), "PCI ECAM window");
    CHECK_STR(dom0_frames_check(&f, 0xbffff, 1), "PCI ECAM window");
    /* VGA, BIOS, reserved ranges, PCI holes, HPET, above RAM: allowed. */
    CHECK(dom0_frames_check(&f, 0xa0, 1) == NULL);
    CHECK(dom0_frames_check(&f, 0xf0, 16) == NULL);
    CHECK(dom0_frames_check(&f, 0x7ffdf, 1) == NULL);
    CHECK(dom0_frames_check(&f, 0xc0000, 1) == NULL);
    CHECK(dom0_frames_check(&f, 0xfebff, 1) == NULL);
    CHECK(dom0_frames_check(&f, 0xfec01, 1) == NULL);
    CHECK(dom0_frames_check(&f, 0xfed00, 1) == NULL);
    CHECK(dom0_frames_check(&f, 0xfee01, 1) == NULL);
    CHECK(dom0_frames_check(&f, 0x140001, 1) == NULL);
    CHECK(dom0_frames_check(&f, 0x800000, 512) == NULL);
    /* A range is allowed only if every frame of it is. */
    CHECK_STR(dom0_frames_check(&f, 0xfee00 - 511, 512), "local APIC");
    CHECK_STR(dom0_frames_check(&f, 0x7fe00, 512), "host RAM");
    CHECK(dom0_frames_check(&f, 0xfee01, 511) == NULL);
    /* Beyond the machine, empty and wrapping ranges. */
    CHECK(dom0_frames_check(&f, (1ull << 28) - 1, 1) == NULL);
    CHECK(dom0_frames_check(&f, 1ull << 28, 1) != NULL);
    CHECK(dom0_frames_check(&f, (1ull << 28) - 1, 2) != NULL);
    CHECK(dom0_frames_check(&f, ~0ull, 2) != NULL);
    CHECK(dom0_frames_check(&f, 0xc0000, 0) != NULL);
}

/* A denied range that is not page-aligned covers every page it touches;
 * the table is bounded. */
static void test_deny_edges(void)
{
    static struct dom0_frames f;

    machine_init();
    dom0_frames_init(&f, &machine, 1ull << 28);
    CHECK_EQ(dom0_frames_deny(&f, 0xd0000ffc, 8, "odd"), 0);
    CHECK_STR(dom0_frames_check(&f, 0xd0000, 1), "odd");
    CHECK_STR(dom0_frames_check(&f, 0xd0001, 1), "odd");
    CHECK(dom0_frames_check(&f, 0xd0002, 1) == NULL);
    CHECK_EQ(dom0_frames_deny(&f, 0xd0100000, 0, "empty"), 0);
    CHECK(dom0_frames_check(&f, 0xd0100, 1) == NULL);
    CHECK_EQ(dom0_frames_deny(&f, ~0ull - 4095, 8192, "wraps"), 0);
    CHECK_EQ(f.deny[f.nr - 1].end, (~0ull >> 12) + 1);     /* up to the top */
    while (f.nr < DOM0_FRAMES_MAX_DENY)
        CHECK_EQ(dom0_frames_deny(&f, 0xe0000000, 4096, "filler"), 0);
    CHECK_EQ(dom0_frames_deny(&f, 0xe0001000, 4096, "one too many"), -ENOSPC);
}

static void put16(uint8_t *t, size_t off, uint16_t v)
{
    t[off] = (uint8_t)v;
    t[off + 1] = (uint8_t)(v >> 8);
}

static void put64(uint8_t *t, size_t off, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        t[off + i] = (uint8_t)(v >> (8 * i));
}

/* DMAR: two DRHDs (4 KiB and, size field 2, 16 KiB), an RMRR between;
 * a truncated last structure is not read. */
static void test_dmar(void)
{
    static struct dom0_frames f;
    uint8_t t[200] = { 'D', 'M', 'A', 'R' };
    size_t o = 48;

    put16(t, o, 0), put16(t, o + 2, 16), put64(t, o + 8, 0xfed90000), o += 16;
    put16(t, o, 1), put16(t, o + 2, 24), put64(t, o + 8, 0x7ffe0000), o += 24;  /* RMRR */
    put16(t, o, 0), put16(t, o + 2, 24), t[o + 5] = 2, put64(t, o + 8, 0xfed80000), o += 24;
    put16(t, o, 0), put16(t, o + 2, 16), put64(t, o + 8, 0xfed70000);     /* cut off */
    machine_init();
    dom0_frames_init(&f, &machine, 1ull << 28);
    CHECK_EQ(dom0_frames_deny_dmar(&f, t, (uint32_t)o + 8), 2);
    CHECK_STR(dom0_frames_check(&f, 0xfed90, 1), "VT-d registers");
    CHECK(dom0_frames_check(&f, 0xfed91, 1) == NULL);
    CHECK_STR(dom0_frames_check(&f, 0xfed83, 1), "VT-d registers");
    CHECK(dom0_frames_check(&f, 0xfed84, 1) == NULL);
    CHECK(dom0_frames_check(&f, 0xfed70, 1) == NULL);
    CHECK(dom0_frames_check(&f, 0x7ffe0, 1) == NULL);   /* RMRR: not registers */
    /* A zero-length structure stops the walk instead of looping. */
    put16(t, 48 + 2, 0);
    dom0_frames_init(&f, &machine, 1ull << 28);
    CHECK_EQ(dom0_frames_deny_dmar(&f, t, sizeof(t)), 0);
    CHECK_EQ(dom0_frames_deny_dmar(&f, t, 40), 0);     /* shorter than a header */
}

/* IVRS: IVHD types 10h and 40h with an IVMD between, as QEMU's amd-iommu. */
static void test_ivrs(void)
{
    static struct dom0_frames f;
    uint8_t t[160] = { 'I', 'V', 'R', 'S' };
    size_t o = 48;

    t[o] = 0x10, put16(t, o + 2, 24), put64(t, o + 8, 0xfed80000), o += 24;
    t[o] = 0x20, put16(t, o + 2, 32), put64(t, o + 8, 0xfeb00000), o += 32;      /* IVMD */
    t[o] = 0x40, put16(t, o + 2, 40), put64(t, o + 8, 0xfd000000), o += 40;
    machine_init();
    dom0_frames_init(&f, &machine, 1ull << 28);
    CHECK_EQ(dom0_frames_deny_ivrs(&f, t, (uint32_t)o), 2);
    CHECK_STR(dom0_frames_check(&f, 0xfed80, 1), "AMD-Vi registers");
    CHECK_STR(dom0_frames_check(&f, 0xfed83, 1), "AMD-Vi registers");
    CHECK(dom0_frames_check(&f, 0xfed84, 1) == NULL);
    CHECK_STR(dom0_frames_check(&f, 0xfd000, 1), "AMD-Vi registers");
    CHECK(dom0_frames_check(&f, 0xfeb00, 1) == NULL);
    /* An IVHD claiming to run past the table is not read. */
    put16(t, 48 + 2, 200);
    dom0_frames_init(&f, &machine, 1ull << 28);
    CHECK_EQ(dom0_frames_deny_ivrs(&f, t, (uint32_t)o), 0);
}

int main(void)
{
    RUN(test_port_classes);
    RUN(test_port_host_varies);
    RUN(test_bitmap);
    RUN(test_frames);
    RUN(test_deny_edges);
    RUN(test_dmar);
    RUN(test_ivrs);
    return test_summary();
}
