/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "May the control domain touch this machine frame?" (docs/dom0-io.md).
 * Yes for every frame the hypervisor does not own: holes (PCI windows),
 * reserved, ACPI and NVS ranges of the firmware's map. No for:
 *
 *  - host RAM, and memory the firmware calls unusable: dom0's own RAM is
 *    mapped when it is built; any other RAM is the hypervisor's or another
 *    domain's;
 *  - frames beyond the machine's physical address width;
 *  - the ranges denied by name (dom0_frames_deny()): the local APIC and
 *    IOAPIC pages, the ECAM windows, the IOMMUs' registers, which are
 *    emulated for dom0 or are the hypervisor's alone.
 *
 * Pure: the caller gives the maps, so vPCI (BARs) and the IOMMU code can
 * ask the same question, and the unit tests can.
 */
#include <asm/acpi.h>
#include <asm/dom0_io.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

void dom0_frames_init(struct dom0_frames *f, const struct memmap *host, uint64_t limit)
{
    memset(f, 0, sizeof(*f));
    f->host = host;
    f->limit = limit;
}

int dom0_frames_deny(struct dom0_frames *f, uint64_t pa, uint64_t len, const char *what)
{
    uint64_t end = pa + len;

    if (!len)
        return 0;
    if (end < pa)
        end = ~0ull;
    if (f->nr == DOM0_FRAMES_MAX_DENY)
        return -ENOSPC;
    f->deny[f->nr++] = (struct dom0_deny_range){
        .start = pa >> PAGE_SHIFT,
        .end = (end >> PAGE_SHIFT) + ((end & (PAGE_SIZE - 1)) != 0),
        .what = what,
    };
    return 0;
}

const char *dom0_frames_check(const struct dom0_frames *f, uint64_t mfn, uint64_t nr)
{
    const struct memmap_range *r;
    uint64_t end = mfn + nr;

    if (!nr || end < mfn || end > f->limit)
        return "beyond the machine's physical addresses";
    for (unsigned int i = 0; i < f->nr; i++)
        if (mfn < f->deny[i].end && f->deny[i].start < end)
            return f->deny[i].what;
    memmap_for_each(f->host, r) {
        if (r->type != MEM_RAM && r->type != MEM_UNUSABLE)
            continue;
        /* Frames that hold any byte of the range. */
        if (mfn < (r->end + PAGE_SIZE - 1) >> PAGE_SHIFT && r->start >> PAGE_SHIFT < end)
            return r->type == MEM_RAM ? "host RAM" : "unusable memory";
    }
    return NULL;
}

/*
 * DMAR (Intel VT-d 3.4, 8.1 and 8.3): remapping structures from offset 48,
 * each a 16-bit type and 16-bit length; a DRHD (type 0) has its register
 * base at offset 8 and, in bits 3:0 of the byte at offset 5, the size of
 * its register set as a power of two of 4 KiB pages.
 */
unsigned int dom0_frames_deny_dmar(struct dom0_frames *f, const void *t, uint32_t len)
{
    unsigned int found = 0;

    for (uint32_t off = 48; off + 4 <= len;) {
        uint16_t type = acpi_rd16(t, off), elen = acpi_rd16(t, off + 2);

        if (elen < 4 || elen > len - off)
            break;
        if (type == 0 && elen >= 16) {
            uint64_t pages = 1ull << (acpi_rd8(t, off + 5) & 0xf);
            if (!dom0_frames_deny(f, acpi_rd64(t, off + 8), pages * PAGE_SIZE,
                                  "VT-d registers"))
                found++;
        }
        off += elen;
    }
    return found;
}

/*
 * IVRS (AMD I/O Virtualization Technology spec 48882, 5.2): definition
 * blocks from offset 48, each with its type at 0 and 16-bit length at 2;
 * an IVHD (types 10h, 11h, 40h) has the IOMMU's register base at 8. The
 * registers the driver uses span 16 KiB (3.4).
 */
#define AMD_IOMMU_MMIO_LEN  0x4000

unsigned int dom0_frames_deny_ivrs(struct dom0_frames *f, const void *t, uint32_t len)
{
    unsigned int found = 0;

    for (uint32_t off = 48; off + 4 <= len;) {
        uint8_t type = acpi_rd8(t, off);
        uint16_t elen = acpi_rd16(t, off + 2);

        if (elen < 4 || elen > len - off)
            break;
        if ((type == 0x10 || type == 0x11 || type == 0x40) && elen >= 16 &&
            !dom0_frames_deny(f, acpi_rd64(t, off + 8), AMD_IOMMU_MMIO_LEN, "AMD-Vi registers"))
            found++;
        off += elen;
    }
    return found;
}
