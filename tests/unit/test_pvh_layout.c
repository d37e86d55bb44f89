/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/arch/x86/guest/pvh_layout.c */
#include <tessera/lib.h>
#include <asm/pvh_layout.h>
#include "test.h"

static struct pvh_layout l;
static unsigned int vcpus = 1;

static int layout(uint64_t mem, uint64_t ks, uint64_t ke, uint64_t initrd, size_t cmdline)
{
    struct pvh_layout_req r = {
        .mem = mem, .kernel_start = ks, .kernel_end = ke, .initrd_size = initrd,
        .cmdline_len = cmdline, .nr_vcpus = vcpus,
    };

    host_log_clear();
    return pvh_layout_compute(&l, &r);
}

static bool overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
    return a < b + bs && b < a + as;
}

static uint64_t ram_bytes(void)
{
    uint64_t sum = 0;

    for (unsigned int i = 0; i < l.nr_memmap; i++)
        if (l.memmap[i].type == HVM_MEMMAP_TYPE_RAM)
            sum += l.memmap[i].size;
    return sum;
}

/* What of [0, mem) the legacy hole takes out of the RAM in the map. */
static uint64_t legacy_cut(uint64_t mem)
{
    uint64_t low = MIN(mem, PVH_LOW_RAM_MAX);

    return low <= PVH_LEGACY_START ? 0 : MIN(low, PVH_LEGACY_END) - PVH_LEGACY_START;
}

static bool backed(uint64_t a, uint64_t size)
{
    for (unsigned int i = 0; i < l.nr_backed; i++)
        if (a >= l.backed[i].addr && a + size <= l.backed[i].addr + l.backed[i].size)
            return true;
    return false;
}

static bool in_ram(uint64_t a, uint64_t size)
{
    for (unsigned int i = 0; i < l.nr_memmap; i++)
        if (l.memmap[i].type == HVM_MEMMAP_TYPE_RAM && a >= l.memmap[i].addr &&
            a + size <= l.memmap[i].addr + l.memmap[i].size)
            return true;
    return false;
}

/* Every invariant of a computed layout, for a kernel [ks, ke). */
static bool sane(uint64_t mem, uint64_t ks, uint64_t ke, uint64_t initrd, size_t cmdline)
{
    uint64_t k0 = ALIGN_DOWN(ks, PAGE_SIZE), k1 = ALIGN_UP(ke, PAGE_SIZE);
    uint64_t i1 = ALIGN_UP(initrd, PAGE_SIZE);
    const struct hvm_start_info *si = &l.start_info;

    if (ram_bytes() != mem - legacy_cut(mem))
        return false;
    for (unsigned int i = 1; i < l.nr_memmap; i++)
        if (l.memmap[i].addr < l.memmap[i - 1].addr + l.memmap[i - 1].size)
            return false;
    /* No RAM in the legacy hole; the p2m backs the RAM, the hole and the
     * ACPI pages: mem bytes plus those pages. */
    uint64_t backed_bytes = 0;
    for (unsigned int i = 0; i < l.nr_backed; i++)
        backed_bytes += l.backed[i].size;
    if (backed_bytes != mem + l.acpi_size)
        return false;
    for (unsigned int i = 0; i < l.nr_memmap; i++) {
        const struct hvm_memmap_table_entry *e = &l.memmap[i];
        if (e->type == HVM_MEMMAP_TYPE_RAM &&
            (overlap(e->addr, e->size, PVH_LEGACY_START, PVH_LEGACY_END - PVH_LEGACY_START) ||
             !backed(e->addr, e->size)))
            return false;
    }
    /* The ACPI pages: NVS in the map, mapped, the RSDP in start info. */
    if (l.acpi_paddr != PVH_ACPI_BASE || !l.acpi_size || !IS_ALIGNED(l.acpi_size, PAGE_SIZE) ||
        l.acpi.size > l.acpi_size || !backed(l.acpi_paddr, l.acpi_size) ||
        l.acpi.nr_lapic + l.acpi.nr_x2apic != vcpus)
        return false;
    bool acpi_in_map = false;
    for (unsigned int i = 0; i < l.nr_memmap; i++)
        acpi_in_map |= l.memmap[i].addr == l.acpi_paddr && l.memmap[i].size == l.acpi_size &&
                       l.memmap[i].type == HVM_MEMMAP_TYPE_NVS;
    if (!acpi_in_map || memcmp(l.acpi_tables, "RSD PTR ", 8))
        return false;
    if (!in_ram(k0, k1 - k0) || !in_ram(l.info_paddr, l.info_size))
        return false;
    if (!IS_ALIGNED(l.info_paddr, PAGE_SIZE) || !l.info_paddr ||
        l.info_paddr + l.info_size > PVH_INFO_LIMIT ||
        overlap(l.info_paddr, l.info_size, k0, k1 - k0))
        return false;
    if (initrd) {
        if (!l.initrd_paddr || !IS_ALIGNED(l.initrd_paddr, PAGE_SIZE) ||
            !in_ram(l.initrd_paddr, i1) || l.initrd_paddr + i1 > GiB(4) ||
            overlap(l.initrd_paddr, i1, k0, k1 - k0) ||
            overlap(l.initrd_paddr, i1, l.info_paddr, l.info_size))
            return false;
    } else if (l.initrd_paddr || si->nr_modules || si->modlist_paddr) {
        return false;
    }
    /* The pieces of the block stay inside it. */
    if (si->cmdline_paddr + cmdline + 1 > l.info_paddr + l.info_size ||
        si->memmap_paddr + si->memmap_entries * 24 > si->cmdline_paddr ||
        si->memmap_paddr % 8 || si->modlist_paddr % 8 || si->memmap_paddr < l.info_paddr + 56)
        return false;
    return si->magic == HVM_START_MAGIC && si->version == 1 &&
           si->rsdp_paddr == PVH_ACPI_BASE && si->memmap_entries == l.nr_memmap;
}

