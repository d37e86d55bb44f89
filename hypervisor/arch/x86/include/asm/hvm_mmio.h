/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emulated MMIO (hvm/mmio.c). A device model registers a guest-physical
 * range of a domain; the range must have no p2m mapping, so every access
 * ends in a nested-page fault. The faulting instruction is decoded
 * (insn_decode.h: MOV, MOVZX, MOVSX to or from memory) and turned into
 * read/write calls on the vCPU that faulted, then RIP moves past it.
 * Accesses outside every range, instruction fetches, and instructions the
 * emulator does not handle crash the domain with a log line.
 */
#ifndef ASM_HVM_MMIO_H
#define ASM_HVM_MMIO_H

#include <tessera/types.h>

struct vcpu;
struct domain;
struct hvm_exit;
struct insn;

#define HVM_MMIO_MAX_RANGES 32

struct hvm_mmio_ops {
    const char *name;
    /* size is 1, 2, 4 or 8; gpa is inside the range and gpa + size may
     * reach past it only if the guest made a straddling access (the
     * handler decides). Return 0, or < 0 to crash the domain. */
    int (*read)(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t *val);
    int (*write)(struct vcpu *v, uint64_t gpa, unsigned int size, uint64_t val);
};

struct hvm_mmio_range {
    uint64_t gpa, len;
    const struct hvm_mmio_ops *ops;
};

/* An absent device: reads all ones, writes dropped (hvm/mmio.c). */
extern const struct hvm_mmio_ops hvm_mmio_absent_ops;

/* 0, -EINVAL (empty or overlapping range) or -ENOSPC. Before the domain
 * starts, or from one of its vCPUs. */
int hvm_mmio_register(struct domain *d, uint64_t gpa, uint64_t len,
                      const struct hvm_mmio_ops *ops);
/* From the NPF exit: true if a range claimed the access (handled, or the
 * domain crashed trying); false if no range covers gpa. */
bool hvm_mmio_handle(struct vcpu *v, const struct hvm_exit *e);
/* The same for a range the caller found (or made up: dom0's denied
 * frames, hvm/dom0_mmio.c), which must cover e->npf.gpa. */
void hvm_mmio_emulate(struct vcpu *v, const struct hvm_exit *e, const struct hvm_mmio_range *r);
/* Decodes the instruction at the vCPU's CS:RIP (exit.c): 0, or the
 * decoder's error. */
int hvm_decode_current_insn(struct vcpu *v, struct insn *insn);

#endif
