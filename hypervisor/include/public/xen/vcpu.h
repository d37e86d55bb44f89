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

#include <stdint.h>

/* VCPUOP_get_runstate_info, VCPUOP_register_runstate_memory_area: how long
 * the vCPU has spent in each state, in ns of system time. */
struct vcpu_runstate_info {
    int state;                  /* RUNSTATE_* */
    uint64_t state_entry_time;
    uint64_t time[4];           /* indexed by RUNSTATE_* */
};

#define RUNSTATE_running    0
#define RUNSTATE_runnable   1
#define RUNSTATE_blocked    2
#define RUNSTATE_offline    3

struct vcpu_register_runstate_memory_area {
    union {
        uint64_t p;             /* guest address of a struct vcpu_runstate_info */
    } addr;
};

/* VCPUOP_register_vcpu_info: move the vCPU's vcpu_info to gfn `mfn` (the
 * name is historical), byte `offset`; it must not cross a page. */
struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset;
    uint32_t rsvd;
};

/* VCPUOP_set_singleshot_timer */
struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;    /* system time */
    uint32_t flags;
};
#define VCPU_SSHOTTMR_future    (1u << 0)

/* VCPUOP_set_periodic_timer */
struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};

#endif
