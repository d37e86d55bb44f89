/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The x86 part of creating and freeing domains and vCPUs (tessera/arch.h):
 * the p2m in the backend's format, the emulated local APIC, the FPU area
 * and the backend's own per-vCPU state.
 */
#include "backend.h"
#include <asm/dom0_io.h>
#include <asm/p2m.h>
#include <asm/vioapic.h>
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/heap.h>
#include <tessera/lib.h>

int arch_domain_create(struct domain *d)
{
    int rc;

    if (!hvm)
        return -ENODEV;
    d->p2m = p2m_create(hvm->p2m_format);
    if (!d->p2m)
        return -ENOMEM;
    if (hvm->p2m_max_order)
        p2m_set_max_order(d->p2m, hvm->p2m_max_order());
    if (p2m_set_budget(d->p2m, &d->budget))
        return -ENOMEM;
    if (d->is_hardware) {
        rc = dom0_io_domain_init(d);
        if (rc)
            return rc;
    }
    rc = vlapic_domain_init(d);
    return rc ? rc : vioapic_domain_init(d);
}

void arch_domain_destroy(struct domain *d)
{
    vioapic_domain_destroy(d);
    dom0_io_domain_destroy(d);
    if (d->p2m)
        p2m_destroy(d->p2m);
    d->p2m = NULL;
}

/* The x87/SSE state after FNINIT and reset (SDM vol. 1 8.1.5, 10.2.3). */
static void fpu_reset(struct fpu_area *f)
{
    memset(f, 0, sizeof(*f));
    f->bytes[0] = 0x7f;             /* FCW = 0x037f */
    f->bytes[1] = 0x03;
    f->bytes[24] = 0x80;            /* MXCSR = 0x1f80 */
    f->bytes[25] = 0x1f;
}

int arch_vcpu_create(struct vcpu *v)
{
    int rc;

    v->arch.lapic_vec_offered = -1;
    v->arch.fpu = xmalloc_aligned(sizeof(*v->arch.fpu), 16);
    if (!v->arch.fpu)
        return -ENOMEM;
    fpu_reset(v->arch.fpu);
    vlapic_vcpu_init(v);
    rc = hvm->vcpu_init(v);
    if (rc) {
        vlapic_vcpu_destroy(v);
        xfree(v->arch.fpu);
    }
    return rc;
}

void arch_vcpu_destroy(struct vcpu *v)
{
    vlapic_vcpu_destroy(v);
    hvm->vcpu_destroy(v);
    xfree(v->arch.fpu);
}
