/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tessera's control hypercalls (public/tessera/ctl.h, docs/control.md)
 * from mini: refused to a domU (tests_ctl_refused, in the suite), and the
 * whole toolstack path as dom0 (mini.ctl=create on mini-dom0.elf, whose
 * initrd module is a copy of mini.elf): stage it in chunks, create domUs
 * from it, list, pause, unpause, shut down and destroy them, and every
 * hostile argument refused with nothing leaked. mini.ctl=bench times
 * creates (tests/bench/ctl_create.py).
 */
#include <public/tessera/ctl.h>
#include <public/xen/errno.h>
#include <public/xen/sched.h>
#include "hypercall.h"
#include "mini.h"

#define CHUNK           (64u << 10)     /* stage_write size: several chunks */
#define BAD_ADDR        0x140000000ul   /* 5 GiB: a hole in dom0's memory map */
#define NONCANONICAL    0x8000000000000000ul
#define MISSING_DOMID   0x7fee
#define WAIT_SECONDS    240

static struct tess_sysctl sop;
static struct tess_domctl dop;
static struct tess_dominfo infos[8];
static uint8_t junk[2 * PAGE_SIZE];

static long sysctl(uint32_t cmd, uint32_t version)
{
    sop.cmd = cmd;
    sop.interface_version = version;
    return HYPERCALL(__HYPERVISOR_tess_sysctl, &sop, 0, 0);
}

static long domctl(uint32_t cmd, uint32_t domid)
{
    dop.cmd = cmd;
    dop.interface_version = TESS_CTL_INTERFACE_VERSION;
    dop.domid = domid;
    return HYPERCALL(__HYPERVISOR_tess_domctl, &dop, 0, 0);
}

static void expect(const char *name, long rc, long want)
{
    CHECK(name, rc == want, "rc %ld, not %ld", rc, want);
}

/* ---- a domU ---- */

void tests_ctl_refused(void)
{
    memset(&sop, 0, sizeof(sop));
    expect("domu.tess_sysctl_refused",
           sysctl(TESS_SYSCTL_physinfo, TESS_CTL_INTERFACE_VERSION), -XEN_EPERM);
    expect("domu.tess_sysctl_bad_version_refused", sysctl(TESS_SYSCTL_physinfo, 0x12), -XEN_EPERM);
    memset(&dop, 0, sizeof(dop));
    dop.u.stage_alloc.kernel_size = PAGE_SIZE;
    expect("domu.tess_domctl_refused", domctl(TESS_DOMCTL_stage_alloc, 0), -XEN_EPERM);
    expect("domu.tess_domctl_destroy_dom0_refused", domctl(TESS_DOMCTL_destroy, 0), -XEN_EPERM);
    expect("domu.tess_domctl_bad_pointer_refused",
           HYPERCALL(__HYPERVISOR_tess_domctl, NONCANONICAL, 0, 0), -XEN_EPERM);
}

/* ---- dom0 ---- */

uint64_t ctl_ms_since(uint64_t tsc)
{
    return tsc_to_ns(rdtsc() - tsc) / 1000000;
}

void ctl_yield(void)
{
    HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
}

static uint64_t free_pages(void)
{
    memset(&sop, 0, sizeof(sop));
    return sysctl(TESS_SYSCTL_physinfo, TESS_CTL_INTERFACE_VERSION) ? 0
                                                                  : sop.u.physinfo.free_pages;
}

static long getinfo(uint32_t domid, struct tess_dominfo *out)
{
    long rc = domctl(TESS_DOMCTL_getinfo, domid);

    *out = dop.u.getinfo;
    return rc;
}

static long stage_alloc(uint64_t kernel, uint64_t initrd, uint32_t *handle)
{
    memset(&dop, 0, sizeof(dop));
    dop.u.stage_alloc.kernel_size = kernel;
    dop.u.stage_alloc.initrd_size = initrd;
    long rc = domctl(TESS_DOMCTL_stage_alloc, 0);
    *handle = dop.u.stage_alloc.stage;
    return rc;
}

static long stage_write(uint32_t handle, uint32_t which, uint64_t offset, uint64_t len,
                        uint64_t buffer)
{
    memset(&dop, 0, sizeof(dop));
    dop.u.stage_write = (struct tess_stage_write){ .stage = handle, .which = which,
                                                   .offset = offset, .len = len,
                                                   .buffer = buffer };
    return domctl(TESS_DOMCTL_stage_write, 0);
}

static long stage_free(uint32_t handle)
{
    memset(&dop, 0, sizeof(dop));
    dop.u.stage_free = handle;
    return domctl(TESS_DOMCTL_stage_free, 0);
}

/* The image in chunks: the last one first, then the rest in order (the
 * hypervisor keeps the pieces apart until they meet). */
long ctl_stage_upload(const uint8_t *img, uint64_t size, uint32_t *handle)
{
    uint64_t last = size > CHUNK ? (size - 1) / CHUNK * CHUNK : 0;
    long rc = stage_alloc(size, 0, handle);

    if (!rc)
        rc = stage_write(*handle, TESS_STAGE_KERNEL, last, size - last,
                         (uintptr_t)img + last);
    for (uint64_t off = 0; off < last && !rc; off += CHUNK)
        rc = stage_write(*handle, TESS_STAGE_KERNEL, off, CHUNK, (uintptr_t)img + off);
    return rc;
}

