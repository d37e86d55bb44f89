/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * shared_info and vcpu_info placement (XENMEM_add_to_physmap,
 * VCPUOP_register_vcpu_info) and the event-channel upcall through the
 * HVM_PARAM_CALLBACK_IRQ vector: delivered only with interrupts enabled,
 * again whenever evtchn_upcall_pending is set at an entry, and waking a
 * SCHEDOP_block at once. Runs on vCPU 0.
 */
#include <public/xen/errno.h>
#include <public/xen/hvm/hvm_op.h>
#include <public/xen/hvm/params.h>
#include <public/xen/memory.h>
#include <public/xen/sched.h>
#include <public/xen/vcpu.h>
#include <public/xen/version.h>
#include <public/xen/xen.h>
#include "hypercall.h"
#include "mini.h"

#define UPCALL_VECTOR   0xf3

static uint8_t shinfo_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t vcpu_info_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct vcpu_info *volatile my_vcpu_info;
static volatile unsigned int upcalls;
static void (*volatile extra_handler)(void);

static void upcall(unsigned int vector)
{
    (void)vector;
    upcalls++;
    my_vcpu_info->evtchn_upcall_pending = 0;
    if (extra_handler)
        extra_handler();
}

static long add_to_physmap(uint16_t domid, uint32_t space, uint64_t idx, uint64_t gpfn)
{
    struct xen_add_to_physmap x = { .domid = domid, .space = space, .idx = idx, .gpfn = gpfn };
    return HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x, 0);
}

static long register_vcpu_info(unsigned int vcpu, uint64_t gfn, uint32_t offset)
{
    struct vcpu_register_vcpu_info r = { .mfn = gfn, .offset = offset };
    return HYPERCALL(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, vcpu, &r);
}

static long set_callback(uint64_t via)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
                               .value = via };
    return HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_set_param, &p, 0);
}

/* A few VM exits and entries, with whatever RFLAGS.IF is. */
static void some_exits(void)
{
    for (int i = 0; i < 3; i++)
        HYPERCALL(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
}

static void test_shared_info(struct shared_info *sh)
{
    uint64_t gfn = (uintptr_t)shinfo_page / PAGE_SIZE;
    long rc;

    memset(shinfo_page, 0xaa, sizeof(shinfo_page));
    rc = add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, gfn);
    /* The RAM page is gone from that gfn: the hypervisor's zeroed page is there. */
    CHECK("physmap.shared_info", rc == 0 && sh->evtchn_mask[5] == 0 &&
          sh->vcpu_info[0].evtchn_upcall_pending == 0, "rc %ld mask word %#lx", rc,
          (unsigned long)sh->evtchn_mask[5]);
    rc = add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, gfn);
    CHECK("physmap.shared_info_again", rc == 0, "rc %ld", rc);

    struct { const char *name; uint16_t domid; uint32_t space; uint64_t idx, gpfn; long want; }
    bad[] = {
        { "physmap.bad_idx", DOMID_SELF, XENMAPSPACE_shared_info, 1, gfn, -XEN_EINVAL },
        { "physmap.bad_space", DOMID_SELF, 99, 0, gfn, -XEN_EINVAL },
        { "physmap.gmfn_unsupported", DOMID_SELF, XENMAPSPACE_gmfn, 0, gfn, -XEN_ENOSYS },
        { "physmap.gpfn_too_wide", DOMID_SELF, XENMAPSPACE_shared_info, 0, 1ull << 40,
          -XEN_EINVAL },
        { "physmap.gpfn_all_ones", DOMID_SELF, XENMAPSPACE_shared_info, 0, ~0ull,
          -XEN_EINVAL },
        { "physmap.no_such_domain", 0x7fe0, XENMAPSPACE_shared_info, 0, gfn, -XEN_ESRCH },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        rc = add_to_physmap(bad[i].domid, bad[i].space, bad[i].idx, bad[i].gpfn);
        CHECK(bad[i].name, rc == bad[i].want, "rc %ld", rc);
    }
    rc = HYPERCALL(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, ram_hole(), 0);
    CHECK("physmap.arg_in_hole", rc == -XEN_EFAULT, "rc %ld", rc);
}

