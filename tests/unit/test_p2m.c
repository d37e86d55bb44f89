/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/arch/x86/hvm/p2m*.c, both formats, over the real
 * page allocator and a fake physical memory of 64 MiB. Expected entry bits
 * are written out here from the manuals, not taken from the code. */
#include <asm/p2m.h>
#include <tessera/budget.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include "test.h"

#define ARENA       MiB(64)
#define ADDR_MASK   0x000ffffffffff000ULL

/* AMD APM vol.2 long-mode entry bits */
#define N_P     (1ULL << 0)
#define N_RW    (1ULL << 1)
#define N_US    (1ULL << 2)
#define N_PWT   (1ULL << 3)
#define N_PCD   (1ULL << 4)
#define N_PS    (1ULL << 7)
#define N_NX    (1ULL << 63)
#define N_TYPE(t) ((uint64_t)(t) << 9)
/* Intel SDM vol.3 EPT entry bits */
#define E_R     (1ULL << 0)
#define E_W     (1ULL << 1)
#define E_X     (1ULL << 2)
#define E_WB    (6ULL << 3)
#define E_UC    (0ULL << 3)
#define E_IPAT  (1ULL << 6)
#define E_PS    (1ULL << 7)
#define E_TYPE(t) ((uint64_t)(t) << 52)

static const char *fmt_name(enum p2m_format f)
{
    return f == P2M_NPT ? "NPT" : "EPT";
}

/* The raw entry at `level` (0: PTE .. 3: PML4E) on gfn's walk; 0 if the
 * walk stops above it. Table pointers: bits 51:12 in both formats. */
static uint64_t raw(struct p2m *p, uint64_t gfn, unsigned int level)
{
    const uint64_t *t = phys_to_virt(p2m_root(p));

    for (unsigned int lv = 3;; lv--) {
        uint64_t e = t[(gfn >> (9 * lv)) & 511];
        if (lv == level)
            return e;
        if (!(e & 7) || (lv < 3 && (e & (1ULL << 7))))
            return 0;           /* not present in either format, or a leaf */
        t = phys_to_virt(e & ADDR_MASK);
    }
}

static void expect_map(struct p2m *p, uint64_t gfn, uint64_t mfn, enum p2m_type type,
                       unsigned int order, int line)
{
    uint64_t m;
    enum p2m_type t;
    unsigned int o;
    int rc = p2m_lookup(p, gfn, &m, &t, &o);

    if (rc || m != mfn || t != type || o != order)
        test_fail(__FILE__, line, "lookup(%#llx) = %d mfn %#llx %s order %u, "
                  "expected mfn %#llx %s order %u", (unsigned long long)gfn, rc,
                  (unsigned long long)m, p2m_type_name(t), o, (unsigned long long)mfn,
                  p2m_type_name(type), order);
}
#define EXPECT_MAP(p, g, m, t, o) expect_map(p, g, m, t, o, __LINE__)

static void expect_hole(struct p2m *p, uint64_t gfn, int line)
{
    uint64_t m;
    enum p2m_type t;
    int rc = p2m_lookup(p, gfn, &m, &t, NULL);

    if (rc != -ENOENT || m != P2M_NO_MFN || t != P2M_INVALID)
        test_fail(__FILE__, line, "lookup(%#llx) = %d mfn %#llx %s, expected a hole",
                  (unsigned long long)gfn, rc, (unsigned long long)m, p2m_type_name(t));
}
#define EXPECT_HOLE(p, g) expect_hole(p, g, __LINE__)

static bool flushed(struct p2m *p)
{
    uint64_t ticket;
    bool f = p2m_flush_needed_and_clear(p, &ticket);

    if (f)
        p2m_flush_done(p, ticket);
    return f;
}

/* Every test: the same body for both formats, and no page leaked. */
#define BOTH(name) \
    static void name(enum p2m_format f); \
    static void name##_npt(void) { both(name, P2M_NPT); } \
    static void name##_ept(void) { both(name, P2M_EPT); }

static void both(void (*body)(enum p2m_format), enum p2m_format f)
{
    unsigned long free0 = page_alloc_free_pages();

    body(f);
    CHECK_EQ(page_alloc_free_pages(), free0);
    CHECK_EQ(page_alloc_check(), 0);
}

/* ---- encodings ---- */

BOTH(test_create_empty)
static void test_create_empty(enum p2m_format f)
{
    struct p2m *p = p2m_create(f);

    CHECK(p != NULL);
    CHECK_EQ(p2m_format(p), f);
    CHECK(p2m_root(p) != 0 && IS_ALIGNED(p2m_root(p), PAGE_SIZE));
    CHECK_EQ(p2m_table_pages(p), 1);
    CHECK_EQ(p2m_pages_held(p), 2);
    /* EPTP (SDM vol.3 §25.6.11): WB walks (6), walk length - 1 = 3 in 5:3,
     * bit 6 (A/D) clear. nCR3 has no EPTP: p2m_eptp() is 0. */
    CHECK_EQ(p2m_eptp(p), f == P2M_EPT ? (p2m_root(p) | 6 | 3 << 3) : 0);
    for (unsigned int i = 0; i < 512; i++)
        CHECK_EQ(((uint64_t *)phys_to_virt(p2m_root(p)))[i], 0);
    EXPECT_HOLE(p, 0);
    unsigned int o;
    CHECK_EQ(p2m_lookup(p, 0x123456, NULL, NULL, &o), -ENOENT);
    CHECK_EQ(o, 27);                            /* the empty PML4E: 512 GiB */
    CHECK(!flushed(p));
    p2m_destroy(p);
    CHECK(p2m_create((enum p2m_format)7) == NULL);
}

