/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small vsnprintf: flags '-', '0', ' ', '+', '#'; width and precision
 * (also '*'); length modifiers hh h l ll z t j; conversions d i u x X o c s p %.
 * Always NUL-terminates when size > 0; returns the length it would have written.
 */
#include <tessera/lib.h>

struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

enum { F_LEFT = 1, F_ZERO = 2, F_SPACE = 4, F_PLUS = 8, F_ALT = 16 };

static void put_number(struct out *o, unsigned long long v, bool neg, unsigned base,
                       bool upper, int flags, int width, int prec)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    char sign = neg ? '-' : (flags & F_PLUS) ? '+' : (flags & F_SPACE) ? ' ' : 0;
    const char *prefix = "";

    if (flags & F_ALT && v) {
        if (base == 16)
            prefix = upper ? "0X" : "0x";
        else if (base == 8)
            prefix = "0";
    }
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (prec == 0 && n == 1 && tmp[0] == '0')
        n = 0;

    int digits_len = MAX(n, prec);
    int total = digits_len + (sign ? 1 : 0) + (int)strlen(prefix);

    if (!(flags & F_LEFT) && !(flags & F_ZERO && prec < 0))
        pad(o, ' ', width - total);
    if (sign)
        put(o, sign);
    for (const char *p = prefix; *p; p++)
        put(o, *p);
    if (!(flags & F_LEFT) && flags & F_ZERO && prec < 0)
        pad(o, '0', width - total);
    pad(o, '0', digits_len - n);
    while (n)
        put(o, tmp[--n]);
    if (flags & F_LEFT)
        pad(o, ' ', width - total);
}

static void put_string(struct out *o, const char *s, int flags, int width, int prec)
{
    if (!s)
        s = "(null)";
    int n = prec >= 0 ? (int)strnlen(s, prec) : (int)strlen(s);

    if (!(flags & F_LEFT))
        pad(o, ' ', width - n);
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (flags & F_LEFT)
        pad(o, ' ', width - n);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        int flags = 0, width = 0, prec = -1, lng = 0;

        for (;;) {
            char c = *++fmt;
            if (c == '-') flags |= F_LEFT;
            else if (c == '0') flags |= F_ZERO;
            else if (c == ' ') flags |= F_SPACE;
            else if (c == '+') flags |= F_PLUS;
            else if (c == '#') flags |= F_ALT;
            else break;
        }
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                flags |= F_LEFT;
                width = -width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    prec = prec * 10 + (*fmt++ - '0');
            }
        }
        /* lng: -2 hh, -1 h, 0 int, 1 long, 2 long long (z, t, j are long-sized here) */
        for (;; fmt++) {
            if (*fmt == 'h') lng--;
            else if (*fmt == 'l') lng++;
            else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j') lng = 2;
            else break;
        }

        unsigned long long u;
        long long s;
        switch (*fmt) {
        case 'd':
        case 'i':
            s = lng >= 2 ? va_arg(ap, long long) : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
            if (lng == -1) s = (short)s;
            if (lng <= -2) s = (signed char)s;
            put_number(&o, s < 0 ? -(unsigned long long)s : (unsigned long long)s, s < 0,
                       10, false, flags, width, prec);
            break;
        case 'u': case 'x': case 'X': case 'o':
            u = lng >= 2 ? va_arg(ap, unsigned long long)
                : lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            if (lng == -1) u = (unsigned short)u;
            if (lng <= -2) u = (unsigned char)u;
            put_number(&o, u, false, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16,
                       *fmt == 'X', flags, width, prec);
            break;
        case 'p':
            put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16, false,
                       flags | F_ALT, width, prec);
            break;
        case 'c':
            put_string(&o, (char[]){ (char)va_arg(ap, int), 0 }, flags, width, -1);
            break;
        case 's':
            put_string(&o, va_arg(ap, const char *), flags, width, prec);
            break;
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--;
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if (size)
        buf[MIN(o.len, size - 1)] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
