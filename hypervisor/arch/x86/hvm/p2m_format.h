/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Between the generic p2m code (p2m.c) and the two entry encodings
 * (p2m_npt.c, p2m_ept.c). Levels count from the leaves: 0 is the 4 KiB page
 * table, 1 the page directory (2 MiB leaves), 2 the PDPT (1 GiB leaves),
 * 3 the root. An entry of 0 is not present in both formats.
 */
#ifndef HVM_P2M_FORMAT_H
#define HVM_P2M_FORMAT_H

#include <asm/p2m.h>

#define P2M_LEVELS          4
#define P2M_LEAF_LEVELS     3       /* levels 0..2 may hold leaves */

struct p2m_format_ops {
    const char *name;
    /* A leaf at level mapping mfn.. (aligned to the level) as type. */
    uint64_t (*leaf)(uint64_t mfn, enum p2m_type type, unsigned int level);
    /* A non-leaf entry pointing at the table at pa. */
    uint64_t (*table)(paddr_t pa);
    bool (*present)(uint64_t e);
    /* e is present and maps a page at this level (not a table pointer). */
    bool (*is_leaf)(uint64_t e, unsigned int level);
    uint64_t (*leaf_mfn)(uint64_t e, unsigned int level);
    paddr_t (*table_pa)(uint64_t e);
    enum p2m_type (*type)(uint64_t e);
    /* Bits the hardware may write into entries (accessed, dirty). */
    uint64_t hw_written;
    /* The present leaf old at level becomes new (a leaf or 0): can a CPU
     * still hold a translation from old that new does not allow? */
    bool (*needs_flush)(uint64_t old, uint64_t new, unsigned int level);
    /* What the backend loads to use the tables at root (nCR3 / EPTP). */
    uint64_t (*root_pointer)(paddr_t root);
};

extern const struct p2m_format_ops p2m_npt_ops;
extern const struct p2m_format_ops p2m_ept_ops;

#endif
