/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The table of emulated I/O port runs (asm/hvm_ioport.h). Ranges are added
 * while the domain is built or by its own vCPUs' device models, and read
 * without a lock by any of its vCPUs: entries are written before the count
 * that publishes them.
 */
#include <asm/dom0_io.h>
#include <asm/hvm_ioport.h>
#include <tessera/domain.h>
#include <tessera/errno.h>

int hvm_ioport_register(struct domain *d, uint16_t port, unsigned int count,
                        const struct hvm_ioport_ops *ops)
{
    struct arch_domain *a = &d->arch;

    if (!count || port + count > 0x10000 || !ops || !ops->read || !ops->write)
        return -EINVAL;
    for (unsigned int i = 0; i < a->nr_ioports; i++)
        if (port < a->ioports[i].port + a->ioports[i].count &&
            a->ioports[i].port < port + count)
            return -EINVAL;
    if (a->nr_ioports == HVM_IOPORT_MAX_RANGES)
        return -ENOSPC;
    a->ioports[a->nr_ioports] =
        (struct hvm_ioport_range){ .port = port, .count = (uint16_t)count, .ops = ops };
    dom0_io_trap(d, port, count);       /* a claimed port exits, even for dom0 */
    __atomic_store_n(&a->nr_ioports, a->nr_ioports + 1, __ATOMIC_RELEASE);
    return 0;
}

const struct hvm_ioport_range *hvm_ioport_find(struct domain *d, uint16_t port)
{
    unsigned int n = __atomic_load_n(&d->arch.nr_ioports, __ATOMIC_ACQUIRE);

    for (unsigned int i = 0; i < n; i++)
        if (port >= d->arch.ioports[i].port &&
            port - d->arch.ioports[i].port < d->arch.ioports[i].count)
            return &d->arch.ioports[i];
    return NULL;
}
