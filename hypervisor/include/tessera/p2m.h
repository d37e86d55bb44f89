/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The p2m: a domain's second-stage translation, guest-physical frame (gfn)
 * to machine frame (mfn), in the hardware's own table format, which only
 * the arch knows (asm/p2m.h: creating a p2m, its root for the hardware).
 * This is the part common/ uses: mapping, typing and looking up frames.
 *
 * Geometry: 4 levels, 48-bit guest-physical addresses (gfn < 2^36), leaves
 * of order 0 (4 KiB), 9 (2 MiB) and 18 (1 GiB). Machine frames up to 52-bit
 * physical addresses (mfn < 2^40).
 *
 * Every entry carries its p2m_type in software bits, so lookups return it.
 * Not-present entries are all-zero; there is no "typed hole".
 *
 * Errors: -EINVAL for a gfn/mfn outside the widths, misaligned for the
 * order, a bad order or type; -ENOMEM when a table page cannot be had (the
 * p2m is then exactly as before the call); -ENOENT from p2m_lookup() for a
 * hole; -EFAULT from p2m_gpa_to_hpa().
 *
 * Table pages come from alloc_pages(), each charged to the budget given to
 * p2m_set_budget() (none: unlimited). The p2m owns them, never the frames it
 * maps. An unmap that empties a table unlinks it (its parent too, if that
 * empties; never the root), to be freed after the flush like any other.
 *
 * TLB flushes. The p2m records whether a change may have left stale
 * guest-physical translations or paging-structure-cache entries in some CPU;
 * the caller must then flush them on every CPU that may hold them (INVEPT
 * single-context, a new ASID or TLB_CONTROL) before relying on the change:
 *
 *     rc = p2m_unmap(p2m, gfn, 0);
 *     if (p2m_flush_needed_and_clear(p2m, &ticket)) {
 *         backend_flush_everywhere(d);
 *         p2m_flush_done(p2m, ticket);
 *     }
 *
 * Table pages unlinked by a change (a superpage replacing a lower table, an
 * unmap over a table, or an unmap that leaves a table empty) may still be
 * cached by a CPU until that flush, so
 * they are freed only by p2m_flush_done() with a later ticket (or by
 * p2m_destroy()). Likewise a frame unmapped from (or remapped away in) a p2m
 * must not be reused before the flush the change requested has completed.
 *
 * Locking: every function takes the p2m's own lock (in the hypervisor build;
 * not irqsave: no calls from interrupt context), so calls on one p2m may come
 * from several CPUs. Lookups return a snapshot.
 */
#ifndef TESSERA_P2M_H
#define TESSERA_P2M_H

#include <tessera/types.h>

/* What a gfn is. Access rights and memory type in the hardware entry follow
 * from it (see p2m_npt.c / p2m_ept.c). The guest's own PAT still combines
 * with the memory type given here, in both formats. */
enum p2m_type {
    P2M_INVALID = 0,        /* not present: any access exits to the hypervisor */
    P2M_RAM_RW,             /* the domain's RAM: read, write, execute; write-back */
    P2M_RAM_RO,             /* RAM, writes trap: read, execute; write-back */
    P2M_MMIO,               /* a device's MMIO: read, write, no execute; uncached */
    P2M_MMIO_RO,            /* MMIO, writes trap: read only, no execute; uncached */
    P2M_GRANT_RW,           /* another domain's frame, granted writable: read, write; WB */
    P2M_GRANT_RO,           /* another domain's frame, granted read-only: read; WB */
    P2M_NR_TYPES
};

#define P2M_GFN_BITS        36                  /* 48-bit guest-physical */
#define P2M_MFN_BITS        40                  /* 52-bit machine-physical */
#define P2M_NO_MFN          (~0ULL)
#define P2M_ORDER_4K        0
#define P2M_ORDER_2M        9
#define P2M_ORDER_1G        18

struct p2m;