static void test_register_vcpu_info(struct shared_info *sh)
{
    uint64_t gfn = (uintptr_t)vcpu_info_page / PAGE_SIZE;
    struct vcpu_info *vi = (struct vcpu_info *)(vcpu_info_page + 64);
    long rc;

    rc = register_vcpu_info(0, gfn, PAGE_SIZE - sizeof(*vi) + 1);
    CHECK("vcpu_info.straddles_page", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = register_vcpu_info(0, ram_hole() / PAGE_SIZE, 0);
    CHECK("vcpu_info.not_ram", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = register_vcpu_info(0, (uintptr_t)shinfo_page / PAGE_SIZE, 0);
    CHECK("vcpu_info.on_shared_info", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = register_vcpu_info(0, 1ull << 50, 0);
    CHECK("vcpu_info.gfn_too_wide", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = register_vcpu_info(nr_vcpus, gfn, 64);
    CHECK("vcpu_info.no_such_vcpu", rc == -XEN_ENOENT, "rc %ld", rc);

    /* What the old one held moves along, and every event is marked. */
    sh->vcpu_info[0].arch.cr2 = 0x5a5a5a5a;
    irq_disable();
    rc = register_vcpu_info(0, gfn, 64);
    my_vcpu_info = vi;
    CHECK("vcpu_info.register", rc == 0 && vi->arch.cr2 == 0x5a5a5a5a &&
          vi->evtchn_pending_sel == ~0ul && vi->evtchn_upcall_pending == 1,
          "rc %ld cr2 %#lx sel %#lx pending %u", rc, (unsigned long)vi->arch.cr2,
          (unsigned long)vi->evtchn_pending_sel, vi->evtchn_upcall_pending);
    rc = register_vcpu_info(0, gfn, 128);
    CHECK("vcpu_info.only_once", rc == -XEN_EINVAL, "rc %ld", rc);
}

static void test_upcall(void)
{
    long rc;

    /* Interrupts are off: the pending upcall left by the registration waits. */
    irq_set_handler(UPCALL_VECTOR, upcall);
    rc = set_callback(((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | UPCALL_VECTOR);
    some_exits();
    CHECK("upcall.waits_for_if", rc == 0 && upcalls == 0, "rc %ld upcalls %u", rc, upcalls);
    irq_enable();
    __asm__ volatile("nop");
    CHECK("upcall.delivered_on_sti", upcalls == 1 && my_vcpu_info->evtchn_upcall_pending == 0,
          "upcalls %u pending %u", upcalls, my_vcpu_info->evtchn_upcall_pending);

    /* Level-like: set again, it is delivered at the next entry. */
    my_vcpu_info->evtchn_upcall_pending = 1;
    some_exits();
    CHECK("upcall.redelivered", upcalls == 2, "upcalls %u", upcalls);

    /* SCHEDOP_block with an upcall pending returns at once. */
    irq_disable();
    my_vcpu_info->evtchn_upcall_mask = 1;
    my_vcpu_info->evtchn_upcall_pending = 1;
    rc = HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
    CHECK("upcall.block_returns_when_pending",
          rc == 0 && upcalls == 2 && my_vcpu_info->evtchn_upcall_mask == 0,
          "rc %ld upcalls %u mask %u", rc, upcalls, my_vcpu_info->evtchn_upcall_mask);
    irq_enable();
    __asm__ volatile("nop");
    CHECK("upcall.after_block", upcalls == 3, "upcalls %u", upcalls);

    irq_disable();
    rc = set_callback(0);
    my_vcpu_info->evtchn_upcall_pending = 1;
    some_exits();
    irq_enable();
    some_exits();
    CHECK("upcall.off", rc == 0 && upcalls == 3, "rc %ld upcalls %u", rc, upcalls);
    my_vcpu_info->evtchn_upcall_pending = 0;
}

/* For later tests (tests_pvtime.c): where this left them. */
struct shared_info *upcall_shared_info(void)
{
    return (struct shared_info *)shinfo_page;
}

struct vcpu_info *upcall_vcpu_info(void)
{
    return my_vcpu_info;
}

void upcall_set_handler(void (*fn)(void))
{
    extra_handler = fn;
}

/* VCPUOP_register_runstate_memory_area / get_runstate_info (Linux's steal
 * clock): the area is filled at once and kept up to date. */
static struct vcpu_runstate_info runstate_area __attribute__((aligned(64)));
static uint8_t runstate_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static long register_runstate(unsigned int vcpu, uint64_t addr)
{
    struct vcpu_register_runstate_memory_area a = { .addr.p = addr };
    return HYPERCALL(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, vcpu, &a);
}

static void test_runstate(void)
{
    struct vcpu_runstate_info got;
    long rc = register_runstate(0, (uintptr_t)&runstate_area);

    for (int i = 0; i < 3; i++)
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    CHECK("runstate.register", rc == 0 && runstate_area.state == RUNSTATE_running &&
          runstate_area.state_entry_time > 0,
          "rc %ld state %d entry %lu", rc, runstate_area.state,
          (unsigned long)runstate_area.state_entry_time);
    /* The area moves on whenever this vCPU leaves its CPU and comes back:
     * compare with what it said before the call, not after. */
    uint64_t before = runstate_area.state_entry_time;
    rc = HYPERCALL(__HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 0, &got);
    CHECK("runstate.get", rc == 0 && got.state == RUNSTATE_running &&
          got.state_entry_time >= before, "rc %ld state %d entry %lu before %lu", rc,
          got.state, (unsigned long)got.state_entry_time, (unsigned long)before);
    rc = register_runstate(0, (uintptr_t)runstate_page + PAGE_SIZE - 8);
    CHECK("runstate.straddles_page", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = register_runstate(0, ram_hole());
    CHECK("runstate.not_ram", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = register_runstate(0, 0x8000000000000000ull);
    CHECK("runstate.non_canonical", rc == -XEN_EFAULT, "rc %ld", rc);
    rc = register_runstate(nr_vcpus, (uintptr_t)&runstate_area);
    CHECK("runstate.no_such_vcpu", rc == -XEN_ENOENT, "rc %ld", rc);
    rc = register_runstate(0, 0);
    CHECK("runstate.unregister", rc == 0, "rc %ld", rc);
}

void tests_upcall(void)
{
    struct shared_info *sh = (struct shared_info *)shinfo_page;

    test_shared_info(sh);
    test_register_vcpu_info(sh);
    test_upcall();
    test_runstate();
}