static void test_16m(void)
{
    CHECK_EQ(layout(MiB(16), MiB(1), MiB(1) + 0x5432, 0, 20), 0);
    CHECK_EQ(l.low_ram_end, MiB(16));
    CHECK_EQ(l.high_ram_end, 0);
    CHECK_EQ(l.nr_memmap, 4);
    CHECK_EQ(l.memmap[0].addr, 0);
    CHECK_EQ(l.memmap[0].size, 0xa0000);
    CHECK_EQ(l.memmap[0].type, HVM_MEMMAP_TYPE_RAM);
    CHECK_EQ(l.memmap[1].addr, MiB(1));
    CHECK_EQ(l.memmap[1].size, MiB(15));
    CHECK_EQ(l.memmap[1].type, HVM_MEMMAP_TYPE_RAM);
    CHECK_EQ(l.memmap[2].addr, 0xfc000000);
    CHECK_EQ(l.memmap[2].size, PAGE_SIZE);
    CHECK_EQ(l.memmap[2].type, HVM_MEMMAP_TYPE_NVS);
    CHECK_EQ(l.memmap[3].addr, 0xfeff0000);
    CHECK_EQ(l.memmap[3].size, 0x10000);
    CHECK_EQ(l.memmap[3].type, HVM_MEMMAP_TYPE_RESERVED);
    CHECK_EQ(l.nr_backed, 2);
    CHECK_EQ(l.backed[0].addr, 0);
    CHECK_EQ(l.backed[0].size, MiB(16));                /* the legacy hole too */
    CHECK_EQ(l.backed[1].addr, 0xfc000000);
    CHECK_EQ(l.backed[1].size, PAGE_SIZE);
    CHECK_EQ(l.start_info.rsdp_paddr, 0xfc000000);
    CHECK_EQ(l.info_paddr, 0x1000);                     /* the lowest free page */
    CHECK_EQ(l.info_size, PAGE_SIZE);
    CHECK_EQ(l.start_info_paddr, 0x1000);
    CHECK_EQ(l.start_info.nr_modules, 0);
    CHECK_EQ(l.start_info.modlist_paddr, 0);
    CHECK_EQ(l.start_info.memmap_paddr, 0x1000 + 56);
    CHECK_EQ(l.start_info.cmdline_paddr, 0x1000 + 56 + 4 * 24);
    CHECK_EQ(l.initrd_paddr, 0);
    CHECK(sane(MiB(16), MiB(1), MiB(1) + 0x5432, 0, 20));
    CHECK_EQ(host_log()[0], 0);
}