long ctl_create(uint32_t stage, const char *name, uint64_t mem, uint32_t vcpus,
                   const char *pool, const char *cmdline, uint32_t flags, uint32_t *domid)
{
    memset(&dop, 0, sizeof(dop));
    dop.u.create.stage = stage;
    dop.u.create.flags = flags;
    dop.u.create.mem_bytes = mem;
    dop.u.create.nr_vcpus = vcpus;
    memcpy(dop.u.create.name, name, MIN(strlen(name) + 1, sizeof(dop.u.create.name)));
    memcpy(dop.u.create.pool, pool, strlen(pool) + 1);
    memcpy(dop.u.create.cmdline, cmdline, strlen(cmdline) + 1);
    long rc = domctl(TESS_DOMCTL_create, 0);
    *domid = dop.u.create.domid;
    return rc;
}

/* A small fully written stage of junk, for creates refused before the
 * image is looked at. */
static uint32_t junk_stage(void)
{
    uint32_t h = 0;

    memset(junk, 0x5a, sizeof(junk));
    if (stage_alloc(sizeof(junk), 0, &h) ||
        stage_write(h, TESS_STAGE_KERNEL, 0, sizeof(junk), (uintptr_t)junk))
        return 0;
    return h;
}

bool ctl_wait_gone(uint32_t domid)
{
    struct tess_dominfo info;
    uint64_t t0 = rdtsc();

    while (getinfo(domid, &info) == 0 && ctl_ms_since(t0) < WAIT_SECONDS * 1000ul)
        ctl_yield();
    return getinfo(domid, &info) == -XEN_ESRCH;
}

/* Free memory back to want (a dead domain's is freed once every CPU has
 * moved on): the count it came back to. */
uint64_t ctl_wait_free(uint64_t want)
{
    uint64_t t0 = rdtsc(), now;

    while ((now = free_pages()) != want && ctl_ms_since(t0) < 5000)
        ctl_yield();
    return now;
}

/* Once what ended before has been freed (nothing changes for 200 ms). */
uint64_t ctl_settled_free_pages(void)
{
    uint64_t last = free_pages(), t0 = rdtsc(), start = rdtsc(), now;

    while (ctl_ms_since(t0) < 200 && ctl_ms_since(start) < 5000) {
        ctl_yield();
        if ((now = free_pages()) != last) {
            last = now;
            t0 = rdtsc();
        }
    }
    return last;
}

static void sysctls(void)
{
    long rc;

    memset(&sop, 0, sizeof(sop));
    rc = sysctl(TESS_SYSCTL_physinfo, TESS_CTL_INTERFACE_VERSION);
    const struct tess_physinfo *p = &sop.u.physinfo;
    CHECK("ctl.physinfo", rc == 0 && p->nr_cpus >= 1 && p->cpu_khz > 0 && p->total_pages &&
          p->free_pages && p->free_pages < p->total_pages && (p->online_cpus[0] & 1),
          "rc %ld cpus %u khz %lu total %lu free %lu", rc, p->nr_cpus,
          (unsigned long)p->cpu_khz, (unsigned long)p->total_pages,
          (unsigned long)p->free_pages);
    printf("mini: ctl physinfo cpus=%u max_cpu_id=%u total_pages=%lu free_pages=%lu khz=%lu\n",
           p->nr_cpus, p->max_cpu_id, (unsigned long)p->total_pages,
           (unsigned long)p->free_pages, (unsigned long)p->cpu_khz);
    expect("ctl.sysctl_bad_version",
           sysctl(TESS_SYSCTL_physinfo, TESS_CTL_INTERFACE_VERSION + 1), -XEN_EACCES);
    expect("ctl.sysctl_unknown_cmd", sysctl(99, TESS_CTL_INTERFACE_VERSION), -XEN_ENOSYS);
    expect("ctl.sysctl_bad_pointer",
           HYPERCALL(__HYPERVISOR_tess_sysctl, NONCANONICAL, 0, 0), -XEN_EFAULT);

    memset(&sop, 0, sizeof(sop));
    sop.u.domain_list = (struct tess_domain_list){ .max = 8, .buffer = (uintptr_t)infos };
    rc = sysctl(TESS_SYSCTL_domain_list, TESS_CTL_INTERFACE_VERSION);
    CHECK("ctl.domain_list_dom0", rc == 0 && sop.u.domain_list.nr == 1 && infos[0].domid == 0 &&
          infos[0].flags == (TESS_DOMINF_running | TESS_DOMINF_hardware | TESS_DOMINF_boot) &&
          !strcmp(infos[0].name, "dom0") && !strcmp(infos[0].pool, "default") &&
          infos[0].cpu_time_ns > 0, "rc %ld nr %u flags %#x name %s", rc,
          sop.u.domain_list.nr, infos[0].flags, infos[0].name);
    sop.u.domain_list = (struct tess_domain_list){ .max = 1025, .buffer = (uintptr_t)infos };
    expect("ctl.domain_list_too_many",
           sysctl(TESS_SYSCTL_domain_list, TESS_CTL_INTERFACE_VERSION), -XEN_EINVAL);
    sop.u.domain_list = (struct tess_domain_list){ .max = 8, .buffer = BAD_ADDR };
    rc = sysctl(TESS_SYSCTL_domain_list, TESS_CTL_INTERFACE_VERSION);
    CHECK("ctl.domain_list_bad_buffer", rc == -XEN_EFAULT && sop.u.domain_list.nr == 0,
          "rc %ld nr %u", rc, sop.u.domain_list.nr);
    sop.u.domain_list = (struct tess_domain_list){ .first_domid = 1, .max = 8,
                                                   .buffer = (uintptr_t)infos };
    rc = sysctl(TESS_SYSCTL_domain_list, TESS_CTL_INTERFACE_VERSION);
    CHECK("ctl.domain_list_from_1", rc == 0 && sop.u.domain_list.nr == 0, "rc %ld nr %u", rc,
          sop.u.domain_list.nr);

    static struct tess_poolinfo pools[4];
    sop.u.pool_list = (struct tess_pool_list){ .max = 4, .buffer = (uintptr_t)pools };
    rc = sysctl(TESS_SYSCTL_pool_list, TESS_CTL_INTERFACE_VERSION);
    CHECK("ctl.pool_list", rc == 0 && sop.u.pool_list.nr >= 1 &&
          !strcmp(pools[0].name, "default") && !pools[0].dedicated && pools[0].cpus[0] &&
          pools[0].nr_domains == 1, "rc %ld nr %u name %s domains %u", rc,
          sop.u.pool_list.nr, pools[0].name, pools[0].nr_domains);
    sop.u.pool_list = (struct tess_pool_list){ .max = 65, .buffer = (uintptr_t)pools };
    expect("ctl.pool_list_too_many",
           sysctl(TESS_SYSCTL_pool_list, TESS_CTL_INTERFACE_VERSION), -XEN_EINVAL);
}

