/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * __HYPERVISOR_tess_sysctl (public/tessera/ctl.h): the machine, the live
 * domains and the CPU pools as the control domain's toolstack reads them.
 * Only the control domain may call it, with this interface version.
 */
#include <asm/percpu.h>
#include <public/xen/errno.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/event.h>
#include <tessera/guest_mem.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>
#include <tessera/page_alloc.h>
#include <tessera/sched.h>
#include <tessera/time.h>
#include "private.h"

#define DOMAIN_LIST_MAX     1024
#define POOL_LIST_MAX       64

_Static_assert(TESS_CONSOLE_HISTORY == CONSOLE_HISTORY, "ctl.h's history is the console's");
_Static_assert(offsetof(struct tess_sysctl, interface_version) == 4 &&
               offsetof(struct tess_domctl, interface_version) == 4, "ctl.h's layout");

long ctl_copy_op(struct vcpu *v, uint64_t la, void *op, size_t size)
{
    uint32_t head[2];

    if (!v->domain->is_hardware)
        return -XEN_EPERM;
    if (copy_from_guest(v, op, la, size))
        return -XEN_EFAULT;
    memcpy(head, op, sizeof(head));
    return head[1] == TESS_CTL_INTERFACE_VERSION ? 0 : -XEN_EACCES;
}

void ctl_dominfo(const struct domain *d, struct tess_dominfo *out)
{
    uint64_t now = time_now_ns();
    enum domain_state state = d->state;

    memset(out, 0, sizeof(*out));
    out->domid = d->id;
    out->flags = (state == DOM_RUNNING ? TESS_DOMINF_running : 0) |
                 (d->paused ? TESS_DOMINF_paused : 0) |
                 (state == DOM_DYING || state == DOM_DEAD ? TESS_DOMINF_dying : 0) |
                 (d->is_hardware ? TESS_DOMINF_hardware : 0) |
                 (d->boot_index >= 0 ? TESS_DOMINF_boot : 0) |
                 (d->kept ? TESS_DOMINF_shutdown : 0);
    out->end_reason = out->flags & TESS_DOMINF_dying ? (uint32_t)d->end_reason : 0;
    out->nr_vcpus = d->nr_vcpus;
    out->mem_pages = d->mem_bytes >> PAGE_SHIFT;
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        out->cpu_time_ns += sched_unit_runtime(&d->vcpus[i]->unit, now);
    strlcpy(out->name, d->name, sizeof(out->name));
    strlcpy(out->pool, sched_pool_name(d->pool), sizeof(out->pool));
}

void ctl_mask_to_words(const cpumask_t *m, uint64_t *words)
{
    for (unsigned int c = 0; c < TESS_CPU_WORDS * 64 && c < CPUMASK_BITS; c++)
        if (cpumask_test(c, m))
            words[c / 64] |= 1ull << (c % 64);
}

static void physinfo(struct tess_physinfo *p)
{
    memset(p, 0, sizeof(*p));
    for (unsigned int c = 0; c < MAX_CPUS && c < TESS_CPU_WORDS * 64; c++)
        if (cpus[c].online) {
            p->nr_cpus++;
            p->max_cpu_id = c;
            p->online_cpus[c / 64] |= 1ull << (c % 64);
        }
    p->total_pages = page_alloc_total_pages();
    p->free_pages = page_alloc_free_pages();
    p->cpu_khz = time_tsc_khz();
    for (struct domain *d = domain_first_live(); d; d = domain_next_live(d))
        p->evtchn_ports += evtchn_ports_bound(d);
}

/* Entry by entry, ordered by domid: each domain is looked up afresh after
 * the last one copied, so one that ends meanwhile is just not listed. */
