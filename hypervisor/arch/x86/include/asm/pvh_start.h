/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PVH start-of-day structures a guest finds through %ebx at its
 * PHYS32_ENTRY. Layouts, magic and type numbers are those of Xen's
 * public/arch-x86/hvm/start_info.h (version 1); SIF_* are from public/xen.h.
 */
#ifndef TESSERA_PVH_START_H
#define TESSERA_PVH_START_H

#include <public/xen/arch-x86/hvm/start_info.h>
#include <tessera/types.h>

#define HVM_START_MAGIC         XEN_HVM_START_MAGIC_VALUE
#define HVM_START_VERSION       1

#define SIF_PRIVILEGED          (1u << 0)
#define SIF_INITDOMAIN          (1u << 1)

#define HVM_MEMMAP_TYPE_RAM         XEN_HVM_MEMMAP_TYPE_RAM
#define HVM_MEMMAP_TYPE_RESERVED    XEN_HVM_MEMMAP_TYPE_RESERVED
#define HVM_MEMMAP_TYPE_NVS         XEN_HVM_MEMMAP_TYPE_NVS

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info");
_Static_assert(offsetof(struct hvm_start_info, memmap_paddr) == 40, "hvm_start_info v1");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "hvm_memmap_table_entry");

#endif