/* Stage calls with bad arguments, on a stage of the real image. */
static void stage_hostile(const uint8_t *img, uint64_t size)
{
    uint64_t before = free_pages();
    uint32_t h = 0, h2 = 0;
    long rc;

    expect("ctl.stage_alloc_empty", stage_alloc(0, 0, &h), -XEN_EINVAL);
    expect("ctl.stage_alloc_image_too_big", stage_alloc(300ul << 20, 0, &h), -XEN_E2BIG);
    expect("ctl.stage_alloc_initrd_too_big", stage_alloc(PAGE_SIZE, ~0ul, &h), -XEN_E2BIG);
    rc = stage_alloc(200ul << 20, 200ul << 20, &h);
    bool ok = rc == 0;
    rc = ok ? stage_alloc(200ul << 20, 0, &h2) : rc;
    CHECK("ctl.stage_total_bounded", ok && rc == -XEN_ENOMEM, "rc %ld", rc);
    if (ok)
        CHECK("ctl.stage_free_big", stage_free(h) == 0, " ");

    rc = stage_alloc(size, 0, &h);
    CHECK("ctl.stage_alloc", rc == 0 && h, "rc %ld", rc);
    expect("ctl.stage_write_oversize",
           stage_write(h, TESS_STAGE_KERNEL, 0, TESS_STAGE_CHUNK + 1, (uintptr_t)img), -XEN_E2BIG);
    expect("ctl.stage_write_past_end",
           stage_write(h, TESS_STAGE_KERNEL, size - 8, 16, (uintptr_t)img), -XEN_EINVAL);
    expect("ctl.stage_write_offset_wraps",
           stage_write(h, TESS_STAGE_KERNEL, ~0ul - 4, 16, (uintptr_t)img), -XEN_EINVAL);
    expect("ctl.stage_write_no_initrd",
           stage_write(h, TESS_STAGE_INITRD, 0, 16, (uintptr_t)img), -XEN_EINVAL);
    expect("ctl.stage_write_bad_which", stage_write(h, 2, 0, 16, (uintptr_t)img), -XEN_EINVAL);
    expect("ctl.stage_write_empty",
           stage_write(h, TESS_STAGE_KERNEL, 0, 0, (uintptr_t)img), -XEN_EINVAL);
    expect("ctl.stage_write_bad_buffer",
           stage_write(h, TESS_STAGE_KERNEL, 0, CHUNK, BAD_ADDR), -XEN_EFAULT);
    expect("ctl.stage_write_noncanonical_buffer",
           stage_write(h, TESS_STAGE_KERNEL, 0, CHUNK, NONCANONICAL), -XEN_EFAULT);
    expect("ctl.stage_write_unknown_stage",
           stage_write(h + 1, TESS_STAGE_KERNEL, 0, 16, (uintptr_t)img), -XEN_ENOENT);
    expect("ctl.stage_write_after_fault",
           stage_write(h, TESS_STAGE_KERNEL, 0, CHUNK, (uintptr_t)img), 0);
    expect("ctl.stage_write_overlap",
           stage_write(h, TESS_STAGE_KERNEL, CHUNK - 8, 16, (uintptr_t)img), -XEN_EEXIST);
    expect("ctl.stage_write_twice",
           stage_write(h, TESS_STAGE_KERNEL, 0, CHUNK, (uintptr_t)img), -XEN_EEXIST);

    /* Half-written: refused, and used up. */
    uint32_t domid = 0;
    expect("ctl.create_half_written",
           ctl_create(h, "half", 32ul << 20, 1, "", "", 0, &domid), -XEN_EINVAL);
    expect("ctl.create_used_the_stage", stage_free(h), -XEN_ENOENT);
    expect("ctl.stage_free_unknown", stage_free(12345), -XEN_ENOENT);
    uint64_t after = free_pages();
    CHECK("ctl.stages_leave_nothing", after == before, "free pages %lu before, %lu after",
          (unsigned long)before, (unsigned long)after);
}

