/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's accesses to guest memory: by guest-physical address
 * (through the p2m, RAM only) and by guest-linear address (through the
 * guest's own page tables first, as a hypercall's pointers are linear
 * addresses in the Xen HVM ABI). Every failure is -EFAULT: a guest pointer
 * can only ever reach that guest's own RAM.
 */
#include "backend.h"
#include <asm/p2m.h>
#include <asm/x86-defns.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/grant_table.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include <tessera/guest_mem.h>

#define PTE_P       (1ull << 0)
#define PTE_RW      (1ull << 1)
#define PTE_PS      (1ull << 7)
#define PTE_ADDR    0x000ffffffffff000ull

static bool is_grant(enum p2m_type type)
{
    return type == P2M_GRANT_RW || type == P2M_GRANT_RO;
}

/*
 * The machine address behind gpa, for one page of a copy. Another vCPU may
 * unmap a granted frame while the copy runs, and if its granter is dead
 * the unmap frees it: so a granted frame is held by a reference until
 * page_put() (Xen's __hvm_copy holds get_page likewise). The reference is
 * taken, then the mapping looked up again: if it still stands, the unmap
 * that will drop the mapping's own reference has not yet run, and ours
 * keeps the frame.
 */
static int page_get(struct domain *d, uint64_t gpa, bool write, uint64_t *hpa,
                    bool *referenced)
{
    enum p2m_type type, again;
    uint64_t hpa2;

    *referenced = false;
    if (gpa >> 52 || p2m_gpa_translate(d->p2m, gpa, write, hpa, &type))
        return -EFAULT;
    if (!is_grant(type))
        return 0;
    gnttab_frame_get(*hpa >> PAGE_SHIFT);
    if (p2m_gpa_translate(d->p2m, gpa, write, &hpa2, &again) || hpa2 != *hpa ||
        !is_grant(again)) {
        gnttab_frame_put(*hpa >> PAGE_SHIFT);
        return -EFAULT;
    }
    *referenced = true;
    return 0;
}

static void page_put(uint64_t hpa, bool referenced)
{
    if (referenced)
        gnttab_frame_put(hpa >> PAGE_SHIFT);
}

static int gpa_access(struct domain *d, uint64_t gpa, void *buf, size_t len, bool write)
{
    while (len) {
        size_t chunk = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
        uint64_t hpa;
        bool referenced;

        if (page_get(d, gpa, write, &hpa, &referenced))
            return -EFAULT;
        if (write)
            memcpy(phys_to_virt(hpa), buf, chunk);
        else
            memcpy(buf, phys_to_virt(hpa), chunk);
        page_put(hpa, referenced);
        gpa += chunk;
        buf = (uint8_t *)buf + chunk;
        len -= chunk;
    }
    return 0;
}

int copy_to_gpa(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
    return gpa_access(d, gpa, (void *)src, len, true);
}

int copy_from_gpa(struct domain *d, void *dst, uint64_t gpa, size_t len)
{
    return gpa_access(d, gpa, dst, len, false);
}

int zero_gpa(struct domain *d, uint64_t gpa, size_t len)
{
    while (len) {
        size_t chunk = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
        uint64_t hpa;
        bool referenced;

        if (page_get(d, gpa, true, &hpa, &referenced))
            return -EFAULT;
        memset(phys_to_virt(hpa), 0, chunk);
        page_put(hpa, referenced);
        gpa += chunk;
        len -= chunk;
    }
    return 0;
}

/* One level of the guest's tables: the entry for la, 4 or 8 bytes wide. */
static int read_entry(struct domain *d, uint64_t table, unsigned int index, bool wide,
                      uint64_t *entry)
{
    uint32_t e32;

    if (wide)
        return copy_from_gpa(d, entry, table + index * 8ull, 8);
    if (copy_from_gpa(d, &e32, table + index * 4ull, 4))
        return -EFAULT;
    *entry = e32;
    return 0;
}

