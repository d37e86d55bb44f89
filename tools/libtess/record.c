/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * Reading ctl.h's records by field name, so that bindings in other
 * languages hold no copy of their layouts: each field's offset, size and
 * kind come from the header through offsetof. A dominfo's flag bits read
 * as fields of their own ("running", "paused", "shutdown", ...), 0 or 1.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "private.h"

enum kind { NUM, STR, CPUS, SNUM };   /* SNUM: signed, sign-extended to 64 bits */

struct field {
    const char *name;
    size_t offset, size;
    enum kind kind;
    uint32_t bit;                   /* NUM: 0, or the one bit it reads */
};

#define F(type, member, kind) \
    { #member, offsetof(struct type, member), sizeof(((struct type *)0)->member), kind, 0 }
#define FLAG(name, bit) \
    { name, offsetof(struct tess_dominfo, flags), sizeof(uint32_t), NUM, TESS_DOMINF_##bit }

static const struct field physinfo_fields[] = {
    F(tess_physinfo, nr_cpus, NUM),     F(tess_physinfo, max_cpu_id, NUM),
    F(tess_physinfo, total_pages, NUM), F(tess_physinfo, free_pages, NUM),
    F(tess_physinfo, cpu_khz, NUM),     F(tess_physinfo, online_cpus, CPUS),
    F(tess_physinfo, evtchn_ports, NUM),
    { NULL, 0, 0, NUM, 0 },
};

static const struct field dominfo_fields[] = {
    F(tess_dominfo, domid, NUM),       F(tess_dominfo, flags, NUM),
    F(tess_dominfo, end_reason, NUM),  F(tess_dominfo, nr_vcpus, NUM),
    F(tess_dominfo, mem_pages, NUM),   F(tess_dominfo, cpu_time_ns, NUM),
    F(tess_dominfo, name, STR),        F(tess_dominfo, pool, STR),
    FLAG("running", running),          FLAG("paused", paused),
    FLAG("dying", dying),              FLAG("hardware", hardware),
    FLAG("boot", boot),                FLAG("shutdown", shutdown),
    { NULL, 0, 0, NUM, 0 },
};

#define VFLAG(name, bit) \
    { name, offsetof(struct tess_vcpuinfo, flags), sizeof(uint32_t), NUM, TESS_VCPU_##bit }

static const struct field vcpuinfo_fields[] = {
    F(tess_vcpuinfo, vcpu, NUM),            F(tess_vcpuinfo, flags, NUM),
    F(tess_vcpuinfo, cpu, SNUM),            F(tess_vcpuinfo, cpu_time_ns, NUM),
    F(tess_vcpuinfo, nr_exits, NUM),        F(tess_vcpuinfo, nr_intr_exits, NUM),
    F(tess_vcpuinfo, affinity, CPUS),
    VFLAG("up", up),                        VFLAG("on_cpu", running),
    VFLAG("blocked", blocked),
    { NULL, 0, 0, NUM, 0 },
};

static const struct field poolinfo_fields[] = {
    F(tess_poolinfo, pool_id, NUM),    F(tess_poolinfo, dedicated, NUM),
    F(tess_poolinfo, nr_domains, NUM), F(tess_poolinfo, cpus, CPUS),
    F(tess_poolinfo, name, STR),
    { NULL, 0, 0, NUM, 0 },
};

static const struct {
    const char *name;
    size_t size;
    const struct field *fields;
} kinds[] = {
    { "physinfo", sizeof(struct tess_physinfo), physinfo_fields },
    { "dominfo", sizeof(struct tess_dominfo), dominfo_fields },
    { "poolinfo", sizeof(struct tess_poolinfo), poolinfo_fields },
    { "vcpuinfo", sizeof(struct tess_vcpuinfo), vcpuinfo_fields },
};

static int find(const char *kind, const char *field, size_t *size, const struct field **f)
{
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        if (strcmp(kinds[k].name, kind))
            continue;
        *size = kinds[k].size;
        for (*f = kinds[k].fields; (*f)->name; (*f)++)
            if (!field || !strcmp((*f)->name, field))
                return 0;
        return -ENOENT;
    }
    return -ENOENT;
}

size_t libtess_record_size(const char *kind)
{
    const struct field *f;
    size_t size = 0;

    find(kind, NULL, &size, &f);
    return size;
}

/* The field of entry i, if it is of kind want. */
static const uint8_t *locate(const void *base, const char *kind, unsigned int i,
                             const char *field, enum kind want, const struct field **f)
{
    size_t size;

    if (find(kind, field, &size, f))
        return NULL;
    if ((*f)->kind != want && !(want == NUM && (*f)->kind == SNUM))
        return NULL;
    return (const uint8_t *)base + (size_t)i * size + (*f)->offset;
}

int libtess_record_u64(const void *base, const char *kind, unsigned int i,
                       const char *field, uint64_t *val)
{
    const struct field *f;
    const uint8_t *p = locate(base, kind, i, field, NUM, &f);
    uint32_t v32;

    if (!p)
        return -ENOENT;
    if (f->size == sizeof(v32)) {
        memcpy(&v32, p, sizeof(v32));
        if (f->kind == SNUM)
            *val = (uint64_t)(int64_t)(int32_t)v32;
        else
            *val = f->bit ? !!(v32 & f->bit) : v32;
    } else {
        memcpy(val, p, sizeof(*val));
    }
    return 0;
}

int libtess_record_str(const void *base, const char *kind, unsigned int i,
                       const char *field, char *buf, size_t len)
{
    const struct field *f;
    const uint8_t *p = locate(base, kind, i, field, STR, &f);
    size_t n;

    if (!p || len == 0)
        return -ENOENT;
    n = strnlen((const char *)p, f->size);
    if (n >= len)
        n = len - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return 0;
}

static int has_cpu(const uint8_t *p, unsigned int cpu)
{
    uint64_t word;

    memcpy(&word, p + cpu / 64 * sizeof(word), sizeof(word));
    return (word >> (cpu % 64)) & 1;
}

/* "0-3,6": runs of set bits, as xl prints CPU lists; "" for none. */
int libtess_record_cpus(const void *base, const char *kind, unsigned int i,
                        const char *field, char *buf, size_t len)
{
    const struct field *f;
    const uint8_t *p = locate(base, kind, i, field, CPUS, &f);
    unsigned int nbits, c = 0;
    size_t used = 0;

    if (!p || len == 0)
        return -ENOENT;
    nbits = (unsigned int)f->size * 8;
    buf[0] = '\0';
    while (c < nbits) {
        unsigned int lo;
        int n;

        if (!has_cpu(p, c++))
            continue;
        for (lo = c - 1; c < nbits && has_cpu(p, c); c++)
            ;
        n = c - 1 == lo ? snprintf(buf + used, len - used, "%s%u", used ? "," : "", lo)
                        : snprintf(buf + used, len - used, "%s%u-%u", used ? "," : "", lo, c - 1);
        if (n < 0 || (size_t)n >= len - used)
            return -ENOSPC;
        used += (size_t)n;
    }
    return 0;
}