/* Images the builder refuses: junk (not an ELF), an ELF cut short (its
 * headers, not its segments). Twice: the first round may leave the heap a
 * slab per size class it grew (heap.c keeps one empty slab a class); the
 * second must leave the free memory as it found it. */
static void bad_images(const uint8_t *img)
{
    uint64_t before = 0;
    uint32_t h = 0, domid = 0;
    long rc;

    for (unsigned int round = 0; round < 2; round++) {
        before = free_pages();
        h = junk_stage();
        rc = h ? ctl_create(h, "junk", 32ul << 20, 1, "", "", 0, &domid) : -1;
        CHECK("ctl.create_from_garbage", rc == -XEN_EINVAL || rc == -XEN_ENOEXEC, "rc %ld", rc);
        rc = stage_alloc(2 * PAGE_SIZE, 0, &h);
        rc = rc ? rc : stage_write(h, TESS_STAGE_KERNEL, 0, 2 * PAGE_SIZE, (uintptr_t)img);
        rc = rc ? rc : ctl_create(h, "cut", 32ul << 20, 1, "", "", 0, &domid);
        CHECK("ctl.create_from_cut_elf", rc == -XEN_EINVAL || rc == -XEN_ENOEXEC, "rc %ld", rc);
    }
    uint64_t after = free_pages();
    CHECK("ctl.bad_images_leave_nothing", after == before, "free pages %lu before, %lu after",
          (unsigned long)before, (unsigned long)after);
}

/* Creates refused for their arguments; each uses up its (junk) stage. */
static void create_hostile(void)
{
    static const struct {
        const char *what, *name, *pool;
        uint64_t mem;
        uint32_t vcpus, flags;
        long want;
    } cases[] = {
        { "ctl.create_duplicate_name", "dom0", "", 32ul << 20, 1, 0, -XEN_EEXIST },
        { "ctl.create_bad_name", "a b", "", 32ul << 20, 1, 0, -XEN_EINVAL },
        { "ctl.create_empty_name", "", "", 32ul << 20, 1, 0, -XEN_EINVAL },
        { "ctl.create_too_much_memory", "big", "", 1ul << 40, 1, 0, -XEN_ENOMEM },
        { "ctl.create_mem_not_2m", "odd", "", (32ul << 20) + 4096, 1, 0, -XEN_EINVAL },
        { "ctl.create_no_memory", "zero", "", 0, 1, 0, -XEN_EINVAL },
        { "ctl.create_unknown_pool", "nopool", "nosuchpool", 32ul << 20, 1, 0, -XEN_ENOENT },
        { "ctl.create_no_vcpus", "novcpu", "", 32ul << 20, 0, 0, -XEN_EINVAL },
        { "ctl.create_too_many_vcpus", "many", "", 32ul << 20, 65, 0, -XEN_EINVAL },
        { "ctl.create_unknown_flag", "flag", "", 32ul << 20, 1, 8, -XEN_EINVAL },
    };
    uint64_t before = free_pages();
    uint32_t domid;
    long rc;

    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        uint32_t h = junk_stage();
        rc = h ? ctl_create(h, cases[i].name, cases[i].mem, cases[i].vcpus, cases[i].pool, "",
                        cases[i].flags, &domid) : -1;
        CHECK(cases[i].what, rc == cases[i].want, "rc %ld", rc);
    }
    uint32_t h = junk_stage();
    memset(&dop, 0, sizeof(dop));
    dop.u.create = (struct tess_create){ .stage = h, .mem_bytes = 32ul << 20, .nr_vcpus = 1,
                                         .has_cpus = 1 };
    dop.u.create.cpus[3] = 1ul << 63;        /* CPU 255 */
    memcpy(dop.u.create.name, "pinned", 7);
    expect("ctl.create_cpu_outside_pool", domctl(TESS_DOMCTL_create, 0), -XEN_EINVAL);
    h = junk_stage();
    memset(&dop, 0, sizeof(dop));
    dop.u.create = (struct tess_create){ .stage = h, .mem_bytes = 32ul << 20, .nr_vcpus = 1 };
    memset(dop.u.create.name, 'n', sizeof(dop.u.create.name));    /* no NUL */
    expect("ctl.create_name_unterminated", domctl(TESS_DOMCTL_create, 0), -XEN_EINVAL);
    expect("ctl.create_unknown_stage",
           ctl_create(0x7777, "nostage", 32ul << 20, 1, "", "", 0, &domid), -XEN_ENOENT);
    dop.interface_version = 0x54450000;
    dop.cmd = TESS_DOMCTL_getinfo;
    expect("ctl.domctl_bad_version", HYPERCALL(__HYPERVISOR_tess_domctl, &dop, 0, 0), -XEN_EACCES);
    expect("ctl.domctl_unknown_cmd", domctl(77, 0), -XEN_ENOSYS);
    uint64_t after = free_pages();
    CHECK("ctl.refused_creates_leave_nothing", after == before, "free pages %lu before, %lu after",
          (unsigned long)before, (unsigned long)after);
}

