/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intel EPT entries (SDM vol.3 §29.3.2, "EPT Translation Mechanism"; §28.2.2
 * in older editions). Accessed/dirty flags are off in the EPTP, so the
 * processor never writes the tables. Entries leave bit 63 (suppress #VE)
 * clear, so the VMX backend must keep "EPT-violation #VE" off (SDM vol.3,
 * "Virtualization Exceptions"): otherwise a hole would raise #VE in the
 * guest instead of an exit.
 */
#include <tessera/lib.h>
#include "p2m_format.h"

#define EPT_R           (1ULL << 0)
#define EPT_W           (1ULL << 1)
#define EPT_X           (1ULL << 2)
#define EPT_RWX         (EPT_R | EPT_W | EPT_X)
#define EPT_MT_SHIFT    3                       /* bits 5:3, leaves only */
#define EPT_MT_MASK     (7ULL << EPT_MT_SHIFT)
#define EPT_MT_UC       0ULL
#define EPT_MT_WB       6ULL
#define EPT_IPAT        (1ULL << 6)
#define EPT_LEAF        (1ULL << 7)             /* in PDPTEs and PDEs */
#define EPT_TYPE_SHIFT  52                      /* ignored bits 56:52 hold the p2m_type */
#define EPT_TYPE_MASK   (7ULL << EPT_TYPE_SHIFT)
#define EPT_ADDR_MASK   0x000ffffffffff000ULL   /* bits 51:12 */

#define EPTP_WB         6ULL                    /* bits 2:0: memory type of the walk */
#define EPTP_WALK_4     (3ULL << 3)             /* bits 5:3: walk length - 1 */

_Static_assert(P2M_NR_TYPES <= 8, "p2m_type must fit in bits 54:52");

/* SDM vol.3 §29.3.7.2 (28.2.7.2): with IPAT clear the leaf's memory type is
 * combined with the guest's PAT as an MTRR type would be, which is what NPT
 * does too, so a guest sees the same memory types on both. Write-only or
 * write+execute-only entries are misconfigurations: every type readable. */
static uint64_t ept_leaf(uint64_t mfn, enum p2m_type type, unsigned int level)
{
    uint64_t e = (mfn << PAGE_SHIFT) | ((uint64_t)type << EPT_TYPE_SHIFT);

    switch (type) {
    case P2M_RAM_RW:
        e |= EPT_RWX | EPT_MT_WB << EPT_MT_SHIFT;
        break;
    case P2M_RAM_RO:
        e |= EPT_R | EPT_X | EPT_MT_WB << EPT_MT_SHIFT;
        break;
    case P2M_GRANT_RW:
        e |= EPT_R | EPT_W | EPT_MT_WB << EPT_MT_SHIFT;
        break;
    case P2M_GRANT_RO:
        e |= EPT_R | EPT_MT_WB << EPT_MT_SHIFT;
        break;
    case P2M_MMIO:
        e |= EPT_R | EPT_W | EPT_MT_UC << EPT_MT_SHIFT;
        break;
    case P2M_MMIO_RO:
        e |= EPT_R | EPT_MT_UC << EPT_MT_SHIFT;
        break;
    default:
        return 0;
    }
    if (level > 0)
        e |= EPT_LEAF;
    return e;
}

/* Bits 7:3 of a non-leaf entry are reserved (must be 0); rights are the AND
 * over the levels, so tables allow everything. */
static uint64_t ept_table(paddr_t pa)
{
    return EPT_RWX | (pa & EPT_ADDR_MASK);
}

/* Not present: bits 2:0 clear (we never enable mode-based execute, whose
 * bit 10 would count too). */
static bool ept_present(uint64_t e)
{
    return (e & EPT_RWX) != 0;
}

static bool ept_is_leaf(uint64_t e, unsigned int level)
{
    return ept_present(e) && (level == 0 || (e & EPT_LEAF));
}

/* Bits below the page size of a large leaf are reserved, so clear anyway. */
static uint64_t ept_leaf_mfn(uint64_t e, unsigned int level)
{
    uint64_t mask = EPT_ADDR_MASK & ~((PAGE_SIZE << (9 * level)) - 1);

    return (e & mask) >> PAGE_SHIFT;
}

static paddr_t ept_table_pa(uint64_t e)
{
    return e & EPT_ADDR_MASK;
}

static enum p2m_type ept_type(uint64_t e)
{
    return (enum p2m_type)((e & EPT_TYPE_MASK) >> EPT_TYPE_SHIFT);
}

/* SDM vol.3 §29.4.3.4 (28.3.3.4), guidelines for INVEPT: needed after
 * clearing any of bits 2:0, changing the address, or changing the memory
 * type (5:3) or IPAT (6) of a leaf; not after setting bits 2:0, because an
 * EPT violation drops the cached translations it used (§29.4.3.1), so an
 * upgrade costs at most one spurious violation; the software type bits are
 * ignored by the processor. */
static bool ept_needs_flush(uint64_t old, uint64_t new, unsigned int level)
{
    if ((old & EPT_RWX) & ~(new & EPT_RWX))
        return true;
    return ((old ^ new) & (EPT_ADDR_MASK | EPT_MT_MASK | EPT_IPAT | EPT_LEAF)) != 0;
}

static uint64_t ept_root_pointer(paddr_t root)
{
    return (root & EPT_ADDR_MASK) | EPTP_WALK_4 | EPTP_WB;
}

const struct p2m_format_ops p2m_ept_ops = {
    .name = "EPT",
    .leaf = ept_leaf,
    .table = ept_table,
    .present = ept_present,
    .is_leaf = ept_is_leaf,
    .leaf_mfn = ept_leaf_mfn,
    .table_pa = ept_table_pa,
    .type = ept_type,
    .hw_written = 0,
    .needs_flush = ept_needs_flush,
    .root_pointer = ept_root_pointer,
};
