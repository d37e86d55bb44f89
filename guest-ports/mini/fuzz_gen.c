/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fuzzer's draws: a hypercall number, its sub-operation (weighted toward
 * the valid ones, so that calls get past the first switch) and arguments from
 * classes of values a hostile guest would try; structures are built in the
 * scratch area (fuzz.h) from plausible fields. No value handed over is a
 * frame number or address of mini's image, nor a frame number of the scratch
 * area (see fuzz.h), so no legal hypercall can end the fuzzer but those
 * fuzz_neuter() rewrites.
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

#define IMAGE_START     0x100000ul
#define LEGACY_START    0xa0000ul           /* end of low RAM */
#define HOLE_VIRT_END   0xc0000000ul        /* mini maps nothing at 1-3 GiB */

static const uint64_t huge[] = {
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ul, 0x7fffffffffffffff,
    0x8000000000000000, 0xfffffffffffffffe, 0xffff, 0x10000, 0x1000000,
};

/* Guest-linear addresses of the hypervisor's kind, and non-canonical ones. */
static const uint64_t hv_addr[] = {
    0xffff800000000000, 0xffff82d040000000, 0xffffffff80000000,
    0xffffff0000000000, 0xfffffffffffff000, 0xfffffffffffffff8,
};
static const uint64_t noncanon[] = {
    0x0000800000000000, 0x8000000000000000, 0x00007ffffffffffc, 0xdead0000beef0000,
    0x0000fffffffff000, 0x7fffffffffffffff,
};

static uint64_t pick(const uint64_t *v, size_t n)
{
    return v[fuzz_below(n)];
}
#define PICK(a) pick((a), ARRAY_SIZE(a))

/* A value the hypervisor might take for a pointer or frame into mini's
 * image or a frame of the scratch area (fuzz.h). */
static bool unsafe32(uint64_t v)
{
    return (v >= IMAGE_START >> 12 && v < (fz.image_end + 4095) >> 12) ||
           (v >= fz.a_start >> 12 && v < fz.a_end >> 12) ||
           (v >= IMAGE_START && v < fz.image_end);
}

/* Each 32-bit half is checked too: a 32-bit layout reads it alone. */
static bool unsafe(uint64_t v)
{
    return unsafe32(v) || unsafe32(v & 0xffffffff) || unsafe32(v >> 32);
}

static uint64_t safe(uint64_t v)
{
    return unsafe(v) ? ~0ul : v;
}

static uint64_t sacrificial_addr(void)
{
    /* Above the image (rounded to 1 MiB), below the scratch area. */
    uint64_t lo = (fz.image_end + 0xfffff) & ~0xffffful;

    return lo + fuzz_below(fz.a_start - lo);
}

static uint64_t scratch_addr(uint64_t size)
{
    uint64_t span = fz.a_end - fz.a_start;
    return fz.a_start + fuzz_below(span - (size < span ? size : 0));
}

static uint64_t hole_addr(void)
{
    return fz.ram_end + fuzz_below(IDENTITY_MAP_END - fz.ram_end);
}

/* A guest-linear address of any class but mini's image. */
static uint64_t ptr_any(void)
{
    uint64_t page;

    switch (fuzz_below(16)) {
    case 0: case 1: case 2: case 3: case 4:
        return scratch_addr(64) & ~7ul;
    case 5:
        return scratch_addr(0);                             /* misaligned */
    case 6: case 7:
        return sacrificial_addr();
    case 8:                                                 /* crosses a page */
        page = (fuzz_below(2) ? scratch_addr(8192) : sacrificial_addr()) & ~0xffful;
        return page + 4096 - 1 - fuzz_below(32);
    case 9:                             /* the end of scratch, runs into the hole */
        return fz.ram_end - 1 - fuzz_below(64);
    case 10:                                                /* no guest-physical memory */
        return hole_addr();
    case 11:                                                /* not in mini's page tables */
        switch (fuzz_below(3)) {
        case 0: return IDENTITY_MAP_END + fuzz_below(HOLE_VIRT_END - IDENTITY_MAP_END);
        case 1: return 0x100000000ul + (fuzz_below(1ul << 46) & ~7ul);
        default: return 0x00007ffffffff000ul + fuzz_below(4096);
        }
    case 12:                                                /* MMIO: the local APIC, others */
        switch (fuzz_below(3)) {
        case 0: return 0xfee00000ul + (fuzz_below(4096) & ~3ul);
        case 1: return 0xfec00000ul + fuzz_below(4096);
        default: return 0xfe000000ul + fuzz_below(1ul << 20);
        }
    case 13:                        /* special pages, ACPI tables, legacy area, low RAM */
        switch (fuzz_below(4)) {
        case 0: return 0xfeff0000ul + fuzz_below(0x10000);
        case 1: return 0xfc000000ul + fuzz_below(0x2000);
        case 2: return LEGACY_START + fuzz_below(IMAGE_START - LEGACY_START - 4096);
        default: return fuzz_below(LEGACY_START - 4096);
        }
    case 14:
        return PICK(hv_addr) + (fuzz_below(2) ? fuzz_below(1ul << 30) & ~7ul : 0);
    default:
        return PICK(noncanon);
    }
}

