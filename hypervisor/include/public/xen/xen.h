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

#endif
