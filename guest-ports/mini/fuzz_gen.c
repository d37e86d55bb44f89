/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fuzzer's draws: a hypercall number, its sub-operation (weighted toward
 * the valid ones, so that calls get past the first switch) and arguments from
 * the classes of fuzz_values.c; structures are built in the scratch area
 * (fuzz.h) from plausible fields.
 */
#include <public/xen/event_channel.h>
#include <public/xen/grant_table.h>
#include <public/xen/hvm/hvm_op.h>
#include <public/xen/memory.h>
#include <public/xen/sched.h>
#include <public/xen/vcpu.h>
#include <public/xen/version.h>
#include <public/xen/xen.h>
#include "fuzz.h"
#include "mini.h"

/* The structure argument: built in scratch, or (1 in 4) a bad pointer. */
static uint64_t *struct_arg(struct fuzz_call *c, unsigned int i, unsigned int words)
{
    if (fuzz_below(4) == 0) {
        c->arg[i] = fz_ptr();
        return NULL;
    }
    uint64_t *s = fz_scratch_struct(words);
    c->arg[i] = (uint64_t)(uintptr_t)s;
    return s;
}

/* cmd: one of the valid ones (weight w each), or anything. */
static uint64_t subop(unsigned int nr_valid, unsigned int w)
{
    uint64_t r = fuzz_below(nr_valid * w + 3);

    if (r < nr_valid * w)
        return r / w;
    if (r == nr_valid * w)
        return nr_valid + fuzz_below(32);
    return r == nr_valid * w + 1 ? ~0ul : fuzz_rand();
}

static void set16(uint64_t *s, unsigned int off, uint64_t v)
{
    if (s)
        ((uint16_t *)s)[off / 2] = (uint16_t)v;
}

static void set32(uint64_t *s, unsigned int off, uint64_t v)
{
    if (s)
        ((uint32_t *)s)[off / 4] = (uint32_t)v;
}

static void set64(uint64_t *s, unsigned int off, uint64_t v)
{
    if (s)
        s[off / 8] = fz_safe(v);
}

static void draw_memory_op(struct fuzz_call *c)
{
    uint64_t cmd = fuzz_below(3) ? (fuzz_below(2) ? XENMEM_add_to_physmap : XENMEM_memory_map)
                                 : subop(32, 1);
    uint64_t *s = struct_arg(c, 1, 4);

    c->arg[0] = cmd;
    if (cmd == XENMEM_add_to_physmap) {
        set16(s, 0, fz_domid());
        set16(s, 2, fz_small());
        set32(s, 4, fuzz_below(3) ? fuzz_below(2) : fz_field32());
        set64(s, 8, fuzz_below(3) ? fuzz_below(40) : fz_field64());
        set64(s, 16, fz_gfn());
    } else if (cmd == XENMEM_memory_map) {
        set32(s, 0, fuzz_below(2) ? fuzz_below(8) : fz_field32());
        set64(s, 8, fz_ptr());
    }
}

