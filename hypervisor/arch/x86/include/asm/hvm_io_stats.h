/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-vCPU counts of port I/O exits by port and direction, printed with
 * the exit counts when the domain ends: which ports a guest keeps
 * touching. A small open-addressed table; ports beyond it are counted
 * together, so a guest scanning every port costs a bounded probe.
 */
#ifndef ASM_HVM_IO_STATS_H
#define ASM_HVM_IO_STATS_H

#include <tessera/types.h>

#define HVM_IO_STATS_SLOTS  32      /* a power of two */

struct hvm_io_stats {
    struct {
        uint32_t key;               /* port | IN << 16, +1; 0: free */
        uint64_t count;
    } slot[HVM_IO_STATS_SLOTS];
    uint64_t other;                 /* exits on ports that found no slot */
};

struct vcpu;

void hvm_io_stats_count(struct hvm_io_stats *s, uint16_t port, bool in);
void hvm_io_stats_print(const struct vcpu *v);

#endif
