/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vPCI: the hardware domain's view of PCI configuration space (docs/vpci.md).
 *
 * Dom0's accesses through 0xCF8/0xCFC and the ECAM windows are trapped and
 * passed to the real device, except the registers through which a device
 * could escape the hypervisor's control: the command register's memory
 * decode bit and the memory BARs (their ranges are identity-mapped into
 * dom0's p2m only while decoding is on and only where they may be), the MSI
 * capability and the MSI-X control register and table (dom0's vector and
 * destination are translated into a host vector, vmsi.c). Functions the
 * hypervisor owns read as absent.
 *
 * The model (vpci_cfg.c, vpci_bar.c, vpci_msi.c, vpci_msix.c, vmsi.c) reaches
 * the machine only through struct vpci_hw, so the host unit tests
 * (tests/unit/test_vpci.c) run it against a fake device. vpci.c is the
 * hypervisor's side: the trapped ports and MMIO ranges and the real
 * struct vpci_hw; vmsi_irq.c the host vectors.
 */
#ifndef ASM_VPCI_H
#define ASM_VPCI_H

#include <asm/spinlock.h>
#include <tessera/types.h>

struct domain;

/* Segment, bus, device, function as one number: seg << 16 | bus << 8 |
 * dev << 3 | fn. */
#define VPCI_SBDF(seg, bus, dev, fn) \
    ((uint32_t)(seg) << 16 | (uint32_t)(bus) << 8 | (uint32_t)(dev) << 3 | (fn))

/* Type 0/1 header registers (PCI local bus spec 3.0 6.2, PCI-PCI bridge 1.2 3.2) */
#define PCI_VENDOR_ID           0x00
#define PCI_COMMAND             0x04
#define  PCI_COMMAND_IO         0x0001
#define  PCI_COMMAND_MEMORY     0x0002
#define PCI_STATUS              0x06
#define  PCI_STATUS_CAP_LIST    0x0010
#define PCI_CLASS_REVISION      0x08
#define PCI_HEADER_TYPE_REG     0x0e
#define PCI_BAR0                0x10
#define  PCI_BAR_IO             0x1
#define  PCI_BAR_MEM_64         0x4
#define  PCI_BAR_MEM_MASK       0xfffffff0u
#define PCI_ROM_TYPE0           0x30
#define PCI_ROM_TYPE1           0x38
#define  PCI_ROM_ENABLE         0x1
#define  PCI_ROM_MASK           0xfffff800u
#define PCI_CAP_PTR             0x34
#define PCI_CAP_ID_MSI          0x05
#define PCI_CAP_ID_MSIX         0x11

/* MSI capability (PCI 3.0 6.8.1) */
#define PCI_MSI_CTRL_ENABLE     0x0001
#define PCI_MSI_CTRL_MMC        0x000e      /* multiple message capable */
#define PCI_MSI_CTRL_MME        0x0070      /* multiple message enable */
#define PCI_MSI_CTRL_64         0x0080
#define PCI_MSI_CTRL_MASKABLE   0x0100

/* MSI-X capability and table (PCI 3.0 6.8.2) */
#define PCI_MSIX_CTRL_SIZE      0x07ff
#define PCI_MSIX_CTRL_FMASK     0x4000
#define PCI_MSIX_CTRL_ENABLE    0x8000
#define PCI_MSIX_BIR            0x7
#define PCI_MSIX_ENTRY_SIZE     16
#define PCI_MSIX_ENTRY_MASKED   0x1

#define VPCI_NR_BARS    7           /* 0-5, and 6 for the expansion ROM */
#define VPCI_ROM        6
#define VPCI_MAX_DEVS   256
#define VPCI_MAX_FORBIDDEN  160

enum vpci_bar_type {
    VPCI_BAR_NONE,                  /* unimplemented, or an I/O BAR (passed through) */
    VPCI_BAR_MEM32,
    VPCI_BAR_MEM64_LO,              /* the low half; the next BAR is its high half */
    VPCI_BAR_MEM64_HI,
    VPCI_BAR_ROM,
};

struct vpci_bar {
    enum vpci_bar_type type;
    uint64_t addr;                  /* as the device holds it now */
    uint64_t size;                  /* from sizing at set-up; 0: none */
    bool mapped;                    /* its range is in dom0's p2m */
};

/* An interrupt message as dom0 wrote it, decoded (vmsi.c). */
struct vmsi_guest {
    uint8_t vector;
    uint8_t dest;                   /* xAPIC destination: APIC id or logical mask */
    bool logical, lowest;
};

struct vpci_msi {
    uint8_t pos;                    /* capability offset; 0: none */
    bool is64, maskable;
    uint16_t control;               /* enable and MME as dom0 wrote them */
    uint32_t addr_lo, addr_hi, mask;
    uint16_t data;
    int host_vec;                   /* -1: none */
};

struct vpci_msix_entry {
    uint32_t addr_lo, addr_hi, data, ctrl;  /* dom0's copy of the entry */
    int host_vec;                   /* -1: none */
};

struct vpci_msix {
    uint8_t pos;                    /* capability offset; 0: none */
    bool usable;                    /* the table pages are trapped */
    bool enabled, fmask;            /* dom0's control bits */
    uint16_t nr;                    /* table entries */
    uint8_t table_bir, pba_bir;
    uint32_t table_off, pba_off;
    struct vpci_msix_entry *entries;
};

struct vpci_dev {
    uint32_t sbdf;
    bool hidden;                    /* owned by the hypervisor: reads as absent */
    uint8_t header_type;            /* 0, 1 or 2 (bit 7, multi-function, dropped) */
    unsigned int nr_warnings;       /* console lines about it so far (capped) */
    struct vpci_bar bars[VPCI_NR_BARS];
    struct vpci_msi msi;
    struct vpci_msix msix;
};

/* A machine range no BAR may be mapped over (RAM, ECAM, the APICs...). */
struct vpci_forbidden {
    uint64_t base, len;
    const char *what;
};

/* What the model needs from the machine; ctx is struct vpci's. */
struct vpci_hw {
    uint32_t (*conf_read)(uint32_t sbdf, unsigned int reg, unsigned int size);
    void (*conf_write)(uint32_t sbdf, unsigned int reg, unsigned int size, uint32_t val);
    /* NULL if the machine's MMIO policy lets dom0 reach [addr, addr + size)
     * (docs/dom0-io.md), else why not: checked after vpci.forbidden[]. */
    const char *(*mmio_denied)(uint64_t addr, uint64_t size);
    /* nr frames at gfn identity-mapped as MMIO (map) or unmapped: 0 or < 0. */
    int (*p2m_identity)(void *ctx, uint64_t gfn, uint64_t nr, bool map);
    /* Traps dom0's accesses to [gpa, gpa + len) (vpci_msix_read/write): 0 or < 0. */
    int (*mmio_claim)(void *ctx, uint64_t gpa, uint64_t len);
    /* The machine's MMIO (the physical MSI-X table, the PBA, registers
     * sharing their pages): size 1, 2, 4 or 8; false if out of reach. */
    bool (*mmio_read)(uint64_t pa, unsigned int size, uint64_t *val);
    bool (*mmio_write)(uint64_t pa, unsigned int size, uint64_t val);
    /* The APIC ID of the host CPU a host MSI for dom0's message g should
     * go to (g NULL: undeliverable, any CPU of dom0's). */
    uint32_t (*host_dest)(void *ctx, const struct vmsi_guest *g);
    /* Host vectors (vmsi_irq.c): a free one or < 0; its target (NULL: none). */
    int (*vec_alloc)(void *ctx);
    void (*vec_free)(void *ctx, int vec);
    void (*vec_target)(void *ctx, int vec, const struct vmsi_guest *g);
};

struct vpci {
    spinlock_t lock;                /* everything below */
    const struct vpci_hw *hw;
    void *ctx;
    uint32_t cf8;                   /* dom0's 0xCF8 latch */
    unsigned int nr_devs;
    struct vpci_dev *devs[VPCI_MAX_DEVS];
    unsigned int nr_forbidden;
    struct vpci_forbidden forbidden[VPCI_MAX_FORBIDDEN];
};

/* ---- the model (host-testable) ---- */

/* Dom0's configuration access: size 1, 2 or 4, naturally aligned, reg below
 * 4096; anything else reads all ones and writes nothing. Takes the lock. */
uint32_t vpci_read(struct vpci *vp, uint32_t sbdf, unsigned int reg, unsigned int size);
void vpci_write(struct vpci *vp, uint32_t sbdf, unsigned int reg, unsigned int size,
                uint32_t val);
/* The state of a present function, created on first sight (sizing its
 * BARs, mapping them if decoding is on); NULL if absent or out of room.
 * Lock held. */
struct vpci_dev *vpci_dev_get(struct vpci *vp, uint32_t sbdf);
/* A console warning about dev ("vpci: 0000:00:01.0: " and fmt), the first
 * VPCI_MAX_WARNINGS only: dom0 must not be able to flood the console. */
#define VPCI_MAX_WARNINGS   8
void vpci_warn(struct vpci_dev *dev, const char *fmt, ...) __printf(2, 3);
/* Turns the function's MSI and MSI-X off and gives their host vectors
 * back (domain teardown: the p2m goes with the domain). Lock held. */
void vpci_dev_free(struct vpci *vp, struct vpci_dev *dev);

/* vpci_bar.c: sizing and mapping. */
void vpci_bars_init(struct vpci *vp, struct vpci_dev *dev);
/* Maps (on) or unmaps every memory BAR of dev (the ROM only if enabled),
 * leaving MSI-X table and PBA pages out; a BAR over a forbidden range is
 * not mapped and a console line says so. */
void vpci_bars_decode(struct vpci *vp, struct vpci_dev *dev, bool on);
/* NULL if [addr, addr + size) may be mapped, else what it would cover. */
const char *vpci_bar_forbidden(const struct vpci *vp, uint64_t addr, uint64_t size);
/* A dom0 write to the BAR dword at reg (0x10-0x24, the ROM's). */
void vpci_bar_write(struct vpci *vp, struct vpci_dev *dev, unsigned int reg, uint32_t val);
void vpci_command_write(struct vpci *vp, struct vpci_dev *dev, uint16_t val);

/* vpci_msi.c: the MSI capability's registers (reg = offset in config space). */
void vpci_msi_init(struct vpci *vp, struct vpci_dev *dev, uint8_t pos);
bool vpci_msi_reg(const struct vpci_dev *dev, unsigned int reg, unsigned int *off,
                  unsigned int *size);
uint32_t vpci_msi_read(struct vpci *vp, struct vpci_dev *dev, unsigned int off);
void vpci_msi_write(struct vpci *vp, struct vpci_dev *dev, unsigned int off, uint32_t val);
void vpci_msi_teardown(struct vpci *vp, struct vpci_dev *dev);

/* vpci_msix.c: the MSI-X control register and table. */
void vpci_msix_init(struct vpci *vp, struct vpci_dev *dev, uint8_t pos);
uint16_t vpci_msix_ctrl_read(struct vpci *vp, struct vpci_dev *dev);
void vpci_msix_ctrl_write(struct vpci *vp, struct vpci_dev *dev, uint16_t val);
void vpci_msix_teardown(struct vpci *vp, struct vpci_dev *dev);
/* The machine address of the table (bir 0) or PBA (1); 0 if unplaced. */
uint64_t vpci_msix_addr(const struct vpci_dev *dev, bool pba);
/* Claims the table and PBA pages where the BAR puts them now. */
void vpci_msix_place(struct vpci *vp, struct vpci_dev *dev);
/* Is pa in a trapped MSI-X table or PBA page of any function? Lock held. */
bool vpci_msix_owns(struct vpci *vp, uint64_t pa);
/* Dom0's access to a claimed page (the lock is taken): 4 or 8 bytes aligned
 * in the table, anything in the PBA, passed to the device elsewhere;
 * false: not an MSI-X page of any function. */
bool vpci_msix_read(struct vpci *vp, uint64_t gpa, unsigned int size, uint64_t *val);
bool vpci_msix_write(struct vpci *vp, uint64_t gpa, unsigned int size, uint64_t val);

/* vmsi.c: dom0's interrupt message to a target, and the host's message for
 * a host vector (Intel SDM vol. 3 11.11.1, 11.11.2). 0, or -EINVAL for a
 * message the hypervisor does not deliver (not 0xFEExxxxx, redirection to
 * SMI/NMI/INIT/ExtINT, level-triggered, a vector below 16). */
int vmsi_decode(uint64_t addr, uint32_t data, struct vmsi_guest *g);
void vmsi_host_msg(uint32_t apic_id, int vec, uint64_t *addr, uint32_t *data);

/* ---- the hypervisor's side (vpci.c, vmsi_irq.c) ---- */

/* For the hardware domain at creation: traps its configuration space and
 * takes every function of the boot scan. 0 or < 0. */
int vpci_domain_init(struct domain *d);
void vpci_domain_destroy(struct domain *d);
/* Host vectors delivering to d's vLAPICs. */
int vmsi_vector_alloc(struct domain *d);
void vmsi_vector_free(int vec);
void vmsi_vector_target(struct domain *d, int vec, const struct vmsi_guest *g);

#endif
