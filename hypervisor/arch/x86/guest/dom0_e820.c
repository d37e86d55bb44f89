/* SPDX-License-Identifier: GPL-2.0-only */
/* dom0's memory map from the host's (see asm/dom0_build.h, docs/dom0.md). */
#include <asm/dom0_build.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

struct e820_out {
    struct e820_entry *e;
    unsigned int nr, max;
    bool full;
};

static void emit(struct e820_out *o, uint64_t start, uint64_t end, uint32_t type)
{
    struct e820_entry *last = o->nr ? &o->e[o->nr - 1] : NULL;

    if (start >= end)
        return;
    if (last && last->type == type && last->addr + last->size == start) {
        last->size += end - start;
        return;
    }
    if (o->nr == o->max) {
        o->full = true;
        return;
    }
    o->e[o->nr++] = (struct e820_entry){ start, end - start, type };
}

/* dom0's RAM in [start, end), the ACPI piece typed as such. */
static void emit_ram(struct e820_out *o, uint64_t start, uint64_t end, uint64_t acpi_start,
                     uint64_t acpi_end)
{
    uint64_t a = MAX(start, MIN(acpi_start, end)), b = MIN(end, MAX(acpi_end, a));

    emit(o, start, a, MEM_RAM);
    emit(o, a, b, MEM_ACPI);
    emit(o, b, end, MEM_RAM);
}

/* A host RAM range: dom0's parts RAM, the rest UNUSABLE (1.3 of
 * docs/reference/abi-pvh-dom0.md: Linux must not place BARs there). */
static void emit_host_ram(struct e820_out *o, uint64_t start, uint64_t end,
                          const struct dom0_range *ram, unsigned int nr_ram,
                          uint64_t acpi_start, uint64_t acpi_end)
{
    uint64_t at = start;

    for (unsigned int i = 0; i < nr_ram && at < end; i++) {
        uint64_t s = MAX(ram[i].start, at), e = MIN(ram[i].end, end);
        if (s >= e)
            continue;
        emit(o, at, s, MEM_UNUSABLE);
        emit_ram(o, s, e, acpi_start, acpi_end);
        at = e;
    }
    emit(o, at, end, MEM_UNUSABLE);
}

int dom0_e820_build(const struct memmap *host, const struct dom0_range *ram, unsigned int nr_ram,
                    uint64_t acpi_start, uint64_t acpi_end, struct e820_entry *out,
                    unsigned int max)
{
    struct e820_out o = { .e = out, .max = max };
    const struct memmap_range *r;

    memmap_for_each(host, r) {
        if (r->type == MEM_RAM)
            emit_host_ram(&o, r->start, r->end, ram, nr_ram, acpi_start, acpi_end);
        else
            emit(&o, r->start, r->end, r->type);
    }
    return o.full ? -ENOSPC : (int)o.nr;
}