/* The map docs/guest-layout.md shows. */
static void test_512m_two_vcpus(void)
{
    static const struct hvm_memmap_table_entry want[] = {
        { 0, 0xa0000, HVM_MEMMAP_TYPE_RAM, 0 },
        { 0x100000, 0x1ff00000, HVM_MEMMAP_TYPE_RAM, 0 },
        { 0xfc000000, 0x1000, HVM_MEMMAP_TYPE_NVS, 0 },
        { 0xfeff0000, 0x10000, HVM_MEMMAP_TYPE_RESERVED, 0 },
    };

    vcpus = 2;
    CHECK_EQ(layout(MiB(512), MiB(1), MiB(2), 0, 0), 0);
    vcpus = 1;
    CHECK_EQ(l.nr_memmap, ARRAY_SIZE(want));
    for (unsigned int i = 0; i < ARRAY_SIZE(want); i++) {
        CHECK_EQ(l.memmap[i].addr, want[i].addr);
        CHECK_EQ(l.memmap[i].size, want[i].size);
        CHECK_EQ(l.memmap[i].type, want[i].type);
    }
    CHECK_EQ(l.start_info.rsdp_paddr, 0xfc000000);
    CHECK_EQ(l.acpi.nr_lapic, 2);
}

static void test_16m_initrd(void)
{
    CHECK_EQ(layout(MiB(16), MiB(1), MiB(1) + 0x5432, MiB(3) + 1, 0), 0);
    CHECK_EQ(l.initrd_paddr, MiB(1) + 0x6000);          /* right above the kernel */
    CHECK_EQ(l.initrd_size, MiB(3) + 1);
    CHECK_EQ(l.start_info.nr_modules, 1);
    CHECK_EQ(l.start_info.modlist_paddr, 0x1000 + 56);
    CHECK_EQ(l.start_info.memmap_paddr, 0x1000 + 56 + 32);
    CHECK_EQ(l.module.paddr, l.initrd_paddr);
    CHECK_EQ(l.module.size, MiB(3) + 1);
    CHECK_EQ(l.module.cmdline_paddr, 0);
    CHECK(sane(MiB(16), MiB(1), MiB(1) + 0x5432, MiB(3) + 1, 0));
}

static void test_1g_linux_like(void)
{
    /* Debian's kernel loads at 16 MiB; a 60 MiB initramfs; a long command line. */
    CHECK_EQ(layout(GiB(1), MiB(16), MiB(16) + 0x2a3b000, MiB(60), PVH_CMDLINE_MAX), 0);
    CHECK_EQ(l.nr_memmap, 4);
    CHECK_EQ(l.memmap[1].size, GiB(1) - MiB(1));
    CHECK_EQ(l.initrd_paddr, MiB(16) + 0x2a3b000);
    CHECK_EQ(l.info_paddr, 0x1000);
    CHECK_EQ(l.info_size, PAGE_SIZE);                   /* 56 + 32 + 96 + 1024 */
    CHECK(sane(GiB(1), MiB(16), MiB(16) + 0x2a3b000, MiB(60), PVH_CMDLINE_MAX));
}

static void test_6g(void)
{
    CHECK_EQ(layout(GiB(6), MiB(16), MiB(20), MiB(8), 10), 0);
    CHECK_EQ(l.low_ram_end, GiB(3));
    CHECK_EQ(l.high_ram_end, GiB(7));
    CHECK_EQ(l.nr_memmap, 5);
    CHECK_EQ(l.memmap[0].size, 0xa0000);
    CHECK_EQ(l.memmap[1].size, GiB(3) - MiB(1));
    CHECK_EQ(l.memmap[2].type, HVM_MEMMAP_TYPE_NVS);
    CHECK_EQ(l.memmap[3].type, HVM_MEMMAP_TYPE_RESERVED);
    CHECK_EQ(l.memmap[4].addr, GiB(4));
    CHECK_EQ(l.memmap[4].size, GiB(3));
    CHECK_EQ(l.memmap[4].type, HVM_MEMMAP_TYPE_RAM);
    CHECK_EQ(l.start_info.memmap_entries, 5);
    CHECK_EQ(l.nr_backed, 3);
    CHECK_EQ(l.backed[2].addr, GiB(4));
    CHECK_EQ(l.backed[2].size, GiB(3));
    CHECK(sane(GiB(6), MiB(16), MiB(20), MiB(8), 10));
    /* The boundary: exactly 3 GiB has no high part, one page more has. */
    CHECK_EQ(layout(GiB(3), MiB(16), MiB(20), 0, 0), 0);
    CHECK_EQ(l.nr_memmap, 4);
    CHECK_EQ(layout(GiB(3) + PAGE_SIZE, MiB(16), MiB(20), 0, 0), 0);
    CHECK_EQ(l.nr_memmap, 5);
    CHECK_EQ(l.memmap[4].size, PAGE_SIZE);
    CHECK_EQ(layout(PVH_MEM_MAX, MiB(16), MiB(20), 0, 0), 0);
    CHECK_EQ(ram_bytes(), PVH_MEM_MAX - 0x60000);
}

