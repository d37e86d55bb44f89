/* SPDX-License-Identifier: GPL-2.0-only */
/* Boot-domain descriptions in Multiboot module command lines
 * (see tessera/bootdom_spec.h and docs/boot-domains.md). */
#include <tessera/bootdom_spec.h>
#include <tessera/cmdline.h>
#include <tessera/grant_table.h>
#include <tessera/lib.h>

#define MOD_ERR(idx, fmt, ...) \
    printk(LOG_ERR "bootdom: module %u: " fmt "\n", (idx), ##__VA_ARGS__)

struct word {
    const char *s;
    size_t len;
};

enum key {
    KEY_DOM, KEY_MEM, KEY_VCPUS, KEY_CPUS, KEY_POOL, KEY_WEIGHT, KEY_CAP,
    KEY_MAX_EVTCHN, KEY_MAX_GRANT_FRAMES, KEY_MAX_MAPTRACK, KEY_P2M_PAGES, NR_KEYS
};

static const char *const key_names[NR_KEYS] = {
    [KEY_DOM] = "dom", [KEY_MEM] = "mem", [KEY_VCPUS] = "vcpus",
    [KEY_CPUS] = "cpus", [KEY_POOL] = "pool", [KEY_WEIGHT] = "weight", [KEY_CAP] = "cap",
    [KEY_MAX_EVTCHN] = "max_evtchn", [KEY_MAX_GRANT_FRAMES] = "max_grant_frames",
    [KEY_MAX_MAPTRACK] = "max_maptrack", [KEY_P2M_PAGES] = "p2m_pages",
};

/* The budget options (docs/limits.md): which kind, the bounds of the value,
 * and the unit the budget is charged in (the value is rounded up to it;
 * max_evtchn names the highest port, so it counts one more). */
static const struct {
    enum budget_kind kind;
    uint32_t min, max, unit, plus;
} budget_keys[NR_KEYS] = {
    [KEY_MAX_EVTCHN] = { BUDGET_EVTCHN_PORTS, 127, 131071, 128, 1 },
    [KEY_MAX_GRANT_FRAMES] = { BUDGET_GRANT_FRAMES, 1, GNTTAB_MAX_FRAMES, 1, 0 },
    [KEY_MAX_MAPTRACK] = { BUDGET_MAPTRACK, 64, GNTTAB_MAX_MAPS, 64, 0 },
    [KEY_P2M_PAGES] = { BUDGET_P2M_PAGES, 1, 0x7fffffff, 1, 0 },
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *find_char(const char *s, size_t len, char c)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] == c)
            return s + i;
    return NULL;
}

static bool word_is(const struct word *w, const char *s)
{
    return w->len == strlen(s) && !memcmp(w->s, s, w->len);
}

/* The next blank-separated word in [*pp, end); false at the end. */
static bool next_word(const char **pp, const char *end, struct word *w)
{
    const char *p = *pp;

    while (p < end && is_blank(*p))
        p++;
    if (p == end)
        return false;
    w->s = p;
    while (p < end && !is_blank(*p))
        p++;
    w->len = (size_t)(p - w->s);
    *pp = p;
    return true;
}

