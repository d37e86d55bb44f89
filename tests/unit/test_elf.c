/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/common/domain_build/elf.c */
#include <elf.h>
#include <tessera/elf_image.h>
#include <tessera/lib.h>
#include "test.h"

/*
 * The fixture: an ELF64 PVH kernel built in memory.
 *   0x000 header, 0x040 program headers (text, data+bss, note),
 *   0x200 notes, 0x1000 text (0x800 bytes), 0x1800 data (0x100 of 0x3000).
 */
#define TEXT_PA     0x100000ULL
#define DATA_PA     0x101000ULL
#define ENTRY_PA    (TEXT_PA + 0x10)
#define NOTE_OFF    0x200
#define IMG_SIZE    0x1900
#define LIMIT       MiB(16)

static uint8_t img[0x4000];
static size_t img_size;
static struct elf_image ei;

static Elf64_Ehdr *eh(void) { return (Elf64_Ehdr *)img; }
static Elf64_Phdr *ph(unsigned int i) { return (Elf64_Phdr *)(img + 64) + i; }

/* Appends one note at *off; returns the offset of its descriptor. */
static size_t put_note(size_t *off, const char *name, uint32_t type, const void *desc,
                       uint32_t descsz)
{
    Elf64_Nhdr n = { (uint32_t)strlen(name) + 1, descsz, type };
    size_t d;

    memcpy(img + *off, &n, sizeof(n));
    memcpy(img + *off + sizeof(n), name, n.n_namesz);
    d = *off + sizeof(n) + ALIGN_UP(n.n_namesz, 4);
    memcpy(img + d, desc, descsz);
    *off = d + ALIGN_UP(descsz, 4);
    return d;
}

static size_t phys32_desc_off;

static void build(void)
{
    uint32_t entry = (uint32_t)ENTRY_PA;
    size_t off = NOTE_OFF;

    memset(img, 0, sizeof(img));
    memcpy(eh()->e_ident, ELFMAG, SELFMAG);
    eh()->e_ident[EI_CLASS] = ELFCLASS64;
    eh()->e_ident[EI_DATA] = ELFDATA2LSB;
    eh()->e_ident[EI_VERSION] = EV_CURRENT;
    eh()->e_type = ET_EXEC;
    eh()->e_machine = EM_X86_64;
    eh()->e_version = EV_CURRENT;
    eh()->e_entry = 0xffffffff81000000ULL;
    eh()->e_phoff = 64;
    eh()->e_ehsize = sizeof(Elf64_Ehdr);
    eh()->e_phentsize = sizeof(Elf64_Phdr);
    eh()->e_phnum = 3;

    put_note(&off, "GNU", 3, "0123456789abcdef0123", 20);     /* a build id: ignored */
    put_note(&off, "Xen", 6, "Tessera-mini", 13);
    put_note(&off, "Xen", 5, "xen-3.0", 8);
    phys32_desc_off = put_note(&off, "Xen", 18, &entry, 4);

    *ph(0) = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = 0x1000, .p_vaddr = 0xffffffff81000000ULL,
                           .p_paddr = TEXT_PA, .p_filesz = 0x800, .p_memsz = 0x800,
                           .p_align = 0x1000 };
    *ph(1) = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = 0x1800, .p_vaddr = 0xffffffff81001000ULL,
                           .p_paddr = DATA_PA, .p_filesz = 0x100, .p_memsz = 0x3000,
                           .p_align = 0x1000 };
    *ph(2) = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = NOTE_OFF,
                           .p_filesz = off - NOTE_OFF, .p_align = 4 };
    for (unsigned int i = 0; i < 0x900; i++)
        img[0x1000 + i] = (uint8_t)(i * 7 + 1);
    img_size = IMG_SIZE;
    host_log_clear();
}

static int parse(void)
{
    return elf_image_parse(&ei, img, img_size, LIMIT);
}

/* ---- a fake guest memory for elf_image_load ---- */

static uint8_t guest[0x200000];
static unsigned int nr_copies, nr_zeroes;

static int g_copy(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    if (gpa > sizeof(guest) || len > sizeof(guest) - gpa)
        return -EFAULT;
    memcpy(guest + gpa, src, len);
    nr_copies++;
    return 0;
}

