/* SPDX-License-Identifier: GPL-2.0-only */
/* sched_op commands and shutdown reasons (Xen's public/sched.h). */
#ifndef PUBLIC_XEN_SCHED_H
#define PUBLIC_XEN_SCHED_H

#include <stdint.h>
#include <public/xen/memory.h>

#define SCHEDOP_yield               0
#define SCHEDOP_block               1
#define SCHEDOP_shutdown            2   /* arg: struct sched_shutdown */
#define SCHEDOP_poll                3
#define SCHEDOP_remote_shutdown     4
#define SCHEDOP_shutdown_code       5
#define SCHEDOP_watchdog            6
#define SCHEDOP_pin_override        7

#define SHUTDOWN_poweroff   0
#define SHUTDOWN_reboot     1
#define SHUTDOWN_suspend    2
#define SHUTDOWN_crash      3
#define SHUTDOWN_watchdog   4
#define SHUTDOWN_soft_reset 5
#define SHUTDOWN_MAX        5

/* SCHEDOP_poll: sleep until one of nr_ports ports (an array of uint32_t at
 * ports) is pending, or system time timeout (ns; 0: none) passes. */
struct sched_poll {
    xen_guest_handle_64_t ports;
    uint32_t nr_ports;
    uint64_t timeout;
};

struct sched_shutdown {
    uint32_t reason;            /* SHUTDOWN_* */
};

#endif
