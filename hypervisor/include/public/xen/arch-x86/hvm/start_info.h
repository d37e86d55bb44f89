/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PVH start-of-day block a guest finds through %ebx at its
 * PHYS32_ENTRY (Xen public/arch-x86/hvm/start_info.h, version 1).
 */
#ifndef PUBLIC_XEN_ARCH_X86_HVM_START_INFO_H
#define PUBLIC_XEN_ARCH_X86_HVM_START_INFO_H

#include <stdint.h>

#define XEN_HVM_START_MAGIC_VALUE   0x336ec578u     /* "xEn3" with 0x80 set in the 'E' */

#define XEN_HVM_MEMMAP_TYPE_RAM         1
#define XEN_HVM_MEMMAP_TYPE_RESERVED    2
#define XEN_HVM_MEMMAP_TYPE_ACPI        3
#define XEN_HVM_MEMMAP_TYPE_NVS         4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE    5
#define XEN_HVM_MEMMAP_TYPE_DISABLED    6
#define XEN_HVM_MEMMAP_TYPE_PMEM        7

struct hvm_start_info {
    uint32_t magic;
    uint32_t version;               /* 0 or 1 */
    uint32_t flags;                 /* SIF_* (public/xen.h) */
    uint32_t nr_modules;
    uint64_t modlist_paddr;         /* struct hvm_modlist_entry[nr_modules] */
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;          /* version 1 from here on */
    uint32_t memmap_entries;
    uint32_t reserved;
};

struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;                  /* XEN_HVM_MEMMAP_TYPE_* */
    uint32_t reserved;
};

#endif
