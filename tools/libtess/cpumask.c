/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xl's CPU lists (xl.cfg(5) "cpus"): "all", or items "N", "N-M", "^N",
 * "^N-M" separated by commas; a ^ item removes CPUs added before it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

#define MAX_CPUS (TESS_CPU_WORDS * 64)

static int parse_cpu(const char **s, unsigned long *cpu)
{
    char *end;

    if (!isdigit((unsigned char)**s))
        return -EINVAL;
    *cpu = strtoul(*s, &end, 10);
    *s = end;
    return *cpu < MAX_CPUS ? 0 : -ERANGE;
}

static int parse_item(const char **s, uint64_t mask[TESS_CPU_WORDS])
{
    unsigned long lo, hi;
    int remove = 0, rc;

    while (**s == ' ')
        (*s)++;
    if (**s == '^') {
        remove = 1;
        (*s)++;
    }
    rc = parse_cpu(s, &lo);
    hi = lo;
    if (!rc && **s == '-') {
        (*s)++;
        rc = parse_cpu(s, &hi);
    }
    if (rc)
        return rc;
    if (hi < lo)
        return -EINVAL;
    for (unsigned long c = lo; c <= hi; c++) {
        if (remove)
            mask[c / 64] &= ~(1ull << (c % 64));
        else
            mask[c / 64] |= 1ull << (c % 64);
    }
    while (**s == ' ')
        (*s)++;
    return 0;
}

int tess_cpumask_parse(const char *cpus, uint64_t mask[TESS_CPU_WORDS])
{
    memset(mask, 0, TESS_CPU_WORDS * sizeof(mask[0]));
    if (!strcmp(cpus, "all")) {
        memset(mask, 0xff, TESS_CPU_WORDS * sizeof(mask[0]));
        return 0;
    }
    for (const char *s = cpus;; s++) {
        int rc = parse_item(&s, mask);

        if (rc)
            return rc;
        if (*s == '\0')
            return 0;
        if (*s != ',')
            return -EINVAL;
    }
}