static int g_zero(void *ctx, uint64_t gpa, size_t len)
{
    if (gpa > sizeof(guest) || len > sizeof(guest) - gpa)
        return -EFAULT;
    memset(guest + gpa, 0, len);
    nr_zeroes++;
    return 0;
}

static const struct guest_copy_ops gops = { g_copy, g_zero };

/* ---- cases ---- */

static void test_valid_image(void)
{
    build();
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ei.nr_segments, 2);
    CHECK_EQ(ei.seg[0].paddr, TEXT_PA);
    CHECK_EQ(ei.seg[0].offset, 0x1000);
    CHECK_EQ(ei.seg[0].filesz, 0x800);
    CHECK_EQ(ei.seg[1].paddr, DATA_PA);
    CHECK_EQ(ei.seg[1].memsz, 0x3000);
    CHECK_EQ(ei.paddr_lo, TEXT_PA);
    CHECK_EQ(ei.paddr_hi, DATA_PA + 0x3000);
    CHECK_EQ(ei.phys32_entry, ENTRY_PA);
    CHECK_EQ(ei.e_entry, 0xffffffff81000000ULL);
    CHECK_STR(ei.guest_os, "Tessera-mini");
    CHECK_STR(ei.xen_version, "xen-3.0");
    CHECK(!ei.has_entry_note);
    CHECK_EQ(host_log()[0], 0);
}

static void test_load(void)
{
    build();
    CHECK_EQ(parse(), 0);
    memset(guest, 0xa5, sizeof(guest));
    nr_copies = nr_zeroes = 0;
    CHECK_EQ(elf_image_load(&ei, &gops, NULL), 0);
    CHECK_EQ(nr_copies, 2);
    CHECK_EQ(nr_zeroes, 1);
    CHECK(!memcmp(guest + TEXT_PA, img + 0x1000, 0x800));
    CHECK_EQ(guest[TEXT_PA + 0x800], 0xa5);                 /* the gap is untouched */
    CHECK(!memcmp(guest + DATA_PA, img + 0x1800, 0x100));
    for (unsigned int i = 0x100; i < 0x3000; i++)
        if (guest[DATA_PA + i]) {
            CHECK_EQ(guest[DATA_PA + i], 0);
            break;
        }
    CHECK_EQ(guest[DATA_PA + 0x3000], 0xa5);
    CHECK_EQ(guest[TEXT_PA - 1], 0xa5);
}

static int failing_copy(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    return -EFAULT;
}

static void test_load_error_propagates(void)
{
    const struct guest_copy_ops bad = { failing_copy, g_zero };

    build();
    CHECK_EQ(parse(), 0);
    CHECK_EQ(elf_image_load(&ei, &bad, NULL), -EFAULT);
}

static void test_segments_sorted_by_paddr(void)
{
    Elf64_Phdr t;

    build();
    t = *ph(0); *ph(0) = *ph(1); *ph(1) = t;
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ei.seg[0].paddr, TEXT_PA);
    CHECK_EQ(ei.seg[1].paddr, DATA_PA);
    /* An empty PT_LOAD is skipped, wherever it claims to be. */
    build();
    eh()->e_phnum = 4;
    *ph(3) = (Elf64_Phdr){ .p_type = PT_LOAD, .p_paddr = TEXT_PA + 4 };
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ei.nr_segments, 2);
}

static void test_truncated_header(void)
{
    build();
    img_size = 10;
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("E: elf: image too small");
    img_size = 63;
    CHECK_EQ(parse(), -EINVAL);
    CHECK_EQ(elf_image_parse(&ei, NULL, 100, LIMIT), -EINVAL);
}

static void test_truncated_phdrs(void)
{
    build();
    img_size = 64 + 3 * sizeof(Elf64_Phdr) - 1;
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("program headers (offset 0x40, 3 entries) beyond the image");
    build();
    eh()->e_phoff = ~0ULL - 8;                              /* phoff + size wraps */
    CHECK_EQ(parse(), -EINVAL);
    build();
    eh()->e_phentsize = 32;
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("bad program header size 32");
    build();
    eh()->e_phnum = 0;
    CHECK_EQ(parse(), -EINVAL);
    build();
    eh()->e_phnum = 0xffff;
    CHECK_EQ(parse(), -EINVAL);
    build();
    eh()->e_ehsize = 52;
    CHECK_EQ(parse(), -EINVAL);
}

