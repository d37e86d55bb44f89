/* SPDX-License-Identifier: GPL-2.0-only */
/* platform_op (Xen's public/platform.h): the commands a PVH dom0 issues,
 * and the layout of the ones Tessera answers. */
#ifndef PUBLIC_XEN_PLATFORM_H
#define PUBLIC_XEN_PLATFORM_H

#include <stdint.h>

#define XENPF_INTERFACE_VERSION     0x03000001

#define XENPF_settime32             17
#define XENPF_get_cpu_version       48
#define XENPF_firmware_info         50
#define XENPF_enter_acpi_sleep      51
#define XENPF_set_processor_pminfo  54
#define XENPF_get_cpuinfo           55
#define XENPF_cpu_online            56
#define XENPF_cpu_offline           57
#define XENPF_core_parking          60
#define XENPF_settime64             62
#define XENPF_get_symbol            63
#define XENPF_get_dom0_console      64

/* XENPF_get_cpuinfo: about physical CPU xen_cpuid. */
#define XEN_PCPU_FLAGS_ONLINE       1
#define XEN_PCPU_FLAGS_INVALID      2
struct xenpf_pcpuinfo {
    uint32_t xen_cpuid;         /* in */
    uint32_t max_present;       /* out: the highest CPU number present */
    uint32_t flags;
    uint32_t apic_id;
    uint32_t acpi_id;
};

/* Every command's arguments sit in one 128-byte union after the header;
 * Xen's union holds commands with 64-bit fields (settime64 and others),
 * which make it 8-byte aligned even where ours has none. */
struct xen_platform_op {
    uint32_t cmd;
    uint32_t interface_version;
    union {
        struct xenpf_pcpuinfo pcpu_info;
        uint8_t pad[128];
    } __attribute__((__aligned__(8))) u;
};

#endif