static void on_missing_domains(void)
{
    struct tess_dominfo info;

    expect("ctl.destroy_missing", domctl(TESS_DOMCTL_destroy, MISSING_DOMID), -XEN_ESRCH);
    expect("ctl.destroy_domid_too_wide", domctl(TESS_DOMCTL_destroy, 0x12345), -XEN_ESRCH);
    expect("ctl.pause_missing", domctl(TESS_DOMCTL_pause, MISSING_DOMID), -XEN_ESRCH);
    expect("ctl.getinfo_missing", getinfo(MISSING_DOMID, &info), -XEN_ESRCH);
    expect("ctl.destroy_self", domctl(TESS_DOMCTL_destroy, 0), -XEN_EINVAL);
    expect("ctl.pause_self", domctl(TESS_DOMCTL_pause, 0), -XEN_EINVAL);
    expect("ctl.domctl_bad_pointer",
           HYPERCALL(__HYPERVISOR_tess_domctl, BAD_ADDR, 0, 0), -XEN_EFAULT);
}

static uint64_t cpu_time(uint32_t domid)
{
    struct tess_dominfo info;

    return getinfo(domid, &info) ? ~0ul : info.cpu_time_ns;
}

/* u1: created paused, its self-tests run once unpaused; paused again
 * while they run, it must not move; then it ends on its own. */
static void selftest_domain(const uint8_t *img, uint64_t size)
{
    struct tess_dominfo info;
    uint32_t h = 0, id = 0;
    long rc = ctl_stage_upload(img, size, &h);

    CHECK("ctl.stage_upload", rc == 0, "rc %ld", rc);
    rc = rc ? rc : ctl_create(h, "u1", 32ul << 20, 1, "", "mini.from=ctl", TESS_CREATE_PAUSED, &id);
    CHECK("ctl.create_paused", rc == 0 && id > 0, "rc %ld id %u", rc, id);
    if (rc)
        return;
    rc = getinfo(id, &info);
    CHECK("ctl.getinfo_created_paused", rc == 0 && info.domid == id &&
          info.flags == TESS_DOMINF_paused && info.nr_vcpus == 1 &&
          info.mem_pages >= 8192 && info.mem_pages < 8192 + 16 && info.cpu_time_ns == 0 &&
          !strcmp(info.name, "u1") && !strcmp(info.pool, "default"),
          "rc %ld flags %#x vcpus %u pages %lu time %lu", rc,
          info.flags, info.nr_vcpus, (unsigned long)info.mem_pages,
          (unsigned long)info.cpu_time_ns);
    expect("ctl.create_freed_the_stage", stage_free(h), -XEN_ENOENT);
    uint32_t h2 = junk_stage(), other;
    expect("ctl.create_duplicate_runtime_name",
           ctl_create(h2, "u1", 32ul << 20, 1, "", "", 0, &other), -XEN_EEXIST);

    memset(&sop, 0, sizeof(sop));
    sop.u.domain_list = (struct tess_domain_list){ .max = 8, .buffer = (uintptr_t)infos };
    rc = sysctl(TESS_SYSCTL_domain_list, TESS_CTL_INTERFACE_VERSION);
    CHECK("ctl.domain_list_two", rc == 0 && sop.u.domain_list.nr == 2 && infos[0].domid == 0 &&
          infos[1].domid == id && !(infos[1].flags & TESS_DOMINF_boot), "rc %ld nr %u", rc,
          sop.u.domain_list.nr);
    sop.u.domain_list = (struct tess_domain_list){ .first_domid = 1, .max = 1,
                                                   .buffer = (uintptr_t)infos };
    rc = sysctl(TESS_SYSCTL_domain_list, TESS_CTL_INTERFACE_VERSION);
    CHECK("ctl.domain_list_max_1", rc == 0 && sop.u.domain_list.nr == 1 && infos[0].domid == id,
          "rc %ld nr %u", rc, sop.u.domain_list.nr);

    /* Held for a while: it must not start. */
    uint64_t t0 = rdtsc();
    while (ctl_ms_since(t0) < 300)
        ctl_yield();
    CHECK("ctl.created_paused_does_not_run", cpu_time(id) == 0, "%lu ns",
          (unsigned long)cpu_time(id));
    printf("mini: ctl unpausing u1\n");
    expect("ctl.unpause_starts", domctl(TESS_DOMCTL_unpause, id), 0);
    t0 = rdtsc();
    while (cpu_time(id) == 0 && ctl_ms_since(t0) < 10000)
        ctl_yield();
    getinfo(id, &info);
    CHECK("ctl.runs_once_unpaused", info.cpu_time_ns > 0 && info.flags == TESS_DOMINF_running,
          "flags %#x time %lu", info.flags, (unsigned long)info.cpu_time_ns);

    rc = domctl(TESS_DOMCTL_pause, id);
    uint64_t t1 = cpu_time(id);
    printf("mini: ctl paused u1\n");
    t0 = rdtsc();
    while (ctl_ms_since(t0) < 500)
        ctl_yield();
    uint64_t t2 = cpu_time(id);
    getinfo(id, &info);
    CHECK("ctl.paused_does_not_run", rc == 0 && t1 == t2 && (info.flags & TESS_DOMINF_paused),
          "rc %ld %lu ns then %lu ns flags %#x", rc, (unsigned long)t1, (unsigned long)t2,
          info.flags);
    expect("ctl.pause_twice", domctl(TESS_DOMCTL_pause, id), 0);
    printf("mini: ctl unpausing u1 again\n");
    rc = domctl(TESS_DOMCTL_unpause, id);
    t0 = rdtsc();
    while (cpu_time(id) == t2 && ctl_ms_since(t0) < 10000)
        ctl_yield();
    CHECK("ctl.runs_again", rc == 0 && cpu_time(id) > t2, "rc %ld", rc);
    CHECK("ctl.selftest_domain_ended", ctl_wait_gone(id), " ");
}