static void test_segment_beyond_file(void)
{
    build();
    ph(1)->p_filesz = IMG_SIZE - 0x1800 + 1;
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("segment 1 (offset 0x1800, filesz 0x101) beyond the image");
    build();
    ph(0)->p_offset = ~0ULL - 0xfff;                        /* offset + filesz wraps */
    ph(0)->p_filesz = 0x2000;
    ph(0)->p_memsz = 0x2000;
    CHECK_EQ(parse(), -EINVAL);
    build();
    ph(0)->p_offset = IMG_SIZE + 1;
    ph(0)->p_filesz = 0;
    CHECK_EQ(parse(), -EINVAL);
}

static void test_filesz_above_memsz(void)
{
    build();
    ph(1)->p_memsz = 0xff;
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("segment 1: filesz 0x100 > memsz 0xff");
}

static void test_overlapping_segments(void)
{
    build();
    ph(0)->p_memsz = 0x1001;                                /* touches DATA_PA by a byte */
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("overlaps another segment");
    build();
    ph(0)->p_memsz = 0x1000;                                /* exactly adjacent: fine */
    CHECK_EQ(parse(), 0);
    build();
    ph(1)->p_paddr = TEXT_PA - 0x1000;                      /* covers the text from below */
    ph(1)->p_memsz = 0x10000;
    CHECK_EQ(parse(), -EINVAL);
    build();
    ph(1)->p_paddr = TEXT_PA + 0x100;                       /* inside the text */
    ph(1)->p_memsz = 0x10;
    ph(1)->p_filesz = 0x10;
    CHECK_EQ(parse(), -EINVAL);
}

static void test_guest_limit_and_overflow(void)
{
    build();
    CHECK_EQ(elf_image_parse(&ei, img, img_size, DATA_PA + 0x3000), 0);
    CHECK_EQ(elf_image_parse(&ei, img, img_size, DATA_PA + 0x2fff), -ERANGE);
    CHECK_LOG("segment 1 [0x101000 +0x3000) beyond guest memory");
    build();
    ph(1)->p_paddr = ~0ULL - 0xfff;                         /* paddr + memsz wraps */
    CHECK_EQ(elf_image_parse(&ei, img, img_size, ~0ULL), -ERANGE);
    build();
    ph(1)->p_memsz = ~0ULL;
    CHECK_EQ(elf_image_parse(&ei, img, img_size, ~0ULL), -ERANGE);
}

static void test_entry_outside_image(void)
{
    uint32_t e;

    build();
    e = (uint32_t)(DATA_PA + 0x200);                        /* in the bss: not file data */
    memcpy(img + phys32_desc_off, &e, 4);
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("PHYS32_ENTRY 0x101200 is not inside");
    e = 0x1000;
    memcpy(img + phys32_desc_off, &e, 4);
    CHECK_EQ(parse(), -EINVAL);
    e = (uint32_t)(TEXT_PA + 0x7ff);                        /* last byte of the text */
    memcpy(img + phys32_desc_off, &e, 4);
    CHECK_EQ(parse(), 0);
}

static void test_missing_pvh_note(void)
{
    build();
    img[phys32_desc_off - 8] = 19;                          /* the note's type field */
    CHECK_EQ(parse(), -ENOEXEC);
    CHECK_LOG("no XEN_ELFNOTE_PHYS32_ENTRY note");
    build();
    memcpy(img + phys32_desc_off - 4, "Xem", 4);            /* someone else's note */
    CHECK_EQ(parse(), -ENOEXEC);
    build();
    eh()->e_phnum = 2;                                      /* no PT_NOTE at all */
    CHECK_EQ(parse(), -ENOEXEC);
    build();
    ph(0)->p_type = PT_NULL;
    ph(1)->p_type = PT_NULL;
    CHECK_EQ(parse(), -ENOEXEC);
    CHECK_LOG("no loadable segments");
}

