/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pinning a grant entry: checking it against the guest-written shared entry
 * and marking it in use (GTF_reading / GTF_writing, which the granting guest
 * tests before it takes a grant back; Xen's public/grant_table.h).
 */
#include <tessera/p2m.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/page_alloc.h>
#include "private.h"

/* The shared entry's flags and domid read and changed as one 32-bit word
 * (flags in the low half, little-endian), so a guest rewriting the entry at
 * the same time cannot make us accept a mix of old and new. */
#define ENTRY_DOMID_SHIFT   16
#define CMPXCHG_TRIES       4

static struct grant_entry_v1 *shared_entry(struct grant_table *gt, grant_ref_t ref)
{
    struct grant_entry_v1 *f = phys_to_virt(gt->frame[ref / ENTRIES_PER_FRAME]);
    return &f[ref % ENTRIES_PER_FRAME];
}

static bool owns_ram(const struct domain *d, uint64_t mfn)
{
    paddr_t pa = mfn << PAGE_SHIFT;

    for (unsigned int i = 0; i < d->nr_chunks; i++)
        if (pa >= d->chunks[i].pa && pa - d->chunks[i].pa < (PAGE_SIZE << d->chunks[i].order))
            return true;
    return false;
}

int gnttab_own_frame(struct domain *d, uint64_t gfn, bool write, uint64_t *mfn)
{
    enum p2m_type type;

    if (gfn >= (1ULL << P2M_GFN_BITS) || p2m_lookup(d->p2m, gfn, mfn, &type, NULL))
        return -EFAULT;
    if (type == P2M_RAM_RW || (type == P2M_RAM_RO && !write))
        return 0;
    return -EFAULT;
}

/* Only the granter's own RAM can be granted: not its grant-table frames
 * (hypervisor pages), not frames it has itself mapped from others, not
 * MMIO or holes (Xen: GNTST_bad_page from get_paged_frame()). */
static int16_t granted_frame(struct domain *rd, uint64_t gfn, uint64_t *mfn, bool *writable)
{
    enum p2m_type type;

    if (p2m_lookup(rd->p2m, gfn, mfn, &type, NULL))
        return GNTST_bad_page;
    if ((type != P2M_RAM_RW && type != P2M_RAM_RO) || !owns_ram(rd, *mfn))
        return GNTST_bad_page;
    *writable = type == P2M_RAM_RW;
    return GNTST_okay;
}

int16_t gnttab_pin(struct domain *rd, struct domain *ld, grant_ref_t ref, bool write,
                   uint64_t *mfn)
{
    struct grant_table *gt = rd->grant_table;
    uint32_t want = GTF_permit_access | ((uint32_t)ld->id << ENTRY_DOMID_SHIFT);
    uint32_t mask = GTF_type_mask | (0xffffu << ENTRY_DOMID_SHIFT);
    int16_t rc = GNTST_okay;

    unsigned long flags = spin_lock_irqsave(&gt->lock);
    if (ref >= gt->nr_frames * ENTRIES_PER_FRAME) {
        rc = GNTST_bad_gntref;
        goto out;
    }
    struct grant_entry_v1 *e = shared_entry(gt, ref);
    struct active_entry *act = &gt->active[ref / ENTRIES_PER_FRAME][ref % ENTRIES_PER_FRAME];
    uint32_t *word = (uint32_t *)(void *)e;
    uint64_t frame_mfn = act->mfn;
    bool writable = act->writable;

    if (!act->pins) {
        rc = granted_frame(rd, __atomic_load_n(&e->frame, __ATOMIC_ACQUIRE), &frame_mfn,
                           &writable);
        if (rc)
            goto out;
    }
    for (unsigned int tries = 0;; tries++) {
        uint32_t old = __atomic_load_n(word, __ATOMIC_ACQUIRE);
        if ((old & mask) != want || (write && ((old & GTF_readonly) || !writable)) ||
            tries == CMPXCHG_TRIES) {
            rc = GNTST_general_error;
            goto out;
        }
        uint32_t new = old | GTF_reading | (write ? GTF_writing : 0);
        if (new == old ||
            __atomic_compare_exchange_n(word, &old, new, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            break;
    }
    act->mfn = frame_mfn;
    act->writable = writable;
    act->pins++;
    if (write)
        act->pins_rw++;
    gt->ever_pinned = true;
    *mfn = frame_mfn;
out:
    spin_unlock_irqrestore(&gt->lock, flags);
    return rc;
}

void gnttab_unpin(struct domain *rd, grant_ref_t ref, bool write)
{
    struct grant_table *gt = rd->grant_table;

    unsigned long flags = spin_lock_irqsave(&gt->lock);
    struct active_entry *act = &gt->active[ref / ENTRIES_PER_FRAME][ref % ENTRIES_PER_FRAME];
    if (act->pins && (!write || act->pins_rw)) {
        uint16_t clear = 0;

        act->pins--;
        if (write)
            act->pins_rw--;
        if (!act->pins_rw)
            clear |= GTF_writing;
        if (!act->pins)
            clear |= GTF_reading;
        __atomic_fetch_and(&shared_entry(gt, ref)->flags, (uint16_t)~clear, __ATOMIC_ACQ_REL);
    }
    spin_unlock_irqrestore(&gt->lock, flags);
}

int gnttab_take_ram_frame(struct domain *d, uint64_t gfn, uint64_t *mfn, bool *writable)
{
    struct grant_table *gt = d->grant_table;

    if (!gt || gfn >= (1ULL << P2M_GFN_BITS) || granted_frame(d, gfn, mfn, writable))
        return -EINVAL;
    unsigned long flags = spin_lock_irqsave(&gt->lock);
    gnttab_frame_get(*mfn);
    gt->ever_pinned = true;         /* grant_table_destroy() looks for counts */
    spin_unlock_irqrestore(&gt->lock, flags);
    return 0;
}
