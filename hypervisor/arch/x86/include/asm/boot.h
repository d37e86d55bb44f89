/* SPDX-License-Identifier: GPL-2.0-only */
/* Constants shared by the boot assembly and C (CR/EFER/MSR: asm/x86-defns.h). */
#ifndef ASM_BOOT_H
#define ASM_BOOT_H

#include <asm/x86-defns.h>

#define HV_LOAD_ADDR        0x100000        /* 1 MiB: where loaders put us */
#define BOOT_STACK_SIZE     16384
#define CPU_STACK_SIZE      16384
#define IST_STACK_SIZE      4096

#define BOOT_CS64           0x08
#define BOOT_DS             0x10
#define BOOT_CS32           0x18
#define GDT_TSS             0x20            /* 16-byte system descriptor */

#define PTE_P               0x001
#define PTE_W               0x002
#define PTE_U               0x004
#define PTE_PWT             0x008
#define PTE_PCD             0x010
#define PTE_A               0x020
#define PTE_D               0x040
#define PTE_PS              0x080
#define PTE_G               0x100

#define MB1_BOOT_MAGIC      0x2badb002
#define MB2_BOOT_MAGIC      0x36d76289

#endif