/* A frame number (gfn) of any class but mini's image and the scratch area. */
static uint64_t gfn_any(void)
{
    switch (fuzz_below(10)) {
    case 0: case 1: case 2: case 3:
        return sacrificial_addr() >> 12;
    case 4:
        return 1 + fuzz_below((LEGACY_START >> 12) - 1);     /* low RAM */
    case 5:
        return hole_addr() >> 12;
    case 6:                                             /* the local APIC, IOAPIC, HPET */
        return (uint64_t[]){ 0xfee00, 0xfec00, 0xfed00, 0xfe000 }[fuzz_below(4)];
    case 7:                         /* special pages (console ring), ACPI, legacy */
        switch (fuzz_below(3)) {
        case 0: return 0xfeff0 + fuzz_below(16);
        case 1: return 0xfc000 + fuzz_below(2);
        default: return 0xa0 + fuzz_below(0x60);
        }
    case 8:
        return (uint64_t[]){ 1ul << 36, (1ul << 36) - 1, 1ul << 40, ~0ul,
                             (1ul << 52) - 1 }[fuzz_below(5)];
    default:
        return (fz.a_start >> 12) - 1 - fuzz_below(4);
    }
}

static uint64_t domid_any(void)
{
    switch (fuzz_below(6)) {
    case 0: case 1: return DOMID_SELF;
    case 2: return fz.domid;
    case 3: return fuzz_below(8);                       /* the neighbours */
    case 4: return DOMID_SELF + 1 + fuzz_below(15);     /* other special ids */
    default: return fuzz_below(2) ? 0xffff : fuzz_below(0x10000);
    }
}

static uint64_t port_any(void)
{
    switch (fuzz_below(5)) {
    case 0: case 1: return fuzz_below(8);
    case 2: return fuzz_below(64);
    case 3: return (uint64_t[]){ 1023, 1024, 4095, 4096, 32767, 131071, 131072,
                                 0x7fffffff, 0xffffffff }[fuzz_below(9)];
    default: return fuzz_below(4100);
    }
}

static uint64_t small(void)
{
    return fuzz_below(2) ? fuzz_below(4) : fuzz_below(17);
}

/* One 32-bit field of a plausible structure. */
static uint64_t field32(void)
{
    switch (fuzz_below(12)) {
    case 0: case 1: return small();
    case 2: case 3: return port_any();
    case 4: return domid_any();
    case 5: return fuzz_below(40);                      /* grant refs */
    case 6: return fuzz_below(3);                       /* vCPUs */
    case 7: return 0xffffffff;
    case 8: return fuzz_below(2) ? 0x7fffffff : 0x80000000;
    case 9: return (uint32_t)fuzz_rand();
    case 10: return (uint64_t[]){ 2, 6, 4, 3, 0x18, 1 }[fuzz_below(6)];    /* flags */
    default: return 0;
    }
}

/* One 64-bit word of a plausible structure. */
static uint64_t field64(void)
{
    switch (fuzz_below(8)) {
    case 0: case 1: case 2: return field32() | field32() << 32;
    case 3: return ptr_any();
    case 4: return gfn_any();
    case 5: return fuzz_below(2) ? ~0ul : PICK(huge);
    case 6: return fuzz_rand();
    default: return small();
    }
}

/* Random bytes and plausible words (grant refs, ports, domain ids, frames,
 * pointers), 8 bytes at a time. */