BOTH(test_leaf_bits)
static void test_leaf_bits(enum p2m_format f)
{
    struct p2m *p = p2m_create(f);
    bool npt = f == P2M_NPT;
    const uint64_t g4 = 0x1234567, m4 = 0xabcdef123ULL;      /* high mfn: bits 51:12 */
    const uint64_t g2 = 0x2400, m2 = 0x7fffe00;
    const uint64_t g1 = 0x3c0000, m1 = 0xfffffc0000ULL;     /* the top 1 GiB of 52 bits */

    CHECK_EQ(p2m_map(p, g4, m4, 0, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_map(p, g2, m2, 9, P2M_RAM_RO), 0);
    CHECK_EQ(p2m_map(p, g1, m1, 18, P2M_MMIO), 0);
    CHECK(!flushed(p));                         /* only holes filled */

    uint64_t a4 = m4 << 12, a2 = m2 << 12, a1 = m1 << 12;
    if (npt) {
        /* present, user (nested walks are user accesses), AVL 11:9 = type */
        CHECK_EQ(raw(p, g4, 0), a4 | N_P | N_RW | N_US | N_TYPE(P2M_RAM_RW));
        CHECK_EQ(raw(p, g2, 1), a2 | N_P | N_US | N_PS | N_TYPE(P2M_RAM_RO));
        CHECK_EQ(raw(p, g1, 2), a1 | N_P | N_RW | N_US | N_PWT | N_PCD | N_PS | N_NX |
                 N_TYPE(P2M_MMIO));
        /* non-leaf: P, RW, US and the table's address only */
        for (unsigned int lv = 1; lv <= 3; lv++)
            CHECK_EQ(raw(p, g4, lv) & ~ADDR_MASK, N_P | N_RW | N_US);
    } else {
        CHECK_EQ(raw(p, g4, 0), a4 | E_R | E_W | E_X | E_WB | E_TYPE(P2M_RAM_RW));
        CHECK_EQ(raw(p, g2, 1), a2 | E_R | E_X | E_WB | E_PS | E_TYPE(P2M_RAM_RO));
        CHECK_EQ(raw(p, g1, 2), a1 | E_R | E_W | E_UC | E_PS | E_TYPE(P2M_MMIO));
        /* non-leaf: RWX, bits 7:3 reserved (0) */
        for (unsigned int lv = 1; lv <= 3; lv++)
            CHECK_EQ(raw(p, g4, lv) & ~ADDR_MASK, E_R | E_W | E_X);
    }
    EXPECT_MAP(p, g4, m4, P2M_RAM_RW, 0);
    EXPECT_MAP(p, g2 + 0x1ff, m2 + 0x1ff, P2M_RAM_RO, 9);
    EXPECT_MAP(p, g1 + 0x3ffff, m1 + 0x3ffff, P2M_MMIO, 18);
    EXPECT_HOLE(p, g4 + 1);
    EXPECT_HOLE(p, g2 + 0x200);
    EXPECT_HOLE(p, g1 + 0x40000);

    /* every type at every level */
    static const struct { enum p2m_type t; uint64_t npt, ept; } want[] = {
        { P2M_RAM_RW,   N_RW,                         E_R | E_W | E_X | E_WB },
        { P2M_RAM_RO,   0,                            E_R | E_X | E_WB },
        { P2M_MMIO,     N_RW | N_PWT | N_PCD | N_NX,  E_R | E_W | E_UC },
        { P2M_MMIO_RO,  N_PWT | N_PCD | N_NX,         E_R | E_UC },
        { P2M_GRANT_RW, N_RW | N_NX,                  E_R | E_W | E_WB },
        { P2M_GRANT_RO, N_NX,                         E_R | E_WB },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(want); i++)
        for (unsigned int lv = 0; lv < 3; lv++) {
            uint64_t gfn = (0x10000000ULL + i * 0x100000ULL) & ~((1ULL << (9 * lv)) - 1);
            uint64_t mfn = 0x80000000ULL >> (i + lv);
            mfn &= ~((1ULL << (9 * lv)) - 1);
            CHECK_EQ(p2m_map(p, gfn, mfn, 9 * lv, want[i].t), 0);
            uint64_t e = raw(p, gfn, lv);
            if (npt)
                CHECK_EQ(e, (mfn << 12) | N_P | N_US | (lv ? N_PS : 0) | want[i].npt |
                         N_TYPE(want[i].t));
            else
                CHECK_EQ(e, (mfn << 12) | (lv ? E_PS : 0) | want[i].ept | E_TYPE(want[i].t));
            uint64_t last = (1ULL << (9 * lv)) - 1;
            EXPECT_MAP(p, gfn + last, mfn + last, want[i].t, 9 * lv);
        }
    p2m_destroy(p);
}

/* The NPT walker may set A and D: they are not part of the mapping. */
static void test_npt_ignores_accessed_dirty(void)
{
    unsigned long free0 = page_alloc_free_pages();
    struct p2m *p = p2m_create(P2M_NPT);

    CHECK_EQ(p2m_map(p, 0x200, 0x400, 9, P2M_RAM_RW), 0);
    uint64_t *pde = &((uint64_t *)phys_to_virt(raw(p, 0x200, 2) & ADDR_MASK))[1];
    CHECK_EQ(*pde & ~ADDR_MASK, N_P | N_RW | N_US | N_PS | N_TYPE(P2M_RAM_RW));
    *pde |= 3ULL << 5;                          /* as the walker would */
    EXPECT_MAP(p, 0x201, 0x401, P2M_RAM_RW, 9);
    CHECK_EQ(p2m_map(p, 0x200, 0x400, 9, P2M_RAM_RW), 0);
    CHECK(!flushed(p));                         /* same mapping: nothing to do */
    CHECK_EQ(p2m_map(p, 0x200, 0x600, 9, P2M_RAM_RW), 0);
    CHECK(flushed(p));
    p2m_destroy(p);
    CHECK_EQ(page_alloc_free_pages(), free0);
}

/* ---- split, replace, unmap ---- */

BOTH(test_split_1g)
static void test_split_1g(enum p2m_format f)
{
    struct p2m *p = p2m_create(f);
    const uint64_t g = 0x40000 * 5, m = 0x40000 * 9, inner = 0x12345;

    CHECK_EQ(p2m_map(p, g, m, 18, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_table_pages(p), 2);            /* root, PDPT holding the leaf */
    CHECK(!flushed(p));
    /* the same translation at 4 KiB: already there, no split */
    CHECK_EQ(p2m_map(p, g + inner, m + inner, 0, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_set_type(p, g + 0x200, 9, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_table_pages(p), 2);
    CHECK(!flushed(p));

    CHECK_EQ(p2m_map(p, g + inner, 0x777, 0, P2M_MMIO), 0);
    CHECK_EQ(p2m_table_pages(p), 4);            /* + PD + PT */
    CHECK(flushed(p));
    for (uint64_t i = 0; i < 0x40000; i++) {
        if (i == inner)
            EXPECT_MAP(p, g + i, 0x777, P2M_MMIO, 0);
        else
            EXPECT_MAP(p, g + i, m + i, P2M_RAM_RW, (i >> 9) == (inner >> 9) ? 0 : 9);
    }
    /* the split leaves carry the superpage's bits at their own level */
    uint64_t pde = raw(p, g, 1), pte = raw(p, g + inner + 1, 0);
    if (f == P2M_NPT) {
        CHECK_EQ(pde, (m << 12) | N_P | N_RW | N_US | N_PS | N_TYPE(P2M_RAM_RW));
        CHECK_EQ(pte, ((m + inner + 1) << 12) | N_P | N_RW | N_US | N_TYPE(P2M_RAM_RW));
    } else {
        CHECK_EQ(pde, (m << 12) | E_R | E_W | E_X | E_WB | E_PS | E_TYPE(P2M_RAM_RW));
        CHECK_EQ(pte, ((m + inner + 1) << 12) | E_R | E_W | E_X | E_WB | E_TYPE(P2M_RAM_RW));
    }
    EXPECT_HOLE(p, g - 1);
    EXPECT_HOLE(p, g + 0x40000);

    /* a type change of one 4 KiB page inside another 2 MiB leaf splits it */
    CHECK_EQ(p2m_set_type(p, g + 0x30001, 0, P2M_RAM_RO), 0);
    CHECK_EQ(p2m_table_pages(p), 5);
    CHECK(flushed(p));
    EXPECT_MAP(p, g + 0x30001, m + 0x30001, P2M_RAM_RO, 0);
    EXPECT_MAP(p, g + 0x30000, m + 0x30000, P2M_RAM_RW, 0);
    EXPECT_MAP(p, g + 0x301ff, m + 0x301ff, P2M_RAM_RW, 0);
    EXPECT_MAP(p, g + 0x30200, m + 0x30200, P2M_RAM_RW, 9);

    /* unmapping one 4 KiB page of a fresh 2 MiB leaf splits it too */
    CHECK_EQ(p2m_unmap(p, g + 0x20000 + 7, 0), 0);
    CHECK(flushed(p));
    EXPECT_HOLE(p, g + 0x20007);
    EXPECT_MAP(p, g + 0x20008, m + 0x20008, P2M_RAM_RW, 0);
    CHECK_EQ(p2m_table_pages(p), 6);

    /* a 1 GiB map over all of it: the PD and its 3 PTs wait for a flush */
    CHECK_EQ(p2m_map(p, g, m, 18, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_table_pages(p), 2);
    CHECK_EQ(p2m_pages_held(p), 2 + 4 + 1);
    uint64_t ticket;
    CHECK(p2m_flush_needed_and_clear(p, &ticket));
    p2m_flush_done(p, ticket);
    CHECK_EQ(p2m_pages_held(p), 3);
    EXPECT_MAP(p, g + inner, m + inner, P2M_RAM_RW, 18);
    p2m_destroy(p);
}

BOTH(test_unmap)
static void test_unmap(enum p2m_format f)
{
    struct p2m *p = p2m_create(f);

    CHECK_EQ(p2m_unmap(p, 0x1000, 0), 0);       /* a hole: nothing, no tables */
    CHECK_EQ(p2m_unmap(p, 0x40000, 18), 0);
    CHECK_EQ(p2m_table_pages(p), 1);
    CHECK(!flushed(p));

    CHECK_EQ(p2m_set_range(p, 0x200, 0x200, 0x5200, P2M_RAM_RW), 0);   /* one 2 MiB */
    CHECK_EQ(p2m_map(p, 0x400, 0x9400, 0, P2M_GRANT_RW), 0);
    CHECK_EQ(p2m_map(p, 0x401, 0x9401, 0, P2M_GRANT_RO), 0);
    CHECK_EQ(p2m_table_pages(p), 4);
    CHECK(!flushed(p));
    CHECK_EQ(p2m_unmap(p, 0x400, 0), 0);
    CHECK(flushed(p));
    EXPECT_HOLE(p, 0x400);
    EXPECT_MAP(p, 0x401, 0x9401, P2M_GRANT_RO, 0);
    CHECK_EQ(p2m_unmap(p, 0x400, 0), 0);        /* again: a hole now */
    CHECK(!flushed(p));
    /* unmapping 2 MiB over a PT unlinks the PT */
    CHECK_EQ(p2m_unmap(p, 0x400, 9), 0);
    CHECK_EQ(p2m_table_pages(p), 3);
    CHECK(flushed(p));
    EXPECT_HOLE(p, 0x401);
    EXPECT_MAP(p, 0x3ff, 0x53ff, P2M_RAM_RW, 9);
    /* unmapping 1 GiB over a PD unlinks it, and the PDPT it leaves empty */
    CHECK_EQ(p2m_unmap(p, 0, 18), 0);
    CHECK_EQ(p2m_table_pages(p), 1);
    CHECK(flushed(p));
    EXPECT_HOLE(p, 0x3ff);
    /* a 4 KiB unmap that empties its PT unlinks it, and every table above
     * it that it leaves empty, never the root (a CPU may cache them all
     * until the flush) */
    CHECK_EQ(p2m_map(p, 0x40000, 1, 0, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_table_pages(p), 4);
    CHECK_EQ(p2m_unmap(p, 0x40000, 0), 0);
    CHECK_EQ(p2m_table_pages(p), 1);
    CHECK_EQ(p2m_pages_held(p), 1 + 1 + 3);     /* struct, root, 3 pending */
    CHECK(flushed(p));
    CHECK_EQ(p2m_pages_held(p), 1 + 1);
    EXPECT_HOLE(p, 0x40000);
    /* ... but not a table that still maps something */
    CHECK_EQ(p2m_map(p, 0x40000, 1, 0, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_map(p, 0x40200, 2, 0, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_table_pages(p), 5);
    CHECK_EQ(p2m_unmap(p, 0x40000, 0), 0);
    CHECK_EQ(p2m_table_pages(p), 4);            /* its PT only */
    CHECK(flushed(p));
    EXPECT_MAP(p, 0x40200, 2, P2M_RAM_RW, 0);
    CHECK_EQ(p2m_unmap(p, 0x40200, 0), 0);
    CHECK_EQ(p2m_table_pages(p), 1);
    CHECK(flushed(p));
    CHECK_EQ(p2m_map(p, 0x40000, 0x40000, 18, P2M_RAM_RW), 0);
    CHECK(!flushed(p));                         /* a hole filled: nothing cached */
    CHECK_EQ(p2m_table_pages(p), 2);
    p2m_destroy(p);
}

/* Flushes, if needed, and frees what the flush made free. */
static void flush_all(struct p2m *p)
{
    uint64_t ticket;

    if (p2m_flush_needed_and_clear(p, &ticket))
        p2m_flush_done(p, ticket);
}

/* The review's loop (security-review-1.md, H1): a frame placed at gfn
 * 0x1000000 + i*512, each in a fresh 2 MiB region, the previous place
 * unmapped. The tables held stay those of one or two mappings. */
BOTH(test_map_unmap_loop_is_bounded)
static void test_map_unmap_loop_is_bounded(enum p2m_format f)
{
    struct p2m *p = p2m_create(f);
    unsigned long most = 0;

    CHECK_EQ(p2m_set_range(p, 0, 512, 0x200, P2M_RAM_RW), 0);   /* its own RAM */
    unsigned long free0 = page_alloc_free_pages();
    for (uint64_t i = 0; i < 20000; i++) {
        uint64_t gfn = 0x1000000 + i * 512;
        CHECK_EQ(p2m_map(p, gfn, 0x77, 0, P2M_RAM_RW), 0);
        if (i)
            CHECK_EQ(p2m_unmap(p, gfn - 512, 0), 0);
        flush_all(p);
        most = MAX(most, p2m_pages_held(p));
    }
    /* the struct, root, the PDPT (gfn 0x1000000 is in the RAM's 512 GiB) and
     * the RAM's PD, and for the two frames up to two PDs and two PTs */
    CHECK(most <= 1 + 3 + 4);
    CHECK_EQ(p2m_unmap(p, 0x1000000 + 19999 * 512, 0), 0);
    flush_all(p);
    CHECK_EQ(p2m_table_pages(p), 3);
    CHECK_EQ(page_alloc_free_pages(), free0);
    EXPECT_MAP(p, 0x1ff, 0x3ff, P2M_RAM_RW, 9);
    p2m_destroy(p);
}

/* With a budget: every table page is charged, and a change that would pass
 * the limit is -ENOMEM with the p2m as it was. */
BOTH(test_budget)
static void test_budget(enum p2m_format f)
{
    struct domain_budget b;
    uint32_t over[BUDGET_NR] = { [BUDGET_P2M_PAGES] = 5 };
    struct p2m *p = p2m_create(f);
    char line[128];

    budget_init(&b, 512, over);
    CHECK_EQ(b.limit[BUDGET_P2M_PAGES], 5);
    CHECK_EQ(b.limit[BUDGET_EVTCHN_PORTS], BUDGET_DEFAULT_EVTCHN_PORTS);
    CHECK_EQ(p2m_set_budget(p, &b), 0);
    CHECK_EQ(budget_used(&b, BUDGET_P2M_PAGES), 1);             /* the root */
    CHECK_EQ(p2m_map(p, 0x1000000, 1, 0, P2M_RAM_RW), 0);       /* PDPT, PD, PT */
    CHECK_EQ(budget_used(&b, BUDGET_P2M_PAGES), 4);

    uint64_t root_copy[512];
    memcpy(root_copy, phys_to_virt(p2m_root(p)), sizeof(root_copy));
    unsigned long free0 = page_alloc_free_pages();
    CHECK_EQ(p2m_map(p, 0x1000000 + 0x40000, 2, 0, P2M_RAM_RW), -ENOMEM); /* PD + PT */
    CHECK_EQ(p2m_map(p, 0x2000000, 2, 0, P2M_RAM_RW), -ENOMEM);   /* a PDPT too */
    CHECK_EQ(page_alloc_free_pages(), free0);
    CHECK_EQ(budget_used(&b, BUDGET_P2M_PAGES), 4);
    CHECK_EQ(p2m_table_pages(p), 4);
    CHECK(!memcmp(root_copy, phys_to_virt(p2m_root(p)), sizeof(root_copy)));
    CHECK(!flushed(p));
    EXPECT_HOLE(p, 0x1000000 + 0x40000);
    EXPECT_HOLE(p, 0x2000000);
    EXPECT_MAP(p, 0x1000000, 1, P2M_RAM_RW, 0);

    CHECK_EQ(p2m_map(p, 0x1000200, 3, 0, P2M_RAM_RW), 0);       /* one PT: the last */
    CHECK_EQ(p2m_map(p, 0x1000400, 4, 0, P2M_RAM_RW), -ENOMEM);
    CHECK_EQ(p2m_map(p, 0x1000001, 4, 0, P2M_RAM_RW), 0);       /* needs no table */
    /* freed tables come back to the budget only once flushed */
    CHECK_EQ(p2m_unmap(p, 0x1000200, 0), 0);
    CHECK_EQ(p2m_map(p, 0x1000400, 4, 0, P2M_RAM_RW), -ENOMEM);
    flush_all(p);
    CHECK_EQ(budget_used(&b, BUDGET_P2M_PAGES), 4);
    CHECK_EQ(p2m_map(p, 0x1000400, 4, 0, P2M_RAM_RW), 0);
    CHECK_EQ(b.peak[BUDGET_P2M_PAGES], 5);
    CHECK_EQ(b.refused[BUDGET_P2M_PAGES], 4);
    CHECK(!strcmp(budget_format(&b, line, sizeof(line)),
                  "p2m 5/5 evtchn 0/1024 grant 0/32 maptrack 0/16384 refused 4"));
    /* a budget already passed is refused, the old one kept */
    struct domain_budget small;
    uint32_t one[BUDGET_NR] = { [BUDGET_P2M_PAGES] = 1 };
    budget_init(&small, 512, one);
    CHECK_EQ(p2m_set_budget(p, &small), -ENOMEM);
    CHECK_EQ(budget_used(&small, BUDGET_P2M_PAGES), 0);
    p2m_destroy(p);
    CHECK_EQ(budget_used(&b, BUDGET_P2M_PAGES), 0);
}

/* The default p2m budget holds the worst RAM map (every page a 4 KiB leaf)
 * plus the slack. */
static void test_budget_default_fits_ram(void)
{
    static const uint64_t sizes[] = { 512, 8192, 65536, 262144 + 513 };

    for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
        struct domain_budget b;
        struct p2m *p = p2m_create(P2M_NPT);
        budget_init(&b, sizes[i], NULL);
        CHECK_EQ(p2m_set_budget(p, &b), 0);
        for (uint64_t g = 0; g < sizes[i]; g++)
            if (p2m_map(p, 0x3ffff + g, 0x1000 + g, 0, P2M_RAM_RW)) {
                CHECK(false);
                break;
            }
        CHECK(b.limit[BUDGET_P2M_PAGES] - budget_used(&b, BUDGET_P2M_PAGES) >=
              BUDGET_P2M_SLACK_PAGES);
        p2m_destroy(p);
    }
}

/* ---- types and flushes ---- */

BOTH(test_set_type)
static void test_set_type(enum p2m_format f)
{
    struct p2m *p = p2m_create(f);

    /* a 1 GiB range holding a 2 MiB leaf, some 4 KiB leaves and holes */
    CHECK_EQ(p2m_map(p, 0x40000, 0x80000, 9, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_map(p, 0x40400, 0x123, 0, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_map(p, 0x40401, 0x124, 0, P2M_MMIO), 0);
    CHECK_EQ(p2m_set_type(p, 0x40000, 18, P2M_RAM_RO), 0);
    CHECK(flushed(p));
    EXPECT_MAP(p, 0x40005, 0x80005, P2M_RAM_RO, 9);
    EXPECT_MAP(p, 0x40400, 0x123, P2M_RAM_RO, 0);
    EXPECT_MAP(p, 0x40401, 0x124, P2M_RAM_RO, 0);
    EXPECT_HOLE(p, 0x40402);
    EXPECT_HOLE(p, 0x40200);
    CHECK_EQ(p2m_table_pages(p), 4);
    /* holes stay holes, and need no table */
    CHECK_EQ(p2m_set_type(p, 0x7000, 0, P2M_RAM_RW), 0);
    EXPECT_HOLE(p, 0x7000);
    CHECK_EQ(p2m_table_pages(p), 4);
    CHECK(!flushed(p));
    CHECK_EQ(p2m_set_type(p, 0, 0, P2M_INVALID), -EINVAL);
    p2m_destroy(p);
}

/* Which changes of one present 4 KiB mapping ask for a flush. EPT: per SDM
 * vol.3 §29.4.3.4, only removed rights, another address or memory type.
 * NPT: every change. */
BOTH(test_flush_rules)
static void test_flush_rules(enum p2m_format f)
{
    static const struct { enum p2m_type from, to; bool ept; } rules[] = {
        { P2M_RAM_RW,   P2M_RAM_RO,   true  },  /* W removed */
        { P2M_RAM_RO,   P2M_RAM_RW,   false },  /* W added */
        { P2M_RAM_RW,   P2M_GRANT_RW, true  },  /* X removed */
        { P2M_GRANT_RW, P2M_RAM_RW,   false },  /* X added */
        { P2M_GRANT_RO, P2M_GRANT_RW, false },
        { P2M_GRANT_RW, P2M_GRANT_RO, true  },
        { P2M_MMIO_RO,  P2M_MMIO,     false },
        { P2M_MMIO,     P2M_MMIO_RO,  true  },
        { P2M_RAM_RO,   P2M_MMIO,     true  },  /* memory type WB -> UC */
        { P2M_GRANT_RO, P2M_MMIO_RO,  true  },  /* memory type only */
    };
    struct p2m *p = p2m_create(f);
    uint64_t n0 = p2m_flush_requests(p);
    unsigned int expected = 0;

    for (unsigned int i = 0; i < ARRAY_SIZE(rules); i++) {
        uint64_t gfn = 0x1000 + i;
        CHECK_EQ(p2m_map(p, gfn, 0x500 + i, 0, rules[i].from), 0);
        CHECK(!flushed(p));
        CHECK_EQ(p2m_set_type(p, gfn, 0, rules[i].to), 0);
        bool want = f == P2M_NPT || rules[i].ept;
        if (flushed(p) != want)
            test_fail(__FILE__, __LINE__, "%s: %s -> %s: flush %s expected", fmt_name(f),
                      p2m_type_name(rules[i].from), p2m_type_name(rules[i].to),
                      want ? "" : "not");
        expected += want;
        EXPECT_MAP(p, gfn, 0x500 + i, rules[i].to, 0);
        /* the same type again is no change at all */
        CHECK_EQ(p2m_set_type(p, gfn, 0, rules[i].to), 0);
        CHECK(!flushed(p));
    }
    CHECK_EQ(p2m_flush_requests(p) - n0, expected);

    /* remapping to another frame, and the needed/clear handshake */
    CHECK_EQ(p2m_map(p, 0x1000, 0x999, 0, P2M_RAM_RW), 0);
    uint64_t t1, t2;
    CHECK(p2m_flush_needed_and_clear(p, &t1));
    CHECK(!p2m_flush_needed_and_clear(p, &t2));
    CHECK(t1 != 0);
    p2m_destroy(p);
}

/* Tables unlinked after a flush request are not freed by its completion. */
BOTH(test_flush_tickets)
static void test_flush_tickets(enum p2m_format f)
{
    struct p2m *p = p2m_create(f);
    uint64_t t1, t2;

    CHECK_EQ(p2m_map(p, 0x0, 1, 0, P2M_RAM_RW), 0);          /* PDPT, PD, PT */
    CHECK_EQ(p2m_map(p, 0x200, 2, 0, P2M_RAM_RW), 0);        /* + PT */
    CHECK_EQ(p2m_pages_held(p), 6);
    CHECK_EQ(p2m_map(p, 0x0, 0x200, 9, P2M_RAM_RW), 0);      /* unlinks PT 1 */
    CHECK(p2m_flush_needed_and_clear(p, &t1));
    CHECK_EQ(p2m_map(p, 0x200, 0x400, 9, P2M_RAM_RW), 0);    /* unlinks PT 2 */
    CHECK_EQ(p2m_pages_held(p), 6);
    CHECK_EQ(p2m_table_pages(p), 3);
    p2m_flush_done(p, t1);                      /* the flush for t1 completes */
    CHECK_EQ(p2m_pages_held(p), 5);             /* PT 2 is still pending */
    CHECK(p2m_flush_needed_and_clear(p, &t2));
    CHECK(t2 > t1);
    p2m_flush_done(p, t2);
    CHECK_EQ(p2m_pages_held(p), 4);
    p2m_flush_done(p, t2);                      /* again: nothing */
    CHECK_EQ(p2m_pages_held(p), 4);

    /* pending pages are freed by destroy as well */
    CHECK_EQ(p2m_map(p, 0x0, 0, 18, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_pages_held(p), 4);
    p2m_destroy(p);
}

/* ---- arguments ---- */

BOTH(test_bad_arguments)
static void test_bad_arguments(enum p2m_format f)
{
    struct p2m *p = p2m_create(f);
    const uint64_t top_gfn = (1ULL << 36) - 1, top_mfn = (1ULL << 40) - 1;

    CHECK_EQ(p2m_map(p, 1, 0, 9, P2M_RAM_RW), -EINVAL);          /* gfn misaligned */
    CHECK_EQ(p2m_map(p, 0x200, 0x100, 9, P2M_RAM_RW), -EINVAL);  /* mfn misaligned */
    CHECK_EQ(p2m_map(p, 0x40000, 0x200, 18, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_map(p, 1ULL << 36, 0, 0, P2M_RAM_RW), -EINVAL); /* gfn too wide */
    CHECK_EQ(p2m_map(p, 0, 1ULL << 40, 0, P2M_RAM_RW), -EINVAL); /* mfn too wide */
    CHECK_EQ(p2m_map(p, 0, 0, 1, P2M_RAM_RW), -EINVAL);          /* bad orders */
    CHECK_EQ(p2m_map(p, 0, 0, 27, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_map(p, 0, 0, 0, P2M_NR_TYPES), -EINVAL);
    CHECK_EQ(p2m_map(p, 0, 0, 0, (enum p2m_type)-1), -EINVAL);
    CHECK_EQ(p2m_unmap(p, 0x100, 9), -EINVAL);
    CHECK_EQ(p2m_unmap(p, 1ULL << 36, 0), -EINVAL);
    CHECK_EQ(p2m_set_type(p, 0x100, 9, P2M_RAM_RO), -EINVAL);
    CHECK_EQ(p2m_set_type(p, 0, 0, P2M_NR_TYPES), -EINVAL);
    CHECK_EQ(p2m_lookup(p, 1ULL << 36, NULL, NULL, NULL), -EINVAL);
    CHECK_EQ(p2m_set_range(p, 0, 1, P2M_NO_MFN, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_set_range(p, 0, 1, 5, P2M_INVALID), -EINVAL);
    CHECK_EQ(p2m_set_range(p, top_gfn, 2, 0, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_set_range(p, 0, ~0ULL, 0, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_set_range(p, 0, 2, top_mfn, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_table_pages(p), 1);            /* nothing was touched */
    CHECK_EQ(p2m_pages_held(p), 2);

    /* the very edges are fine */
    CHECK_EQ(p2m_map(p, top_gfn, top_mfn, 0, P2M_RAM_RW), 0);
    EXPECT_MAP(p, top_gfn, top_mfn, P2M_RAM_RW, 0);
    CHECK_EQ(p2m_map(p, top_gfn & ~0x3ffffULL, top_mfn & ~0x3ffffULL, 18, P2M_MMIO), 0);
    EXPECT_MAP(p, top_gfn, top_mfn, P2M_MMIO, 18);
    CHECK_EQ(p2m_set_range(p, top_gfn, 1, P2M_NO_MFN, P2M_INVALID), 0);
    EXPECT_HOLE(p, top_gfn);
    EXPECT_MAP(p, top_gfn - 1, top_mfn - 1, P2M_MMIO, 0);
    CHECK_EQ(p2m_set_range(p, 5, 0, 5, P2M_RAM_RW), 0);
    p2m_destroy(p);
}

/* ---- set_range ---- */

BOTH(test_set_range_orders)
static void test_set_range_orders(enum p2m_format f)
{
    struct p2m *p = p2m_create(f);

    /* gfn and mfn equally aligned: 1 GiB leaves where they fit */
    CHECK_EQ(p2m_set_range(p, 0x40000, 0x80000, 0x100000, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_table_pages(p), 2);
    EXPECT_MAP(p, 0xbffff, 0x17ffff, P2M_RAM_RW, 18);
    EXPECT_HOLE(p, 0xc0000);

    /* 4 KiB up to a 2 MiB boundary, 2 MiB leaves, a 4 KiB tail */
    const uint64_t g = 0x200000 + 0x1f0, n = 0x10 + 3 * 0x200 + 5, m = 0x3001f0;
    CHECK_EQ(p2m_set_range(p, g, n, m, P2M_GRANT_RW), 0);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t gfn = g + i;
        unsigned int want = gfn < 0x200200 || gfn >= 0x200800 ? 0 : 9;
        EXPECT_MAP(p, gfn, m + i, P2M_GRANT_RW, want);
    }
    EXPECT_HOLE(p, g - 1);
    EXPECT_HOLE(p, g + n);

    /* gfn and mfn aligned differently: all 4 KiB (in a new 512 GiB region) */
    const uint64_t b = 1ULL << 27;
    unsigned long before = p2m_table_pages(p);
    CHECK_EQ(p2m_set_range(p, b, 0x40000, 0x1, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_table_pages(p) - before, 1 + 1 + 512);    /* PDPT, PD, 512 PTs */
    EXPECT_MAP(p, b + 0x3ffff, 0x40000, P2M_RAM_RW, 0);
    CHECK(!flushed(p));

    /* and away again, in mixed orders */
    CHECK_EQ(p2m_set_range(p, b + 0x1ff, 0x40000 - 0x1ff, P2M_NO_MFN, P2M_INVALID), 0);
    CHECK(flushed(p));
    EXPECT_MAP(p, b + 0x1fe, 0x1ff, P2M_RAM_RW, 0);
    EXPECT_HOLE(p, b + 0x1ff);
    EXPECT_HOLE(p, b + 0x3ffff);
    CHECK_EQ(p2m_table_pages(p) - before, 1 + 1 + 1);
    p2m_destroy(p);
}

BOTH(test_max_order)
static void test_max_order(enum p2m_format f)
{
    struct p2m *p = p2m_create(f);

    CHECK_EQ(p2m_set_max_order(p, 5), -EINVAL);
    CHECK_EQ(p2m_set_max_order(p, 27), -EINVAL);
    CHECK_EQ(p2m_set_max_order(p, P2M_ORDER_2M), 0);
    CHECK_EQ(p2m_map(p, 0x40000, 0x40000, 18, P2M_RAM_RW), -EINVAL);
    CHECK_EQ(p2m_unmap(p, 0x40000, 18), -EINVAL);
    CHECK_EQ(p2m_set_range(p, 0x40000, 0x40000, 0x40000, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_table_pages(p), 3);            /* root, PDPT, PD of 512 leaves */
    EXPECT_MAP(p, 0x7ffff, 0x7ffff, P2M_RAM_RW, 9);
    CHECK_EQ(p2m_set_max_order(p, P2M_ORDER_4K), 0);
    CHECK_EQ(p2m_set_range(p, 0x80000, 0x400, 0x80000, P2M_RAM_RW), 0);
    EXPECT_MAP(p, 0x80200, 0x80200, P2M_RAM_RW, 0);
    p2m_destroy(p);
}

/* ---- guest memory accessor ---- */

BOTH(test_gpa_to_hpa)
static void test_gpa_to_hpa(enum p2m_format f)
{
    static const struct { enum p2m_type t; bool read, write; } rules[] = {
        { P2M_RAM_RW, true, true },    { P2M_RAM_RO, true, false },
        { P2M_MMIO, false, false },    { P2M_MMIO_RO, false, false },
        { P2M_GRANT_RW, true, true },  { P2M_GRANT_RO, true, false },
    };
    struct p2m *p = p2m_create(f);
    uint64_t hpa;

    for (unsigned int i = 0; i < ARRAY_SIZE(rules); i++) {
        uint64_t gfn = 0x100 + i, mfn = 0x4000 + 3 * i;
        uint64_t gpa = (gfn << 12) | 0xabc;
        CHECK_EQ(p2m_map(p, gfn, mfn, 0, rules[i].t), 0);
        hpa = 0;
        CHECK_EQ(p2m_gpa_to_hpa(p, gpa, false, &hpa), rules[i].read ? 0 : -EFAULT);
        if (rules[i].read)
            CHECK_EQ(hpa, (mfn << 12) | 0xabc);
        CHECK_EQ(p2m_gpa_to_hpa(p, gpa, true, &hpa), rules[i].write ? 0 : -EFAULT);
    }
    CHECK_EQ(p2m_gpa_to_hpa(p, 0x5000, false, &hpa), -EFAULT);             /* hole */
    CHECK_EQ(p2m_gpa_to_hpa(p, 1ULL << 48, false, &hpa), -EFAULT);         /* too wide */
    /* inside a superpage */
    CHECK_EQ(p2m_map(p, 0x40000, 0x1c0000, 18, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_gpa_to_hpa(p, 0x40000ULL * 4096 + 0x12345678, true, &hpa), 0);
    CHECK_EQ(hpa, 0x1c0000ULL * 4096 + 0x12345678);
    p2m_destroy(p);
}

/* ---- running out of memory ---- */

static paddr_t hoard[ARENA >> PAGE_SHIFT];
static unsigned long nr_hoard;

/* Leaves exactly n free pages in the allocator. */
static void leave_free(unsigned long n)
{
    paddr_t pa;

    while ((pa = alloc_pages(0, 0)))
        hoard[nr_hoard++] = pa;
    while (n-- && nr_hoard)
        free_pages(hoard[--nr_hoard], 0);
}

static void give_back(void)
{
    while (nr_hoard)
        free_pages(hoard[--nr_hoard], 0);
}

BOTH(test_out_of_memory)
static void test_out_of_memory(enum p2m_format f)
{
    leave_free(0);
    CHECK(p2m_create(f) == NULL);
    give_back();
    leave_free(1);                              /* struct, but no root */
    CHECK(p2m_create(f) == NULL);
    CHECK_EQ(page_alloc_free_pages(), 1);
    give_back();

    struct p2m *p = p2m_create(f);
    CHECK_EQ(p2m_map(p, 0x40000, 0x80000, 18, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_map(p, 0x12345, 0x5, 0, P2M_RAM_RW), 0);
    CHECK(!flushed(p));
    unsigned long tables = p2m_table_pages(p);
    uint64_t root_copy[512];
    memcpy(root_copy, phys_to_virt(p2m_root(p)), sizeof(root_copy));

    /* a 4 KiB change inside the 1 GiB leaf needs a PD and a PT, then one in
     * another 2 MiB leaf a PT; a map in an empty 512 GiB region a PDPT, PD
     * and PT; one beside a 4 KiB mapping a PT */
    static const struct { uint64_t gfn; unsigned int need; bool set_type; } ops[] = {
        { 0x40000 + 0x999, 2, true }, { 0x40000 + 0x777, 1, false },
        { 1ULL << 30, 3, false }, { 0x12000, 1, false },
    };
    static const uint64_t probe[] = {
        0x40000 + 0x999, 0x40000 + 0x777, 0x40000 + 0x998, 1ULL << 30, 0x12000, 0x12345,
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++) {
        uint64_t mfn[ARRAY_SIZE(probe)];
        enum p2m_type type[ARRAY_SIZE(probe)];
        unsigned int order[ARRAY_SIZE(probe)];
        for (unsigned int k = 0; k < ARRAY_SIZE(probe); k++)
            p2m_lookup(p, probe[k], &mfn[k], &type[k], &order[k]);

        for (unsigned int avail = 0; avail < ops[i].need; avail++) {
            leave_free(avail);
            int rc = ops[i].set_type ? p2m_set_type(p, ops[i].gfn, 0, P2M_RAM_RO)
                                     : p2m_map(p, ops[i].gfn, 0x42, 0, P2M_MMIO);
            CHECK_EQ(rc, -ENOMEM);
            CHECK_EQ(page_alloc_free_pages(), avail);   /* nothing kept */
            give_back();
            CHECK_EQ(p2m_table_pages(p), tables);
            CHECK(!memcmp(root_copy, phys_to_virt(p2m_root(p)), sizeof(root_copy)));
            CHECK(!flushed(p));
            for (unsigned int k = 0; k < ARRAY_SIZE(probe); k++)
                if (type[k] == P2M_INVALID)
                    EXPECT_HOLE(p, probe[k]);
                else
                    EXPECT_MAP(p, probe[k], mfn[k], type[k], order[k]);
        }
        leave_free(ops[i].need);                /* exactly enough */
        int rc = ops[i].set_type ? p2m_set_type(p, ops[i].gfn, 0, P2M_RAM_RO)
                                 : p2m_map(p, ops[i].gfn, 0x42, 0, P2M_MMIO);
        CHECK_EQ(rc, 0);
        CHECK_EQ(page_alloc_free_pages(), 0);
        give_back();
        tables += ops[i].need;
        CHECK_EQ(p2m_table_pages(p), tables);
        memcpy(root_copy, phys_to_virt(p2m_root(p)), sizeof(root_copy));
        flushed(p);
    }
    EXPECT_MAP(p, 0x40000 + 0x777, 0x42, P2M_MMIO, 0);
    EXPECT_MAP(p, 0x40000 + 0x999, 0x80000 + 0x999, P2M_RAM_RO, 0);
    EXPECT_MAP(p, 0x40000 + 0x998, 0x80000 + 0x998, P2M_RAM_RW, 0);
    EXPECT_MAP(p, 0x40000 + 0xa00, 0x80000 + 0xa00, P2M_RAM_RW, 9);
    EXPECT_MAP(p, 1ULL << 30, 0x42, P2M_MMIO, 0);

    /* with no memory at all, what needs no table still works */
    leave_free(0);
    CHECK_EQ(p2m_map(p, 0x40000 + 0x777, 0x43, 0, P2M_MMIO), 0);
    CHECK_EQ(p2m_unmap(p, 0x40000, 9), 0);
    CHECK_EQ(p2m_set_type(p, 0x40000, 18, P2M_RAM_RO), 0);
    CHECK_EQ(p2m_map(p, 0x40000 + 0xa01, 1, 0, P2M_RAM_RW), -ENOMEM);   /* a split */
    EXPECT_MAP(p, 0x40000 + 0xa01, 0x80000 + 0xa01, P2M_RAM_RO, 9);
    /* set_range: the pieces before the failing one stay */
    CHECK_EQ(p2m_set_range(p, 0x409ff, 2, 0x6fff, P2M_RAM_RW), -ENOMEM);
    EXPECT_MAP(p, 0x409ff, 0x6fff, P2M_RAM_RW, 0);
    EXPECT_MAP(p, 0x40a00, 0x80a00, P2M_RAM_RO, 9);
    give_back();
    p2m_destroy(p);
}

/* ---- diagnostics ---- */

BOTH(test_dump)
static void test_dump(enum p2m_format f)
{
    struct p2m *p = p2m_create(f);

    /* 2 MiB + 4 KiB pieces that continue each other merge into one run */
    CHECK_EQ(p2m_set_range(p, 0x1f0, 0x210, 0x10001f0, P2M_RAM_RW), 0);
    CHECK_EQ(p2m_map(p, 0x400, 0x555, 0, P2M_MMIO), 0);
    host_log_clear();
    p2m_dump(p);
    CHECK_LOG(fmt_name(f));
    CHECK_LOG("gfn 0x1f0-0x3ff -> mfn 0x10001f0-0x10003ff ram_rw");
    CHECK_LOG("gfn 0x400-0x400 -> mfn 0x555-0x555 mmio");
    CHECK_LOG("2 runs");
    p2m_destroy(p);
}

/* ---- the model test ---- */

/* A reference over a window of 2 GiB (two 1 GiB slots) at the top of the
 * guest-physical space: one (mfn, type) per 4 KiB gfn. */
#define WIN_FRAMES  (2ULL << 18)
#define WIN_BASE    ((1ULL << 36) - WIN_FRAMES)

struct ref { uint64_t mfn; uint8_t type; };
static struct ref model[WIN_FRAMES];

/* rights per type: R W X, UC */
static unsigned int rights(enum p2m_type t)
{
    switch (t) {
    case P2M_RAM_RW:   return 7;
    case P2M_RAM_RO:   return 5;
    case P2M_MMIO:     return 3 | 8;
    case P2M_MMIO_RO:  return 1 | 8;
    case P2M_GRANT_RW: return 3;
    case P2M_GRANT_RO: return 1;
    default:           return 0;
    }
}

/* Would the change of one gfn from a to b need a flush in any format? */
static bool downgrade(const struct ref *a, uint64_t mfn, enum p2m_type t)
{
    if (a->type == P2M_INVALID)
        return false;
    if (t == P2M_INVALID || a->mfn != mfn)
        return true;
    unsigned int ra = rights(a->type), rb = rights(t);
    return (ra & ~rb & 7) || ((ra ^ rb) & 8);
}

static enum p2m_type rand_type(void)
{
    return (enum p2m_type)(1 + test_rand() % (P2M_NR_TYPES - 1));
}

static unsigned int rand_order(void)
{
    unsigned int r = test_rand() % 100;
    return r < 70 ? 0 : r < 97 ? 9 : 18;
}

/* A gfn aligned to order, clustered so that operations overlap often. */
static uint64_t rand_gfn(unsigned int order)
{
    uint64_t off;

    if (order == 18)
        off = (test_rand() % 2) << 18;
    else if (test_rand() % 4)
        off = ((test_rand() % 2) << 18) + (test_rand() % 4) * 0x200 + (test_rand() % 0x400);
    else
        off = test_rand() % WIN_FRAMES;
    return WIN_BASE + (off & ~((1ULL << order) - 1));
}

static bool check_gfn(struct p2m *p, uint64_t gfn)
{
    const struct ref *r = &model[gfn - WIN_BASE];
    uint64_t mfn;
    enum p2m_type t;
    int rc = p2m_lookup(p, gfn, &mfn, &t, NULL);

    if (r->type == P2M_INVALID ? (rc != -ENOENT) : (rc || mfn != r->mfn || t != r->type)) {
        test_fail(__FILE__, __LINE__, "gfn %#llx: p2m %d %#llx %s, model %#llx %s",
                  (unsigned long long)gfn, rc, (unsigned long long)mfn, p2m_type_name(t),
                  (unsigned long long)r->mfn, p2m_type_name(r->type));
        return false;
    }
    return true;
}

BOTH(test_random_against_model)
static void test_random_against_model(enum p2m_format f)
{
    struct p2m *p = p2m_create(f);
    unsigned long flushes = 0, downgrades = 0;

    memset(model, 0, sizeof(model));
    test_srand(f == P2M_NPT ? 0x9d2c5680 : 0xefc60000);
    for (unsigned int op = 0; op < 20000; op++) {
        unsigned int kind = test_rand() % 100, order = rand_order();
        uint64_t gfn = rand_gfn(order), nr = 1ULL << order;
        uint64_t mfn = (test_rand() % (1ULL << 21)) << order;  /* < 2^39 */
        enum p2m_type type = rand_type();
        bool set_type = false;
        int rc;

        if (kind < 45) {                        /* map */
            rc = p2m_map(p, gfn, mfn, order, type);
        } else if (kind < 65) {                 /* unmap */
            type = P2M_INVALID;
            rc = p2m_unmap(p, gfn, order);
        } else if (kind < 85) {                 /* set_type */
            set_type = true;
            rc = p2m_set_type(p, gfn, order, type);
        } else {                                /* set_range, any length */
            nr = 1 + test_rand() % (test_rand() % 8 ? 0x600 : 0x50000);
            gfn = WIN_BASE + test_rand() % (WIN_FRAMES - nr + 1);
            if (test_rand() % 2)
                mfn = (test_rand() % (1ULL << 21)) << 18 | (gfn & 0x3ffff);
            if (test_rand() % 4 == 0) {
                type = P2M_INVALID;
                mfn = P2M_NO_MFN;
            }
            rc = p2m_set_range(p, gfn, nr, mfn, type);
        }
        CHECK_EQ(rc, 0);
        if (rc)
            break;

        bool down = false;
        for (uint64_t i = 0; i < nr; i++) {
            struct ref *r = &model[gfn - WIN_BASE + i];
            if (set_type) {
                if (r->type != P2M_INVALID) {
                    down |= downgrade(r, r->mfn, type);
                    r->type = type;
                }
                continue;
            }
            uint64_t m = type == P2M_INVALID ? 0 : mfn + i;
            down |= downgrade(r, m, type);
            *r = (struct ref){ m, type };
        }
        bool need = p2m_flush_needed_and_clear(p, NULL);
        if (down && !need)
            test_fail(__FILE__, __LINE__, "op %u removed rights but asked no flush", op);
        downgrades += down;
        flushes += need;

        /* the range's ends and some gfns inside and around it */
        bool ok = check_gfn(p, gfn) && check_gfn(p, gfn + nr - 1);
        for (unsigned int k = 0; ok && k < 8; k++)
            ok = check_gfn(p, gfn + test_rand() % nr);
        for (unsigned int k = 0; ok && k < 8; k++)
            ok = check_gfn(p, WIN_BASE + test_rand() % WIN_FRAMES);
        if (!ok)
            break;
        if (op % 4000 == 3999) {
            for (uint64_t g = WIN_BASE; ok && g < WIN_BASE + WIN_FRAMES; g++)
                ok = check_gfn(p, g);
            /* every flush completed: nothing stays pending */
            p2m_flush_done(p, p2m_flush_requests(p) + 1);
            CHECK_EQ(p2m_pages_held(p), p2m_table_pages(p) + 1);
            if (!ok)
                break;
        }
    }
    CHECK(flushes >= downgrades && downgrades > 1000);
    if (getenv("TEST_VERBOSE"))
        printf("    %s: %lu flushes, %lu downgrades, %lu table pages\n", fmt_name(f),
               flushes, downgrades, p2m_table_pages(p));
    p2m_destroy(p);
}

int main(void)
{
    static struct page_info *ft;
    unsigned long nr = ARENA >> PAGE_SHIFT;

    host_phys_add(0, ARENA);
    ft = calloc(nr, sizeof(*ft));
    page_alloc_init(ft, nr);
    page_alloc_add_free(MiB(1), ARENA);

    RUN(test_create_empty_npt);
    RUN(test_create_empty_ept);
    RUN(test_leaf_bits_npt);
    RUN(test_leaf_bits_ept);
    RUN(test_npt_ignores_accessed_dirty);
    RUN(test_split_1g_npt);
    RUN(test_split_1g_ept);
    RUN(test_unmap_npt);
    RUN(test_unmap_ept);
    RUN(test_map_unmap_loop_is_bounded_npt);
    RUN(test_map_unmap_loop_is_bounded_ept);
    RUN(test_budget_npt);
    RUN(test_budget_ept);
    RUN(test_budget_default_fits_ram);
    RUN(test_set_type_npt);
    RUN(test_set_type_ept);
    RUN(test_flush_rules_npt);
    RUN(test_flush_rules_ept);
    RUN(test_flush_tickets_npt);
    RUN(test_flush_tickets_ept);
    RUN(test_bad_arguments_npt);
    RUN(test_bad_arguments_ept);
    RUN(test_set_range_orders_npt);
    RUN(test_set_range_orders_ept);
    RUN(test_max_order_npt);
    RUN(test_max_order_ept);
    RUN(test_gpa_to_hpa_npt);
    RUN(test_gpa_to_hpa_ept);
    RUN(test_out_of_memory_npt);
    RUN(test_out_of_memory_ept);
    RUN(test_dump_npt);
    RUN(test_dump_ept);
    RUN(test_random_against_model_npt);
    RUN(test_random_against_model_ept);
    int rc = test_summary();
    host_phys_reset();
    free(ft);
    return rc;
}