static void test_bogus_note_sizes(void)
{
    build();
    ((Elf64_Nhdr *)(img + NOTE_OFF))->n_namesz = 0xffffffff;
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("runs past its segment");
    build();
    ((Elf64_Nhdr *)(img + NOTE_OFF))->n_descsz = 0xfffffffc;
    CHECK_EQ(parse(), -EINVAL);
    build();
    ph(2)->p_filesz -= 1;                                   /* the last desc is cut */
    CHECK_EQ(parse(), -EINVAL);
    build();
    ph(2)->p_filesz = IMG_SIZE;                             /* note segment beyond file */
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("note segment 2");
    build();
    ph(2)->p_offset = ~0ULL - 4;
    CHECK_EQ(parse(), -EINVAL);
    /* Trailing bytes too short for a header are ignored. */
    build();
    ph(2)->p_filesz += 8;
    CHECK_EQ(parse(), 0);
}

static void test_phys32_note_forms(void)
{
    size_t off;
    uint64_t e64 = ENTRY_PA, huge = 1ULL << 32;
    uint16_t e16 = 0x10;

    /* An 8-byte value is accepted if it fits in 32 bits. */
    build();
    off = NOTE_OFF;
    put_note(&off, "Xen", 18, &e64, 8);
    ph(2)->p_filesz = off - NOTE_OFF;
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ei.phys32_entry, ENTRY_PA);
    build();
    off = NOTE_OFF;
    put_note(&off, "Xen", 18, &huge, 8);
    ph(2)->p_filesz = off - NOTE_OFF;
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("bad PHYS32_ENTRY note");
    build();
    off = NOTE_OFF;
    put_note(&off, "Xen", 18, &e16, 2);
    ph(2)->p_filesz = off - NOTE_OFF;
    CHECK_EQ(parse(), -EINVAL);
    /* Two notes that disagree. */
    build();
    off = NOTE_OFF;
    put_note(&off, "Xen", 18, &e64, 4);
    e64 += 4;
    put_note(&off, "Xen", 18, &e64, 4);
    ph(2)->p_filesz = off - NOTE_OFF;
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("conflicting PHYS32_ENTRY");
    /* ENTRY (virtual), and a long GUEST_OS string is cut at 31 chars. */
    build();
    off = NOTE_OFF;
    e64 = 0xffffffff81000000ULL;
    put_note(&off, "Xen", 1, &e64, 8);
    put_note(&off, "Xen", 6, "an operating system with a long name\x01", 38);
    e64 = ENTRY_PA;
    put_note(&off, "Xen", 18, &e64, 4);
    ph(2)->p_filesz = off - NOTE_OFF;
    CHECK_EQ(parse(), 0);
    CHECK(ei.has_entry_note);
    CHECK_EQ(ei.entry_note, 0xffffffff81000000ULL);
    CHECK_STR(ei.guest_os, "an operating system with a long");
}

static void test_wrong_identity(void)
{
    build();
    eh()->e_ident[EI_CLASS] = ELFCLASS32;
    CHECK_EQ(parse(), -ENOEXEC);
    CHECK_LOG("not ELFCLASS64");
    build();
    eh()->e_ident[EI_DATA] = ELFDATA2MSB;
    CHECK_EQ(parse(), -ENOEXEC);
    build();
    eh()->e_machine = EM_386;
    CHECK_EQ(parse(), -ENOEXEC);
    CHECK_LOG("not an x86-64 image (machine 3)");
    build();
    eh()->e_type = ET_DYN;
    CHECK_EQ(parse(), -ENOEXEC);
    build();
    img[1] = 'e';
    CHECK_EQ(parse(), -ENOEXEC);
    CHECK_LOG("bad magic");
    build();
    eh()->e_version = 2;
    CHECK_EQ(parse(), -EINVAL);
}

/* Moves the program headers to 0x400 (clear of the notes) and appends
 * extra empty-file PT_LOAD segments, one page each from 2 MiB. */
