/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * Reading ctl.h's records by field name, so that bindings in other
 * languages hold no copy of their layouts: each field's offset, size and
 * kind come from the header through offsetof.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "private.h"

enum kind { NUM, STR, CPUS };

struct field {
    const char *name;
    size_t offset, size;
    enum kind kind;
};

#define F(type, member, kind) \
    { #member, offsetof(struct type, member), sizeof(((struct type *)0)->member), kind }

static const struct field physinfo_fields[] = {
    F(tess_physinfo, nr_cpus, NUM),     F(tess_physinfo, max_cpu_id, NUM),
    F(tess_physinfo, total_pages, NUM), F(tess_physinfo, free_pages, NUM),
    F(tess_physinfo, cpu_khz, NUM),     F(tess_physinfo, online_cpus, CPUS),
    { NULL, 0, 0, NUM },
};

static const struct field dominfo_fields[] = {
    F(tess_dominfo, domid, NUM),       F(tess_dominfo, flags, NUM),
    F(tess_dominfo, end_reason, NUM),  F(tess_dominfo, nr_vcpus, NUM),
    F(tess_dominfo, mem_pages, NUM),   F(tess_dominfo, cpu_time_ns, NUM),
    F(tess_dominfo, name, STR),        F(tess_dominfo, pool, STR),
    { NULL, 0, 0, NUM },
};

static const struct field poolinfo_fields[] = {
    F(tess_poolinfo, pool_id, NUM),    F(tess_poolinfo, dedicated, NUM),
    F(tess_poolinfo, nr_domains, NUM), F(tess_poolinfo, cpus, CPUS),
    F(tess_poolinfo, name, STR),
    { NULL, 0, 0, NUM },
};

static const struct {
    const char *name;
    size_t size;
    const struct field *fields;
} kinds[] = {
    { "physinfo", sizeof(struct tess_physinfo), physinfo_fields },
    { "dominfo", sizeof(struct tess_dominfo), dominfo_fields },
    { "poolinfo", sizeof(struct tess_poolinfo), poolinfo_fields },
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

    if (find(kind, field, &size, f) || (*f)->kind != want)
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
        *val = v32;
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

int libtess_record_cpu(const void *base, const char *kind, unsigned int i,
                       const char *field, unsigned int cpu)
{
    const struct field *f;
    const uint8_t *p = locate(base, kind, i, field, CPUS, &f);
    uint64_t word;

    if (!p)
        return -ENOENT;
    if (cpu >= f->size * 8)
        return 0;
    memcpy(&word, p + cpu / 64 * sizeof(word), sizeof(word));
    return (word >> (cpu % 64)) & 1;
}
