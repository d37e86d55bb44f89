/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * platform_op (public/platform.h): the machine-wide calls of the control
 * domain; -EPERM for any other. What a Linux 6.1 PVH dom0 issues at boot
 * (docs/hypercalls.md, and the dom0 reference's section 4) either works or
 * gets the -ENOSYS that makes Linux go without: no EFI (firmware_info),
 * no VGA hand-over (get_dom0_console), the wall clock stays the
 * hypervisor's (settime64, then settime32: Linux's notifier just fails),
 * no CPU power management (set_processor_pminfo: xen-acpi-processor gives
 * up). get_cpuinfo describes the physical CPUs, which Linux's xen-pcpu
 * driver lists under /sys/devices/system/xen_cpu.
 */
#include <asm/percpu.h>
#include <public/xen/errno.h>
#include <public/xen/platform.h>
#include <tessera/domain.h>
#include <tessera/guest_mem.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>

static long get_cpuinfo(struct xenpf_pcpuinfo *info)
{
    unsigned int present = MIN(nr_cpus_possible, (unsigned int)MAX_CPUS);

    info->max_present = present ? present - 1 : 0;
    if (info->xen_cpuid >= present) {
        info->flags = XEN_PCPU_FLAGS_INVALID;
        info->apic_id = info->acpi_id = 0;
        return 0;
    }
    const struct cpu *c = &cpus[info->xen_cpuid];
    info->flags = c->online ? XEN_PCPU_FLAGS_ONLINE : 0;
    info->apic_id = c->apic_id;
    info->acpi_id = c->acpi_uid;
    return 0;
}

long do_platform_op(struct vcpu *v, uint64_t arg[6])
{
    struct xen_platform_op op;
    long rc;

    if (!v->domain->is_hardware)
        return -XEN_EPERM;
    if (copy_from_guest_obj(v, &op, arg[0]))
        return -XEN_EFAULT;
    if (op.interface_version != XENPF_INTERFACE_VERSION)
        return -XEN_EACCES;        /* as Xen answers another ABI level */
    switch (op.cmd) {
    case XENPF_get_cpuinfo:
        rc = get_cpuinfo(&op.u.pcpu_info);
        break;
    default:
        return -XEN_ENOSYS;
    }
    if (!rc && copy_field_to_guest(v, arg[0], &op, u))
        return -XEN_EFAULT;
    return rc;
}
