/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: the vPCI model (hypervisor/arch/x86/hvm/vpci_*.c, vmsi.c)
 * against fake PCI functions: which registers reach the device, BAR sizing
 * and the p2m mappings decoding makes, MSI and MSI-X translation into host
 * vectors, and hostile accesses. Register layouts and expected values come
 * from the PCI local bus spec 3.0 (6.2, 6.8) and the Intel SDM vol. 3
 * 11.11, written out here. */
#include <asm/vpci.h>
#include <tessera/errno.h>
#include <tessera/heap.h>
#include "test.h"

/* ---- fake functions ---- */

struct fbar {
    uint64_t size;                  /* 0: unimplemented */
    uint32_t flags;                 /* low bits: IO, 64-bit, prefetchable */
};

struct fdev {
    uint32_t sbdf;
    uint8_t cfg[4096];
    uint8_t wmask[4096];            /* bytes dom0 may change (BARs aside) */
    struct fbar bars[6];
    uint64_t rom_size;
    uint8_t mem[0x1000];            /* BAR1's page: MSI-X table and PBA */
    unsigned int writes;            /* config writes that reached it */
};

#define NDEV 5
static struct fdev fdevs[NDEV];
static struct fdev *net, *ahci, *iommu, *nic2, *loop;

static struct fdev *fdev(uint32_t sbdf)
{
    for (unsigned int i = 0; i < NDEV; i++)
        if (fdevs[i].sbdf == sbdf)
            return &fdevs[i];
    return NULL;
}

static uint32_t get(const struct fdev *f, unsigned int reg, unsigned int size)
{
    uint32_t v = 0;
    for (unsigned int i = 0; i < size; i++)
        v |= (uint32_t)f->cfg[reg + i] << (8 * i);
    return v;
}

static void put(struct fdev *f, unsigned int reg, unsigned int size, uint32_t v)
{
    for (unsigned int i = 0; i < size; i++)
        f->cfg[reg + i] = v >> (8 * i);
}

static uint32_t fake_conf_read(uint32_t sbdf, unsigned int reg, unsigned int size)
{
    struct fdev *f = fdev(sbdf);
    return f ? get(f, reg, size) : (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1);
}

/* A BAR register keeps the address bits its size allows (PCI 3.0 6.2.5.1). */
static uint32_t bar_value(const struct fdev *f, unsigned int i, uint32_t val)
{
    if (i > 0 && (f->bars[i - 1].flags & 0x6) == PCI_BAR_MEM_64 && f->bars[i - 1].size)
        return val & (uint32_t)(~(f->bars[i - 1].size - 1) >> 32);
    if (!f->bars[i].size)
        return 0;
    return (val & ~(uint32_t)(f->bars[i].size - 1) & ~0xfu) | f->bars[i].flags;
}

static unsigned int io_decode_offs;     /* command writes turning I/O decode off */

static void fake_conf_write(uint32_t sbdf, unsigned int reg, unsigned int size, uint32_t val)
{
    struct fdev *f = fdev(sbdf);

    if (!f)
        return;
    f->writes++;
    if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 24) {
        /* A narrower write changes its bytes of the register. */
        unsigned int r = reg & ~3u, sh = (reg & 3) * 8;
        uint32_t m = (size == 4 ? 0xffffffffu : ((1u << (size * 8)) - 1)) << sh;
        put(f, r, 4, bar_value(f, (r - PCI_BAR0) / 4, (get(f, r, 4) & ~m) | ((val << sh) & m)));
        return;
    }
    if (reg == PCI_ROM_TYPE0) {
        put(f, reg, 4, f->rom_size ? (val & ~(uint32_t)(f->rom_size - 1) & PCI_ROM_MASK) |
                                     (val & PCI_ROM_ENABLE) : 0);
        return;
    }
    if (reg == PCI_COMMAND && (get(f, PCI_COMMAND, 2) & PCI_COMMAND_IO) &&
        !(val & PCI_COMMAND_IO))
        io_decode_offs++;
    for (unsigned int i = 0; i < size; i++)
        f->cfg[reg + i] = (f->cfg[reg + i] & ~f->wmask[reg + i]) |
                          ((val >> (8 * i)) & f->wmask[reg + i]);
}

/* The fake p2m: which frames are identity-mapped. */
#define MAXMAP 4096
static uint64_t mapped[MAXMAP];
static unsigned int nr_mapped, p2m_calls;

static bool is_mapped(uint64_t gfn)
{
    for (unsigned int i = 0; i < nr_mapped; i++)
        if (mapped[i] == gfn)
            return true;
    return false;
}

static int fake_p2m(void *ctx, uint64_t gfn, uint64_t nr, bool map)
{
    p2m_calls++;
    for (uint64_t g = gfn; g < gfn + nr; g++) {
        if (map && !is_mapped(g)) {
            if (nr_mapped == MAXMAP)
                return -ENOMEM;
            mapped[nr_mapped++] = g;
        } else if (!map) {
            for (unsigned int i = 0; i < nr_mapped; i++)
                if (mapped[i] == g)
                    mapped[i--] = mapped[--nr_mapped];
        }
    }
    return 0;
}

static uint64_t claim_gpa[8], claim_len[8];
static unsigned int nr_claims;
static int claim_rc;

static int fake_claim(void *ctx, uint64_t gpa, uint64_t len)
{
    if (claim_rc)
        return claim_rc;
    if (nr_claims < 8)
        claim_gpa[nr_claims] = gpa, claim_len[nr_claims] = len;
    nr_claims++;
    return 0;
}

/* BAR1 of a function, where its MSI-X table lives. */
static uint8_t *fake_mem(uint64_t pa, unsigned int size)
{
    for (unsigned int i = 0; i < NDEV; i++) {
        uint64_t b = get(&fdevs[i], PCI_BAR0 + 4, 4) & PCI_BAR_MEM_MASK;
        if (fdevs[i].bars[1].size && b && pa >= b && pa + size <= b + sizeof(fdevs[i].mem))
            return &fdevs[i].mem[pa - b];
    }
    return NULL;
}

