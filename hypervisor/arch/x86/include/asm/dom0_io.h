/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control domain's access to the machine (docs/dom0-io.md): which I/O
 * ports it reaches directly and which the hypervisor keeps (hvm/dom0_ports.c
 * decides, hvm/dom0_io.c applies), which machine frames it may map
 * (hvm/dom0_frames.c decides, hvm/dom0_mmio.c maps them when dom0 first
 * touches them), and the machine's own memory map (machine_memmap.c).
 */
#ifndef ASM_DOM0_IO_H
#define ASM_DOM0_IO_H

#include <tessera/memmap.h>
#include <tessera/types.h>

struct domain;
struct vcpu;
struct hvm_exit;
struct acpi_info;

/* ---- ports ---- */

enum dom0_port_use {
    DOM0_PORT_DIRECT,       /* the machine's: IN/OUT reach it without an exit */
    DOM0_PORT_DENY,         /* the hypervisor's: reads all ones, writes dropped */
    DOM0_PORT_MEDIATE,      /* done by the hypervisor on dom0's behalf, filtered */
    DOM0_PORT_EMULATE,      /* trapped for a device model (vPCI, debug console) */
};

/* What of the machine the hypervisor itself drives through ports. */
struct dom0_io_host {
    uint16_t uart_base;     /* its UART's 8 ports; 0: none */
    uint16_t pm1a_cnt;      /* ACPI PM1 control blocks (2 ports each); 0: none */
    uint16_t pm1b_cnt;
};

#define DOM0_IO_BITMAP_BYTES    (0x10000 / 8)

enum dom0_port_use dom0_port_use(const struct dom0_io_host *h, uint16_t port);
/* One bit per port, set where an access must exit: every port but the
 * DIRECT ones. The layout of the SVM IOPM and of VMX bitmaps A then B. */
void dom0_io_bitmap_fill(const struct dom0_io_host *h, uint8_t bitmap[DOM0_IO_BITMAP_BYTES]);

/* Per domain (hvm/dom0_io.c). init gives a hardware domain its own
 * bitmap; domUs keep the shared one that traps everything. */
int dom0_io_domain_init(struct domain *d);
void dom0_io_domain_destroy(struct domain *d);
/* The machine address of d's I/O bitmap (3 pages: SVM reads all of them,
 * VMX the first two), or 0: the backend's shared all-trapping one. */
paddr_t dom0_io_bitmap(const struct domain *d);
/* Ports a device model claimed (hvm_ioport_register) must exit. */
void dom0_io_trap(struct domain *d, uint16_t port, unsigned int count);
/* A port exit of the hardware domain at a MEDIATE port: performed (or
 * turned into a host reboot or power-off); *val gets what a read gives.
 * False if the port is not one the hypervisor mediates. */
bool dom0_io_mediate(struct vcpu *v, uint16_t port, unsigned int size, bool in,
                     uint32_t *val);

/* ---- machine frames ---- */

#define DOM0_FRAMES_MAX_DENY    64

struct dom0_deny_range {
    uint64_t start, end;            /* machine frames, [start, end) */
    const char *what;
};

struct dom0_frames {
    const struct memmap *host;      /* the firmware's map: RAM is never mapped */
    uint64_t limit;                 /* frames from here on are beyond the machine */
    unsigned int nr;
    struct dom0_deny_range deny[DOM0_FRAMES_MAX_DENY];
};

void dom0_frames_init(struct dom0_frames *f, const struct memmap *host, uint64_t limit);
/* Denies the frames that [pa, pa + len) touches. 0, or -ENOSPC. */
int dom0_frames_deny(struct dom0_frames *f, uint64_t pa, uint64_t len, const char *what);
/* NULL if dom0 may map all of [mfn, mfn + nr); else why not. */
const char *dom0_frames_check(const struct dom0_frames *f, uint64_t mfn, uint64_t nr);

/* The IOMMUs' register ranges in a DMAR (VT-d) or IVRS (AMD-Vi) table,
 * each passed to dom0_frames_deny(). Returns how many were found. */
unsigned int dom0_frames_deny_dmar(struct dom0_frames *f, const void *t, uint32_t len);
unsigned int dom0_frames_deny_ivrs(struct dom0_frames *f, const void *t, uint32_t len);

/* The machine's policy (hvm/dom0_mmio.c), set up at boot from its ACPI
 * tables; then: may dom0 (or, for vPCI and the IOMMU, a device of dom0)
 * touch machine frame mfn? */
void dom0_mmio_init(const struct acpi_info *acpi);
bool dom0_may_touch_frame(uint64_t mfn);
/* A nested page fault of the hardware domain that no emulated range
 * claimed: maps the frame if allowed, else emulates the access as an
 * absent device. False if the fault is not one this handles. */
bool dom0_mmio_fault(struct vcpu *v, const struct hvm_exit *e);

/* ---- the machine's memory map (machine_memmap.c) ---- */

void machine_memmap_init(void);
const struct memmap *machine_memmap(void);

#endif
