/* SPDX-License-Identifier: GPL-2.0-only */
/* String and memory primitives for the freestanding hypervisor. */
#include <tessera/lib.h>

/*
 * Whole 8-byte words go with the quadword string instructions: as fast as
 * the byte forms on CPUs with fast strings, and 8 times fewer iterations
 * where each one costs (emulators; zeroing a guest's RAM is most of the
 * time it takes to build a domain under QEMU).
 */
void *memcpy(void *dst, const void *src, size_t n)
{
    void *ret = dst;

    if (!(((uintptr_t)dst | (uintptr_t)src | n) & 7)) {
        n /= 8;
        __asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(n) :: "memory");
        return ret;
    }
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) :: "memory");
    return ret;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *ret = dst;

    if (!(((uintptr_t)dst | n) & 7)) {
        uint64_t word = 0x0101010101010101ull * (uint8_t)c;
        n /= 8;
        __asm__ volatile("rep stosq" : "+D"(dst), "+c"(n) : "a"(word) : "memory");
        return ret;
    }
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
    return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while (*p)
        p++;
    return p - s;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (; *s; s++)
        if (*s == (char)c)
            return (char *)s;
    return c ? NULL : (char *)s;
}

/* Copies at most size - 1 bytes and always terminates (if size > 0);
 * returns strlen(src), so a result >= size means it was cut. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
