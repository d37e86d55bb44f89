/* SPDX-License-Identifier: GPL-2.0-only */
/* ELF64 PVH kernel checks and loading (see tessera/elf_image.h). */
#include <tessera/elf_image.h>
#include <tessera/lib.h>

/* Layouts and values from the System V gABI and its x86-64 psABI. */
struct elf64_ehdr {
    uint8_t  ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct elf_nhdr {
    uint32_t namesz, descsz, type;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "Elf64_Ehdr");
_Static_assert(sizeof(struct elf64_phdr) == 56, "Elf64_Phdr");
_Static_assert(sizeof(struct elf_nhdr) == 12, "Elf_Nhdr");

#define EI_CLASS        4
#define EI_DATA         5
#define EI_VERSION      6
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define EV_CURRENT      1
#define ET_EXEC         2
#define EM_X86_64       62
#define PT_LOAD         1
#define PT_NOTE         4

/* Note types from Xen's public/elfnote.h (numeric notes are 4 or 8 bytes). */
#define XEN_ELFNOTE_ENTRY           1
#define XEN_ELFNOTE_XEN_VERSION     5
#define XEN_ELFNOTE_GUEST_OS        6
#define XEN_ELFNOTE_PHYS32_ENTRY    18

#define ELF_ERR(...)    printk(LOG_ERR "elf: " __VA_ARGS__)

/* True if [off, off + len) lies inside an object of the given size. */
static bool within(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static int check_header(const struct elf64_ehdr *eh, size_t size)
{
    static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };

    if (memcmp(eh->ident, magic, sizeof(magic))) {
        ELF_ERR("not an ELF image (bad magic)\n");
        return -ENOEXEC;
    }
    if (eh->ident[EI_CLASS] != ELFCLASS64) {
        ELF_ERR("not ELFCLASS64 (class %u)\n", eh->ident[EI_CLASS]);
        return -ENOEXEC;
    }
    if (eh->ident[EI_DATA] != ELFDATA2LSB) {
        ELF_ERR("not little-endian (data %u)\n", eh->ident[EI_DATA]);
        return -ENOEXEC;
    }
    if (eh->ident[EI_VERSION] != EV_CURRENT || eh->version != EV_CURRENT) {
        ELF_ERR("unknown ELF version\n");
        return -EINVAL;
    }
    if (eh->machine != EM_X86_64) {
        ELF_ERR("not an x86-64 image (machine %u)\n", eh->machine);
        return -ENOEXEC;
    }
    if (eh->type != ET_EXEC) {
        ELF_ERR("not an executable (type %u)\n", eh->type);
        return -ENOEXEC;
    }
    if (eh->ehsize < sizeof(*eh)) {
        ELF_ERR("bad header size %u\n", eh->ehsize);
        return -EINVAL;
    }
    if (eh->phentsize != sizeof(struct elf64_phdr)) {
        ELF_ERR("bad program header size %u\n", eh->phentsize);
        return -EINVAL;
    }
    /* 0xffff is PN_XNUM (the real count is elsewhere): not for kernels. */
    if (eh->phnum == 0 || eh->phnum == 0xffff) {
        ELF_ERR("bad program header count %u\n", eh->phnum);
        return -EINVAL;
    }
    if (!within(eh->phoff, (uint64_t)eh->phnum * sizeof(struct elf64_phdr), size)) {
        ELF_ERR("program headers (offset %#llx, %u entries) beyond the image (%zu bytes)\n",
                (unsigned long long)eh->phoff, eh->phnum, size);
        return -EINVAL;
    }
    return 0;
}

static void copy_note_string(char *dst, const uint8_t *src, uint32_t len)
{
    uint32_t n = 0;

    for (; n < len && n + 1 < ELF_NOTE_STR_MAX && src[n]; n++)
        dst[n] = (src[n] >= 0x20 && src[n] < 0x7f) ? (char)src[n] : '?';
    dst[n] = '\0';
}

static int note_number(const uint8_t *desc, uint32_t len, uint64_t *out)
{
    uint32_t v32;

    if (len == 4) {
        memcpy(&v32, desc, 4);
        *out = v32;
        return 0;
    }
    if (len == 8) {
        memcpy(out, desc, 8);
        return 0;
    }
    return -EINVAL;
}

static int xen_note(struct elf_image *img, uint32_t type, const uint8_t *desc, uint32_t len,
                    bool *have_phys32)
{
    uint64_t v;

    switch (type) {
    case XEN_ELFNOTE_PHYS32_ENTRY:
        if (note_number(desc, len, &v) < 0 || v > UINT32_MAX) {
            ELF_ERR("bad PHYS32_ENTRY note (%u bytes)\n", len);
            return -EINVAL;
        }
        if (*have_phys32 && img->phys32_entry != v) {
            ELF_ERR("conflicting PHYS32_ENTRY notes (%#x, %#llx)\n", img->phys32_entry,
                    (unsigned long long)v);
            return -EINVAL;
        }
        img->phys32_entry = (uint32_t)v;
        *have_phys32 = true;
        return 0;
    case XEN_ELFNOTE_ENTRY:
        if (note_number(desc, len, &v) < 0) {
            ELF_ERR("bad ENTRY note (%u bytes)\n", len);
            return -EINVAL;
        }
        img->entry_note = v;
        img->has_entry_note = true;
        return 0;
    case XEN_ELFNOTE_GUEST_OS:
        copy_note_string(img->guest_os, desc, len);
        return 0;
    case XEN_ELFNOTE_XEN_VERSION:
        copy_note_string(img->xen_version, desc, len);
        return 0;
    }
    return 0;   /* other notes carry nothing a PVH loader needs */
}

/* Walks the notes in image[off, off + len). */
static int parse_notes(struct elf_image *img, uint64_t off, uint64_t len, uint64_t align,
                       bool *have_phys32)
{
    const uint8_t *p = img->data + off;
    uint64_t pos = 0;

    /* Notes are padded to 4 bytes; a PT_NOTE aligned to 8 uses 8 (gABI). */
    align = align == 8 ? 8 : 4;
    while (len - pos >= sizeof(struct elf_nhdr)) {
        struct elf_nhdr nh;
        uint64_t name_off, desc_off, next;

        memcpy(&nh, p + pos, sizeof(nh));
        name_off = pos + sizeof(nh);
        desc_off = name_off + ALIGN_UP((uint64_t)nh.namesz, align);
        if (!within(name_off, nh.namesz, len) || !within(desc_off, nh.descsz, len)) {
            ELF_ERR("note at offset %#llx (namesz %u, descsz %u) runs past its segment\n",
                    (unsigned long long)(off + pos), nh.namesz, nh.descsz);
            return -EINVAL;
        }
        if (nh.namesz == 4 && !memcmp(p + name_off, "Xen", 4)) {
            int rc = xen_note(img, nh.type, p + desc_off, nh.descsz, have_phys32);
            if (rc < 0)
                return rc;
        }
        next = desc_off + ALIGN_UP((uint64_t)nh.descsz, align);
        if (next >= len)
            break;              /* the last note's padding may be cut off */
        pos = next;
    }
    return 0;
}

static int add_segment(struct elf_image *img, const struct elf64_phdr *ph, unsigned int idx,
                       uint64_t gpa_limit)
{
    unsigned int i;

    if (!within(ph->offset, ph->filesz, img->size)) {
        ELF_ERR("segment %u (offset %#llx, filesz %#llx) beyond the image (%zu bytes)\n",
                idx, (unsigned long long)ph->offset, (unsigned long long)ph->filesz, img->size);
        return -EINVAL;
    }
    if (ph->filesz > ph->memsz) {
        ELF_ERR("segment %u: filesz %#llx > memsz %#llx\n", idx,
                (unsigned long long)ph->filesz, (unsigned long long)ph->memsz);
        return -EINVAL;
    }
    if (!ph->memsz)
        return 0;
    if (!within(ph->paddr, ph->memsz, gpa_limit)) {
        ELF_ERR("segment %u [%#llx +%#llx) beyond guest memory (%#llx)\n", idx,
                (unsigned long long)ph->paddr, (unsigned long long)ph->memsz,
                (unsigned long long)gpa_limit);
        return -ERANGE;
    }
    if (img->nr_segments == ELF_MAX_SEGMENTS) {
        ELF_ERR("more than %u loadable segments\n", ELF_MAX_SEGMENTS);
        return -E2BIG;
    }
    /* Insert sorted by paddr, refusing overlaps with either neighbour. */
    for (i = img->nr_segments; i > 0 && img->seg[i - 1].paddr > ph->paddr; i--)
        ;
    if ((i > 0 && img->seg[i - 1].paddr + img->seg[i - 1].memsz > ph->paddr) ||
        (i < img->nr_segments && ph->paddr + ph->memsz > img->seg[i].paddr)) {
        ELF_ERR("segment %u [%#llx +%#llx) overlaps another segment\n", idx,
                (unsigned long long)ph->paddr, (unsigned long long)ph->memsz);
        return -EINVAL;
    }
    memmove(&img->seg[i + 1], &img->seg[i], (img->nr_segments - i) * sizeof(img->seg[0]));
    img->seg[i] = (struct elf_segment){
        .paddr = ph->paddr, .offset = ph->offset, .filesz = ph->filesz, .memsz = ph->memsz,
    };
    img->nr_segments++;
    return 0;
}

static bool entry_in_file_data(const struct elf_image *img, uint64_t entry)
{
    for (unsigned int i = 0; i < img->nr_segments; i++)
        if (entry >= img->seg[i].paddr && entry - img->seg[i].paddr < img->seg[i].filesz)
            return true;
    return false;
}

int elf_image_parse(struct elf_image *img, const void *data, size_t size, uint64_t gpa_limit)
{
    struct elf64_ehdr eh;
    bool have_phys32 = false;
    int rc;

    memset(img, 0, sizeof(*img));
    img->data = data;
    img->size = size;
    if (!data || size < sizeof(eh)) {
        ELF_ERR("image too small for an ELF header (%zu bytes)\n", size);
        return -EINVAL;
    }
    memcpy(&eh, data, sizeof(eh));
    if ((rc = check_header(&eh, size)) < 0)
        return rc;
    img->e_entry = eh.entry;

    for (unsigned int i = 0; i < eh.phnum; i++) {
        struct elf64_phdr ph;

        rc = 0;
        memcpy(&ph, img->data + eh.phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
        if (ph.type == PT_LOAD) {
            rc = add_segment(img, &ph, i, gpa_limit);
        } else if (ph.type == PT_NOTE) {
            if (!within(ph.offset, ph.filesz, size)) {
                ELF_ERR("note segment %u (offset %#llx, filesz %#llx) beyond the image\n", i,
                        (unsigned long long)ph.offset, (unsigned long long)ph.filesz);
                return -EINVAL;
            }
            rc = parse_notes(img, ph.offset, ph.filesz, ph.align, &have_phys32);
        }
        if (rc < 0)
            return rc;
    }
    if (!img->nr_segments) {
        ELF_ERR("no loadable segments\n");
        return -ENOEXEC;
    }
    if (!have_phys32) {
        ELF_ERR("no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel\n");
        return -ENOEXEC;
    }
    if (!entry_in_file_data(img, img->phys32_entry)) {
        ELF_ERR("PHYS32_ENTRY %#x is not inside a loaded segment's file data\n",
                img->phys32_entry);
        return -EINVAL;
    }
    img->paddr_lo = img->seg[0].paddr;
    for (unsigned int i = 0; i < img->nr_segments; i++)
        img->paddr_hi = MAX(img->paddr_hi, img->seg[i].paddr + img->seg[i].memsz);
    return 0;
}

int elf_image_load(const struct elf_image *img, const struct guest_copy_ops *ops, void *ctx)
{
    for (unsigned int i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *s = &img->seg[i];
        int rc;

        if (s->filesz && (rc = ops->copy(ctx, s->paddr, img->data + s->offset, s->filesz)) < 0)
            return rc;
        if (s->memsz > s->filesz &&
            (rc = ops->zero(ctx, s->paddr + s->filesz, s->memsz - s->filesz)) < 0)
            return rc;
    }
    return 0;
}
