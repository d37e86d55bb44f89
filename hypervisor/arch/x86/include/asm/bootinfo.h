/* SPDX-License-Identifier: GPL-2.0-only */
/* What the boot loader told us, copied out of its structures (Multiboot 1
 * or 2) so that their memory can be reused. */
#ifndef ASM_BOOTINFO_H
#define ASM_BOOTINFO_H

#include <tessera/types.h>

#define BOOT_MAX_MMAP       128
#define BOOT_MAX_MODULES    64
#define BOOT_CMDLINE_MAX    1024
#define BOOT_MODCMD_MAX     512

/* E820 / Multiboot memory types */
#define BOOT_MEM_RAM        1
#define BOOT_MEM_RESERVED   2
#define BOOT_MEM_ACPI       3
#define BOOT_MEM_NVS        4
#define BOOT_MEM_UNUSABLE   5

struct boot_mmap_entry {
    uint64_t base, len;
    uint32_t type;
};

struct boot_module {
    paddr_t start, end;         /* [start, end) */
    char cmdline[BOOT_MODCMD_MAX];
};

struct boot_info {
    const char *protocol;       /* "multiboot2" or "multiboot" */
    char loader[64];
    char cmdline[BOOT_CMDLINE_MAX];
    unsigned int nr_mmap;
    struct boot_mmap_entry mmap[BOOT_MAX_MMAP];
    unsigned int nr_modules;
    struct boot_module modules[BOOT_MAX_MODULES];
    uint8_t rsdp[64];           /* copy of the RSDP from an MB2 ACPI tag */
    size_t rsdp_len;            /* 0: none given, scan for it */
    paddr_t info_start, info_end;
    unsigned int dropped_mmap, dropped_modules;
};

extern struct boot_info boot_info;

/* Returns 0, or -EINVAL for an unknown magic or unusable information. */
int bootinfo_parse(uint32_t magic, paddr_t info);

#endif
