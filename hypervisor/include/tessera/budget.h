/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-domain budgets (docs/limits.md): everything a guest can make the
 * hypervisor allocate after its domain is built is charged to that domain,
 * per kind, against a limit fixed when the domain is built. The allocation
 * site charges before it allocates and uncharges when it frees; a charge
 * over the limit fails with -ENOMEM for the caller, so a guest at its
 * budget hurts only itself.
 *
 * Counters are updated with atomics: no lock, any CPU, any context.
 */
#ifndef TESSERA_BUDGET_H
#define TESSERA_BUDGET_H

#include <tessera/types.h>

enum budget_kind {
    BUDGET_P2M_PAGES,       /* p2m table pages, the root included */
    BUDGET_EVTCHN_PORTS,    /* event-channel port slots (buckets of 128) */
    BUDGET_GRANT_FRAMES,    /* grant-table frames (and their active entries) */
    BUDGET_MAPTRACK,        /* maptrack entries: grants mapped at once (blocks of 64) */
    BUDGET_NR
};

/* Xen's domU defaults (xen/common/domain.c, xl.cfg(5)): highest event
 * port 1023, 64 grant frames, 1024 maptrack frames; ours where our tables
 * are smaller (tessera/grant_table.h: 32 frames, 16384 mappings). */
#define BUDGET_DEFAULT_EVTCHN_PORTS     1024u
#define BUDGET_DEFAULT_GRANT_FRAMES     32u
#define BUDGET_DEFAULT_MAPTRACK         16384u
/* p2m slack beyond the domain's own RAM map (see budget_defaults). */
#define BUDGET_P2M_SLACK_PAGES          256u

struct domain_budget {
    uint32_t limit[BUDGET_NR];
    uint32_t used[BUDGET_NR];
    uint32_t peak[BUDGET_NR];
    uint32_t refused[BUDGET_NR];        /* charges that failed */
};

/* The default limits for a domain of ram_pages pages of RAM. */
void budget_defaults(uint32_t limit[BUDGET_NR], uint64_t ram_pages);
/* A budget with the given limits (0 in over: the default for that kind)
 * and nothing used. over may be NULL. */
void budget_init(struct domain_budget *b, uint64_t ram_pages, const uint32_t *over);
/* 0, or -ENOMEM (nothing charged) if n more would pass the limit.
 * A NULL budget charges nothing and always succeeds. */
int budget_charge(struct domain_budget *b, enum budget_kind k, uint32_t n);
void budget_uncharge(struct domain_budget *b, enum budget_kind k, uint32_t n);
uint32_t budget_used(const struct domain_budget *b, enum budget_kind k);
const char *budget_kind_name(enum budget_kind k);
/* "p2m 5/260 evtchn 128/1024 grant 1/32 maptrack 0/16384": peak/limit
 * per kind, then " refused N" if any charge failed. Returns buf. */
char *budget_format(const struct domain_budget *b, char *buf, size_t size);

#endif