static bool fake_mmio_read(uint64_t pa, unsigned int size, uint64_t *val)
{
    uint8_t *p = fake_mem(pa, size);
    if (!p)
        return false;
    *val = 0;
    memcpy(val, p, size);
    return true;
}

static bool fake_mmio_write(uint64_t pa, unsigned int size, uint64_t val)
{
    uint8_t *p = fake_mem(pa, size);
    if (!p)
        return false;
    memcpy(p, &val, size);
    return true;
}

/* Host vectors 0x30.. as the hypervisor hands them out. */
static bool vec_used[256], vec_has_target[256];
static struct vmsi_guest vec_target[256];
static unsigned int vec_limit = 0xe0;

static int fake_vec_alloc(void *ctx)
{
    for (unsigned int v = 0x30; v < vec_limit; v++)
        if (!vec_used[v]) {
            vec_used[v] = true;
            return v;
        }
    return -ENOSPC;
}

static void fake_vec_free(void *ctx, int vec)
{
    CHECK(vec_used[vec]);
    CHECK(!vec_has_target[vec]);
    vec_used[vec] = false;
}

static void fake_vec_target(void *ctx, int vec, const struct vmsi_guest *g)
{
    CHECK(vec_used[vec]);
    vec_has_target[vec] = g != NULL;
    if (g)
        vec_target[vec] = *g;
}

static unsigned int vecs_in_use(void)
{
    unsigned int n = 0;
    for (unsigned int v = 0; v < 256; v++)
        n += vec_used[v];
    return n;
}

/* The machine's MMIO policy: an IOMMU's registers outside any e820 range. */
#define IOMMU_REGS  0xfea80000ull

static const char *fake_mmio_denied(uint64_t addr, uint64_t size)
{
    return addr < IOMMU_REGS + 0x4000 && IOMMU_REGS < addr + size ? "IOMMU registers" : NULL;
}

/* Host CPUs: APIC ID HOST_APIC + dom0's physical destination. */
#define HOST_APIC   3

static uint32_t fake_host_dest(void *ctx, const struct vmsi_guest *g)
{
    return HOST_APIC + (g ? g->dest : 0);
}

static const struct vpci_hw fake_hw = {
    .conf_read = fake_conf_read, .conf_write = fake_conf_write, .mmio_denied = fake_mmio_denied,
    .p2m_identity = fake_p2m, .mmio_claim = fake_claim, .mmio_read = fake_mmio_read,
    .mmio_write = fake_mmio_write, .host_dest = fake_host_dest, .vec_alloc = fake_vec_alloc,
    .vec_free = fake_vec_free, .vec_target = fake_vec_target,
};

static struct vpci vp;

#define NET_BAR0    0xfeb00000u     /* 16 KiB registers */
#define NET_BAR1    0xfeb10000u     /* 4 KiB: MSI-X table at 0, PBA at 0x800 */
#define NET_BAR4    0x800000000ull  /* 64-bit, 16 KiB */
#define AHCI_BAR5   0xfeb20000u

static void setup_fdev(struct fdev *f, uint32_t sbdf, uint32_t id, uint32_t class)
{
    memset(f, 0, sizeof(*f));
    f->sbdf = sbdf;
    put(f, PCI_VENDOR_ID, 4, id);
    put(f, PCI_CLASS_REVISION, 4, class << 8 | 1);
    f->wmask[PCI_COMMAND] = 0xff;
    f->wmask[PCI_COMMAND + 1] = 0x07;
    f->wmask[0x0c] = 0xff;          /* cache line size */
    f->wmask[0x3c] = 0xff;          /* interrupt line */
}

static void set_bar(struct fdev *f, unsigned int i, uint64_t addr, uint64_t size,
                    uint32_t flags)
{
    f->bars[i].size = size;
    f->bars[i].flags = flags;
    put(f, PCI_BAR0 + 4 * i, 4, bar_value(f, i, (uint32_t)addr));
    if ((flags & 0x6) == PCI_BAR_MEM_64)
        put(f, PCI_BAR0 + 4 * (i + 1), 4, (uint32_t)(addr >> 32));
}

static void add_cap(struct fdev *f, uint8_t pos, uint8_t id)
{
    uint8_t *link = &f->cfg[PCI_CAP_PTR];

    f->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
    while (*link)
        link = &f->cfg[*link + 1];
    *link = pos;
    f->cfg[pos] = id;
}

