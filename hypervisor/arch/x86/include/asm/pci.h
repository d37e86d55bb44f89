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

#endif
