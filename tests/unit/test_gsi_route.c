/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/arch/x86/gsi_route.c, host GSIs routed to a
 * guest. The host IOAPIC, the vector table and the local APIC are fakes
 * here that record what the code did to them; expected RTEs are written
 * out from the 82093AA layout (vector 7:0, polarity 13, trigger 15, mask
 * 16, destination 63:56). */
#include <asm/gsi_route.h>
#include <asm/io_apic.h>
#include <asm/regs.h>
#include <tessera/errno.h>
#include "test.h"

#define NR_GSIS     48              /* the fake machine's pins */

/* ---- fakes ---- */

static uint64_t host_rte[NR_GSIS];
static unsigned int rte_writes, eois;
static irq_handler_t handlers[256];
static bool vectors_full;

int io_apic_write_rte(uint32_t gsi, uint64_t rte)
{
    if (gsi >= NR_GSIS)
        return -ENOENT;
    host_rte[gsi] = rte;
    rte_writes++;
    return 0;
}

const char *io_apic_reserved(uint32_t gsi)
{
    return gsi == 4 ? "COM1" : NULL;
}

int irq_vector_alloc(irq_handler_t fn)
{
    if (vectors_full)
        return -ENOSPC;
    for (unsigned int v = 0x30; v <= 0xdf; v++)
        if (!handlers[v]) {
            handlers[v] = fn;
            return (int)v;
        }
    return -ENOSPC;
}

void irq_vector_free(unsigned int vector)
{
    CHECK(handlers[vector] != NULL);
    handlers[vector] = NULL;
}

void apic_eoi(void)
{
    eois++;
}

/* ---- the owner ---- */

static uint32_t fired[64];
static unsigned int nr_fired;
static uint64_t rte_when_fired;     /* the host RTE as the owner saw it */

static void owner(uint32_t gsi)
{
    if (nr_fired < 64)
        fired[nr_fired] = gsi;
    nr_fired++;
    rte_when_fired = host_rte[gsi];
}

/* The host takes gsi's interrupt: the vector its RTE names. */
static void interrupt(uint32_t gsi)
{
    struct cpu_regs regs;
    unsigned int vec = host_rte[gsi] & 0xff;

    memset(&regs, 0, sizeof(regs));
    regs.vector = vec;
    CHECK(handlers[vec] != NULL);
    if (handlers[vec])
        handlers[vec](&regs);
}

static void fresh(void)
{
    for (uint32_t gsi = 0; gsi < NR_GSIS; gsi++)
        gsi_route_unbind(gsi);
    memset(host_rte, 0, sizeof(host_rte));
    rte_writes = eois = nr_fired = 0;
    vectors_full = false;
}

static void test_edge(void)
{
    fresh();
    CHECK_EQ(gsi_route_bind(14, 0, 0x02, owner), 0);
    unsigned int vec = host_rte[14] & 0xff;
    CHECK(vec >= 0x30 && vec <= 0xdf);
    CHECK_EQ(host_rte[14], 0x0200000000000000ull | vec);  /* fixed, physical, edge, unmasked */
    interrupt(14);
    CHECK_EQ(nr_fired, 1);
    CHECK_EQ(fired[0], 14);
    CHECK_EQ(eois, 1);
    CHECK_EQ(host_rte[14] & RTE_MASKED, 0);     /* an edge pin stays open */
    interrupt(14);
    CHECK_EQ(nr_fired, 2);
    gsi_route_eoi(14);                          /* nothing to release */
    CHECK_EQ(host_rte[14] & RTE_MASKED, 0);
}

static void test_level_masked_until_eoi(void)
{
    fresh();
    CHECK_EQ(gsi_route_bind(9, RTE_LEVEL | RTE_ACTIVE_LOW, 0x01, owner), 0);
    unsigned int vec = host_rte[9] & 0xff;
    CHECK_EQ(host_rte[9], 0x0100000000000000ull | 0xa000 | vec);
    interrupt(9);
    CHECK_EQ(nr_fired, 1);
    CHECK_EQ(eois, 1);
    /* Masked before the owner ran, so before the local APIC EOI let the
     * IOAPIC look at the line again. */
    CHECK(rte_when_fired & RTE_MASKED);
    CHECK(host_rte[9] & RTE_MASKED);
    gsi_route_update(9, RTE_LEVEL | RTE_ACTIVE_LOW, false);  /* unmasking is not an EOI */
    CHECK(host_rte[9] & RTE_MASKED);
    gsi_route_eoi(9);
    CHECK_EQ(host_rte[9], 0x0100000000000000ull | 0xa000 | vec);
}

