/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vCPU run states (public/vcpu.h struct vcpu_runstate_info): time spent
 * running, runnable, blocked and offline, which Linux reads for its steal
 * clock. The run loop calls runstate_set() when a vCPU is picked and when
 * it leaves its CPU.
 *
 * A PVH guest registers its area by guest-linear address. It is
 * translated once, when registered, through the caller's page tables
 * (Linux passes a per-CPU variable of its direct map, whose mapping does
 * not change); later updates write that guest-physical address from any
 * CPU. Xen instead translates at every update in the vCPU's own context.
 * The area must lie in one page of the domain's RAM.
 */
#include <tessera/p2m.h>
#include <public/xen/errno.h>
#include <public/xen/vcpu.h>
#include <tessera/domain.h>
#include <tessera/guest_mem.h>
#include <tessera/time.h>

void runstate_set(struct vcpu *v, int state)
{
    struct vcpu_runstate_info *r = &v->runstate;
    uint64_t now = time_now_ns();

    if (r->state >= RUNSTATE_running && r->state <= RUNSTATE_offline && r->state_entry_time)
        r->time[r->state] += now - r->state_entry_time;
    r->state = state;
    r->state_entry_time = now;
    if (v->runstate_gpa)
        copy_to_gpa(v->domain, v->runstate_gpa, r, sizeof(*r));
}

long runstate_register(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
    struct vcpu_register_runstate_memory_area area;
    uint64_t gpa;
    enum p2m_type type;

    if (copy_from_guest_obj(v, &area, arg))
        return -XEN_EFAULT;
    if (!area.addr.p) {
        t->runstate_gpa = 0;
        return 0;
    }
    if ((area.addr.p & (PAGE_SIZE - 1)) > PAGE_SIZE - sizeof(struct vcpu_runstate_info))
        return -XEN_EINVAL;
    if (guest_linear_to_gpa(v, area.addr.p, true, &gpa))
        return -XEN_EFAULT;
    if (p2m_lookup(v->domain->p2m, gpa >> PAGE_SHIFT, NULL, &type, NULL) || type != P2M_RAM_RW)
        return -XEN_EINVAL;
    t->runstate_gpa = gpa;
    return copy_to_gpa(t->domain, gpa, &t->runstate, sizeof(t->runstate)) ? -XEN_EFAULT : 0;
}