static long domain_list(struct vcpu *v, struct tess_domain_list *l)
{
    uint32_t from = l->first_domid;
    struct tess_dominfo info;
    struct domain *d;

    l->nr = 0;
    if (l->max > DOMAIN_LIST_MAX)
        return -XEN_EINVAL;
    while (l->nr < l->max && (d = domain_next(from))) {
        ctl_dominfo(d, &info);
        if (copy_to_guest_obj(v, l->buffer + (uint64_t)l->nr * sizeof(info), &info))
            return -XEN_EFAULT;
        l->nr++;
        from = d->id + 1u;
    }
    return 0;
}

static unsigned int pool_domains(const struct sched_pool *p)
{
    unsigned int n = 0;

    for (struct domain *d = domain_first_live(); d; d = domain_next_live(d))
        n += d->pool == p;
    return n;
}

static long pool_list(struct vcpu *v, struct tess_pool_list *l)
{
    struct tess_poolinfo info;

    l->nr = 0;
    if (l->max > POOL_LIST_MAX)
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < SCHED_MAX_POOLS && l->nr < l->max; i++) {
        struct sched_pool *p = sched_pool_at(i);
        cpumask_t mask;
        if (!p)
            continue;
        memset(&info, 0, sizeof(info));
        info.pool_id = i;
        info.dedicated = sched_pool_kind(p) == SCHED_DEDICATED;
        info.nr_domains = pool_domains(p);
        sched_pool_cpus(p, &mask);
        ctl_mask_to_words(&mask, info.cpus);
        strlcpy(info.name, sched_pool_name(p), sizeof(info.name));
        if (copy_to_guest_obj(v, l->buffer + (uint64_t)l->nr * sizeof(info), &info))
            return -XEN_EFAULT;
        l->nr++;
    }
    return 0;
}

/* In chunks, each taken under the history's lock and copied after; stops
 * early where the history moved past the next byte meanwhile. */
static long console_read(struct vcpu *v, struct tess_console_read *r)
{
    char chunk[256];
    uint64_t at = r->offset;

    r->len = 0;
    if (r->size > TESS_CONSOLE_HISTORY)
        return -XEN_EINVAL;
    console_history_read(&at, chunk, 0, &r->end);
    r->first = at;
    while (r->len < r->size) {
        uint64_t from = at;
        size_t n = console_history_read(&from, chunk, MIN(sizeof(chunk), r->size - r->len),
                                        &r->end);
        if (!n || from != at)
            break;
        if (copy_to_guest(v, r->buffer + r->len, chunk, n))
            return -XEN_EFAULT;
        r->len += (uint32_t)n;
        at += n;
    }
    return 0;
}

long do_tess_sysctl(struct vcpu *v, uint64_t arg[6])
{
    struct tess_sysctl op;
    long rc;

    rc = ctl_copy_op(v, arg[0], &op, sizeof(op));
    if (rc)
        return rc;
    switch (op.cmd) {
    case TESS_SYSCTL_physinfo:
        physinfo(&op.u.physinfo);
        break;
    case TESS_SYSCTL_domain_list:
        rc = domain_list(v, &op.u.domain_list);
        break;
    case TESS_SYSCTL_pool_list:
        rc = pool_list(v, &op.u.pool_list);
        break;
    case TESS_SYSCTL_pool_create:
        return ctl_pool_create(&op.u.pool_op);
    case TESS_SYSCTL_pool_destroy:
        return ctl_pool_destroy(&op.u.pool_op);
    case TESS_SYSCTL_pool_cpu_add:
        return ctl_pool_cpu_add(&op.u.pool_op);
    case TESS_SYSCTL_pool_cpu_remove:
        return ctl_pool_cpu_remove(&op.u.pool_op);
    case TESS_SYSCTL_console_read:
        rc = console_read(v, &op.u.console_read);
        break;
    default:
        return -XEN_ENOSYS;
    }
    /* The counts go back even after a fault, so the caller sees how far
     * it got. */
    if (copy_to_guest_obj(v, arg[0], &op))
        return -XEN_EFAULT;
    return rc;
}
