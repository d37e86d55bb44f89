/* SPDX-License-Identifier: GPL-2.0-only */
/* Boot command-line parsing (see tessera/cmdline.h). */
#include <tessera/cmdline.h>
#include <tessera/lib.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Parses a number at s; *end is where it stopped. */
static int parse_number(const char *s, uint64_t *out, const char **end)
{
    uint64_t v = 0;
    unsigned int base = 10, digits = 0;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (;; s++, digits++) {
        char c = lower(*s);
        unsigned int d;

        if (c >= '0' && c <= '9')
            d = (unsigned int)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = (unsigned int)(c - 'a' + 10);
        else
            break;
        if (v > (UINT64_MAX - d) / base)
            return -ERANGE;
        v = v * base + d;
    }
    if (!digits)
        return -EINVAL;
    *out = v;
    *end = s;
    return 0;
}

int parse_uint(const char *s, uint64_t *out)
{
    uint64_t v;
    const char *end;
    int rc;

    if (!s || (rc = parse_number(s, &v, &end)) < 0)
        return s ? rc : -EINVAL;
    if (*end)
        return -EINVAL;
    *out = v;
    return 0;
}

int parse_size(const char *s, uint64_t *out)
{
    uint64_t v;
    const char *end;
    unsigned int shift = 0;
    int rc;

    if (!s || (rc = parse_number(s, &v, &end)) < 0)
        return s ? rc : -EINVAL;
    switch (lower(*end)) {
    case 'k': shift = 10; end++; break;
    case 'm': shift = 20; end++; break;
    case 'g': shift = 30; end++; break;
    case 't': shift = 40; end++; break;
    }
    if (lower(*end) == 'b')
        end++;
    if (*end)
        return -EINVAL;
    if (shift && v > (UINT64_MAX >> shift))
        return -ERANGE;
    *out = v << shift;
    return 0;
}

int parse_bool(const char *s)
{
    static const char *const yes[] = { "1", "yes", "true", "on", "enable" };
    static const char *const no[] = { "0", "no", "false", "off", "disable" };

    for (unsigned int i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(s, yes[i]))
            return 1;
        if (!strcmp(s, no[i]))
            return 0;
    }
    return -EINVAL;
}

/* One pass of parse_cpu_list: validates, and sets bits if bitmap != NULL. */
static int cpu_list_pass(const char *s, uint64_t *bitmap, unsigned int max_cpus)
{
    if (!*s)
        return -EINVAL;
    for (;;) {
        uint64_t lo, hi;
        const char *end;
        int rc;

        if ((rc = parse_number(s, &lo, &end)) < 0)
            return rc;
        hi = lo;
        if (*end == '-') {
            if ((rc = parse_number(end + 1, &hi, &end)) < 0)
                return rc;
            if (hi < lo)
                return -EINVAL;
        }
        if (hi >= max_cpus)
            return -ERANGE;
        if (bitmap)
            for (uint64_t c = lo; c <= hi; c++)
                bitmap[c / 64] |= 1ULL << (c % 64);
        if (!*end)
            return 0;
        if (*end != ',')
            return -EINVAL;
        s = end + 1;
    }
}

int parse_cpu_list(const char *s, uint64_t *bitmap, unsigned int max_cpus)
{
    int rc;

    if (!s || !max_cpus)
        return -EINVAL;
    if ((rc = cpu_list_pass(s, NULL, max_cpus)) < 0)
        return rc;
    memset(bitmap, 0, ((size_t)max_cpus + 63) / 64 * sizeof(uint64_t));
    return cpu_list_pass(s, bitmap, max_cpus);
}

const char *cmdline_skip_image_name(const char *cmdline)
{
    const char *p = cmdline, *w;

    if (!p)
        return "";
    while (is_blank(*p))
        p++;
    w = p;
    while (*p && !is_blank(*p) && *p != '=')
        p++;
    if (*p == '=')
        return w;           /* first word is an option */
    while (is_blank(*p))
        p++;
    return p;
}

/* ---- the parser proper ---- */

static char line[CMDLINE_MAX + 1];
static char value[CMDLINE_MAX + 1];

struct token {
    char name[CMDLINE_NAME_MAX];
    bool name_too_long;
    bool has_value;
    bool unterminated;
};

/*
 * Reads one word at *pp: its name (up to '=') and, if there is an '=', its
 * value into val (quotes removed). Returns false at the end of the line.
 */
static bool next_token(const char **pp, struct token *t, char *val)
{
    const char *p = *pp;
    size_t n = 0;
    bool quoted = false;

    while (is_blank(*p))
        p++;
    if (!*p)
        return false;
    memset(t, 0, sizeof(*t));
    for (; *p && *p != '=' && (quoted || !is_blank(*p)); p++) {
        if (*p == '"') {
            quoted = !quoted;
            continue;
        }
        if (n + 1 < sizeof(t->name))
            t->name[n++] = *p;
        else
            t->name_too_long = true;
    }
    t->name[n] = '\0';
    n = 0;
    if (*p == '=') {
        t->has_value = true;
        for (p++; *p && (quoted || !is_blank(*p)); p++) {
            if (*p == '"')
                quoted = !quoted;
            else if (val)
                val[n++] = *p;      /* val is as big as the whole line */
        }
    }
    if (val)
        val[n] = '\0';
    t->unterminated = quoted;
    *pp = p;
    return true;
}

