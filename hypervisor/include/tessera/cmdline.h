/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The boot command line: a table of options, parsed once at boot.
 *
 * Syntax: options separated by blanks; `name=value`, bare `name` (a bool set
 * to true; a custom option gets the value "") or `no-name` (a bool set to
 * false). `"` quotes blanks inside a value and is removed (`a="x y"` gives
 * `x y`). Bool values: 1/0, yes/no, true/false, on/off, enable/disable.
 * Unknown options and malformed values are reported (LOG_WARN) and ignored;
 * the variable keeps its value. A repeated option: the last occurrence wins
 * (only it is parsed), except for options with BOOT_OPT_REPEAT, whose
 * parser sees every occurrence in order. At most CMDLINE_MAX bytes are read;
 * a longer line is reported and its cut-off last word dropped.
 * Not reentrant (boot only, one CPU).
 */
#ifndef TESSERA_CMDLINE_H
#define TESSERA_CMDLINE_H

#include <tessera/types.h>

#define CMDLINE_MAX         1024
#define CMDLINE_NAME_MAX    64

enum boot_option_kind {
    OPT_BOOL,       /* var: bool * */
    OPT_UINT,       /* var: uint64_t * (or var_size 1/2/4: that unsigned width) */
    OPT_SIZE,       /* like OPT_UINT, value through parse_size() */
    OPT_STRING,     /* var: char[var_size], always NUL-terminated; too long = bad value */
    OPT_CUSTOM,     /* parse(val, var) returns 0 or a negative errno (= bad value) */
    OPT_ENUM,       /* choices: a name -> value table (struct boot_enum) */
};

#define BOOT_OPT_REPEAT     (1u << 0)   /* every occurrence is parsed, in order */

struct boot_enum_name {
    const char *name;
    unsigned int value;
};

/*
 * What an OPT_ENUM option sets: a variable of var_size bytes (an enum, a
 * bool or an unsigned integer), to the value of the name given; several
 * names may share a value. Anything else is a bad value, reported with the
 * names accepted. Defined beside its variable, which can stay static:
 *     static const struct boot_enum x = BOOT_ENUM(var, { "a", A }, { "b", B });
 */
struct boot_enum {
    void *var;
    size_t var_size;
    const struct boot_enum_name *names;     /* ends with a NULL name */
};

#define BOOT_ENUM(v, ...) { \
        .var = &(v), .var_size = sizeof(v), \
        .names = (const struct boot_enum_name[]){ __VA_ARGS__, { NULL, 0 } }, \
    }

struct boot_option {
    const char *name;
    enum boot_option_kind kind;
    void *var;
    size_t var_size;
    int (*parse)(const char *val, void *var);
    unsigned int flags;
    const struct boot_enum *choices;        /* OPT_ENUM */
};

void cmdline_parse(const char *cmdline, const struct boot_option *opts, size_t nr_opts);

/* GRUB and QEMU put the image's path first: skips a first word that has no
 * '=' (and the blanks around it). Returns a pointer into cmdline. */
const char *cmdline_skip_image_name(const char *cmdline);

/* Decimal, or hex with 0x/0X. No sign, no trailing junk, no overflow.
 * Returns 0 or -EINVAL / -ERANGE; *out is only written on success. */
int parse_uint(const char *s, uint64_t *out);

/*
 * A number (as parse_uint) with an optional binary suffix K, M, G or T (any
 * case, optionally followed by B: "16M", "4GB"), or B for bytes. A bare
 * number means BYTES, as Linux's memparse() does (Xen defaults to KiB; we
 * find bytes less surprising). Returns 0, -EINVAL or -ERANGE (overflow).
 */
int parse_size(const char *s, uint64_t *out);

/*
 * A CPU list: "3", "1,3-5", "0-7,9". Every number must be < max_cpus and
 * ranges ascending. bitmap has (max_cpus + 63) / 64 words; on success it is
 * cleared and the listed CPUs set (returns 0); on error (-EINVAL / -ERANGE)
 * it is left untouched.
 */
int parse_cpu_list(const char *s, uint64_t *bitmap, unsigned int max_cpus);

/* For OPT_BOOL and custom parsers: returns 1, 0, or -EINVAL. */
int parse_bool(const char *s);

#endif
