/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-domain budgets: limits, charges and the end-of-domain summary
 * (tessera/budget.h, docs/limits.md). */
#include <tessera/budget.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

static const char *const names[BUDGET_NR] = {
    [BUDGET_P2M_PAGES] = "p2m", [BUDGET_EVTCHN_PORTS] = "evtchn",
    [BUDGET_GRANT_FRAMES] = "grant", [BUDGET_MAPTRACK] = "maptrack",
};

const char *budget_kind_name(enum budget_kind k)
{
    return (unsigned int)k < BUDGET_NR ? names[k] : "?";
}

static uint64_t div_up(uint64_t n, unsigned int shift)
{
    return (n + (1ull << shift) - 1) >> shift;
}

/*
 * The p2m: the tables of the domain's own RAM map at its worst (every page
 * a 4 KiB leaf: one table per 512 pages at each level below the root, plus
 * one per level for a range that straddles a boundary), plus a slack for
 * what the guest places later (shared_info, grant frames and grant mappings
 * in holes: up to 3 tables each in a fresh 1 GiB region) and one page per
 * MiB. Xen sizes its HAP pool the other way round (libxl: 256 pages per
 * vCPU plus about 2 per MiB, allocated up front); ours is only a ceiling.
 */
void budget_defaults(uint32_t limit[BUDGET_NR], uint64_t ram_pages)
{
    uint64_t p2m = 1;                               /* the root */

    for (unsigned int level = 1; level < 4; level++)
        p2m += div_up(ram_pages, 9 * level) + 1;
    p2m += BUDGET_P2M_SLACK_PAGES + (ram_pages >> 8);
    limit[BUDGET_P2M_PAGES] = (uint32_t)MIN(p2m, (uint64_t)0xffffffffu);
    limit[BUDGET_EVTCHN_PORTS] = BUDGET_DEFAULT_EVTCHN_PORTS;
    limit[BUDGET_GRANT_FRAMES] = BUDGET_DEFAULT_GRANT_FRAMES;
    limit[BUDGET_MAPTRACK] = BUDGET_DEFAULT_MAPTRACK;
}

void budget_init(struct domain_budget *b, uint64_t ram_pages, const uint32_t *over)
{
    memset(b, 0, sizeof(*b));
    budget_defaults(b->limit, ram_pages);
    for (unsigned int k = 0; over && k < BUDGET_NR; k++)
        if (over[k])
            b->limit[k] = over[k];
}

int budget_charge(struct domain_budget *b, enum budget_kind k, uint32_t n)
{
    if (!b)
        return 0;
    uint32_t used = __atomic_load_n(&b->used[k], __ATOMIC_RELAXED);
    do {
        if (n > b->limit[k] || used > b->limit[k] - n) {
            __atomic_fetch_add(&b->refused[k], 1, __ATOMIC_RELAXED);
            return -ENOMEM;
        }
    } while (!__atomic_compare_exchange_n(&b->used[k], &used, used + n, false,
                                          __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    uint32_t peak = __atomic_load_n(&b->peak[k], __ATOMIC_RELAXED);
    while (peak < used + n &&
           !__atomic_compare_exchange_n(&b->peak[k], &peak, used + n, false,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
    return 0;
}

void budget_uncharge(struct domain_budget *b, enum budget_kind k, uint32_t n)
{
    if (!b)
        return;
    uint32_t before = __atomic_fetch_sub(&b->used[k], n, __ATOMIC_RELAXED);
    BUG_ON(before < n);
}

uint32_t budget_used(const struct domain_budget *b, enum budget_kind k)
{
    return __atomic_load_n(&b->used[k], __ATOMIC_RELAXED);
}

char *budget_format(const struct domain_budget *b, char *buf, size_t size)
{
    size_t len = 0;
    uint32_t refused = 0;

    buf[0] = '\0';
    for (unsigned int k = 0; k < BUDGET_NR && len < size; k++) {
        len += (size_t)snprintf(buf + len, size - len, "%s%s %u/%u", k ? " " : "", names[k],
                                b->peak[k], b->limit[k]);
        refused += b->refused[k];
    }
    if (refused && len < size)
        snprintf(buf + len, size - len, " refused %u", refused);
    return buf;
}
