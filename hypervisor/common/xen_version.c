/* SPDX-License-Identifier: GPL-2.0-only */
/* xen_version (public/version.h): which Xen ABI level we follow, and what of it. */
#include <public/xen/errno.h>
#include <public/xen/features.h>
#include <public/xen/version.h>
#include <public/xen/xen.h>
#include <tessera/domain.h>
#include <tessera/guest_mem.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>

/* Copies a fixed-size, NUL-padded string field out to the guest. */
static long put_string(struct vcpu *v, uint64_t la, const char *s, size_t field)
{
    char buf[1024];

    if (field > sizeof(buf))
        return -XEN_EINVAL;
    memset(buf, 0, field);
    strlcpy(buf, s, field);
    return copy_to_guest(v, la, buf, field) ? -XEN_EFAULT : 0;
}

long do_xen_version(struct vcpu *v, uint64_t arg[6])
{
    uint64_t cmd = arg[0], la = arg[1];

    switch (cmd) {
    case XENVER_version:
        return (TESSERA_XEN_MAJOR << 16) | TESSERA_XEN_MINOR;
    case XENVER_extraversion:
        return put_string(v, la, "-tessera", sizeof(xen_extraversion_t));
    case XENVER_capabilities:
        return put_string(v, la, "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64",
                          sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return put_string(v, la, "tessera", sizeof(xen_changeset_info_t));
    case XENVER_compile_info: {
        struct xen_compile_info info;
        memset(&info, 0, sizeof(info));
        strlcpy(info.compiler, "gcc", sizeof(info.compiler));
        strlcpy(info.compile_by, "tessera", sizeof(info.compile_by));
        strlcpy(info.compile_domain, "tessera", sizeof(info.compile_domain));
        strlcpy(info.compile_date, __DATE__, sizeof(info.compile_date));
        return copy_to_guest_obj(v, la, &info) ? -XEN_EFAULT : 0;
    }
    case XENVER_get_features: {
        struct xen_feature_info fi;
        if (copy_from_guest_obj(v, &fi, la))
            return -XEN_EFAULT;
        /* PVH: the guest's physical addresses are translated by the
         * hypervisor's second-stage tables; its TSC is the host's, so the
         * PV clock (vcpu_time_info) may be used (pv_time.c); events come
         * through the HVM_PARAM_CALLBACK_IRQ vector (hvm/intr.c). The
         * control domain is told so (XENFEAT_dom0); never hvm_pirqs, or
         * Linux would route its devices' interrupts through pirqs, which
         * Tessera does not have (abi-pvh-dom0.md 1.8). */
        fi.submap = 0;
        if (fi.submap_idx == 0)
            fi.submap = (1u << XENFEAT_auto_translated_physmap) |
                        (1u << XENFEAT_hvm_safe_pvclock) | (1u << XENFEAT_hvm_callback_vector) |
                        (v->domain->is_hardware ? 1u << XENFEAT_dom0 : 0);
        return copy_to_guest_obj(v, la, &fi) ? -XEN_EFAULT : 0;
    }
    case XENVER_pagesize:
        return PAGE_SIZE;
    case XENVER_guest_handle: {
        xen_domain_handle_t handle;
        memset(handle, 0, sizeof(handle));
        return copy_to_guest_obj(v, la, &handle) ? -XEN_EFAULT : 0;
    }
    case XENVER_commandline:
    case XENVER_build_id:
        return -XEN_EPERM;      /* the hypervisor's own, not for guests */
    }
    return -XEN_ENOSYS;
}