void fuzz_fill_scratch(uint64_t addr, uint64_t bytes)
{
    uint64_t *p = (uint64_t *)(addr & ~7ul);

    for (uint64_t i = 0; i < bytes / 8 && (uint64_t)(p + i) < fz.a_end; i++)
        p[i] = safe(fuzz_below(2) ? fuzz_rand() : field64());
}

/* A structure of `words` plausible words in the scratch area, usually
 * aligned, sometimes straddling a page. */
static uint64_t *scratch_struct(unsigned int words)
{
    uint64_t a;

    if (fuzz_below(8) == 0)
        a = ((scratch_addr(8192) & ~0xffful) + 4096 - 8 * (1 + fuzz_below(words))) & ~7ul;
    else
        a = scratch_addr(8 * words + 8) & ~7ul;
    fuzz_fill_scratch(a, 8 * words);
    return (uint64_t *)a;
}

/* The structure argument: built in scratch, or (1 in 4) a bad pointer. */
static uint64_t *struct_arg(struct fuzz_call *c, unsigned int i, unsigned int words)
{
    if (fuzz_below(4) == 0) {
        c->arg[i] = ptr_any();
        return NULL;
    }
    uint64_t *s = scratch_struct(words);
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
        s[off / 8] = safe(v);
}

static uint64_t time_any(void)
{
    switch (fuzz_below(8)) {
    case 0: return 0;
    case 1: return 1 + fuzz_below(1000);                        /* the past */
    case 2: return fuzz_now() - fuzz_below(1000000);
    case 3: return PICK(huge);
    case 4: return 1ul << 50 | fuzz_below(1ul << 50);
    default: return fuzz_now() + fuzz_below(2000000);           /* within 2 ms */
    }
}