static void test_kernel_high_and_low(void)
{
    /* No room above the kernel: the initrd goes right below it. */
    CHECK_EQ(layout(MiB(16), MiB(14), MiB(15) + 1, MiB(4), 0), 0);
    CHECK_EQ(l.initrd_paddr, MiB(10));
    CHECK(sane(MiB(16), MiB(14), MiB(15) + 1, MiB(4), 0));
    /* A kernel in the first pages pushes the block above it; an initrd too
     * big for what is left below the legacy hole goes above the hole. */
    CHECK_EQ(layout(MiB(16), 0x1000, 0x3800, MiB(1), 100), 0);
    CHECK_EQ(l.initrd_paddr, MiB(1));
    CHECK_EQ(l.info_paddr, 0x4000);
    CHECK(sane(MiB(16), 0x1000, 0x3800, MiB(1), 100));
    CHECK_EQ(layout(MiB(16), 0x1000, 0x3800, 0x10000, 100), 0);
    CHECK_EQ(l.initrd_paddr, 0x4000);
    CHECK_EQ(l.info_paddr, 0x14000);
    /* A kernel that ends right at the hole, one that starts right after. */
    CHECK_EQ(layout(MiB(16), 0x1000, 0xa0000, 0, 0), 0);
    CHECK_EQ(l.info_paddr, MiB(1));
    CHECK(sane(MiB(16), 0x1000, 0xa0000, 0, 0));
    CHECK_EQ(layout(MiB(16), MiB(1), MiB(2), 0, 0), 0);
    /* A kernel near 3 GiB in a big domain: the block still goes low. */
    CHECK_EQ(layout(GiB(8), GiB(3) - MiB(2), GiB(3) - MiB(1), MiB(1), 0), 0);
    CHECK_EQ(l.initrd_paddr, GiB(3) - MiB(1));
    CHECK_EQ(l.info_paddr, 0x1000);
    /* The kernel fills low memory up to the top: the initrd goes below. */
    CHECK_EQ(layout(MiB(4), MiB(2), MiB(4), MiB(1), 0), 0);
    CHECK_EQ(l.initrd_paddr, MiB(1));
}

static void test_too_small(void)
{
    CHECK_EQ(layout(MiB(1), MiB(1), MiB(2), 0, 0), -ENOMEM);
    CHECK_LOG("E: pvh: kernel [0x100000, 0x200000) does not fit in low RAM [0, 0x100000)");
    CHECK_EQ(layout(MiB(1), 0x1000, 0xa0000, 0, 0), -ENOMEM);
    CHECK_LOG("no room for the start-of-day block");
    CHECK_EQ(layout(MiB(16), MiB(1), MiB(2), MiB(15), 0), -ENOMEM);
    CHECK_LOG("no room for a 0xf00000-byte initrd");
    CHECK_EQ(layout(MiB(16), MiB(1), MiB(2), ~0ULL, 0), -ENOMEM);          /* no overflow */
    CHECK_EQ(layout(MiB(16), MiB(1), MiB(2), ~0ULL - 0x800, 0), -ENOMEM);
    /* The last free pages exactly: it fits. */
    CHECK_EQ(layout(MiB(16), MiB(1), MiB(2), MiB(14), 0), 0);
    CHECK_EQ(l.initrd_paddr, MiB(2));
    CHECK_EQ(l.info_paddr, 0x1000);
    CHECK_EQ(layout(MiB(16), MiB(1), MiB(2), MiB(14) + 1, 0), -ENOMEM);
    /* Room below the kernel for the initrd but then none for the block. */
    CHECK_EQ(layout(MiB(2), MiB(1), MiB(2), 0x9f000, 0), -ENOMEM);
    CHECK_EQ(layout(MiB(2), MiB(1), MiB(2), 0x9e000, 0), 0);
    CHECK_EQ(l.initrd_paddr, PAGE_SIZE * 2);
    CHECK_EQ(l.info_paddr, PAGE_SIZE);
    /* A kernel in the MMIO hole of a big domain. */
    CHECK_EQ(layout(GiB(6), GiB(3) + MiB(1), GiB(3) + MiB(2), 0, 0), -ENOMEM);
    /* The block must stay below 1 GiB. */
    CHECK_EQ(layout(GiB(2), MiB(1), GiB(1), 0xa0000 - 2 * PAGE_SIZE, 0), 0);
    CHECK_EQ(l.initrd_paddr, GiB(1));
    CHECK_EQ(l.info_paddr, PAGE_SIZE);
}