static void draw_grant_table_op(struct fuzz_call *c)
{
    static const uint8_t cmds[] = {
        GNTTABOP_map_grant_ref, GNTTABOP_unmap_grant_ref, GNTTABOP_setup_table,
        GNTTABOP_copy, GNTTABOP_query_size, GNTTABOP_set_version, GNTTABOP_get_version,
    };
    static const unsigned int size[] = {
        [GNTTABOP_map_grant_ref] = 32, [GNTTABOP_unmap_grant_ref] = 24,
        [GNTTABOP_setup_table] = 24, [GNTTABOP_copy] = 40, [GNTTABOP_query_size] = 16,
        [GNTTABOP_set_version] = 4, [GNTTABOP_get_version] = 8,
    };
    uint64_t cmd = fuzz_below(5) ? cmds[fuzz_below(ARRAY_SIZE(cmds))] : subop(13, 1);
    uint64_t count;

    switch (fuzz_below(8)) {
    case 0: case 1: case 2: count = 1; break;
    case 3: case 4: count = 2 + fuzz_below(8); break;
    case 5: count = 30 + fuzz_below(8); break;
    case 6: count = 0; break;
    default: count = fz_huge() | (fuzz_below(2) ? 0 : ~0ul); break;
    }
    /* Plausible ops for a short batch; a huge count with a pointer near
     * ram_end or anywhere (fuzz_neuter cuts it where it would be slow). */
    unsigned int sz = cmd < ARRAY_SIZE(size) && size[cmd] ? size[cmd] : 24;
    if (count > 37) {
        c->arg[1] = fuzz_below(2) ? fz.ram_end - sz * (1 + fuzz_below(64)) : fz_ptr();
    } else {
        uint64_t n = count ? count : 1;
        uint8_t *ops = (uint8_t *)fz_scratch_struct((unsigned int)(n * sz + 7) / 8);
        for (uint64_t i = 0; i < n; i++) {
            uint64_t *op = (uint64_t *)(ops + i * sz);
            if (cmd == GNTTABOP_map_grant_ref) {
                set64(op, 0, fuzz_below(4) ? fz_gfn() << 12 : fz_ptr());
                set32(op, 8, fuzz_below(4) ? (uint64_t[]){ 2, 6 }[fuzz_below(2)] : fz_field32());
                set32(op, 12, fuzz_below(40));
                set16(op, 16, fz_domid());
            } else if (cmd == GNTTABOP_unmap_grant_ref) {
                set64(op, 0, fuzz_below(4) ? fz_gfn() << 12 : fz_ptr());
                set32(op, 16, fuzz_below(8));
            } else if (cmd == GNTTABOP_copy) {
                for (unsigned int side = 0; side < 32; side += 16) {
                    set64(op, side, fuzz_below(2) ? fuzz_below(40) : fz_gfn());
                    set16(op, side + 8, fz_domid());
                    set16(op, side + 10, fuzz_below(2) ? fuzz_below(4097) : fz_field32());
                }
                set16(op, 32, fuzz_below(2) ? fuzz_below(4097) : fz_field32());
                set16(op, 34, fuzz_below(4));       /* GNTCOPY_{source,dest}_gref */
            } else if (cmd == GNTTABOP_setup_table) {
                set16(op, 0, fz_domid());
                set32(op, 4, fuzz_below(2) ? fuzz_below(34) : fz_field32());
                set64(op, 16, fz_ptr());            /* frame_list, after status */
            } else if (cmd == GNTTABOP_query_size || cmd == GNTTABOP_get_version) {
                set16(op, 0, fz_domid());
            } else if (cmd == GNTTABOP_set_version) {
                set32(op, 0, fuzz_below(4));
            }
        }
        c->arg[1] = fuzz_below(6) ? (uint64_t)(uintptr_t)ops : fz_ptr();
        if (c->arg[1] < fz.image_end && count > 16)
            count = 16;
    }
    if (fuzz_below(16) == 0)
        cmd |= fuzz_rand() << 12;                   /* continuation bits */
    c->arg[0] = cmd;
    c->arg[2] = count;
}

static void draw_vcpu_op(struct fuzz_call *c)
{
    uint64_t cmd = subop(14, 2);
    uint64_t *s = struct_arg(c, 2, 32);

    c->arg[0] = cmd;
    c->arg[1] = fuzz_below(2) ? 0 : (uint64_t[]){ 1, 2, 15, 16, 0xffffffff,
                                                  0x100000000ul, ~0ul }[fuzz_below(7)];
    switch (cmd) {
    case VCPUOP_initialise:
        set32(s, 0, fuzz_below(3));                 /* VCPU_HVM_MODE_32B, 64B, ... */
        break;
    case VCPUOP_register_runstate_memory_area:
    case VCPUOP_register_vcpu_time_memory_area:
        set64(s, 0, fz_ptr());
        break;
    case VCPUOP_set_periodic_timer:
        set64(s, 0, fuzz_below(2) ? 1000000 + fuzz_below(10000000) : fz_time());
        break;
    case VCPUOP_set_singleshot_timer:
        set64(s, 0, fz_time());
        set32(s, 8, fuzz_below(3));
        break;
    case VCPUOP_register_vcpu_info:
        set64(s, 0, fz_gfn());
        set32(s, 8, fuzz_below(2) ? fuzz_below(4096) & ~63ul : fz_field32());
        break;
    }
}