bool bootdom_valid_name(const char *s)
{
    size_t n = strnlen(s, BOOTDOM_NAME_MAX + 1);

    if (!n || n > BOOTDOM_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

static int set_key(struct bootdom_spec *d, enum key k, const char *val, const struct word *tok,
                   unsigned int idx)
{
    uint64_t v = 0;
    int rc;

    switch (k) {
    case KEY_DOM:
    case KEY_POOL:
        if (!bootdom_valid_name(val)) {
            MOD_ERR(idx, "bad name in '%.*s' (1-%u of A-Z a-z 0-9 _ . -)", (int)tok->len,
                    tok->s, BOOTDOM_NAME_MAX);
            return -EINVAL;
        }
        memcpy(k == KEY_DOM ? d->name : d->pool, val, strlen(val) + 1);
        return 0;
    case KEY_MEM:
        if ((rc = parse_size(val, &v)) < 0 || !v || !IS_ALIGNED(v, PAGE_SIZE) ||
            v > BOOTDOM_MEM_MAX) {
            MOD_ERR(idx, "bad size '%.*s' (a multiple of 4K, 4K to %lluG)", (int)tok->len,
                    tok->s, (unsigned long long)(BOOTDOM_MEM_MAX >> 30));
            return rc == -ERANGE || v > BOOTDOM_MEM_MAX ? -ERANGE : -EINVAL;
        }
        d->mem = v;
        return 0;
    case KEY_VCPUS:
        if ((rc = parse_uint(val, &v)) < 0 || !v || v > BOOTDOM_MAX_VCPUS) {
            MOD_ERR(idx, "bad vCPU count '%.*s' (1 to %u)", (int)tok->len, tok->s,
                    BOOTDOM_MAX_VCPUS);
            return rc == -EINVAL ? -EINVAL : -ERANGE;
        }
        d->vcpus = (unsigned int)v;
        return 0;
    case KEY_CPUS:
        if ((rc = parse_cpu_list(val, d->cpus, BOOTDOM_MAX_CPUS)) < 0) {
            MOD_ERR(idx, "bad CPU list '%.*s' (like 1,3-5; CPUs 0 to %u)", (int)tok->len,
                    tok->s, BOOTDOM_MAX_CPUS - 1);
            return rc;
        }
        d->has_cpus = true;
        return 0;
    case KEY_WEIGHT:
        if ((rc = parse_uint(val, &v)) < 0 || !v || v > BOOTDOM_MAX_WEIGHT) {
            MOD_ERR(idx, "bad weight '%.*s' (1 to %u)", (int)tok->len, tok->s,
                    BOOTDOM_MAX_WEIGHT);
            return rc == -EINVAL ? -EINVAL : -ERANGE;
        }
        d->weight = (unsigned int)v;
        return 0;
    case KEY_CAP:
        if ((rc = parse_uint(val, &v)) < 0 || v > BOOTDOM_MAX_CAP) {
            MOD_ERR(idx, "bad cap '%.*s' (0 to %u percent of a CPU)", (int)tok->len, tok->s,
                    BOOTDOM_MAX_CAP);
            return rc == -EINVAL ? -EINVAL : -ERANGE;
        }
        d->cap = (unsigned int)v;
        return 0;
    case KEY_MAX_EVTCHN:
    case KEY_MAX_GRANT_FRAMES:
    case KEY_MAX_MAPTRACK:
    case KEY_P2M_PAGES: {
        uint32_t lo = budget_keys[k].min, hi = budget_keys[k].max, unit = budget_keys[k].unit;
        if ((rc = parse_uint(val, &v)) < 0 || v < lo || v > hi) {
            MOD_ERR(idx, "bad limit '%.*s' (%u to %u)", (int)tok->len, tok->s, lo, hi);
            return rc == -EINVAL ? -EINVAL : -ERANGE;
        }
        v += budget_keys[k].plus;
        d->budget[budget_keys[k].kind] = (uint32_t)((v + unit - 1) / unit * unit);
        return 0;
    }
    case NR_KEYS:
        break;
    }
    return -EINVAL;
}

/* The options after the first word; dom0's name is the keyword itself. */
static int parse_options(struct bootdom_spec *d, const char *p, const char *end,
                         unsigned int idx)
{
    char val[256];
    unsigned int seen = 0;
    struct word w;

    while (next_word(&p, end, &w)) {
        const char *eq = find_char(w.s, w.len, '=');
        size_t klen, vlen;
        unsigned int k;
        int rc;

        if (!eq) {
            MOD_ERR(idx, "expected key=value, got '%.*s'", (int)w.len, w.s);
            return -EINVAL;
        }
        klen = (size_t)(eq - w.s);
        vlen = w.len - klen - 1;
        for (k = 0; k < NR_KEYS; k++)
            if (klen == strlen(key_names[k]) && !memcmp(w.s, key_names[k], klen))
                break;
        if (k == NR_KEYS) {
            MOD_ERR(idx, "unknown key in '%.*s'", (int)w.len, w.s);
            return -EINVAL;
        }
        if (k == KEY_DOM && d->hardware) {
            MOD_ERR(idx, "'dom0' is named dom0, got '%.*s'", (int)w.len, w.s);
            return -EINVAL;
        }
        if (seen & (1u << k)) {
            MOD_ERR(idx, "duplicate key in '%.*s'", (int)w.len, w.s);
            return -EINVAL;
        }
        seen |= 1u << k;
        if (vlen >= sizeof(val)) {
            MOD_ERR(idx, "value too long in '%.40s...'", w.s);
            return -EINVAL;
        }
        memcpy(val, eq + 1, vlen);
        val[vlen] = '\0';
        if ((rc = set_key(d, (enum key)k, val, &w, idx)) < 0)
            return rc;
    }
    if (d->hardware)
        seen |= 1u << KEY_DOM;
    for (unsigned int k = KEY_DOM; k <= KEY_VCPUS; k++)
        if (!(seen & (1u << k))) {
            MOD_ERR(idx, "missing %s= (need dom=, mem= and vcpus=, or 'initrd')",
                    key_names[k]);
            return -EINVAL;
        }
    return 0;
}

static int attach_initrd(struct bootdom_specs *out, unsigned int idx)
{
    struct bootdom_spec *d;

    if (!out->nr) {
        MOD_ERR(idx, "'initrd' before any domain");
        return -EINVAL;
    }
    d = &out->dom[out->nr - 1];
    if (d->initrd_module >= 0) {
        MOD_ERR(idx, "'initrd': domain '%s' already has one (module %d)", d->name,
                d->initrd_module);
        return -EINVAL;
    }
    d->initrd_module = (int)idx;
    return 0;
}

/* Copies the guest command line, blanks around it trimmed. */
static int set_guest_cmdline(struct bootdom_spec *d, const char *p, const char *end,
                             unsigned int idx)
{
    while (p < end && is_blank(*p))
        p++;
    while (end > p && is_blank(end[-1]))
        end--;
    if ((size_t)(end - p) > BOOTDOM_CMDLINE_MAX) {
        MOD_ERR(idx, "guest command line longer than %u bytes ('%.20s...')",
                BOOTDOM_CMDLINE_MAX, p);
        return -EINVAL;
    }
    memcpy(d->cmdline, p, (size_t)(end - p));
    d->cmdline[end - p] = '\0';
    return 0;
}

/* Whether the first word is the module's path rather than a keyword or an
 * option: a lone "initrd", and "dom0" unless a second "dom0" follows it,
 * are keywords. */
static bool first_is_path(const struct word *first, bool have_second, const struct word *second)
{
    if (find_char(first->s, first->len, '='))
        return false;
    if (word_is(first, "initrd"))
        return have_second;
    if (word_is(first, "dom0"))
        return have_second && word_is(second, "dom0");
    return true;
}

/* Marks d as dom0 (the word after the path was "dom0"), unless one exists. */
static int set_dom0(struct bootdom_specs *out, struct bootdom_spec *d, unsigned int idx)
{
    for (unsigned int i = 0; i < out->nr; i++)
        if (out->dom[i].hardware) {
            MOD_ERR(idx, "a second 'dom0' (the first is module %d)", out->dom[i].kernel_module);
            return -EINVAL;
        }
    d->hardware = true;
    memcpy(d->name, "dom0", sizeof("dom0"));
    return 0;
}

static int parse_module(struct bootdom_specs *out, const char *line, unsigned int idx)
{
    size_t len;
    const char *end, *opts, *opts_end, *guest = NULL, *p;
    struct bootdom_spec *d;
    struct word w, first, second;
    bool have_second;
    int rc;

    if (!line)
        line = "";
    len = strnlen(line, BOOTDOM_MODLINE_MAX + 1);
    end = opts_end = line + len;
    opts = line;
    if (len > BOOTDOM_MODLINE_MAX) {
        MOD_ERR(idx, "command line longer than %u bytes", BOOTDOM_MODLINE_MAX);
        return -EINVAL;
    }
    /* The options end at a word "--"; the guest's command line follows. */
    for (p = line; next_word(&p, end, &w); )
        if (word_is(&w, "--")) {
            opts_end = w.s;
            guest = p;
            break;
        }

    /* Skip the module's path, if the loader put it first. */
    p = opts;
    if (next_word(&p, opts_end, &first)) {
        const char *q = p;
        have_second = next_word(&q, opts_end, &second);
        if (first_is_path(&first, have_second, &second))
            opts = p;
    }

    p = opts;
    if (next_word(&p, opts_end, &w) && word_is(&w, "initrd")) {
        if (next_word(&p, opts_end, &w)) {
            MOD_ERR(idx, "'initrd' takes no options, got '%.*s'", (int)w.len, w.s);
            return -EINVAL;
        }
        if (guest) {
            MOD_ERR(idx, "'initrd' takes no command line, got '--'");
            return -EINVAL;
        }
        return attach_initrd(out, idx);
    }

    if (out->nr == BOOTDOM_MAX_DOMAINS) {
        MOD_ERR(idx, "more than %u domains", BOOTDOM_MAX_DOMAINS);
        return -ENOSPC;
    }
    d = &out->dom[out->nr];
    memset(d, 0, sizeof(*d));
    memcpy(d->pool, BOOTDOM_DEFAULT_POOL, sizeof(BOOTDOM_DEFAULT_POOL));
    d->kernel_module = (int)idx;
    d->initrd_module = -1;
    p = opts;
    if (next_word(&p, opts_end, &w) && word_is(&w, "dom0")) {
        if ((rc = set_dom0(out, d, idx)) < 0)
            return rc;
        opts = p;
    }
    if ((rc = parse_options(d, opts, opts_end, idx)) < 0)
        return rc;
    if (guest && (rc = set_guest_cmdline(d, guest, end, idx)) < 0)
        return rc;
    for (unsigned int i = 0; i < out->nr; i++)
        if (!strcmp(out->dom[i].name, d->name)) {
            MOD_ERR(idx, "domain name in 'dom=%s' already used by module %d", d->name,
                    out->dom[i].kernel_module);
            return -EINVAL;
        }
    out->nr++;
    return 0;
}

int bootdom_parse_modules(struct bootdom_specs *out, const char *const *cmdlines,
                          unsigned int nr_modules)
{
    out->nr = 0;
    for (unsigned int i = 0; i < nr_modules; i++) {
        int rc = parse_module(out, cmdlines[i], i);
        if (rc < 0)
            return rc;
    }
    return 0;
}