static void draw_memory_op(struct fuzz_call *c)
{
    uint64_t cmd = fuzz_below(3) ? (fuzz_below(2) ? XENMEM_add_to_physmap : XENMEM_memory_map)
                                 : subop(32, 1);
    uint64_t *s = struct_arg(c, 1, 4);

    c->arg[0] = cmd;
    if (cmd == XENMEM_add_to_physmap) {
        set16(s, 0, domid_any());
        set16(s, 2, small());
        set32(s, 4, fuzz_below(3) ? fuzz_below(2) : field32());
        set64(s, 8, fuzz_below(3) ? fuzz_below(40) : field64());
        set64(s, 16, gfn_any());
    } else if (cmd == XENMEM_memory_map) {
        set32(s, 0, fuzz_below(2) ? fuzz_below(8) : field32());
        set64(s, 8, ptr_any());
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
        [GNTTABOP_setup_table] = 16, [GNTTABOP_copy] = 40, [GNTTABOP_query_size] = 16,
        [GNTTABOP_set_version] = 4, [GNTTABOP_get_version] = 8,
    };
    uint64_t cmd = fuzz_below(5) ? cmds[fuzz_below(ARRAY_SIZE(cmds))] : subop(13, 1);
    uint64_t count;

    switch (fuzz_below(8)) {
    case 0: case 1: case 2: count = 1; break;
    case 3: case 4: count = 2 + fuzz_below(8); break;
    case 5: count = 30 + fuzz_below(8); break;
    case 6: count = 0; break;
    default: count = PICK(huge) | (fuzz_below(2) ? 0 : ~0ul); break;
    }
    /* Plausible ops for a short batch; a huge count with a pointer near
     * ram_end or anywhere (fuzz_neuter cuts it where it would be slow). */
    unsigned int sz = cmd < ARRAY_SIZE(size) && size[cmd] ? size[cmd] : 24;
    if (count > 37) {
        c->arg[1] = fuzz_below(2) ? fz.ram_end - sz * (1 + fuzz_below(64)) : ptr_any();
    } else {
        uint64_t n = count ? count : 1;
        uint8_t *ops = (uint8_t *)scratch_struct((unsigned int)(n * sz + 7) / 8);
        for (uint64_t i = 0; i < n; i++) {
            uint64_t *op = (uint64_t *)(ops + i * sz);
            if (cmd == GNTTABOP_map_grant_ref) {
                set64(op, 0, fuzz_below(4) ? gfn_any() << 12 : ptr_any());
                set32(op, 8, fuzz_below(4) ? (uint64_t[]){ 2, 6 }[fuzz_below(2)] : field32());
                set32(op, 12, fuzz_below(40));
                set16(op, 16, domid_any());
            } else if (cmd == GNTTABOP_unmap_grant_ref) {
                set64(op, 0, fuzz_below(4) ? gfn_any() << 12 : ptr_any());
                set32(op, 16, fuzz_below(8));
            } else if (cmd == GNTTABOP_copy) {
                for (unsigned int side = 0; side < 32; side += 16) {
                    set64(op, side, fuzz_below(2) ? fuzz_below(40) : gfn_any());
                    set16(op, side + 8, domid_any());
                    set16(op, side + 10, fuzz_below(2) ? fuzz_below(4097) : field32());
                }
                set16(op, 32, fuzz_below(2) ? fuzz_below(4097) : field32());
                set16(op, 34, fuzz_below(4));       /* GNTCOPY_{source,dest}_gref */
            } else if (cmd == GNTTABOP_setup_table) {
                set16(op, 0, domid_any());
                set32(op, 4, fuzz_below(2) ? fuzz_below(34) : field32());
                set64(op, 8, ptr_any());
            } else if (cmd == GNTTABOP_query_size || cmd == GNTTABOP_get_version) {
                set16(op, 0, domid_any());
            } else if (cmd == GNTTABOP_set_version) {
                set32(op, 0, fuzz_below(4));
            }
        }
        c->arg[1] = fuzz_below(6) ? (uint64_t)(uintptr_t)ops : ptr_any();
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
        set64(s, 0, ptr_any());
        break;
    case VCPUOP_set_periodic_timer:
        set64(s, 0, fuzz_below(2) ? 1000000 + fuzz_below(10000000) : time_any());
        break;
    case VCPUOP_set_singleshot_timer:
        set64(s, 0, time_any());
        set32(s, 8, fuzz_below(3));
        break;
    case VCPUOP_register_vcpu_info:
        set64(s, 0, gfn_any());
        set32(s, 8, fuzz_below(2) ? fuzz_below(4096) & ~63ul : field32());
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
        uint32_t n = fuzz_below(4) ? fuzz_below(5) : (uint32_t)field32();
        uint64_t *ports = scratch_struct(n < 130 && n > 8 ? (n + 1) / 2 : 4);
        for (unsigned int i = 0; i < 8; i++)
            ((uint32_t *)ports)[i] = (uint32_t)port_any();
        set64(s, 0, fuzz_below(4) ? (uint64_t)(uintptr_t)ports : ptr_any());
        set32(s, 8, n);
        /* Never 0 (no timeout): a poll on ports nobody raises would not end. */
        set64(s, 16, fuzz_below(2) ? fuzz_now() + fuzz_below(200000) : 1 + fuzz_below(1000));
    } else if (cmd == SCHEDOP_shutdown) {
        set32(s, 0, SHUTDOWN_soft_reset + fuzz_below(2) * fuzz_rand());    /* see fuzz_neuter */
    } else if (cmd == SCHEDOP_remote_shutdown) {
        set16(s, 0, domid_any());
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
        set16(s, 0, domid_any());
        set16(s, 2, domid_any());
        break;
    case EVTCHNOP_bind_interdomain:
        set16(s, 0, domid_any());
        set32(s, 4, port_any());
        break;
    case EVTCHNOP_bind_virq:
        set32(s, 0, fuzz_below(2) ? fuzz_below(24) : field32());
        set32(s, 4, fuzz_below(3));
        break;
    case EVTCHNOP_status:
    case EVTCHNOP_reset:
        set16(s, 0, domid_any());
        set32(s, 4, port_any());
        break;
    case EVTCHNOP_init_control:
    case EVTCHNOP_expand_array:
        set64(s, 0, gfn_any());
        set32(s, 8, fuzz_below(2) ? fuzz_below(4096) & ~7ul : field32());
        set32(s, 12, fuzz_below(3));
        break;
    default:
        set32(s, 0, port_any());
        set32(s, 4, fuzz_below(2) ? fuzz_below(16) : field32());
        break;
    }
    (void)c;
}

