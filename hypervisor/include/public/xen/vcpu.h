/* SPDX-License-Identifier: GPL-2.0-only */
/* vcpu_op commands (Xen's public/vcpu.h). */
#ifndef PUBLIC_XEN_VCPU_H
#define PUBLIC_XEN_VCPU_H

#define VCPUOP_initialise                   0   /* HVM/PVH: struct vcpu_hvm_context */
#define VCPUOP_up                           1
#define VCPUOP_down                         2
#define VCPUOP_is_up                        3
#define VCPUOP_get_runstate_info            4
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_set_periodic_timer           6
#define VCPUOP_stop_periodic_timer          7
#define VCPUOP_set_singleshot_timer         8
#define VCPUOP_stop_singleshot_timer        9
#define VCPUOP_register_vcpu_info           10
#define VCPUOP_send_nmi                     11
#define VCPUOP_get_physid                   12
#define VCPUOP_register_vcpu_time_memory_area 13

#endif