static void machine(void)
{
    /* 00:01.0 a NIC: MSI-X with 3 entries in BAR1, a 64-bit BAR4, an I/O BAR2. */
    net = &fdevs[0];
    setup_fdev(net, VPCI_SBDF(0, 0, 1, 0), 0x10001af4, 0x020000);
    set_bar(net, 0, NET_BAR0, 0x4000, 0);
    set_bar(net, 1, NET_BAR1, 0x1000, 0);
    set_bar(net, 2, 0xc000, 0x20, PCI_BAR_IO);
    set_bar(net, 4, NET_BAR4, 0x4000, PCI_BAR_MEM_64 | 0x8);
    net->rom_size = 0x40000;
    put(net, PCI_ROM_TYPE0, 4, 0xfeb40000);
    add_cap(net, 0x40, PCI_CAP_ID_MSIX);
    put(net, 0x42, 2, 2);                   /* table size 3 */
    put(net, 0x44, 4, 0x000 | 1);           /* table: BIR 1, offset 0 */
    put(net, 0x48, 4, 0x800 | 1);           /* PBA: BIR 1, offset 0x800 */
    net->wmask[0x43] = 0xc0;                /* enable, function mask */
    put(net, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);

    /* 00:02.0 a SATA controller: 64-bit MSI without masking, MMC = 4 vectors. */
    ahci = &fdevs[1];
    setup_fdev(ahci, VPCI_SBDF(0, 0, 2, 0), 0x29228086, 0x010601);
    set_bar(ahci, 5, AHCI_BAR5, 0x1000, 0);
    add_cap(ahci, 0x80, PCI_CAP_ID_MSI);
    put(ahci, 0x82, 2, PCI_MSI_CTRL_64 | (2 << 1));
    for (unsigned int r = 0x82; r < 0x8e; r++)
        ahci->wmask[r] = 0xff;
    ahci->wmask[0x82] = 0x71;               /* enable, MME */
    ahci->wmask[0x83] = 0;

    /* 00:03.0 the IOMMU. */
    iommu = &fdevs[2];
    setup_fdev(iommu, VPCI_SBDF(0, 0, 3, 0), 0x00101022, 0x080600);
    set_bar(iommu, 0, 0xfeb30000, 0x4000, 0);

    /* 00:04.0 32-bit MSI with per-vector masking. */
    nic2 = &fdevs[3];
    setup_fdev(nic2, VPCI_SBDF(0, 0, 4, 0), 0x100e8086, 0x020000);
    add_cap(nic2, 0x50, PCI_CAP_ID_MSI);
    put(nic2, 0x52, 2, PCI_MSI_CTRL_MASKABLE);
    for (unsigned int r = 0x52; r < 0x60; r++)
        nic2->wmask[r] = 0xff;
    nic2->wmask[0x53] = 0;

    /* 00:05.0 a capability list that loops on itself. */
    loop = &fdevs[4];
    setup_fdev(loop, VPCI_SBDF(0, 0, 5, 0), 0x12345678, 0xff0000);
    loop->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
    loop->cfg[PCI_CAP_PTR] = 0x40;
    loop->cfg[0x40] = 0x09;
    loop->cfg[0x41] = 0x40;
}

static void fresh(void)
{
    for (unsigned int i = 0; i < vp.nr_devs; i++)
        xfree(vp.devs[i]->msix.entries), xfree(vp.devs[i]);
    memset(&vp, 0, sizeof(vp));
    vp.hw = &fake_hw;
    vp.forbidden[vp.nr_forbidden++] = (struct vpci_forbidden){ 0, 0x7fe00000, "RAM" };
    vp.forbidden[vp.nr_forbidden++] = (struct vpci_forbidden){ 0xb0000000, 0x10000000, "ECAM" };
    vp.forbidden[vp.nr_forbidden++] =
        (struct vpci_forbidden){ 0xfec00000, 0x300000, "the APIC window" };
    nr_mapped = p2m_calls = nr_claims = io_decode_offs = 0;
    claim_rc = 0;
    memset(vec_used, 0, sizeof(vec_used));
    memset(vec_has_target, 0, sizeof(vec_has_target));
    vec_limit = 0xe0;
    machine();
    host_log_clear();
}

static uint32_t rd(struct fdev *f, unsigned int reg, unsigned int size)
{
    return vpci_read(&vp, f->sbdf, reg, size);
}

static void wr(struct fdev *f, unsigned int reg, unsigned int size, uint32_t val)
{
    vpci_write(&vp, f->sbdf, reg, size, val);
}

static bool range_mapped(uint64_t addr, uint64_t size)
{
    for (uint64_t g = addr >> 12; g < (addr + size + 0xfff) >> 12; g++)
        if (!is_mapped(g))
            return false;
    return true;
}

static bool range_unmapped(uint64_t addr, uint64_t size)
{
    for (uint64_t g = addr >> 12; g < (addr + size + 0xfff) >> 12; g++)
        if (is_mapped(g))
            return false;
    return true;
}

/* ---- configuration space ---- */

static void test_passthrough(void)
{
    fresh();
    CHECK_EQ(rd(net, PCI_VENDOR_ID, 4), 0x10001af4);
    CHECK_EQ(rd(net, PCI_VENDOR_ID + 2, 2), 0x1000);
    CHECK_EQ(rd(net, PCI_CLASS_REVISION + 3, 1), 0x02);
    /* BARs and command read as the device has them. */
    CHECK_EQ(rd(net, PCI_BAR0 + 4, 4), NET_BAR1);
    CHECK_EQ(rd(net, PCI_BAR0 + 8, 4), 0xc001);
    wr(net, 0x0c, 1, 0x10);
    CHECK_EQ(net->cfg[0x0c], 0x10);
    wr(net, 0x3c, 1, 11);
    CHECK_EQ(net->cfg[0x3c], 11);
    /* A doubleword at 0x0c: cache line size, latency timer, header, BIST
     * all go to the device (the fake keeps only what is writable). */
    wr(net, 0x0c, 4, 0x00000020);
    CHECK_EQ(net->cfg[0x0c], 0x20);
    /* I/O BAR writes are the device's. */
    wr(net, PCI_BAR0 + 8, 4, 0xd000);
    CHECK_EQ(get(net, PCI_BAR0 + 8, 4), 0xd001);
    /* A command + status doubleword: command guarded, status the device's. */
    wr(net, PCI_COMMAND, 4, 0x00000007);
    CHECK_EQ(get(net, PCI_COMMAND, 2), 7);
}