/* A busy domain destroyed, one shut down as a reboot: all their memory
 * returns, and the reboot is not acted on. */
static void end_domains(const uint8_t *img, uint64_t size)
{
    uint64_t before = ctl_settled_free_pages();
    uint32_t h = 0, id = 0;
    long rc = ctl_stage_upload(img, size, &h);

    rc = rc ? rc : ctl_create(h, "u2", 32ul << 20, 1, "", "mini.bench=spin mini.ms=600000", 0, &id);
    expect("ctl.create_busy", rc, 0);
    if (rc)
        return;
    uint64_t t0 = rdtsc();
    while (cpu_time(id) == 0 && ctl_ms_since(t0) < 10000)
        ctl_yield();
    expect("ctl.destroy", domctl(TESS_DOMCTL_destroy, id), 0);
    CHECK("ctl.destroyed_is_gone", ctl_wait_gone(id), " ");
    expect("ctl.destroy_twice", domctl(TESS_DOMCTL_destroy, id), -XEN_ESRCH);
    uint64_t after = ctl_wait_free(before);
    CHECK("ctl.destroy_returns_all_memory", after == before, "free pages %lu before create, "
          "%lu after destroy", (unsigned long)before, (unsigned long)after);
    printf("mini: ctl free pages %lu before create, %lu after destroy\n",
           (unsigned long)before, (unsigned long)after);

    rc = ctl_stage_upload(img, size, &h);
    rc = rc ? rc : ctl_create(h, "u3", 32ul << 20, 1, "", "mini.bench=spin mini.ms=600000", 0, &id);
    t0 = rdtsc();
    while (!rc && cpu_time(id) == 0 && ctl_ms_since(t0) < 10000)
        ctl_yield();
    dop.reason = 9;
    long bad = rc ? rc : domctl(TESS_DOMCTL_shutdown, id);
    dop.reason = SHUTDOWN_reboot;
    rc = rc ? rc : domctl(TESS_DOMCTL_shutdown, id);
    CHECK("ctl.shutdown_reboot", bad == -XEN_EINVAL && rc == 0, "bad %ld rc %ld", bad, rc);
    CHECK("ctl.shutdown_is_gone", ctl_wait_gone(id), " ");
    after = ctl_wait_free(before);
    CHECK("ctl.shutdown_returns_all_memory", after == before, "%lu before, %lu after",
          (unsigned long)before, (unsigned long)after);
}

/* u5, created with TESS_CREATE_KEEP | TESS_CREATE_CONSOLE_DOM0: its console
 * ring is named to dom0 (and only its), once crashed it stays listed with
 * its end until destroyed, refusing what only a live domain takes; then
 * all its memory returns. */
