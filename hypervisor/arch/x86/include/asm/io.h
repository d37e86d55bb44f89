/* SPDX-License-Identifier: GPL-2.0-only */
/* Port I/O and uncached MMIO accessors. */
#ifndef ASM_IO_H
#define ASM_IO_H

#include <tessera/types.h>

static inline void outb(uint8_t v, uint16_t port)  { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t v, uint16_t port) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint32_t v, uint16_t port) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)  { uint8_t v;  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint8_t  mmio_read8(paddr_t a)  { return *(volatile uint8_t *)(uintptr_t)a; }
static inline uint16_t mmio_read16(paddr_t a) { return *(volatile uint16_t *)(uintptr_t)a; }
static inline uint32_t mmio_read32(paddr_t a) { return *(volatile uint32_t *)(uintptr_t)a; }
static inline uint64_t mmio_read64(paddr_t a) { return *(volatile uint64_t *)(uintptr_t)a; }
static inline void mmio_write8(paddr_t a, uint8_t v)   { *(volatile uint8_t *)(uintptr_t)a = v; }
static inline void mmio_write16(paddr_t a, uint16_t v) { *(volatile uint16_t *)(uintptr_t)a = v; }
static inline void mmio_write32(paddr_t a, uint32_t v) { *(volatile uint32_t *)(uintptr_t)a = v; }
static inline void mmio_write64(paddr_t a, uint64_t v) { *(volatile uint64_t *)(uintptr_t)a = v; }

#endif