/*
 * Walks the guest's paging structures for a supervisor access (Intel SDM
 * vol. 3 ch. 4, AMD APM vol. 2 ch. 5): 32-bit (with PSE), PAE, 4- and
 * 5-level. Accessed/dirty bits are not set: the hypervisor's own accesses
 * leave no trace in the guest's tables.
 */
int guest_linear_to_gpa(struct vcpu *v, uint64_t la, bool write, uint64_t *gpa)
{
    struct domain *d = v->domain;
    uint64_t cr0, cr3, cr4, efer, table, entry;
    unsigned int levels, shift;
    bool wide;

    hvm->paging_state(v, &cr0, &cr3, &cr4, &efer);
    if (!(cr0 & X86_CR0_PG)) {
        *gpa = (efer & EFER_LMA) ? la : (uint32_t)la;
        return 0;
    }
    if (efer & EFER_LMA) {
        levels = (cr4 & X86_CR4_LA57) ? 5 : 4;
        unsigned int bits = levels == 5 ? 57 : 48;
        /* Canonical: bits 63..bits-1 all equal (SDM vol. 1 3.3.7.1). */
        if ((uint64_t)((int64_t)(la << (64 - bits)) >> (64 - bits)) != la)
            return -EFAULT;
        wide = true;
        table = cr3 & PTE_ADDR;
        shift = 12 + 9 * (levels - 1);
    } else if (cr4 & X86_CR4_PAE) {
        la = (uint32_t)la;
        /* PDPTE: four 8-byte entries at CR3[31:5] (SDM vol. 3 4.4.1). */
        if (copy_from_gpa(d, &entry, (cr3 & 0xffffffe0u) + (la >> 30) * 8, 8) ||
            !(entry & PTE_P))
            return -EFAULT;
        table = entry & PTE_ADDR;
        levels = 2;
        shift = 21;
        wide = true;
    } else {
        la = (uint32_t)la;
        table = cr3 & 0xfffff000u;
        levels = 2;
        shift = 22;
        wide = false;
    }

    for (unsigned int level = levels; level > 0; level--) {
        unsigned int index = (la >> shift) & (wide ? 0x1ff : 0x3ff);

        if (read_entry(d, table, index, wide, &entry) || !(entry & PTE_P))
            return -EFAULT;
        if (write && (cr0 & X86_CR0_WP) && !(entry & PTE_RW))
            return -EFAULT;
        bool large = level > 1 && (entry & PTE_PS) &&
                     (wide ? level <= 3 : (cr4 & X86_CR4_PSE) != 0);
        if (large || level == 1) {
            uint64_t base;
            if (!wide && large)     /* 4 MiB page: bits 20:13 are PA 39:32 */
                base = (entry & 0xffc00000u) | ((entry & 0x1fe000u) << 19);
            else
                base = entry & PTE_ADDR & ~((1ull << shift) - 1);
            *gpa = base | (la & ((1ull << shift) - 1));
            return 0;
        }
        table = entry & PTE_ADDR;
        shift -= wide ? 9 : 10;
    }
    return -EFAULT;
}

static int linear_access(struct vcpu *v, uint64_t la, void *buf, size_t len, bool write)
{
    while (len) {
        size_t chunk = MIN(len, PAGE_SIZE - (la & (PAGE_SIZE - 1)));
        uint64_t gpa;

        if (guest_linear_to_gpa(v, la, write, &gpa) ||
            gpa_access(v->domain, gpa, buf, chunk, write))
            return -EFAULT;
        la += chunk;
        buf = (uint8_t *)buf + chunk;
        len -= chunk;
    }
    return 0;
}

int copy_from_guest(struct vcpu *v, void *dst, uint64_t la, size_t len)
{
    return linear_access(v, la, dst, len, false);
}

int copy_to_guest(struct vcpu *v, uint64_t la, const void *src, size_t len)
{
    return linear_access(v, la, (void *)src, len, true);
}
