/* SPDX-License-Identifier: GPL-2.0-only */
/* Constants shared by the boot assembly and C. */
#ifndef ASM_BOOT_H
#define ASM_BOOT_H

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

#define CR0_PE              0x00000001
#define CR0_WP              0x00010000
#define CR0_PG              0x80000000
#define CR4_PAE             0x00000020
#define MSR_EFER_NUM        0xc0000080
#define MSR_EFER            0xc0000080
#define EFER_LME_BIT        0x00000100
#define EFER_NXE_BIT        0x00000800

#define MB1_BOOT_MAGIC      0x2badb002
#define MB2_BOOT_MAGIC      0x36d76289

#endif
