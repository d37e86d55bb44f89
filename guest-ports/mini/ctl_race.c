/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Two control-domain vCPUs calling the control hypercalls at once
 * (tests_ctl.c's race, docs/control.md "Concurrency"): while vCPU 0
 * creates and destroys domains, vCPU 1 keeps looking at the one of the
 * moment (getinfo, pause, unpause, the domain list), stages and frees its
 * own images, and tries to create a domain under the name vCPU 0 is about
 * to use. Every answer must be one the interface allows for a domain that
 * may vanish under the call; none may hang or crash anything.
 */
#include <public/tessera/ctl.h>
#include <public/xen/errno.h>
#include <public/xen/sched.h>
#include "hypercall.h"
#include "mini.h"

static struct tess_domctl op;
static struct tess_sysctl sop;
static struct tess_dominfo list[8];
static uint8_t buf[PAGE_SIZE];
static uint8_t stack[STACK_SIZE] __attribute__((aligned(16)));
static volatile uint32_t target;
static volatile char next_name[16];
static volatile bool stop, stopped;
static volatile unsigned long calls, bad, domain_seen;
static volatile long bad_rc;
static volatile uint32_t bad_cmd;

static long call(uint32_t cmd, uint32_t domid)
{
    op.cmd = cmd;
    op.interface_version = TESS_CTL_INTERFACE_VERSION;
    op.domid = domid;
    return HYPERCALL(__HYPERVISOR_tess_domctl, &op, 0, 0);
}

static void note(uint32_t cmd, long rc, bool ok)
{
    calls++;
    if (!ok) {
        bad++;
        bad_rc = rc;
        bad_cmd = cmd;
    }
}

/* May vanish under the call: -ESRCH; may be mid-build: -EBUSY. */
static void on_target(uint32_t id)
{
    long rc = call(TESS_DOMCTL_getinfo, id);

    note(TESS_DOMCTL_getinfo, rc, rc == 0 || rc == -XEN_ESRCH);
    domain_seen += rc == 0 && op.u.getinfo.domid == id;
    rc = call(TESS_DOMCTL_pause, id);
    note(TESS_DOMCTL_pause, rc, rc == 0 || rc == -XEN_ESRCH || rc == -XEN_EBUSY);
    rc = call(TESS_DOMCTL_unpause, id);
    note(TESS_DOMCTL_unpause, rc, rc == 0 || rc == -XEN_ESRCH || rc == -XEN_EBUSY);
}

static void own_stage(void)
{
    memset(&op, 0, sizeof(op));
    op.u.stage_alloc.kernel_size = sizeof(buf);
    long rc = call(TESS_DOMCTL_stage_alloc, 0);
    uint32_t h = op.u.stage_alloc.stage;
    note(TESS_DOMCTL_stage_alloc, rc, rc == 0);
    if (rc)
        return;
    memset(&op, 0, sizeof(op));
    op.u.stage_write = (struct tess_stage_write){ .stage = h, .len = sizeof(buf),
                                                  .buffer = (uintptr_t)buf };
    rc = call(TESS_DOMCTL_stage_write, 0);
    note(TESS_DOMCTL_stage_write, rc, rc == 0);
    /* Junk under vCPU 0's next name: taken (-EEXIST) or not a kernel;
     * while this create holds the name, vCPU 0's gets -EEXIST. */
    memset(&op, 0, sizeof(op));
    op.u.create = (struct tess_create){ .stage = h, .mem_bytes = 32ul << 20, .nr_vcpus = 1 };
    for (unsigned int i = 0; i < sizeof(next_name) && next_name[i]; i++)
        op.u.create.name[i] = next_name[i];
    rc = call(TESS_DOMCTL_create, 0);
    note(TESS_DOMCTL_create, rc, rc == -XEN_EEXIST || rc == -XEN_EINVAL || rc == -XEN_ENOEXEC);
}

void ctl_race_vcpu(void);
void ctl_race_vcpu(void)
{
    memset(buf, 0x33, sizeof(buf));
    while (!stop) {
        uint32_t id = target;
        if (id)
            on_target(id);
        sop = (struct tess_sysctl){ .cmd = TESS_SYSCTL_domain_list,
                                    .interface_version = TESS_CTL_INTERFACE_VERSION };
        sop.u.domain_list = (struct tess_domain_list){ .max = 8, .buffer = (uintptr_t)list };
        long rc = HYPERCALL(__HYPERVISOR_tess_sysctl, &sop, 0, 0);
        note(TESS_SYSCTL_domain_list | 0x100, rc, rc == 0 && sop.u.domain_list.nr >= 1);
        own_stage();
    }
    stopped = true;
    for (;;)
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
}

__asm__(".pushsection .text\n"
        "ctl_race_entry:\n"
        "    call ctl_race_vcpu\n"
        "    ud2\n"
        ".popsection\n");

bool ctl_race_start(void)
{
    extern const char ctl_race_entry[];

    return mini_start_vcpu(1, ctl_race_entry, stack + STACK_SIZE) == 0;
}

void ctl_race_target(uint32_t domid, const char *next)
{
    size_t n = MIN(strlen(next), sizeof(next_name) - 1);

    for (size_t i = 0; i < sizeof(next_name); i++)
        next_name[i] = i < n ? next[i] : '\0';
    target = domid;
}

void ctl_race_stop(void)
{
    uint64_t end = rdtsc() + tsc_khz() * 10000;

    stop = true;
    while (!stopped && rdtsc() < end)
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    CHECK("ctl.race_second_vcpu", stopped && calls > 100 && !bad && domain_seen > 0,
          "stopped %d, %lu calls, %lu bad (last: cmd %u rc %ld), saw the domain %lu times",
          stopped, calls, bad, bad_cmd, bad_rc, domain_seen);
    printf("mini: ctl race: %lu calls from vCPU 1, domain seen %lu times\n", calls,
           domain_seen);
}