static void kept_domain(const uint8_t *img, uint64_t size)
{
    const uint64_t ring_gfn = 0xff000000ul / 4096 - 1;     /* the last special page */
    uint64_t before = ctl_settled_free_pages();
    struct tess_dominfo info;
    uint32_t h = 0, id = 0;
    long rc = ctl_stage_upload(img, size, &h);

    rc = rc ? rc : ctl_create(h, "u5", 32ul << 20, 1, "", "mini.bench=spin mini.ms=600000",
                          TESS_CREATE_KEEP | TESS_CREATE_CONSOLE_DOM0, &id);
    expect("ctl.create_kept", rc, 0);
    if (rc)
        return;
    rc = domctl(TESS_DOMCTL_console_ring, id);
    CHECK("ctl.console_ring", rc == 0 && dop.u.console_ring.gfn == ring_gfn &&
          dop.u.console_ring.port > 0, "rc %ld gfn %#lx port %u", rc,
          (unsigned long)dop.u.console_ring.gfn, dop.u.console_ring.port);
    expect("ctl.console_ring_of_hypervisor_served", domctl(TESS_DOMCTL_console_ring, 0),
           -XEN_ENOENT);
    expect("ctl.console_ring_missing", domctl(TESS_DOMCTL_console_ring, MISSING_DOMID),
           -XEN_ESRCH);
    uint64_t t0 = rdtsc();
    while (cpu_time(id) == 0 && ctl_ms_since(t0) < 10000)
        ctl_yield();
    dop.reason = SHUTDOWN_crash;
    expect("ctl.kept_shutdown_crash", domctl(TESS_DOMCTL_shutdown, id), 0);
    t0 = rdtsc();
    while (ctl_ms_since(t0) < 300)
        ctl_yield();
    rc = getinfo(id, &info);
    CHECK("ctl.kept_after_its_end", rc == 0 &&
          info.flags == (TESS_DOMINF_dying | TESS_DOMINF_shutdown) &&
          info.end_reason == SHUTDOWN_crash && info.mem_pages == 8192 + 3,  /* store, console */
          "rc %ld flags %#x reason %u pages %lu", rc, info.flags, info.end_reason,
          (unsigned long)info.mem_pages);
    expect("ctl.kept_refuses_pause", domctl(TESS_DOMCTL_pause, id), -XEN_ESRCH);
    expect("ctl.kept_refuses_shutdown", domctl(TESS_DOMCTL_shutdown, id), -XEN_ESRCH);
    expect("ctl.kept_console_ring_still_named", domctl(TESS_DOMCTL_console_ring, id), 0);
    expect("ctl.kept_destroy", domctl(TESS_DOMCTL_destroy, id), 0);
    CHECK("ctl.kept_destroyed_is_gone", ctl_wait_gone(id), " ");
    expect("ctl.kept_destroy_twice", domctl(TESS_DOMCTL_destroy, id), -XEN_ESRCH);
    uint64_t after = ctl_wait_free(before);
    CHECK("ctl.kept_returns_all_memory", after == before, "%lu before, %lu after",
          (unsigned long)before, (unsigned long)after);
}

/* In a dedicated pool (the first the list shows; none: skipped): a domain
 * takes its free CPU, the next one finds none (-EBUSY, nothing left
 * behind), a CPU outside the pool is refused. */
static void dedicated_pool(const uint8_t *img, uint64_t size)
{
    static struct tess_poolinfo pools[8];
    const struct tess_poolinfo *rt = NULL;
    uint32_t h = 0, id = 0, id2 = 0;
    long rc;

    memset(&sop, 0, sizeof(sop));
    sop.u.pool_list = (struct tess_pool_list){ .max = 8, .buffer = (uintptr_t)pools };
    rc = sysctl(TESS_SYSCTL_pool_list, TESS_CTL_INTERFACE_VERSION);
    for (unsigned int i = 0; !rc && i < sop.u.pool_list.nr && !rt; i++)
        if (pools[i].dedicated)
            rt = &pools[i];
    if (!rt) {
        printf("mini: SKIP ctl.dedicated_pool no dedicated pool\n");
        return;
    }
    uint64_t before = ctl_settled_free_pages();
    rc = ctl_stage_upload(img, size, &h);
    rc = rc ? rc : ctl_create(h, "r1", 32ul << 20, 1, rt->name, "mini.bench=spin mini.ms=600000", 0,
                          &id);
    expect("ctl.dedicated_pool_create", rc, 0);
    rc = ctl_stage_upload(img, size, &h);
    rc = rc ? rc : ctl_create(h, "r2", 32ul << 20, 1, rt->name, "mini.bench=spin mini.ms=600000", 0,
                          &id2);
    expect("ctl.dedicated_pool_full", rc, -XEN_EBUSY);
    h = junk_stage();
    memset(&dop, 0, sizeof(dop));
    dop.u.create = (struct tess_create){ .stage = h, .mem_bytes = 32ul << 20, .nr_vcpus = 1,
                                         .has_cpus = 1, .cpus = { 1 } };   /* CPU 0 */
    memcpy(dop.u.create.name, "r3", 3);
    memcpy(dop.u.create.pool, rt->name, sizeof(rt->name));
    expect("ctl.dedicated_pool_cpu_outside", domctl(TESS_DOMCTL_create, 0), -XEN_EINVAL);
    memset(&sop, 0, sizeof(sop));
    sop.u.pool_list = (struct tess_pool_list){ .max = 8, .buffer = (uintptr_t)pools };
    rc = sysctl(TESS_SYSCTL_pool_list, TESS_CTL_INTERFACE_VERSION);
    CHECK("ctl.dedicated_pool_counts_it", rc == 0 && rt->nr_domains == 1, "rc %ld, %u domains",
          rc, rt->nr_domains);
    if (id)
        expect("ctl.dedicated_pool_destroy", domctl(TESS_DOMCTL_destroy, id), 0);
    CHECK("ctl.dedicated_pool_gone", ctl_wait_gone(id), " ");
    uint64_t after = ctl_wait_free(before);
    CHECK("ctl.dedicated_pool_leaves_nothing", after == before, "%lu before, %lu after",
          (unsigned long)before, (unsigned long)after);
}