static void test_guest_mask(void)
{
    fresh();
    CHECK_EQ(gsi_route_bind(16, RTE_LEVEL, 0, owner), 0);
    gsi_route_update(16, RTE_LEVEL, true);
    CHECK(host_rte[16] & RTE_MASKED);
    interrupt(16);                              /* one already on its way */
    gsi_route_eoi(16);
    CHECK(host_rte[16] & RTE_MASKED);           /* the guest's mask holds */
    gsi_route_update(16, RTE_LEVEL, false);
    CHECK_EQ(host_rte[16] & RTE_MASKED, 0);
    /* Level -> edge: no EOI will be waited for. */
    interrupt(16);
    CHECK(host_rte[16] & RTE_MASKED);
    gsi_route_update(16, 0, false);
    CHECK_EQ(host_rte[16] & (RTE_MASKED | RTE_LEVEL), 0);
    gsi_route_update(16, RTE_LEVEL, false);
    CHECK_EQ(host_rte[16] & RTE_MASKED, 0);
    /* Only trigger and polarity are taken from the mode. */
    gsi_route_update(16, ~0ull, false);
    CHECK_EQ(host_rte[16] & ~(0xffull), RTE_LEVEL | RTE_ACTIVE_LOW);
}

static void test_refusals(void)
{
    fresh();
    CHECK_EQ(gsi_route_bind(4, 0, 0, owner), -EPERM);       /* the hypervisor's */
    CHECK_EQ(rte_writes, 0);
    CHECK_EQ(gsi_route_bind(NR_GSIS, 0, 0, owner), -ENOENT);  /* no IOAPIC has it */
    CHECK_EQ(gsi_route_bind(0xffffffffu, 0, 0, owner), -ENOENT);
    CHECK_EQ(gsi_route_bind(3, 0, 0x100, owner), -ERANGE);   /* no 8-bit destination */
    vectors_full = true;
    CHECK_EQ(gsi_route_bind(3, 0, 0, owner), -ENOSPC);
    vectors_full = false;
    CHECK_EQ(gsi_route_bind(3, 0, 0, owner), 0);
    CHECK_EQ(gsi_route_bind(3, RTE_LEVEL, 0, owner), -EEXIST);
    /* Failed binds left no vector behind: all but one are free. */
    unsigned int used = 0;
    for (unsigned int v = 0; v < 256; v++)
        used += handlers[v] != NULL;
    CHECK_EQ(used, 1);
    /* Calls for GSIs that are not routed do nothing. */
    unsigned int writes = rte_writes;
    gsi_route_update(5, RTE_LEVEL, false);
    gsi_route_eoi(5);
    gsi_route_unbind(5);
    CHECK_EQ(rte_writes, writes);
}

static void test_unbind(void)
{
    fresh();
    CHECK_EQ(gsi_route_bind(20, RTE_LEVEL, 0, owner), 0);
    unsigned int vec = host_rte[20] & 0xff;
    gsi_route_unbind(20);
    CHECK_EQ(host_rte[20], RTE_MASKED);
    CHECK(handlers[vec] == NULL);
    /* Bound again later, it works as new. */
    CHECK_EQ(gsi_route_bind(20, 0, 0, owner), 0);
    interrupt(20);
    CHECK_EQ(nr_fired, 1);
}

static void test_stale_vector(void)
{
    struct cpu_regs regs;

    fresh();
    CHECK_EQ(gsi_route_bind(21, RTE_LEVEL, 0, owner), 0);
    unsigned int vec = host_rte[21] & 0xff;
    irq_handler_t h = handlers[vec];
    gsi_route_unbind(21);
    /* An interrupt that was on its way when the route went. */
    memset(&regs, 0, sizeof(regs));
    regs.vector = vec;
    h(&regs);
    CHECK_EQ(nr_fired, 0);
    CHECK_EQ(eois, 1);                          /* still EOI'd */
    CHECK_EQ(host_rte[21], RTE_MASKED);         /* and not unmasked again */
}

static void test_many(void)
{
    fresh();
    for (uint32_t gsi = 0; gsi < NR_GSIS; gsi++)
        CHECK_EQ(gsi_route_bind(gsi, gsi & 1 ? RTE_LEVEL : 0, 0, owner), gsi == 4 ? -EPERM : 0);
    for (uint32_t gsi = 0; gsi < NR_GSIS; gsi++)
        if (gsi != 4)
            interrupt(gsi);
    CHECK_EQ(nr_fired, NR_GSIS - 1);
    for (uint32_t gsi = 0; gsi < NR_GSIS && gsi < 64; gsi++)
        if (gsi != 4)
            CHECK_EQ(fired[gsi < 4 ? gsi : gsi - 1], gsi);  /* each vector finds its GSI */
}

int main(void)
{
    RUN(test_edge);
    RUN(test_level_masked_until_eoi);
    RUN(test_guest_mask);
    RUN(test_refusals);
    RUN(test_unbind);
    RUN(test_stale_vector);
    RUN(test_many);
    return test_summary();
}