static const struct boot_option *find(const struct boot_option *opts, size_t nr,
                                      const char *name, bool *negated)
{
    *negated = false;
    for (size_t i = 0; i < nr; i++)
        if (!strcmp(opts[i].name, name))
            return &opts[i];
    if (!strncmp(name, "no-", 3))
        for (size_t i = 0; i < nr; i++)
            if (opts[i].kind == OPT_BOOL && !strcmp(opts[i].name, name + 3)) {
                *negated = true;
                return &opts[i];
            }
    return NULL;
}

/* True if an option after *p resolves to the same table entry. */
static bool seen_later(const char *p, const struct boot_option *o,
                       const struct boot_option *opts, size_t nr)
{
    struct token t;
    bool neg;

    while (next_token(&p, &t, NULL))
        if (!t.name_too_long && find(opts, nr, t.name, &neg) == o)
            return true;
    return false;
}

/* An unsigned variable of size bytes (0 means 8); -ERANGE if v does not fit. */
static int store_uint(void *var, size_t size, uint64_t v)
{
    switch (size) {
    case 1:
        if (v > UINT8_MAX) return -ERANGE;
        *(uint8_t *)var = (uint8_t)v;
        return 0;
    case 2:
        if (v > UINT16_MAX) return -ERANGE;
        *(uint16_t *)var = (uint16_t)v;
        return 0;
    case 4:
        if (v > UINT32_MAX) return -ERANGE;
        *(uint32_t *)var = (uint32_t)v;
        return 0;
    case 0:
    case 8:
        *(uint64_t *)var = v;
        return 0;
    }
    return -EINVAL;
}

static int store_enum(const struct boot_enum *e, const char *val)
{
    if (!e || !e->var || !e->var_size || !e->names)
        return -EINVAL;                 /* a broken table entry */
    for (const struct boot_enum_name *n = e->names; n->name; n++)
        if (!strcmp(val, n->name))
            return store_uint(e->var, e->var_size, n->value);
    return -EINVAL;
}

/* "a|b|c": the names an OPT_ENUM option accepts, for its error message. */
static const char *enum_names(const struct boot_enum *e)
{
    static char buf[128];
    size_t n = 0;

    buf[0] = '\0';
    for (const struct boot_enum_name *c = e->names; c && c->name && n < sizeof(buf); c++)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? "|" : "", c->name);
    return buf;
}

static int apply(const struct boot_option *o, const struct token *t, bool negated,
                 const char *val)
{
    uint64_t v;
    int rc;

    if (o->kind != OPT_CUSTOM && o->kind != OPT_ENUM && !o->var)
        return -EINVAL;                 /* a broken table entry */
    switch (o->kind) {
    case OPT_BOOL:
        if (negated && t->has_value)
            return -EINVAL;             /* "no-x=1" */
        rc = t->has_value ? parse_bool(val) : !negated;
        if (rc < 0)
            return rc;
        *(bool *)o->var = rc;
        return 0;
    case OPT_UINT:
    case OPT_SIZE:
        if (!t->has_value)
            return -EINVAL;
        rc = o->kind == OPT_UINT ? parse_uint(val, &v) : parse_size(val, &v);
        return rc < 0 ? rc : store_uint(o->var, o->var_size, v);
    case OPT_STRING:
        if (!t->has_value || !o->var_size || strlen(val) >= o->var_size)
            return -EINVAL;
        memcpy(o->var, val, strlen(val) + 1);
        return 0;
    case OPT_CUSTOM:
        if (!o->parse)
            return -EINVAL;
        rc = o->parse(t->has_value ? val : "", o->var);
        return rc < 0 ? rc : 0;
    case OPT_ENUM:
        return t->has_value ? store_enum(o->choices, val) : -EINVAL;
    }
    return -EINVAL;
}

static void report_bad_value(const struct boot_option *o, const struct token *t,
                             const char *val)
{
    if (o->kind == OPT_ENUM && o->choices)
        printk(LOG_WARN "cmdline: bad value '%s' for '%s' (%s), using default\n",
               t->has_value ? val : "", o->name, enum_names(o->choices));
    else
        printk(LOG_WARN "cmdline: bad value '%s' for '%s', using default\n",
               t->has_value ? val : "", o->name);
}

void cmdline_parse(const char *cmdline, const struct boot_option *opts, size_t nr_opts)
{
    struct token t;
    const char *p;
    size_t len;
    bool neg;

    if (!cmdline)
        return;
    len = strnlen(cmdline, CMDLINE_MAX + 1);
    if (len > CMDLINE_MAX) {
        /* Drop the word the cut went through: a cut value ("mem=12" from
         * "mem=128G") is worse than none. */
        len = CMDLINE_MAX;
        while (len && !is_blank(cmdline[len]) && !is_blank(cmdline[len - 1]))
            len--;
        printk(LOG_WARN "cmdline: longer than %u bytes, truncated after byte %zu\n",
               CMDLINE_MAX, len);
    }
    memcpy(line, cmdline, len);
    line[len] = '\0';

    for (p = line; next_token(&p, &t, value); ) {
        if (t.name_too_long || !t.name[0]) {
            printk(LOG_WARN "cmdline: unknown option '%s%s' ignored\n", t.name,
                   t.name_too_long ? "..." : "");
            continue;
        }
        const struct boot_option *o = find(opts, nr_opts, t.name, &neg);
        if (!o) {
            printk(LOG_WARN "cmdline: unknown option '%s' ignored\n", t.name);
            continue;
        }
        if (!(o->flags & BOOT_OPT_REPEAT) && seen_later(p, o, opts, nr_opts))
            continue;                   /* the last occurrence wins */
        if (t.unterminated)
            printk(LOG_WARN "cmdline: unterminated quote in '%s'\n", t.name);
        if (apply(o, &t, neg, value) < 0)
            report_bad_value(o, &t, value);
    }
}
