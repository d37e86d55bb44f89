/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checking and loading a PVH guest kernel: an ELF64 x86-64 executable whose
 * PT_LOAD segments are placed at their physical addresses (p_paddr) and
 * which carries a Xen PHYS32_ENTRY note (the 32-bit protected-mode entry).
 * The image is hostile input: elf_image_parse() validates every offset and
 * size before anything is read through it.
 */
#ifndef TESSERA_ELF_IMAGE_H
#define TESSERA_ELF_IMAGE_H

#include <tessera/guest_copy.h>
#include <tessera/types.h>

#define ELF_MAX_SEGMENTS    16      /* PT_LOAD segments with p_memsz > 0 */
#define ELF_NOTE_STR_MAX    32      /* GUEST_OS / XEN_VERSION kept up to 31 chars */

struct elf_segment {
    uint64_t paddr;                 /* guest-physical load address */
    uint64_t offset;                /* in the image */
    uint64_t filesz;                /* bytes copied from the image ... */
    uint64_t memsz;                 /* ... the rest up to memsz is zeroed */
};

struct elf_image {
    const uint8_t *data;
    size_t size;
    unsigned int nr_segments;
    struct elf_segment seg[ELF_MAX_SEGMENTS];   /* sorted by paddr */
    uint64_t paddr_lo, paddr_hi;    /* [lo, hi): the union of the segments */
    uint64_t e_entry;               /* the ELF header's (virtual) entry */
    uint32_t phys32_entry;          /* XEN_ELFNOTE_PHYS32_ENTRY */
    bool has_entry_note;            /* XEN_ELFNOTE_ENTRY seen */
    uint64_t entry_note;
    char guest_os[ELF_NOTE_STR_MAX];    /* "" if absent; non-printables as '?' */
    char xen_version[ELF_NOTE_STR_MAX];
};

/*
 * Validates the image at data[0, size) and fills *img. Every segment must
 * end at or below gpa_limit. Returns 0, or -EINVAL (malformed, with a
 * LOG_ERR line naming the problem), -ENOEXEC (a valid ELF that is not a
 * PVH x86-64 executable), -E2BIG (more than ELF_MAX_SEGMENTS segments) or
 * -ERANGE (a segment beyond gpa_limit). *img is undefined after an error.
 */
int elf_image_parse(struct elf_image *img, const void *data, size_t size, uint64_t gpa_limit);

/* Copies each segment's file part and zeroes the rest of its memsz, in
 * paddr order. Returns 0 or the first callback error. */
int elf_image_load(const struct elf_image *img, const struct guest_copy_ops *ops, void *ctx);

#endif