static void draw_hvm_op(struct fuzz_call *c)
{
    uint64_t *s = struct_arg(c, 1, 2);

    c->arg[0] = fuzz_below(6) ? fuzz_below(2) : subop(2, 1);
    set16(s, 0, domid_any());
    set32(s, 4, fuzz_below(2) ? fuzz_below(40) : field32());
    switch (fuzz_below(5)) {
    case 0: set64(s, 8, 0); break;
    case 1: set64(s, 8, 2ul << 56 | fuzz_below(256)); break;      /* vector callback */
    case 2: set64(s, 8, fuzz_below(4) << 56 | fuzz_below(1 << 16)); break;
    default: set64(s, 8, field64()); break;
    }
}

/* Any number, any arguments of every class. */
static void draw_generic(struct fuzz_call *c)
{
    for (unsigned int i = 0; i < 6; i++) {
        switch (fuzz_below(5)) {
        case 0: c->arg[i] = small(); break;
        case 1: c->arg[i] = PICK(huge); break;
        case 2: c->arg[i] = ~0ul; break;
        case 3: c->arg[i] = field64(); break;
        default: c->arg[i] = ptr_any(); break;
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
        c->arg[0] = time_any();
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
        set32(s, 0, fuzz_below(2) ? 0 : field32());         /* get_features: submap_idx */
        break;
    case __HYPERVISOR_console_io:
        c->arg[0] = fuzz_below(4) ? fuzz_below(2) : subop(2, 1);
        /* Readable RAM only with a few printable bytes: a huge count there
         * would print the scratch area to the console. */
        if (fuzz_below(3) == 0) {
            uint8_t *p = (uint8_t *)scratch_addr(8);
            c->arg[1] = fuzz_below(4);
            memcpy(p, "~fz~", 4);
            c->arg[2] = (uint64_t)(uintptr_t)p;
        } else {
            static const uint64_t bad[] = { 0xfee00000, 0x40000000, 0xffff800000000000,
                                            0x0000800000000000, 0x00007ffffffffff0 };
            c->arg[1] = fuzz_below(2) ? PICK(huge) : small();
            c->arg[2] = fuzz_below(2) ? PICK(bad) : hole_addr();
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
        c->arg[i] = safe(c->arg[i]);
}

/* A pointer the hypervisor cannot read anything from (so a stopping call
 * there fails): no guest-physical memory, or not in mini's page tables. */
static bool unreadable(uint64_t p, bool prot32)
{
    if (prot32)
        p = (uint32_t)p;
    return (p >= fz.ram_end && p < HOLE_VIRT_END) || (!prot32 && p >= 0x100000000ul);
}

/* The scratch area also holds what earlier calls wrote there (a memory
 * map names 0x100000): the words a call may read from p are filtered
 * again, as far as a batch of 64 grant ops reaches. */
static void filter_words(uint64_t a)
{
    typedef uint64_t __attribute__((aligned(1), may_alias)) u64_any;

    for (unsigned int i = 0; i < 64 * 40 / 8 + 1 && a + 8 * i + 8 <= fz.a_end; i++) {
        u64_any *w = (u64_any *)(uintptr_t)(a + 8 * i);
        *w = safe(*w);
    }
}

static void filter_scratch(uint64_t p)
{
    filter_words(p & ~7ul);
    if (p & 7)
        filter_words(p);        /* as a misaligned structure reads them */
}

/* Which argument of an implemented hypercall points to a structure the
 * hypervisor reads (that may hold pointers or frame numbers), or -1. */
static int struct_arg_index(uint64_t nr)
{
    switch (nr) {
    case __HYPERVISOR_event_channel_op_compat:
        return 0;
    case __HYPERVISOR_memory_op:
    case __HYPERVISOR_grant_table_op:
    case __HYPERVISOR_sched_op:
    case __HYPERVISOR_event_channel_op:
    case __HYPERVISOR_hvm_op:
        return 1;
    case __HYPERVISOR_vcpu_op:
        return 2;
    }
    return -1;
}

/* The structure at p if it lies wholly in the scratch area, else NULL. */
static const uint8_t *in_scratch(uint64_t p, uint64_t size, bool prot32)
{
    if (prot32)
        p = (uint32_t)p;
    return p >= fz.a_start && p <= fz.a_end - size ? (const uint8_t *)(uintptr_t)p : NULL;
}

/*
 * What stops the caller by its documented effect (public/sched.h,
 * public/vcpu.h): SCHEDOP_shutdown with a valid reason, SCHEDOP_block (no
 * timeout), SCHEDOP_poll without a timeout or with a far one,
 * SCHEDOP_remote_shutdown of ourselves, a SCHEDOP_watchdog with a timeout,
 * VCPUOP_down of vCPU 0. Checked on the arguments as the hypervisor will
 * read them (32-bit halves from 32-bit code), after every draw. Also cuts
 * a CONSOLEIO_write from readable memory to 4 bytes: a long one would
 * print RAM (mini's image too) to the console.
 */
bool fuzz_neuter(struct fuzz_call *c)
{
    uint64_t nr = c->prot32 ? (uint32_t)c->nr : c->nr;
    uint64_t cmd = c->prot32 ? (uint32_t)c->arg[0] : c->arg[0];
    uint64_t p = c->arg[1];
    const uint8_t *s;
    bool stops = false;

    if (nr == __HYPERVISOR_console_io) {
        uint64_t buf = c->prot32 ? (uint32_t)c->arg[2] : c->arg[2];
        uint64_t count = c->prot32 ? (uint32_t)c->arg[1] : c->arg[1];
        if (cmd == CONSOLEIO_write && !unreadable(buf, c->prot32) && count > 4)
            c->arg[1] = 4;
        if (buf < IMAGE_START && count > 4096)             /* would run into mini */
            c->arg[1] = 4096;
    }
    /* A batch of grant ops from low RAM would run into mini's image, the
     * hypervisor writing each op's status as asked; one from higher RAM
     * runs until the hole at ram_end (seconds for 30 MiB under TCG). */
    if (nr == __HYPERVISOR_grant_table_op) {
        uint64_t uop = c->prot32 ? (uint32_t)c->arg[1] : c->arg[1];
        uint64_t count = c->prot32 ? (uint32_t)c->arg[2] : c->arg[2];
        if (uop < fz.image_end && count > 16)
            c->arg[2] = 16;
        else if (uop < fz.ram_end - 64 * 40 && count > 64)
            c->arg[2] = 64;
    }
    /* A structure the hypervisor reads comes from the scratch area, whose
     * words are filtered, or from where it cannot read: elsewhere in RAM
     * the hypervisor's own output (a memory map's 0x100000, say) could
     * name mini's image as a pointer the call then writes through. */
    int at = struct_arg_index(nr);
    if (at >= 0) {
        uint64_t sp = c->prot32 ? (uint32_t)c->arg[at] : c->arg[at];
        if (sp >= fz.a_start && sp < fz.a_end)
            filter_scratch(sp);
        else if (!unreadable(sp, c->prot32))
            c->arg[at] = ~0ul;
    }
    if (nr == __HYPERVISOR_vcpu_op)
        stops = cmd == VCPUOP_down && (uint32_t)c->arg[1] == 0;
    if (nr == __HYPERVISOR_sched_op) {
        switch (cmd) {
        case SCHEDOP_block:
            stops = true;
            break;
        case SCHEDOP_shutdown:
            s = in_scratch(p, 4, c->prot32);
            stops = s ? *(const uint32_t *)s < SHUTDOWN_soft_reset : !unreadable(p, c->prot32);
            break;
        case SCHEDOP_poll:
            s = in_scratch(p, 24, c->prot32);
            if (s) {
                uint64_t t = *(const uint64_t *)(s + 16);
                stops = t == 0 || t > fuzz_now() + 1000000;
            } else {
                stops = !unreadable(p, c->prot32);
            }
            break;
        case SCHEDOP_remote_shutdown:
            s = in_scratch(p, 8, c->prot32);
            stops = s ? (*(const uint16_t *)s == fz.domid || *(const uint16_t *)s == DOMID_SELF)
                      : !unreadable(p, c->prot32);
            break;
        case SCHEDOP_watchdog:
            s = in_scratch(p, 8, c->prot32);
            stops = s ? *(const uint32_t *)(s + 4) != 0 : !unreadable(p, c->prot32);
            break;
        }
    }
    if (stops) {
        c->nr = __HYPERVISOR_sched_op;
        c->arg[0] = SCHEDOP_yield;
    }
    return stops;
}
