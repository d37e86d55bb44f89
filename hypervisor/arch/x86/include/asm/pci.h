/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ASM_PCI_H
#define ASM_PCI_H

#include <tessera/types.h>

struct pci_ecam_region {
    paddr_t base;
    uint16_t segment;
    uint8_t start_bus, end_bus;
};

struct pci_func {
    uint16_t segment;
    uint8_t bus, dev, fn;
    uint16_t vendor, device;
    uint32_t class_rev;         /* class:subclass:prog-if:revision */
    uint8_t header_type;
};

#define PCI_MAX_FUNCS 1024

extern struct pci_func pci_funcs[PCI_MAX_FUNCS];
extern unsigned int nr_pci_funcs;

/* Enumerates every function through ECAM where given, else 0xCF8/0xCFC. */
void pci_init(const struct pci_ecam_region *ecam, unsigned int nr_ecam);
uint32_t pci_conf_read32(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t reg);
/* A naturally aligned access of size 1, 2 or 4 (reg below 0x100 without
 * ECAM); an unreachable register reads all ones and drops writes. */
uint32_t pci_conf_read(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t reg,
                       unsigned int size);
void pci_conf_write(uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t reg,
                    unsigned int size, uint32_t val);
/* The ECAM windows in use (mapped in the hypervisor's page tables). */
const struct pci_ecam_region *pci_ecam_windows(unsigned int *nr);

#endif
