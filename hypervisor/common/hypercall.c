/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercall dispatch: from the number the arch entry (arch/x86/hvm/
 * hypercall.c) took out of the guest's registers to the subsystem's
 * handler. Numbers without a handler return -ENOSYS (docs/hypercalls.md
 * lists them).
 */
#include <public/xen/xen.h>
#include <public/xen/errno.h>
#include <public/tessera/ctl.h>
#include <tessera/domain.h>
#include <tessera/event.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>
#include <tessera/pv_time.h>

static const hypercall_fn table[] = {
    [__HYPERVISOR_memory_op]   = do_memory_op,
    [__HYPERVISOR_xen_version] = do_xen_version,
    [__HYPERVISOR_console_io]  = do_console_io,
    [__HYPERVISOR_grant_table_op] = do_grant_table_op,
    [__HYPERVISOR_vcpu_op]     = do_vcpu_op,
    [__HYPERVISOR_sched_op]    = do_sched_op,
    [__HYPERVISOR_hvm_op]      = do_hvm_op,
    [__HYPERVISOR_set_timer_op] = do_set_timer_op,
    [__HYPERVISOR_event_channel_op] = do_event_channel_op,
    [__HYPERVISOR_event_channel_op_compat] = do_event_channel_op_compat,
    [__HYPERVISOR_physdev_op]  = do_physdev_op,
    [__HYPERVISOR_platform_op] = do_platform_op,
    [__HYPERVISOR_tess_sysctl] = do_tess_sysctl,
    [__HYPERVISOR_tess_domctl] = do_tess_domctl,
};

long hypercall_call(struct vcpu *v, uint64_t nr, uint64_t arg[6])
{
    if (nr >= ARRAY_SIZE(table) || !table[nr])
        return -XEN_ENOSYS;
    return table[nr](v, arg);
}