static Elf64_Phdr *many_segments(unsigned int extra)
{
    Elf64_Phdr *p = (Elf64_Phdr *)(img + 0x400);

    memcpy(p, ph(0), 3 * sizeof(*p));
    eh()->e_phoff = 0x400;
    eh()->e_phnum = 3 + extra;
    for (unsigned int i = 3; i < 3 + extra; i++)
        p[i] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_paddr = MiB(2) + i * 0x1000,
                             .p_memsz = 0x1000 };
    return p;
}

static void test_too_many_segments(void)
{
    build();
    many_segments(ELF_MAX_SEGMENTS - 2);
    CHECK_EQ(parse(), 0);
    CHECK_EQ(ei.nr_segments, ELF_MAX_SEGMENTS);
    CHECK_EQ(ei.paddr_hi, MiB(2) + (ELF_MAX_SEGMENTS + 1) * 0x1000);
    build();
    many_segments(ELF_MAX_SEGMENTS - 1);
    CHECK_EQ(parse(), -E2BIG);
    CHECK_LOG("more than 16 loadable segments");
}

/* Whatever parse() accepted must be safe to load. */
static bool consistent(const struct elf_image *e, size_t size)
{
    bool entry_ok = false;

    for (unsigned int i = 0; i < e->nr_segments; i++) {
        const struct elf_segment *s = &e->seg[i];
        if (s->offset > size || s->filesz > size - s->offset || s->filesz > s->memsz ||
            s->paddr > LIMIT || s->memsz > LIMIT - s->paddr || !s->memsz)
            return false;
        if (i && e->seg[i - 1].paddr + e->seg[i - 1].memsz > s->paddr)
            return false;
        if (e->phys32_entry >= s->paddr && e->phys32_entry < s->paddr + s->filesz)
            entry_ok = true;
    }
    return e->nr_segments && entry_ok;
}

static int null_copy(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    const uint8_t *p = src, *base = ctx;
    volatile uint8_t sink = 0;

    if (len)                        /* touch both ends: ASan checks the bounds */
        sink = p[0] ^ p[len - 1];
    (void)sink;
    return p >= base ? 0 : -EFAULT;
}

static int null_zero(void *ctx, uint64_t gpa, size_t len)
{
    return 0;
}

static void test_fuzz(void)
{
    const struct guest_copy_ops nops = { null_copy, null_zero };
    unsigned int accepted = 0;

    test_srand(0xe1f);
    for (unsigned int iter = 0; iter < 100000; iter++) {
        size_t size = IMG_SIZE;
        unsigned int n = 1 + test_rand() % 8;
        uint8_t *copy;

        build();
        for (unsigned int k = 0; k < n; k++) {
            uint64_t r = test_rand();
            /* Mostly the headers and notes, where the structure is. */
            size_t at = (r & 3) ? (r >> 8) % 0x300 : (r >> 8) % IMG_SIZE;
            img[at] = (r >> 40) & 1 ? (uint8_t)(r >> 48) : img[at] ^ (uint8_t)(1u << ((r >> 48) & 7));
        }
        if (!(test_rand() % 8))
            size = test_rand() % (IMG_SIZE + 1);
        /* An exact-size heap copy, so ASan sees any read past the end. */
        copy = malloc(size ? size : 1);
        memcpy(copy, img, size);
        if (elf_image_parse(&ei, copy, size, LIMIT) == 0) {
            accepted++;
            CHECK(consistent(&ei, size));
            CHECK_EQ(elf_image_load(&ei, &nops, copy), 0);
        }
        free(copy);
    }
    CHECK(accepted > 100);              /* the mutations are not all fatal */
}

int main(void)
{
    RUN(test_valid_image);
    RUN(test_load);
    RUN(test_load_error_propagates);
    RUN(test_segments_sorted_by_paddr);
    RUN(test_truncated_header);
    RUN(test_truncated_phdrs);
    RUN(test_segment_beyond_file);
    RUN(test_filesz_above_memsz);
    RUN(test_overlapping_segments);
    RUN(test_guest_limit_and_overflow);
    RUN(test_entry_outside_image);
    RUN(test_missing_pvh_note);
    RUN(test_bogus_note_sizes);
    RUN(test_phys32_note_forms);
    RUN(test_wrong_identity);
    RUN(test_too_many_segments);
    RUN(test_fuzz);
    return test_summary();
}
