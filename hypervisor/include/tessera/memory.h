/* SPDX-License-Identifier: GPL-2.0-only */
/* Turning the firmware's memory map into the page allocator's free memory. */
#ifndef TESSERA_MEMORY_H
#define TESSERA_MEMORY_H

#include <tessera/types.h>

/* mem_limit: RAM at or above this address is ignored (0: no limit). */
void memory_init(uint64_t mem_limit);
uint64_t memory_usable_bytes(void);     /* RAM the firmware reports, within mem= */
paddr_t memory_trampoline_page(void);   /* a free page below 1 MiB for AP start-up */
struct memmap;
const struct memmap *memory_firmware_map(void);     /* the host's, within mem= */
void memory_print_usage(void);

#endif
