/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emulated I/O ports: a device model claims a run of ports of one domain,
 * and IN/OUT to them (never passed through to the machine) reach its
 * handlers. Ports nobody claims read as all ones and drop writes, unless
 * the domain's port policy passes them through to the machine.
 */
#ifndef ASM_HVM_IOPORT_H
#define ASM_HVM_IOPORT_H

#include <tessera/types.h>

struct vcpu;
struct domain;

#define HVM_IOPORT_MAX_RANGES   8

struct hvm_ioport_ops {
    const char *name;
    /* size is 1, 2 or 4; port + size may reach past the claimed run only
     * if the guest made a straddling access (the handler decides). Return
     * 0, or < 0 to crash the domain. */
    int (*read)(struct vcpu *v, uint16_t port, unsigned int size, uint32_t *val);
    int (*write)(struct vcpu *v, uint16_t port, unsigned int size, uint32_t val);
};

struct hvm_ioport_range {
    uint16_t port, count;
    const struct hvm_ioport_ops *ops;
};

/* 0, -EINVAL (empty, past 0xffff or overlapping) or -ENOSPC. */
int hvm_ioport_register(struct domain *d, uint16_t port, unsigned int count,
                        const struct hvm_ioport_ops *ops);
/* The range claiming port, or NULL. */
const struct hvm_ioport_range *hvm_ioport_find(struct domain *d, uint16_t port);

#endif