static void test_bad_requests(void)
{
    CHECK_EQ(layout(0, MiB(1), MiB(2), 0, 0), -EINVAL);
    CHECK_LOG("bad memory size 0");
    CHECK_EQ(layout(MiB(16) + 1, MiB(1), MiB(2), 0, 0), -EINVAL);
    CHECK_EQ(layout(PVH_MEM_MAX + PAGE_SIZE, MiB(1), MiB(2), 0, 0), -EINVAL);
    CHECK_EQ(layout(~0ULL & PAGE_MASK, MiB(1), MiB(2), 0, 0), -EINVAL);
    CHECK_EQ(layout(MiB(16), 0, MiB(2), 0, 0), -EINVAL);
    CHECK_LOG("bad kernel range [0, 0x200000) (page 0 stays free)");
    CHECK_EQ(layout(MiB(16), 0xfff, MiB(2), 0, 0), -EINVAL);
    CHECK_EQ(layout(MiB(16), MiB(2), MiB(2), 0, 0), -EINVAL);
    CHECK_EQ(layout(MiB(16), MiB(2), MiB(1), 0, 0), -EINVAL);
    CHECK_EQ(layout(MiB(16), MiB(1), ~0ULL, 0, 0), -ENOMEM);
    CHECK_EQ(layout(MiB(16), MiB(1), MiB(2), 0, PVH_CMDLINE_MAX + 1), -EINVAL);
    CHECK_LOG("command line of 1024 bytes");
    /* A kernel in the legacy hole, by a byte at either end. */
    CHECK_EQ(layout(MiB(16), 0x1000, 0xa0001, 0, 0), -EINVAL);
    CHECK_LOG("kernel [0x1000, 0xa0001) overlaps [0xa0000, 0x100000), which is not RAM");
    CHECK_EQ(layout(MiB(16), 0xfffff, MiB(2), 0, 0), -EINVAL);
    CHECK_EQ(layout(MiB(16), 0xc0000, 0xc1000, 0, 0), -EINVAL);
    /* vCPU counts: none, too many, the most. */
    vcpus = 0;
    CHECK_EQ(layout(MiB(16), MiB(1), MiB(2), 0, 0), -EINVAL);
    CHECK_LOG("0 vCPUs: 1 to 512");
    vcpus = PVH_MAX_VCPUS + 1;
    CHECK_EQ(layout(MiB(16), MiB(1), MiB(2), 0, 0), -EINVAL);
    vcpus = ~0u;
    CHECK_EQ(layout(MiB(16), MiB(1), MiB(2), 0, 0), -EINVAL);
    vcpus = PVH_MAX_VCPUS;
    CHECK_EQ(layout(MiB(16), MiB(1), MiB(2), 0, 0), 0);
    CHECK_EQ(l.acpi_size, 2 * PAGE_SIZE);
    CHECK_EQ(l.acpi.nr_x2apic, PVH_MAX_VCPUS - 128);
    CHECK(sane(MiB(16), MiB(1), MiB(2), 0, 0));
    vcpus = 1;
}