static void draw_sched_op(struct fuzz_call *c)
{
    static const uint8_t cmds[] = { SCHEDOP_yield, SCHEDOP_poll, SCHEDOP_poll, SCHEDOP_shutdown,
                                    SCHEDOP_remote_shutdown, SCHEDOP_shutdown_code,
                                    SCHEDOP_watchdog, SCHEDOP_pin_override };
    uint64_t cmd = fuzz_below(8) ? cmds[fuzz_below(ARRAY_SIZE(cmds))] : subop(8, 1);
    uint64_t *s = struct_arg(c, 1, 4);

    c->arg[0] = cmd;
    if (cmd == SCHEDOP_poll) {
        uint32_t n = fuzz_below(4) ? fuzz_below(5) : (uint32_t)fz_field32();
        uint64_t *ports = fz_scratch_struct(n < 130 && n > 8 ? (n + 1) / 2 : 4);
        for (unsigned int i = 0; i < 8; i++)
            ((uint32_t *)ports)[i] = (uint32_t)fz_port();
        set64(s, 0, fuzz_below(4) ? (uint64_t)(uintptr_t)ports : fz_ptr());
        set32(s, 8, n);
        /* Never 0 (no timeout): a poll on ports nobody raises would not end. */
        set64(s, 16, fuzz_below(2) ? fuzz_now() + fuzz_below(200000) : 1 + fuzz_below(1000));
    } else if (cmd == SCHEDOP_shutdown) {
        set32(s, 0, SHUTDOWN_soft_reset + fuzz_below(2) * fuzz_rand());    /* see fuzz_neuter */
    } else if (cmd == SCHEDOP_remote_shutdown) {
        set16(s, 0, fz_domid());
        set32(s, 4, fuzz_below(6));
    } else if (cmd == SCHEDOP_watchdog) {
        set32(s, 0, fuzz_below(3));
        set32(s, 4, 0);
    }
}

static void draw_event_channel_op(struct fuzz_call *c, uint64_t *s, uint64_t cmd)
{
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:
        set16(s, 0, fz_domid());
        set16(s, 2, fz_domid());
        break;
    case EVTCHNOP_bind_interdomain:
        set16(s, 0, fz_domid());
        set32(s, 4, fz_port());
        break;
    case EVTCHNOP_bind_virq:
        set32(s, 0, fuzz_below(2) ? fuzz_below(24) : fz_field32());
        set32(s, 4, fuzz_below(3));
        break;
    case EVTCHNOP_status:
    case EVTCHNOP_reset:
        set16(s, 0, fz_domid());
        set32(s, 4, fz_port());
        break;
    case EVTCHNOP_init_control:
    case EVTCHNOP_expand_array:
        set64(s, 0, fz_gfn());
        set32(s, 8, fuzz_below(2) ? fuzz_below(4096) & ~7ul : fz_field32());
        set32(s, 12, fuzz_below(3));
        break;
    default:
        set32(s, 0, fz_port());
        set32(s, 4, fuzz_below(2) ? fuzz_below(16) : fz_field32());
        break;
    }
    (void)c;
}

static void draw_hvm_op(struct fuzz_call *c)
{
    uint64_t *s = struct_arg(c, 1, 2);

    c->arg[0] = fuzz_below(6) ? fuzz_below(2) : subop(2, 1);
    set16(s, 0, fz_domid());
    set32(s, 4, fuzz_below(2) ? fuzz_below(40) : fz_field32());
    switch (fuzz_below(5)) {
    case 0: set64(s, 8, 0); break;
    case 1: set64(s, 8, 2ul << 56 | fuzz_below(256)); break;      /* vector callback */
    case 2: set64(s, 8, fuzz_below(4) << 56 | fuzz_below(1 << 16)); break;
    default: set64(s, 8, fz_field64()); break;
    }
}

