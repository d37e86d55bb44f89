/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the Multiboot information: Multiboot2 (spec 3.6: a list of
 * 8-byte-aligned tags) from GRUB, Multiboot1 (spec 3.3: a fixed structure
 * with flags) from QEMU's -kernel. Everything is copied into boot_info.
 */
#include <asm/boot.h>
#include <asm/bootinfo.h>
#include <tessera/arch.h>
#include <tessera/lib.h>

struct boot_info boot_info;

#define MB2_TAG_END         0
#define MB2_TAG_CMDLINE     1
#define MB2_TAG_LOADER      2
#define MB2_TAG_MODULE      3
#define MB2_TAG_MEMINFO     4
#define MB2_TAG_MMAP        6
#define MB2_TAG_ACPI_OLD    14
#define MB2_TAG_ACPI_NEW    15

#define MB1_FLAG_MEM        (1u << 0)
#define MB1_FLAG_CMDLINE    (1u << 2)
#define MB1_FLAG_MODS       (1u << 3)
#define MB1_FLAG_MMAP       (1u << 6)
#define MB1_FLAG_LOADER     (1u << 9)

/* The loader's structures sit in low memory the boot page tables map; it is
 * trusted to be a loader, but sizes are still bounded so a confused one
 * cannot make us walk off into the weeds. */
#define MB_INFO_MAX         (256 * 1024)

static void copy_string(char *dst, size_t size, paddr_t src)
{
    if (!src) {
        dst[0] = 0;
        return;
    }
    const char *s = (const char *)(uintptr_t)src;
    size_t n = strnlen(s, size - 1);

    memcpy(dst, s, n);
    dst[n] = 0;
}

static void add_mmap(uint64_t base, uint64_t len, uint32_t type)
{
    if (boot_info.nr_mmap == BOOT_MAX_MMAP) {
        boot_info.dropped_mmap++;
        return;
    }
    boot_info.mmap[boot_info.nr_mmap++] = (struct boot_mmap_entry){ base, len, type };
}

static void add_module(paddr_t start, paddr_t end, paddr_t cmdline)
{
    if (boot_info.nr_modules == BOOT_MAX_MODULES) {
        boot_info.dropped_modules++;
        return;
    }
    struct boot_module *m = &boot_info.modules[boot_info.nr_modules++];
    m->start = start;
    m->end = end;
    copy_string(m->cmdline, sizeof(m->cmdline), cmdline);
}

struct mb2_tag {
    uint32_t type, size;
};

static int parse_mb2(paddr_t info)
{
    uint32_t total = *(const uint32_t *)(uintptr_t)info;

    if (total < 16 || total > MB_INFO_MAX)
        return -EINVAL;
    boot_info.protocol = "multiboot2";
    boot_info.info_start = info;
    boot_info.info_end = info + total;

    paddr_t p = info + 8;
    while (p + sizeof(struct mb2_tag) <= info + total) {
        const struct mb2_tag *tag = (const void *)(uintptr_t)p;
        const uint8_t *body = (const uint8_t *)(tag + 1);
        if (tag->type == MB2_TAG_END || tag->size < 8 || p + tag->size > info + total)
            break;
        uint32_t body_len = tag->size - 8;
        switch (tag->type) {
        case MB2_TAG_CMDLINE:
            copy_string(boot_info.cmdline, sizeof(boot_info.cmdline), (paddr_t)(uintptr_t)body);
            break;
        case MB2_TAG_LOADER:
            copy_string(boot_info.loader, sizeof(boot_info.loader), (paddr_t)(uintptr_t)body);
            break;
        case MB2_TAG_MODULE: {
            const uint32_t *m = (const uint32_t *)body;
            if (body_len >= 8)
                add_module(m[0], m[1], (paddr_t)(uintptr_t)(body + 8));
            break;
        }
        case MB2_TAG_MMAP: {
            uint32_t entry_size = ((const uint32_t *)body)[0];
            if (entry_size < 24 || body_len < 8)
                break;
            for (uint32_t off = 8; off + entry_size <= body_len; off += entry_size) {
                const uint8_t *e = body + off;
                add_mmap(*(const uint64_t *)e, *(const uint64_t *)(e + 8),
                         *(const uint32_t *)(e + 16));
            }
            break;
        }
        case MB2_TAG_ACPI_OLD:
        case MB2_TAG_ACPI_NEW:
            /* Prefer the ACPI 2.0+ RSDP when a loader gives both. */
            if (body_len <= sizeof(boot_info.rsdp) &&
                (tag->type == MB2_TAG_ACPI_NEW || !boot_info.rsdp_len)) {
                memcpy(boot_info.rsdp, body, body_len);
                boot_info.rsdp_len = body_len;
            }
            break;
        }
        p += ALIGN_UP((paddr_t)tag->size, 8);
    }
    return 0;
}

struct mb1_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr, config_table, boot_loader_name;
} __packed;

static int parse_mb1(paddr_t info)
{
    const struct mb1_info *mb = (const void *)(uintptr_t)info;

    boot_info.protocol = "multiboot";
    boot_info.info_start = info;
    boot_info.info_end = info + sizeof(*mb);
    if (mb->flags & MB1_FLAG_CMDLINE)
        copy_string(boot_info.cmdline, sizeof(boot_info.cmdline), mb->cmdline);
    if (mb->flags & MB1_FLAG_LOADER)
        copy_string(boot_info.loader, sizeof(boot_info.loader), mb->boot_loader_name);
    if (mb->flags & MB1_FLAG_MODS && mb->mods_count <= 4096) {
        const uint32_t *m = (const uint32_t *)(uintptr_t)mb->mods_addr;
        for (uint32_t i = 0; i < mb->mods_count; i++, m += 4)
            add_module(m[0], m[1], m[2]);
    }
    if (mb->flags & MB1_FLAG_MMAP && mb->mmap_length <= MB_INFO_MAX) {
        /* Each entry is preceded by its own size field (spec 3.3). */
        paddr_t p = mb->mmap_addr, end = p + mb->mmap_length;
        while (p + 24 <= end) {
            const uint8_t *e = (const uint8_t *)(uintptr_t)p;
            uint32_t size = *(const uint32_t *)e;
            if (size < 20)
                break;
            add_mmap(*(const uint64_t *)(e + 4), *(const uint64_t *)(e + 12),
                     *(const uint32_t *)(e + 20));
            p += size + 4;
        }
    } else if (mb->flags & MB1_FLAG_MEM) {
        add_mmap(0, (uint64_t)mb->mem_lower << 10, BOOT_MEM_RAM);
        add_mmap(MiB(1), (uint64_t)mb->mem_upper << 10, BOOT_MEM_RAM);
    }
    return 0;
}

int bootinfo_parse(uint32_t magic, paddr_t info)
{
    if (!info || info >= GiB(4))
        return -EINVAL;
    if (magic == MB2_BOOT_MAGIC)
        return parse_mb2(info);
    if (magic == MB1_BOOT_MAGIC)
        return parse_mb1(info);
    return -EINVAL;
}

unsigned int arch_boot_modules(const char *lines[], unsigned int max)
{
    unsigned int n = MIN(boot_info.nr_modules, max);

    for (unsigned int i = 0; i < n; i++)
        lines[i] = boot_info.modules[i].cmdline;
    return n;
}