static void test_hidden_and_absent(void)
{
    unsigned int before;

    fresh();
    CHECK_EQ(rd(iommu, PCI_VENDOR_ID, 4), 0xffffffff);
    CHECK_EQ(rd(iommu, PCI_CLASS_REVISION, 2), 0xffff);
    CHECK_EQ(rd(iommu, PCI_BAR0, 4), 0xffffffff);
    CHECK_LOG("00:03.0 (IOMMU) hidden");
    before = iommu->writes;
    wr(iommu, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
    wr(iommu, PCI_BAR0, 4, 0x12340000);
    wr(iommu, 0x0c, 1, 0x55);
    CHECK_EQ(iommu->writes, before);
    CHECK_EQ(get(iommu, PCI_BAR0, 4), 0xfeb30000);
    CHECK(range_unmapped(0xfeb30000, 0x4000));
    /* No function at 00:1f.7: all ones, writes go nowhere. */
    CHECK_EQ(vpci_read(&vp, VPCI_SBDF(0, 0, 31, 7), 0, 4), 0xffffffff);
    vpci_write(&vp, VPCI_SBDF(0, 0, 31, 7), 4, 2, 2);
    CHECK_EQ(vp.nr_devs, 1);
}

static void test_bad_accesses(void)
{
    unsigned int before;

    fresh();
    CHECK_EQ(rd(net, PCI_COMMAND + 1, 2), 0xffff);      /* misaligned */
    CHECK_EQ(rd(net, PCI_VENDOR_ID, 3), 0xffffff);      /* no such size */
    CHECK_EQ(rd(net, 4094, 4), 0xffffffff);
    CHECK_EQ(rd(net, 4096, 1), 0xff);
    CHECK_EQ(rd(net, 0xfffffffc, 4), 0xffffffff);
    rd(net, 0, 4);
    before = net->writes;
    wr(net, PCI_COMMAND + 1, 2, 0);
    wr(net, PCI_COMMAND, 3, 0);
    wr(net, PCI_COMMAND, 8, 0);
    wr(net, 4096, 4, 0);
    wr(net, 0xfffffffe, 2, 0);
    CHECK_EQ(net->writes, before);
    CHECK_EQ(get(net, PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
}

static void test_capability_loop(void)
{
    fresh();
    CHECK_EQ(rd(loop, PCI_VENDOR_ID, 4), 0x12345678);  /* set-up terminates */
    CHECK_EQ(vp.devs[0]->msi.pos, 0);
}

/* ---- BARs ---- */

static void test_boot_mapping(void)
{
    fresh();
    rd(net, 0, 4);
    /* Firmware left memory decoding on: mapped, but not the MSI-X page. */
    CHECK(range_mapped(NET_BAR0, 0x4000));
    CHECK(range_mapped(NET_BAR4, 0x4000));
    CHECK(range_unmapped(NET_BAR1, 0x1000));
    CHECK(range_unmapped(0xfeb40000, 0x40000));         /* ROM not enabled */
    CHECK_EQ(nr_claims, 2);
    CHECK_EQ(claim_gpa[0], NET_BAR1);
    CHECK_EQ(claim_len[0], 0x1000);
    CHECK_EQ(claim_gpa[1], NET_BAR1);
    /* Sizing at set-up left the device as it was. */
    CHECK_EQ(get(net, PCI_BAR0, 4), NET_BAR0);
    CHECK_EQ(get(net, PCI_BAR0 + 16, 4), 0x0000000c);
    CHECK_EQ(get(net, PCI_BAR0 + 20, 4), 0x8);
    CHECK_EQ(get(net, PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
    CHECK_EQ(io_decode_offs, 0);        /* I/O decoding was never turned off */
    CHECK_EQ(vp.devs[0]->bars[4].size, 0x4000);
    CHECK_EQ(vp.devs[0]->bars[VPCI_ROM].size, 0x40000);
    /* AHCI has decoding off: nothing mapped. */
    rd(ahci, 0, 4);
    CHECK(range_unmapped(AHCI_BAR5, 0x1000));
}

static void test_sizing_and_decode(void)
{
    fresh();
    rd(ahci, 0, 4);
    /* Linux sizes a BAR with decoding off: all ones, read, restore. */
    wr(ahci, PCI_BAR0 + 20, 4, 0xffffffff);
    CHECK_EQ(rd(ahci, PCI_BAR0 + 20, 4), 0xfffff000);
    wr(ahci, PCI_BAR0 + 20, 4, AHCI_BAR5);
    CHECK_EQ(rd(ahci, PCI_BAR0 + 20, 4), AHCI_BAR5);
    CHECK(range_unmapped(AHCI_BAR5, 0x1000));
    /* Decoding on maps it, identity; off unmaps it. */
    wr(ahci, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | 0x4);
    CHECK_EQ(get(ahci, PCI_COMMAND, 2), PCI_COMMAND_MEMORY | 0x4);
    CHECK(range_mapped(AHCI_BAR5, 0x1000));
    wr(ahci, PCI_COMMAND, 2, 0x4);
    CHECK(range_unmapped(AHCI_BAR5, 0x1000));
    CHECK_EQ(get(ahci, PCI_COMMAND, 2), 0x4);
}

static void test_64bit_sizing(void)
{
    fresh();
    wr(net, PCI_COMMAND, 2, 0);
    CHECK(range_unmapped(NET_BAR4, 0x4000));
    CHECK(range_unmapped(NET_BAR0, 0x4000));
    wr(net, PCI_BAR0 + 16, 4, 0xffffffff);
    wr(net, PCI_BAR0 + 20, 4, 0xffffffff);
    CHECK_EQ(rd(net, PCI_BAR0 + 16, 4), 0xffffc00c);
    CHECK_EQ(rd(net, PCI_BAR0 + 20, 4), 0xffffffff);
    /* Moved to 0x900000000 and decoded again: the new place is mapped. */
    wr(net, PCI_BAR0 + 16, 4, 0x0000000c);
    wr(net, PCI_BAR0 + 20, 4, 0x9);
    wr(net, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
    CHECK(range_mapped(0x900000000ull, 0x4000));
    CHECK(range_unmapped(NET_BAR4, 0x4000));
}

static void test_bar_write_while_decoding(void)
{
    fresh();
    rd(net, 0, 4);
    wr(net, PCI_BAR0, 4, 0xfea00000);
    CHECK_EQ(get(net, PCI_BAR0, 4), NET_BAR0);
    CHECK_LOG("BAR0 written while decoding: ignored");
    CHECK(range_mapped(NET_BAR0, 0x4000));
    /* A byte write to a BAR is merged and guarded the same way. */
    wr(net, PCI_BAR0 + 3, 1, 0x12);
    CHECK_EQ(get(net, PCI_BAR0, 4), NET_BAR0);
}

static void test_bar_move(void)
{
    fresh();
    wr(net, PCI_COMMAND, 2, 0);
    /* dom0 touched the new place first and got it mapped on the fault. */
    fake_p2m(NULL, 0xfea10, 1, true);
    wr(net, PCI_BAR0, 4, 0xfea00000);
    wr(net, PCI_BAR0 + 4, 4, 0xfea10000);
    wr(net, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
    CHECK(range_mapped(0xfea00000, 0x4000));
    CHECK(range_unmapped(NET_BAR0, 0x4000));
    /* The MSI-X page moved with BAR1: claimed there, not mapped. */
    CHECK(range_unmapped(0xfea10000, 0x1000));
    CHECK_EQ(claim_gpa[nr_claims - 1], 0xfea10000);
}

/* AHCI's BAR5 moved to addr with decoding off, then decoded. */
static void ahci_bar5_at(uint32_t addr)
{
    wr(ahci, PCI_COMMAND, 2, 0);
    wr(ahci, PCI_BAR0 + 20, 4, addr);
    wr(ahci, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
}

static void test_bar_over_forbidden(void)
{
    static const struct { uint32_t addr; const char *log; } bad[] = {
        { 0x01000000, "00:02.0: BAR5 [0x1000000-0x1000fff] over RAM: not mapped" },
        { 0xfee00000, "BAR5 [0xfee00000-0xfee00fff] over the APIC window" },
        { 0xb0001000, "BAR5 [0xb0001000-0xb0001fff] over ECAM" },
        { 0, "BAR5 [0-0xfff] over an invalid address" },    /* unassigned */
        { IOMMU_REGS + 0x2000, "BAR5 [0xfea82000-0xfea82fff] over IOMMU registers" },
    };

    fresh();
    rd(ahci, 0, 4);
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        ahci_bar5_at(bad[i].addr);
        CHECK(range_unmapped(bad[i].addr, 0x1000));
        CHECK_LOG(bad[i].log);
    }
    CHECK_EQ(nr_mapped, 0);
    /* dom0 cannot flood the console with it. */
    host_log_clear();
    for (unsigned int i = 0; i < 3 * VPCI_MAX_WARNINGS; i++)
        ahci_bar5_at(0x01000000);
    CHECK_LOG("(no more warnings for it)");
    CHECK_EQ(vp.devs[0]->nr_warnings, VPCI_MAX_WARNINGS);
    /* The same BAR at a hole is mapped. */
    ahci_bar5_at(AHCI_BAR5);
    CHECK(range_mapped(AHCI_BAR5, 0x1000));
    CHECK_EQ(vpci_bar_forbidden(&vp, 0xffffffffffff0000ull, 0x20000) != NULL, 1);
    CHECK_EQ(vpci_bar_forbidden(&vp, 0x1000000000000ull, 0x1000) != NULL, 1);
    CHECK(vpci_bar_forbidden(&vp, 0xfeb00000, 0x1000) == NULL);
}

/* A BAR put over another function's MSI-X table must not map that page:
 * dom0 would write the device's table behind the emulation. */
static void test_bar_over_msix_table(void)
{
    fresh();
    rd(net, 0, 4);
    rd(ahci, 0, 4);
    ahci_bar5_at(NET_BAR1);
    CHECK(range_unmapped(NET_BAR1, 0x1000));
    CHECK(range_mapped(NET_BAR0, 0x4000));
}

static void test_rom(void)
{
    fresh();
    rd(net, 0, 4);
    wr(net, PCI_ROM_TYPE0, 4, 0xfeb40000 | PCI_ROM_ENABLE);
    CHECK(range_mapped(0xfeb40000, 0x40000));
    /* An enabled ROM does not move while decoding. */
    wr(net, PCI_ROM_TYPE0, 4, 0xfeb80000 | PCI_ROM_ENABLE);
    CHECK_EQ(get(net, PCI_ROM_TYPE0, 4), 0xfeb40000 | PCI_ROM_ENABLE);
    wr(net, PCI_ROM_TYPE0, 4, 0xfeb40000);
    CHECK(range_unmapped(0xfeb40000, 0x40000));
}

/* ---- MSI ---- */

static void test_msi_translation(void)
{
    struct vmsi_guest g;
    uint64_t a;
    uint32_t d;

    CHECK_EQ(vmsi_decode(0xfee01000, 0x0041, &g), 0);
    CHECK_EQ(g.vector, 0x41);
    CHECK_EQ(g.dest, 1);
    CHECK(!g.logical && !g.lowest);
    CHECK_EQ(vmsi_decode(0xfee0f00c, 0x0152, &g), 0);  /* logical, RH, lowest */
    CHECK_EQ(g.dest, 0x0f);
    CHECK(g.logical && g.lowest);
    CHECK_EQ(vmsi_decode(0xfed00000, 0x41, &g), -EINVAL);        /* not the APIC window */
    CHECK_EQ(vmsi_decode(0x1fee00000ull, 0x41, &g), -EINVAL);    /* above 4 GiB */
    CHECK_EQ(vmsi_decode(0xfee00000, 0x0241, &g), -EINVAL);      /* SMI */
    CHECK_EQ(vmsi_decode(0xfee00000, 0x0441, &g), -EINVAL);      /* NMI */
    CHECK_EQ(vmsi_decode(0xfee00000, 0x0541, &g), -EINVAL);      /* INIT */
    CHECK_EQ(vmsi_decode(0xfee00000, 0x0741, &g), -EINVAL);      /* ExtINT */
    CHECK_EQ(vmsi_decode(0xfee00000, 0x8041, &g), -EINVAL);      /* level */
    CHECK_EQ(vmsi_decode(0xfee00000, 0x000f, &g), -EINVAL);      /* vector 15 */
    vmsi_host_msg(5, 0x37, &a, &d);
    CHECK_EQ(a, 0xfee05000);
    CHECK_EQ(d, 0x37);
}

static void test_msi_enable(void)
{
    int hv;

    fresh();
    /* One message: MMC reads 0 though the device can do 4. */
    CHECK_EQ(rd(ahci, 0x82, 2), PCI_MSI_CTRL_64);
    CHECK_EQ(rd(ahci, 0x80, 4), (uint32_t)PCI_MSI_CTRL_64 << 16 | PCI_CAP_ID_MSI);
    wr(ahci, 0x84, 4, 0xfee02000);
    wr(ahci, 0x88, 4, 0);
    wr(ahci, 0x8c, 2, 0x61);
    /* dom0's values read back; the device has not seen them. */
    CHECK_EQ(rd(ahci, 0x84, 4), 0xfee02000);
    CHECK_EQ(rd(ahci, 0x8c, 2), 0x61);
    CHECK_EQ(get(ahci, 0x84, 4), 0);
    /* Enable, asking for 4 messages: one is given. */
    wr(ahci, 0x82, 2, PCI_MSI_CTRL_ENABLE | (2 << 4));
    hv = vp.devs[0]->msi.host_vec;
    CHECK(hv >= 0x30);
    CHECK_EQ(get(ahci, 0x82, 2) & (PCI_MSI_CTRL_ENABLE | PCI_MSI_CTRL_MME),
             PCI_MSI_CTRL_ENABLE);
    CHECK_EQ(rd(ahci, 0x82, 2), PCI_MSI_CTRL_64 | PCI_MSI_CTRL_ENABLE);
    CHECK_EQ(get(ahci, 0x84, 4), 0xfee00000 | (HOST_APIC + 2) << 12);
    CHECK_EQ(get(ahci, 0x88, 4), 0);
    CHECK_EQ(get(ahci, 0x8c, 2), (unsigned)hv);
    CHECK(vec_has_target[hv]);
    CHECK_EQ(vec_target[hv].vector, 0x61);
    CHECK_EQ(vec_target[hv].dest, 2);
    /* Affinity change: dom0 rewrites the message while enabled. */
    wr(ahci, 0x84, 4, 0xfee01000);
    wr(ahci, 0x8c, 2, 0x62);
    CHECK_EQ(vec_target[hv].dest, 1);
    CHECK_EQ(vec_target[hv].vector, 0x62);
    CHECK_EQ(get(ahci, 0x8c, 2), (unsigned)hv);
    CHECK_EQ(get(ahci, 0x84, 4), 0xfee00000 | (HOST_APIC + 1) << 12);   /* follows */
    /* An undeliverable message drops the interrupt, not the hypervisor. */
    wr(ahci, 0x84, 4, 0xfed00000);
    CHECK(!vec_has_target[hv]);
    CHECK_EQ(get(ahci, 0x84, 4), 0xfee00000 | HOST_APIC << 12);     /* still the host's */
    wr(ahci, 0x84, 4, 0xfee01000);
    CHECK(vec_has_target[hv]);
    /* Disable gives the vector back. */
    wr(ahci, 0x82, 2, 0);
    CHECK_EQ(get(ahci, 0x82, 2) & PCI_MSI_CTRL_ENABLE, 0);
    CHECK_EQ(vecs_in_use(), 0);
    CHECK_EQ(vp.devs[0]->msi.host_vec, -1);
}

static void test_msi_reset_reprogram(void)
{
    int hv;

    fresh();
    wr(ahci, 0x84, 4, 0xfee00000);
    wr(ahci, 0x8c, 2, 0x70);
    wr(ahci, 0x82, 2, PCI_MSI_CTRL_ENABLE);
    hv = vp.devs[0]->msi.host_vec;
    /* A function reset clears the device; Linux then only re-enables. */
    memset(&ahci->cfg[0x82], 0, 12);
    put(ahci, 0x82, 2, PCI_MSI_CTRL_64 | (2 << 1));
    wr(ahci, 0x82, 2, PCI_MSI_CTRL_ENABLE);
    CHECK_EQ(get(ahci, 0x84, 4), 0xfee00000 | HOST_APIC << 12);
    CHECK_EQ(get(ahci, 0x8c, 2), (unsigned)hv);
    CHECK(get(ahci, 0x82, 2) & PCI_MSI_CTRL_ENABLE);
    CHECK_EQ(vecs_in_use(), 1);
}

static void test_msi_mask_and_exhaustion(void)
{
    fresh();
    wr(nic2, 0x54, 4, 0xfee00000);
    wr(nic2, 0x58, 2, 0x50);
    wr(nic2, 0x5c, 4, 1);
    CHECK_EQ(get(nic2, 0x5c, 4), 1);
    CHECK_EQ(rd(nic2, 0x5c, 4), 1);
    wr(nic2, 0x52, 2, PCI_MSI_CTRL_ENABLE);
    CHECK_EQ(get(nic2, 0x5c, 4), 1);
    wr(nic2, 0x5c, 4, 0);
    CHECK_EQ(get(nic2, 0x5c, 4), 0);
    wr(nic2, 0x52, 2, 0);
    /* No host vector left: MSI stays off and says so. */
    vec_limit = 0x30;
    wr(nic2, 0x52, 2, PCI_MSI_CTRL_ENABLE);
    CHECK_EQ(get(nic2, 0x52, 2) & PCI_MSI_CTRL_ENABLE, 0);
    CHECK_EQ(rd(nic2, 0x52, 2) & PCI_MSI_CTRL_ENABLE, 0);
    CHECK_LOG("no free host vector");
}

/* ---- MSI-X ---- */

static uint32_t tbl(unsigned int i, unsigned int word)
{
    uint32_t v;
    memcpy(&v, &net->mem[i * 16 + word * 4], 4);
    return v;
}

static uint64_t mrd(uint64_t gpa, unsigned int size)
{
    uint64_t v = 0;
    CHECK(vpci_msix_read(&vp, gpa, size, &v));
    return v;
}

static void mwr(uint64_t gpa, unsigned int size, uint64_t val)
{
    CHECK(vpci_msix_write(&vp, gpa, size, val));
}

static void program_entry(unsigned int i, uint32_t dest, uint8_t vec)
{
    mwr(NET_BAR1 + i * 16, 4, 0xfee00000 | dest << 12);
    mwr(NET_BAR1 + i * 16 + 4, 4, 0);
    mwr(NET_BAR1 + i * 16 + 8, 4, vec);
}

static void test_msix(void)
{
    struct vpci_dev *d;
    int hv0;

    fresh();
    rd(net, 0, 4);
    d = vp.devs[0];
    CHECK_EQ(rd(net, 0x42, 2), 2);
    /* Linux: enable with the function masked, write entries, unmask. */
    wr(net, 0x42, 2, PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_FMASK);
    CHECK_EQ(get(net, 0x42, 2), 2 | PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_FMASK);
    CHECK_EQ(tbl(0, 3), PCI_MSIX_ENTRY_MASKED);
    program_entry(0, 1, 0x40);
    program_entry(1, 0, 0x41);
    CHECK_EQ(mrd(NET_BAR1, 4), 0xfee01000);
    CHECK_EQ(mrd(NET_BAR1 + 8, 8), (uint64_t)PCI_MSIX_ENTRY_MASKED << 32 | 0x40);
    CHECK_EQ(tbl(0, 0), 0);             /* not on the device yet */
    mwr(NET_BAR1 + 12, 4, 0);           /* unmask entry 0 */
    hv0 = d->msix.entries[0].host_vec;
    CHECK(hv0 >= 0x30);
    CHECK_EQ(tbl(0, 0), 0xfee00000 | (HOST_APIC + 1) << 12);
    CHECK_EQ(tbl(0, 2), (unsigned)hv0);
    CHECK_EQ(tbl(0, 3), 0);
    CHECK_EQ(vec_target[hv0].vector, 0x40);
    CHECK_EQ(vec_target[hv0].dest, 1);
    CHECK_EQ(tbl(1, 3), PCI_MSIX_ENTRY_MASKED);
    CHECK_EQ(d->msix.entries[1].host_vec, -1);
    wr(net, 0x42, 2, PCI_MSIX_CTRL_ENABLE);
    CHECK_EQ(get(net, 0x42, 2), 2 | PCI_MSIX_CTRL_ENABLE);
    CHECK_EQ(rd(net, 0x42, 2), 2 | PCI_MSIX_CTRL_ENABLE);
    /* Masking an entry masks it on the device and keeps the vector. */
    mwr(NET_BAR1 + 12, 4, 1);
    CHECK_EQ(tbl(0, 3), PCI_MSIX_ENTRY_MASKED);
    CHECK_EQ(d->msix.entries[0].host_vec, hv0);
    mwr(NET_BAR1 + 12, 4, 0);
    CHECK_EQ(tbl(0, 3), 0);
    /* The PBA is the device's. */
    net->mem[0x800] = 0x5;
    CHECK_EQ(mrd(NET_BAR1 + 0x800, 8), 5);
    /* Disable: every vector back, the device's entries masked. */
    wr(net, 0x42, 2, 0);
    CHECK_EQ(vecs_in_use(), 0);
    CHECK_EQ(tbl(0, 3), PCI_MSIX_ENTRY_MASKED);
    CHECK_EQ(get(net, 0x42, 2) & PCI_MSIX_CTRL_ENABLE, 0);
    /* dom0's copy survives; enabling again rebinds entry 0 only. */
    wr(net, 0x42, 2, PCI_MSIX_CTRL_ENABLE);
    CHECK_EQ(vecs_in_use(), 1);
    CHECK_EQ(tbl(0, 3), 0);
    CHECK_EQ(tbl(1, 3), PCI_MSIX_ENTRY_MASKED);
}

static void test_msix_hostile(void)
{
    unsigned int before;

    fresh();
    rd(net, 0, 4);
    wr(net, 0x42, 2, PCI_MSIX_CTRL_ENABLE);
    /* Misaligned and odd-sized table accesses do nothing. */
    mwr(NET_BAR1 + 2, 4, 0xffffffff);
    mwr(NET_BAR1 + 12, 2, 0);
    mwr(NET_BAR1 + 4, 8, 0);
    CHECK_EQ(mrd(NET_BAR1 + 2, 4), 0xffffffffffffffffull);
    CHECK_EQ(mrd(NET_BAR1 + 12, 1), 0xffffffffffffffffull);
    CHECK_EQ(vecs_in_use(), 0);
    /* Entries past the table are the device's page, not a table index. */
    mwr(NET_BAR1 + 3 * 16 + 12, 4, 0);
    CHECK_EQ(vecs_in_use(), 0);
    /* A message the hypervisor does not deliver leaves the entry masked. */
    mwr(NET_BAR1, 4, 0xfee00000);
    mwr(NET_BAR1 + 8, 4, 0x0441);       /* NMI */
    mwr(NET_BAR1 + 12, 4, 0);
    CHECK_EQ(tbl(0, 3), PCI_MSIX_ENTRY_MASKED);
    CHECK_EQ(vecs_in_use(), 0);
    CHECK_LOG("message not deliverable");
    /* Out of host vectors: masked, logged. */
    vec_limit = 0x30;
    mwr(NET_BAR1 + 8, 4, 0x41);
    CHECK_EQ(tbl(0, 3), PCI_MSIX_ENTRY_MASKED);
    CHECK_LOG("no free host vector");
    /* Not an MSI-X page at all. */
    uint64_t v;
    CHECK(!vpci_msix_read(&vp, NET_BAR0, 4, &v));
    CHECK(!vpci_msix_write(&vp, NET_BAR0, 4, 0));
    /* The capability's table and PBA registers are read-only. */
    before = get(net, 0x44, 4);
    wr(net, 0x44, 4, 0x100 | 0);
    CHECK_EQ(get(net, 0x44, 4), before);
    CHECK_EQ(vp.devs[0]->msix.table_bir, 1);
}

static void test_msix_untrappable(void)
{
    fresh();
    claim_rc = -ENOSPC;
    rd(net, 0, 4);
    CHECK_LOG("table pages cannot be trapped: MSI-X off");
    wr(net, 0x42, 2, PCI_MSIX_CTRL_ENABLE);
    CHECK_EQ(get(net, 0x42, 2) & PCI_MSIX_CTRL_ENABLE, 0);
    CHECK_EQ(rd(net, 0x42, 2) & PCI_MSIX_CTRL_ENABLE, 0);
    /* The table is inert with MSI-X off for good, so its page may be
     * mapped with the rest of the BAR. */
}

static void test_msix_out_of_reach(void)
{
    fresh();
    /* BAR1 moved where the fake (as the hypervisor's page tables above
     * 4 GiB) cannot reach: MSI-X is refused rather than left half-done. */
    wr(net, PCI_COMMAND, 2, 0);
    net->bars[1].size = 0;          /* fake_mem() no longer finds the table */
    wr(net, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
    CHECK_LOG("MSI-X table out of the hypervisor's reach: MSI-X off");
    wr(net, 0x42, 2, PCI_MSIX_CTRL_ENABLE);
    CHECK_EQ(rd(net, 0x42, 2) & PCI_MSIX_CTRL_ENABLE, 0);
    CHECK_EQ(get(net, 0x42, 2) & PCI_MSIX_CTRL_ENABLE, 0);
}

static void test_msix_reset_reprogram(void)
{
    int hv;

    fresh();
    rd(net, 0, 4);
    program_entry(2, 0, 0x45);
    mwr(NET_BAR1 + 2 * 16 + 12, 4, 0);
    wr(net, 0x42, 2, PCI_MSIX_CTRL_ENABLE);
    hv = vp.devs[0]->msix.entries[2].host_vec;
    CHECK(hv >= 0x30);
    /* The device is reset behind our back; Linux re-enables only. */
    memset(net->mem, 0, sizeof(net->mem));
    put(net, 0x42, 2, 2);
    wr(net, 0x42, 2, PCI_MSIX_CTRL_ENABLE);
    CHECK_EQ(tbl(2, 0), 0xfee00000 | HOST_APIC << 12);
    CHECK_EQ(tbl(2, 2), (unsigned)hv);
    CHECK_EQ(tbl(2, 3), 0);
    CHECK_EQ(tbl(0, 3), PCI_MSIX_ENTRY_MASKED);
    CHECK_EQ(vecs_in_use(), 1);
}

static void test_teardown(void)
{
    fresh();
    rd(net, 0, 4);
    rd(ahci, 0, 4);
    program_entry(0, 0, 0x45);
    mwr(NET_BAR1 + 12, 4, 0);
    wr(net, 0x42, 2, PCI_MSIX_CTRL_ENABLE);
    wr(ahci, 0x84, 4, 0xfee00000);
    wr(ahci, 0x8c, 2, 0x46);
    wr(ahci, 0x82, 2, PCI_MSI_CTRL_ENABLE);
    CHECK_EQ(vecs_in_use(), 2);
    for (unsigned int i = 0; i < vp.nr_devs; i++)
        vpci_dev_free(&vp, vp.devs[i]);
    vp.nr_devs = 0;
    CHECK_EQ(vecs_in_use(), 0);
    CHECK_EQ(get(net, 0x42, 2) & PCI_MSIX_CTRL_ENABLE, 0);
    CHECK_EQ(get(ahci, 0x82, 2) & PCI_MSI_CTRL_ENABLE, 0);
}

/* Random accesses from a hostile dom0: nothing crashes, every host vector
 * in use belongs to an enabled capability, no RAM frame is ever mapped. */
static void test_random_accesses(void)
{
    struct fdev *devs[] = { net, ahci, iommu, nic2, loop };

    fresh();
    test_srand(13);
    for (unsigned int n = 0; n < 200000; n++) {
        uint64_t r = test_rand();
        struct fdev *f = devs[r % 5];
        unsigned int size = 1u << ((r >> 8) % 4);
        unsigned int reg = (r >> 16) % 0x100;
        uint32_t val = (uint32_t)(r >> 32);

        if ((r >> 24) % 4 == 0) {
            uint64_t v;
            uint64_t gpa = NET_BAR1 + ((r >> 28) % 0x1000);
            if ((r >> 40) & 1)
                vpci_msix_write(&vp, gpa, 4, val & 0xfee0f0ff);
            else
                vpci_msix_read(&vp, gpa, size, &v);
        } else if ((r >> 26) & 1) {
            vpci_read(&vp, f->sbdf, reg, size);
        } else {
            vpci_write(&vp, f->sbdf, reg, size, val);
        }
    }
    for (unsigned int i = 0; i < nr_mapped; i++)
        CHECK(mapped[i] >= 0x7fe00);
    for (unsigned int i = 0; i < vp.nr_devs; i++)
        vpci_dev_free(&vp, vp.devs[i]);
    vp.nr_devs = 0;
    CHECK_EQ(vecs_in_use(), 0);
}

int main(void)
{
    RUN(test_passthrough);
    RUN(test_hidden_and_absent);
    RUN(test_bad_accesses);
    RUN(test_capability_loop);
    RUN(test_boot_mapping);
    RUN(test_sizing_and_decode);
    RUN(test_64bit_sizing);
    RUN(test_bar_write_while_decoding);
    RUN(test_bar_move);
    RUN(test_bar_over_forbidden);
    RUN(test_bar_over_msix_table);
    RUN(test_rom);
    RUN(test_msi_translation);
    RUN(test_msi_enable);
    RUN(test_msi_reset_reprogram);
    RUN(test_msi_mask_and_exhaustion);
    RUN(test_msix);
    RUN(test_msix_hostile);
    RUN(test_msix_untrappable);
    RUN(test_msix_out_of_reach);
    RUN(test_msix_reset_reprogram);
    RUN(test_teardown);
    RUN(test_random_accesses);
    return test_summary();
}
