/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD nested page table entries: the ordinary long-mode 4-level format
 * (AMD APM vol.2 §5.3-5.4), walked with the host's paging controls
 * (hCR4, hEFER) at VMRUN.
 */
#include <tessera/lib.h>
#include "p2m_format.h"

#define NPT_P           (1ULL << 0)
#define NPT_RW          (1ULL << 1)
#define NPT_US          (1ULL << 2)
#define NPT_PWT         (1ULL << 3)
#define NPT_PCD         (1ULL << 4)
#define NPT_A           (1ULL << 5)
#define NPT_D           (1ULL << 6)
#define NPT_PS          (1ULL << 7)
#define NPT_NX          (1ULL << 63)
#define NPT_TYPE_SHIFT  9                       /* AVL bits 11:9 hold the p2m_type */
#define NPT_TYPE_MASK   (7ULL << NPT_TYPE_SHIFT)
#define NPT_ADDR_MASK   0x000ffffffffff000ULL   /* bits 51:12 */

_Static_assert(P2M_NR_TYPES <= 8, "p2m_type must fit in AVL bits 11:9");

static uint64_t npt_leaf(uint64_t mfn, enum p2m_type type, unsigned int level)
{
    /* APM vol.2 §15.25 "Nested Paging", "Nested Table Walk" (15.25.5 in
     * the revisions we read): every guest access, guest page-table reads
     * included, is checked as a user access against the nested tables, so
     * U/S must be set at every level. */
    uint64_t e = NPT_P | NPT_US | (mfn << PAGE_SHIFT) | ((uint64_t)type << NPT_TYPE_SHIFT);

    switch (type) {
    case P2M_RAM_RW:
        e |= NPT_RW;
        break;
    case P2M_RAM_RO:
        break;
    case P2M_GRANT_RW:
        e |= NPT_RW | NPT_NX;
        break;
    case P2M_GRANT_RO:
        e |= NPT_NX;
        break;
    /* APM vol.2 §15.25, "Combining Memory Types, MTRRs": the nested entry's
     * PAT/PCD/PWT select an entry of the host PAT, combined with the guest's. PCD|PWT with PAT=0 is
     * index 3, UC in the power-on PAT, which Tessera leaves unchanged. NX
     * needs hEFER.NXE, which boot sets on every CPU that has NX. */
    case P2M_MMIO:
        e |= NPT_RW | NPT_PCD | NPT_PWT | NPT_NX;
        break;
    case P2M_MMIO_RO:
        e |= NPT_PCD | NPT_PWT | NPT_NX;
        break;
    default:
        return 0;
    }
    if (level > 0)
        e |= NPT_PS;
    return e;
}

/* Non-leaf entries allow everything: rights are the AND over the levels. */
static uint64_t npt_table(paddr_t pa)
{
    return NPT_P | NPT_RW | NPT_US | (pa & NPT_ADDR_MASK);
}

static bool npt_present(uint64_t e)
{
    return e & NPT_P;
}

static bool npt_is_leaf(uint64_t e, unsigned int level)
{
    return (e & NPT_P) && (level == 0 || (e & NPT_PS));
}

/* In 2 MiB and 1 GiB leaves bit 12 is the PAT bit, not address. */
static uint64_t npt_leaf_mfn(uint64_t e, unsigned int level)
{
    uint64_t mask = NPT_ADDR_MASK & ~((PAGE_SIZE << (9 * level)) - 1);

    return (e & mask) >> PAGE_SHIFT;
}

static paddr_t npt_table_pa(uint64_t e)
{
    return e & NPT_ADDR_MASK;
}

static enum p2m_type npt_type(uint64_t e)
{
    return (enum p2m_type)((e & NPT_TYPE_MASK) >> NPT_TYPE_SHIFT);
}

/* The APM gives no rule that a #VMEXIT(NPF) drops the stale nested
 * translation it used (the SDM does for EPT violations, §29.4.3.1), so any
 * change to a present leaf is flushed, upgrades included: without it a vCPU
 * could fault on the stale entry forever. Only the A/D bits the walker
 * sets itself are not a change. */
static bool npt_needs_flush(uint64_t old, uint64_t new, unsigned int level)
{
    return ((old ^ new) & ~(NPT_A | NPT_D)) != 0;
}

/* nCR3 with PWT = PCD = 0: the table walk itself is write-back. */
static uint64_t npt_root_pointer(paddr_t root)
{
    return root & NPT_ADDR_MASK;
}

const struct p2m_format_ops p2m_npt_ops = {
    .name = "NPT",
    .leaf = npt_leaf,
    .table = npt_table,
    .present = npt_present,
    .is_leaf = npt_is_leaf,
    .leaf_mfn = npt_leaf_mfn,
    .table_pa = npt_table_pa,
    .type = npt_type,
    .hw_written = NPT_A | NPT_D,
    .needs_flush = npt_needs_flush,
    .root_pointer = npt_root_pointer,
};