static void test_random_no_overlap(void)
{
    unsigned int ok = 0, nomem = 0;

    test_srand(0x9e1);
    for (unsigned int i = 0; i < 200000; i++) {
        uint64_t r = test_rand();
        uint64_t mem = (r & 1) ? (1 + test_rand() % 4096) * PAGE_SIZE   /* up to 16 MiB */
                               : (1 + test_rand() % (GiB(8) / PAGE_SIZE)) * PAGE_SIZE;
        uint64_t low = MIN(mem, PVH_LOW_RAM_MAX);
        uint64_t ks = PAGE_SIZE + test_rand() % low;
        uint64_t ke = ks + 1 + test_rand() % ((r & 2) ? MiB(1) : MiB(64));
        uint64_t initrd = (r & 4) ? 0 : test_rand() % ((r & 8) ? MiB(2) : MiB(256));
        size_t cmdline = test_rand() % (PVH_CMDLINE_MAX + 1);
        vcpus = 1 + test_rand() % ((r & 16) ? 4 : PVH_MAX_VCPUS);
        int rc = layout(mem, ks, ke, initrd, cmdline);

        if (rc == 0) {
            ok++;
            if (!sane(mem, ks, ke, initrd, cmdline)) {
                CHECK(!"insane layout");
                printf("    mem %#llx kernel [%#llx, %#llx) initrd %#llx cmdline %zu\n",
                       (unsigned long long)mem, (unsigned long long)ks,
                       (unsigned long long)ke, (unsigned long long)initrd, cmdline);
                return;
            }
        } else if (ke <= low &&
                   overlap(ks, ke - ks, PVH_LEGACY_START, PVH_LEGACY_END - PVH_LEGACY_START)) {
            CHECK_EQ(rc, -EINVAL);
        } else {
            CHECK_EQ(rc, -ENOMEM);
            nomem++;
            /* A refusal is honest: the kernel, or it plus the rest, does not fit. */
            uint64_t k = ALIGN_UP(ke, PAGE_SIZE) - ALIGN_DOWN(ks, PAGE_SIZE);
            if (ke <= low && k + ALIGN_UP(initrd, PAGE_SIZE) + 2 * PAGE_SIZE < low / 4 &&
                ks > low / 2 && ke < low && low >= MiB(8)) {
                /* plenty of room below the kernel for everything */
                CHECK(!"refused a layout that fits");
                return;
            }
        }
    }
    CHECK(ok > 50000);
    CHECK(nomem > 1000);
    vcpus = 1;
}

/* ---- writing it ---- */

/* The guest: RAM from 0, and the ACPI pages. */
static uint8_t *guest;
static size_t guest_size;
static uint8_t acpi_pages[PVH_ACPI_MAX + PAGE_SIZE];

static uint8_t *gpa_ptr(uint64_t gpa, size_t len)
{
    if (gpa <= guest_size && len <= guest_size - gpa)
        return guest + gpa;
    if (gpa >= PVH_ACPI_BASE && gpa - PVH_ACPI_BASE <= sizeof(acpi_pages) &&
        len <= sizeof(acpi_pages) - (gpa - PVH_ACPI_BASE))
        return acpi_pages + (gpa - PVH_ACPI_BASE);
    return NULL;
}

static int g_copy(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    uint8_t *p = gpa_ptr(gpa, len);

    if (!p)
        return -EFAULT;
    memcpy(p, src, len);
    return 0;
}

static int g_zero(void *ctx, uint64_t gpa, size_t len)
{
    uint8_t *p = gpa_ptr(gpa, len);

    if (!p)
        return -EFAULT;
    memset(p, 0, len);
    return 0;
}

static const struct guest_copy_ops gops = { g_copy, g_zero };