/* vCPU 1 on the domains vCPU 0 creates and destroys (ctl_race.c). */
static void race(const uint8_t *img, uint64_t size)
{
    uint64_t before = ctl_settled_free_pages();
    uint32_t h = 0, id = 0;
    unsigned int name_taken = 0;
    char name[16];

    if (nr_vcpus < 2) {
        printf("mini: SKIP ctl.race one vCPU\n");
        return;
    }
    if (!ctl_race_start()) {
        CHECK("ctl.race_started", false, " ");
        return;
    }
    for (unsigned int i = 0; i < 6; i++) {
        snprintf(name, sizeof(name), "c%u", i);
        ctl_race_target(0, name);
        long rc = -XEN_EEXIST;
        /* vCPU 1's junk create may hold the name for a moment. */
        for (unsigned int tries = 0; rc == -XEN_EEXIST && tries < 20; tries++) {
            rc = ctl_stage_upload(img, size, &h);
            rc = rc ? rc : ctl_create(h, name, 32ul << 20, 1, "", "mini.bench=spin mini.ms=600000",
                                  0, &id);
            name_taken += rc == -XEN_EEXIST;
        }
        if (rc) {
            CHECK("ctl.race_create", false, "%s: rc %ld", name, rc);
            break;
        }
        ctl_race_target(id, name);
        uint64_t t0 = rdtsc();
        while (ctl_ms_since(t0) < 30)
            ctl_yield();
        rc = domctl(TESS_DOMCTL_destroy, id);
        CHECK("ctl.race_destroy", (rc == 0 || rc == -XEN_EBUSY) && ctl_wait_gone(id), "%s: rc %ld",
              name, rc);
    }
    ctl_race_target(0, "");
    ctl_race_stop();
    printf("mini: ctl race: vCPU 1 held the name vCPU 0 wanted %u times\n", name_taken);
    uint64_t after = ctl_wait_free(before);
    CHECK("ctl.race_leaves_nothing", after == before, "free pages %lu before, %lu after",
          (unsigned long)before, (unsigned long)after);
}

static bool find_image(const uint8_t **img, uint64_t *size)
{
    const struct hvm_modlist_entry *m;

    if (!start_info->nr_modules || !start_info->modlist_paddr)
        return false;
    m = (const void *)(uintptr_t)start_info->modlist_paddr;
    *img = (const uint8_t *)(uintptr_t)m->paddr;
    *size = m->size;
    return m->paddr && m->size > CHUNK && m->paddr + m->size < IDENTITY_MAP_END;
}

/* mini.ctl=bench: mini.calls (default 5) creates of a domain that ends at
 * once; each create's duration and the TSC time of its call, against the
 * domU's "started at" line (tests/bench/ctl_create.py). */
static void bench(const uint8_t *img, uint64_t size)
{
    unsigned long n = option_number("mini.calls", 5);

    for (unsigned long i = 0; i < n; i++) {
        char name[16];
        uint32_t h = 0, id = 0;
        uint64_t t0 = rdtsc();
        long rc = ctl_stage_upload(img, size, &h);
        uint64_t t1 = rdtsc();
        snprintf(name, sizeof(name), "b%lu", i);
        rc = rc ? rc : ctl_create(h, name, 32ul << 20, 1, "", "mini.bench=spin mini.ms=1", 0, &id);
        uint64_t t2 = rdtsc();
        printf("mini: ctl bench create %s rc=%ld stage_us=%lu call_at_us=%lu create_us=%lu\n",
               name, rc, (unsigned long)(tsc_to_ns(t1 - t0) / 1000),
               (unsigned long)(tsc_to_ns(t1) / 1000), (unsigned long)(tsc_to_ns(t2 - t1) / 1000));
        CHECK("ctl.bench_create", rc == 0 && ctl_wait_gone(id), "rc %ld", rc);
    }
}

unsigned int ctl_toolstack_run(const char *role)
{
    const uint8_t *img;
    uint64_t size;

    if (!find_image(&img, &size)) {
        CHECK("ctl.initrd_image", false, "no mini.elf as dom0's initrd module");
        return SHUTDOWN_poweroff;
    }
    if (!strcmp(role, "bench")) {
        bench(img, size);
        return SHUTDOWN_poweroff;
    }
    sysctls();
    on_missing_domains();
    stage_hostile(img, size);
    bad_images(img);
    create_hostile();
    selftest_domain(img, size);
    end_domains(img, size);
    kept_domain(img, size);
    dedicated_pool(img, size);
    ctl_pools_run(img, size);
    race(img, size);
    /* Left for our end to free (the integration test reads the log). */
    uint32_t h;
    long rc = stage_alloc(size, size, &h);
    rc = rc ? rc : stage_write(h, TESS_STAGE_INITRD, 0, CHUNK, (uintptr_t)img);
    expect("ctl.stage_left_for_the_end", rc, 0);
    return SHUTDOWN_poweroff;
}