/* Any number, any arguments of every class. */
static void draw_generic(struct fuzz_call *c)
{
    for (unsigned int i = 0; i < 6; i++) {
        switch (fuzz_below(5)) {
        case 0: c->arg[i] = fz_small(); break;
        case 1: c->arg[i] = fz_huge(); break;
        case 2: c->arg[i] = ~0ul; break;
        case 3: c->arg[i] = fz_field64(); break;
        default: c->arg[i] = fz_ptr(); break;
        }
    }
}

static const uint8_t implemented[] = {
    __HYPERVISOR_memory_op, __HYPERVISOR_set_timer_op, __HYPERVISOR_event_channel_op_compat,
    __HYPERVISOR_xen_version, __HYPERVISOR_console_io, __HYPERVISOR_grant_table_op,
    __HYPERVISOR_vcpu_op, __HYPERVISOR_sched_op, __HYPERVISOR_event_channel_op,
    __HYPERVISOR_hvm_op,
};

void fuzz_draw(struct fuzz_call *c)
{
    uint64_t *s;

    memset(c, 0, sizeof(*c));
    c->prot32 = fuzz_below(4) == 0;
    unsigned int r = (unsigned int)fuzz_below(100);
    if (r < 20) {                                           /* anything 0..63, and beyond */
        c->nr = r < 16 ? fuzz_below(64) : r < 19 ? 64 + fuzz_below(1000) : fuzz_rand();
        draw_generic(c);
        goto out;
    }
    c->nr = implemented[fuzz_below(ARRAY_SIZE(implemented))];
    if (r < 25) {                                           /* implemented, any arguments */
        draw_generic(c);
        goto out;
    }
    switch (c->nr) {
    case __HYPERVISOR_memory_op:
        draw_memory_op(c);
        break;
    case __HYPERVISOR_set_timer_op:
        c->arg[0] = fz_time();
        if (c->prot32) {                                    /* low half, high half */
            c->arg[1] = c->arg[0] >> 32;
            c->arg[0] &= 0xffffffff;
        }
        break;
    case __HYPERVISOR_event_channel_op_compat:
        s = struct_arg(c, 0, 4);
        set32(s, 0, subop(15, 1));
        draw_event_channel_op(c, s ? (uint64_t *)((uint8_t *)s + offsetof(struct evtchn_op, u)) : NULL,
                              s ? *(uint32_t *)s : 0);
        break;
    case __HYPERVISOR_event_channel_op:
        c->arg[0] = subop(15, 2);
        s = struct_arg(c, 1, 4);
        draw_event_channel_op(c, s, c->arg[0]);
        break;
    case __HYPERVISOR_xen_version:
        c->arg[0] = subop(13, 2);
        s = struct_arg(c, 1, 8);
        set32(s, 0, fuzz_below(2) ? 0 : fz_field32());         /* get_features: submap_idx */
        break;
    case __HYPERVISOR_console_io:
        c->arg[0] = fuzz_below(4) ? fuzz_below(2) : subop(2, 1);
        /* Readable RAM only with a few printable bytes: a huge count there
         * would print the scratch area to the console. */
        if (fuzz_below(3) == 0) {
            uint8_t *p = (uint8_t *)fz_scratch_addr(8);
            c->arg[1] = fuzz_below(4);
            memcpy(p, "~fz~", 4);
            c->arg[2] = (uint64_t)(uintptr_t)p;
        } else {
            static const uint64_t bad[] = { 0xfee00000, 0x40000000, 0xffff800000000000,
                                            0x0000800000000000, 0x00007ffffffffff0 };
            c->arg[1] = fuzz_below(2) ? fz_huge() : fz_small();
            c->arg[2] = fuzz_below(2) ? bad[fuzz_below(ARRAY_SIZE(bad))] : fz_hole_addr();
        }
        break;
    case __HYPERVISOR_grant_table_op:
        draw_grant_table_op(c);
        break;
    case __HYPERVISOR_vcpu_op:
        draw_vcpu_op(c);
        break;
    case __HYPERVISOR_sched_op:
        draw_sched_op(c);
        break;
    case __HYPERVISOR_hvm_op:
        draw_hvm_op(c);
        break;
    }
out:
    for (unsigned int i = 0; i < 6; i++)
        c->arg[i] = fz_safe(c->arg[i]);
}