static void test_write(void)
{
    static const char cmdline[] = "console=hvc0 root=/dev/xvda1";
    struct hvm_start_info si;
    struct hvm_modlist_entry mod;
    struct hvm_memmap_table_entry mm[4];
    uint8_t initrd[5000];

    guest_size = MiB(16);
    guest = malloc(guest_size);
    memset(guest, 0xa5, guest_size);
    memset(acpi_pages, 0xa5, sizeof(acpi_pages));
    for (unsigned int i = 0; i < sizeof(initrd); i++)
        initrd[i] = (uint8_t)(i * 13);
    CHECK_EQ(layout(MiB(16), MiB(1), MiB(2), sizeof(initrd), strlen(cmdline)), 0);
    CHECK_EQ(pvh_layout_write(&l, cmdline, initrd, &gops, NULL), 0);

    memcpy(&si, guest + l.start_info_paddr, sizeof(si));
    CHECK_EQ(si.magic, 0x336ec578);
    CHECK_EQ(si.version, 1);
    CHECK_EQ(si.flags, 0);
    CHECK_EQ(si.nr_modules, 1);
    CHECK_EQ(si.rsdp_paddr, 0xfc000000);
    CHECK_EQ(si.memmap_entries, 4);
    CHECK_EQ(si.reserved, 0);
    CHECK_STR((const char *)guest + si.cmdline_paddr, cmdline);
    memcpy(&mod, guest + si.modlist_paddr, sizeof(mod));
    CHECK_EQ(mod.paddr, MiB(2));
    CHECK_EQ(mod.size, sizeof(initrd));
    CHECK(!memcmp(guest + mod.paddr, initrd, sizeof(initrd)));
    CHECK_EQ(guest[mod.paddr + sizeof(initrd)], 0xa5);     /* only the initrd's bytes */
    memcpy(mm, guest + si.memmap_paddr, sizeof(mm));
    CHECK_EQ(mm[0].addr, 0);
    CHECK_EQ(mm[0].size, 0xa0000);
    CHECK_EQ(mm[0].type, 1);
    CHECK_EQ(mm[0].reserved, 0);
    CHECK_EQ(mm[1].addr, MiB(1));
    CHECK_EQ(mm[1].size, MiB(15));
    CHECK_EQ(mm[1].type, 1);
    CHECK_EQ(mm[2].addr, 0xfc000000);
    CHECK_EQ(mm[2].type, 4);
    CHECK_EQ(mm[3].type, 2);
    /* The ACPI pages: the tables, then zeros to the page's end. */
    CHECK(!memcmp(acpi_pages, l.acpi_tables, l.acpi.size));
    CHECK(!memcmp(acpi_pages, "RSD PTR ", 8));
    CHECK_EQ(acpi_pages[l.acpi.size], 0);
    CHECK_EQ(acpi_pages[l.acpi_size - 1], 0);
    CHECK_EQ(acpi_pages[l.acpi_size], 0xa5);
    /* The rest of the block is zero, and nothing outside it was touched. */
    for (uint64_t a = si.cmdline_paddr + sizeof(cmdline); a < l.info_paddr + l.info_size; a++)
        if (guest[a]) {
            CHECK_EQ(guest[a], 0);
            break;
        }
    CHECK_EQ(guest[l.info_paddr - 1], 0xa5);
    CHECK_EQ(guest[l.info_paddr + l.info_size], 0xa5);

    /* A command line that does not match the layout, a missing initrd. */
    CHECK_EQ(pvh_layout_write(&l, "short", initrd, &gops, NULL), -EINVAL);
    CHECK_EQ(pvh_layout_write(&l, cmdline, NULL, &gops, NULL), -EINVAL);
    CHECK_EQ(pvh_layout_write(&l, NULL, initrd, &gops, NULL), -EINVAL);
    /* A callback's error comes back. */
    guest_size = MiB(1);
    CHECK_EQ(pvh_layout_write(&l, cmdline, initrd, &gops, NULL), -EFAULT);
    free(guest);

    /* No initrd, flags passed through, empty command line. */
    struct pvh_layout_req r = { .mem = MiB(8), .kernel_start = MiB(1), .kernel_end = MiB(2),
                                .nr_vcpus = 2, .flags = SIF_PRIVILEGED | SIF_INITDOMAIN };
    guest_size = MiB(8);
    guest = calloc(1, guest_size);
    CHECK_EQ(pvh_layout_compute(&l, &r), 0);
    CHECK_EQ(pvh_layout_write(&l, "", NULL, &gops, NULL), 0);
    memcpy(&si, guest + l.start_info_paddr, sizeof(si));
    CHECK_EQ(si.flags, 3);
    CHECK_EQ(si.nr_modules, 0);
    CHECK_EQ(si.modlist_paddr, 0);
    CHECK_STR((const char *)guest + si.cmdline_paddr, "");
    free(guest);
}

int main(void)
{
    RUN(test_16m);
    RUN(test_512m_two_vcpus);
    RUN(test_16m_initrd);
    RUN(test_1g_linux_like);
    RUN(test_6g);
    RUN(test_kernel_high_and_low);
    RUN(test_too_small);
    RUN(test_bad_requests);
    RUN(test_random_no_overlap);
    RUN(test_write);
    return test_summary();
}
