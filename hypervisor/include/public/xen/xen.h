/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Xen guest ABI, core: hypercall numbers, domain ids, console_io.
 * Values follow Xen's public/xen.h (the ABI Tessera implements);
 * tests/abi checks them against Debian's libxen-dev headers.
 */
#ifndef PUBLIC_XEN_XEN_H
#define PUBLIC_XEN_XEN_H

#include <stdint.h>

#define __HYPERVISOR_set_trap_table         0
#define __HYPERVISOR_mmu_update             1
#define __HYPERVISOR_set_gdt                2
#define __HYPERVISOR_stack_switch           3
#define __HYPERVISOR_set_callbacks          4
#define __HYPERVISOR_fpu_taskswitch         5
#define __HYPERVISOR_sched_op_compat        6
#define __HYPERVISOR_platform_op            7
#define __HYPERVISOR_set_debugreg           8
#define __HYPERVISOR_get_debugreg           9
#define __HYPERVISOR_update_descriptor      10
#define __HYPERVISOR_memory_op              12
#define __HYPERVISOR_multicall              13
#define __HYPERVISOR_update_va_mapping      14
#define __HYPERVISOR_set_timer_op           15
#define __HYPERVISOR_event_channel_op_compat 16
#define __HYPERVISOR_xen_version            17
#define __HYPERVISOR_console_io             18
#define __HYPERVISOR_physdev_op_compat      19
#define __HYPERVISOR_grant_table_op         20
#define __HYPERVISOR_vm_assist              21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                   23
#define __HYPERVISOR_vcpu_op                24
#define __HYPERVISOR_set_segment_base       25
#define __HYPERVISOR_mmuext_op              26
#define __HYPERVISOR_xsm_op                 27
#define __HYPERVISOR_nmi_op                 28
#define __HYPERVISOR_sched_op               29
#define __HYPERVISOR_callback_op            30
#define __HYPERVISOR_xenoprof_op            31
#define __HYPERVISOR_event_channel_op       32
#define __HYPERVISOR_physdev_op             33
#define __HYPERVISOR_hvm_op                 34
#define __HYPERVISOR_sysctl                 35
#define __HYPERVISOR_domctl                 36
#define __HYPERVISOR_kexec_op               37
#define __HYPERVISOR_tmem_op                38
#define __HYPERVISOR_argo_op                39
#define __HYPERVISOR_xenpmu_op              40
#define __HYPERVISOR_dm_op                  41
#define __HYPERVISOR_hypfs_op               42

/* console_io commands */
#define CONSOLEIO_write     0
#define CONSOLEIO_read      1

typedef uint16_t domid_t;

#define DOMID_FIRST_RESERVED    0x7ff0u
#define DOMID_SELF              0x7ff0u
#define DOMID_IO                0x7ff1u
#define DOMID_XEN               0x7ff2u
#define DOMID_COW               0x7ff3u
#define DOMID_INVALID           0x7ff4u
#define DOMID_IDLE              0x7fffu

typedef uint8_t xen_domain_handle_t[16];

/* Frame numbers and unsigned longs of the x86-64 ABI (Xen's
 * public/arch-x86/xen.h): 64 bits. */
typedef uint64_t xen_pfn_t;
typedef uint64_t xen_ulong_t;

/*
 * Time as the hypervisor publishes it to each vCPU (public/xen.h): system
 * time in ns = system_time + ((tsc - tsc_timestamp) << tsc_shift (or >> if
 * negative)) * tsc_to_system_mul >> 32. version is odd while an update is
 * under way; a reader retries until it sees the same even value twice.
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};

#define XEN_PVCLOCK_TSC_STABLE_BIT  (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED   (1 << 1)

/* x86-64 (public/arch-x86/xen.h). */
struct arch_vcpu_info {
    uint64_t cr2;
    uint64_t pad;
};

/* Per-vCPU event and time state, 64 bytes. */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    xen_ulong_t evtchn_pending_sel;     /* at offset 8: natural alignment */
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};

#define XEN_LEGACY_MAX_VCPUS    32

/* x86-64 (public/arch-x86/xen.h); only max_pfn matters to PVH guests. */
struct arch_shared_info {
    uint64_t max_pfn;
    xen_pfn_t pfn_to_mfn_frame_list_list;
    uint64_t nmi_reason;
    uint64_t p2m_cr3;
    uint64_t p2m_vaddr;
    uint64_t p2m_generation;
};

/* The page every domain shares with the hypervisor (one per domain). */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];    /* 2-level ABI bitmaps */
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    uint32_t wc_version;        /* wall clock at system time 0; odd while updating */
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;         /* x86-64 only */
    struct arch_shared_info arch;
};

#endif