/* Frees every table page, pending ones included. The mapped frames are not
 * the p2m's and are left alone; the caller has already flushed, or will
 * never load this p2m again. */
void p2m_destroy(struct p2m *p2m);

/* From now on every table page, those already held included, is charged to
 * budget (BUDGET_P2M_PAGES; tessera/budget.h), and a change that would pass
 * its limit fails with -ENOMEM, the p2m as before. 0, or -ENOMEM if what is
 * held already passes it (nothing changed then). */
struct domain_budget;
int p2m_set_budget(struct p2m *p2m, struct domain_budget *budget);


/* Maps 2^order frames gfn.. to mfn.. with the given type (P2M_INVALID
 * unmaps). order is 0, 9 or 18, gfn and mfn aligned to it. Replaces what
 * was there: a covering superpage is split, the rest of it keeping its
 * mapping and type; lower tables that the new entry covers are unlinked. */
int p2m_map(struct p2m *p2m, uint64_t gfn, uint64_t mfn, unsigned int order,
            enum p2m_type type);
/* Unmaps 2^order frames at gfn (aligned to order). Holes stay holes. */
int p2m_unmap(struct p2m *p2m, uint64_t gfn, unsigned int order);
/* Changes the type of every present mapping in the 2^order frames at gfn,
 * keeping their mfns; holes stay holes. type must not be P2M_INVALID. */
int p2m_set_type(struct p2m *p2m, uint64_t gfn, unsigned int order, enum p2m_type type);
/* nr frames gfn.. to mfn.. (or unmapped: mfn P2M_NO_MFN and P2M_INVALID),
 * each piece with the largest order that gfn, mfn and what is left allow.
 * On an error, the pieces before the failing one stay mapped. */
int p2m_set_range(struct p2m *p2m, uint64_t gfn, uint64_t nr, uint64_t mfn,
                  enum p2m_type type);

/* The mapping covering gfn: 0 with the mfn of gfn itself, its type and the
 * order of the leaf entry; or -ENOENT for a hole (mfn P2M_NO_MFN, type
 * P2M_INVALID, order: the size of the empty entry found); or -EINVAL.
 * Any out-pointer may be NULL. */
int p2m_lookup(struct p2m *p2m, uint64_t gfn, uint64_t *mfn, enum p2m_type *type,
               unsigned int *order);

/* The machine address behind gpa for the hypervisor's own accesses on the
 * guest's behalf (copy to/from guest): allowed where the guest itself could
 * read (write, if write) a RAM or granted frame; -EFAULT for holes, MMIO and
 * writes to read-only types. Valid up to the end of gpa's 4 KiB page. */
int p2m_gpa_to_hpa(struct p2m *p2m, uint64_t gpa, bool write, uint64_t *hpa);
/* The same, also giving the type of the frame. */
int p2m_gpa_translate(struct p2m *p2m, uint64_t gpa, bool write, uint64_t *hpa,
                      enum p2m_type *type);


/* True if changes since the last call need a TLB flush (see the top of this
 * file); then *ticket (if not NULL) names this flush request, for
 * p2m_flush_done() once the flush has completed on every CPU. */
bool p2m_flush_needed_and_clear(struct p2m *p2m, uint64_t *ticket);
/* Frees the table pages unlinked before the flush request `ticket`. */
void p2m_flush_done(struct p2m *p2m, uint64_t ticket);
/* Flush requests handed out so far (p2m_flush_needed_and_clear() true). */
uint64_t p2m_flush_requests(const struct p2m *p2m);

/* Memory: table pages reachable from the root (root included), counted by
 * walking the tables; and all pages held, i.e. those plus the ones waiting
 * for a flush plus the page of struct p2m itself. */
unsigned long p2m_table_pages(struct p2m *p2m);
unsigned long p2m_pages_held(const struct p2m *p2m);

/* Prints every mapping, contiguous runs of one type merged, with printk. */
void p2m_dump(struct p2m *p2m);
const char *p2m_type_name(enum p2m_type type);

#endif
