/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests: hypervisor/arch/x86/hvm/vioapic_regs.c, the IOAPIC register
 * model. Expected values come from the 82093AA datasheet (section 3) and
 * the version 0x20 EOI register, written out here rather than taken from
 * the code. */
#include <asm/vioapic.h>
#include "test.h"

#define NR_PINS     24
#define MAX_MSGS    512

static struct vioapic s;
static struct vioapic_pin pins[VIOAPIC_MAX_PINS];
static struct vioapic_msg msgs[MAX_MSGS];
static unsigned int nr_msgs, nr_written, nr_eois, last_written, last_eoi;
static bool bad_pin;                /* a callback named a pin out of range */

static void on_deliver(struct vioapic *v, const struct vioapic_msg *m)
{
    if (m->pin >= v->nr_pins)
        bad_pin = true;
    if (nr_msgs < MAX_MSGS)
        msgs[nr_msgs] = *m;
    nr_msgs++;
}

static void on_written(struct vioapic *v, unsigned int pin)
{
    if (pin >= v->nr_pins)
        bad_pin = true;
    nr_written++;
    last_written = pin;
}

static void on_eoi(struct vioapic *v, unsigned int pin)
{
    if (pin >= v->nr_pins)
        bad_pin = true;
    nr_eois++;
    last_eoi = pin;
}

static const struct vioapic_ops ops = {
    .deliver = on_deliver,
    .rte_written = on_written,
    .eoi = on_eoi,
};

static void fresh_version(unsigned int nr_pins, uint8_t version)
{
    memset(&s, 0, sizeof(s));
    memset(pins, 0xa5, sizeof(pins));   /* reset must set every pin */
    s.version = version;
    s.id = 2;
    s.gsi_base = 24;
    s.nr_pins = nr_pins;
    s.ops = &ops;
    s.pins = pins;
    vioapic_reset(&s);
    nr_msgs = nr_written = nr_eois = 0;
    bad_pin = false;
}

static void fresh(unsigned int nr_pins)
{
    fresh_version(nr_pins, VIOAPIC_VERSION_20);
}

/* Through the MMIO window, as a guest does it. */
static uint32_t rd(unsigned int index)
{
    vioapic_mmio_write(&s, IOAPIC_REG_SELECT, 4, index);
    return (uint32_t)vioapic_mmio_read(&s, IOAPIC_REG_WINDOW, 4);
}

static void wr(unsigned int index, uint32_t val)
{
    vioapic_mmio_write(&s, IOAPIC_REG_SELECT, 4, index);
    vioapic_mmio_write(&s, IOAPIC_REG_WINDOW, 4, val);
}

static void set_rte(unsigned int pin, uint32_t low, uint8_t dest)
{
    wr(0x11 + 2 * pin, (uint32_t)dest << 24);
    wr(0x10 + 2 * pin, low);
}

static void test_reset_state(void)
{
    fresh(NR_PINS);
    CHECK_EQ(rd(0x00), 0x02000000);             /* ID in bits 31:24 */
    CHECK_EQ(rd(0x01), 0x00170020);             /* version 0x20, 24 entries */
    CHECK_EQ(rd(0x02), 0x02000000);             /* arbitration ID */
    for (unsigned int pin = 0; pin < NR_PINS; pin++) {
        CHECK_EQ(rd(0x10 + 2 * pin), 0x00010000);   /* masked, edge, vector 0 */
        CHECK_EQ(rd(0x11 + 2 * pin), 0);
        CHECK(!pins[pin].asserted);
    }
    CHECK_EQ(vioapic_mmio_read(&s, IOAPIC_REG_SELECT, 4), 0x3f);  /* the last index */
    fresh(1);
    CHECK_EQ(rd(0x01), 0x00000020);
    fresh(VIOAPIC_MAX_PINS);
    CHECK_EQ(rd(0x01), 0x00770020);
    CHECK_EQ(rd(0xff), 0);                      /* pin 119's high dword exists */
    CHECK_EQ(nr_msgs + nr_written + nr_eois, 0);
}

static void test_id_register(void)
{
    fresh(NR_PINS);
    wr(0x00, 0xff0000ff);                       /* reserved bits dropped */
    CHECK_EQ(rd(0x00), 0xff000000);
    CHECK_EQ(rd(0x02), 0x0f000000);             /* arbitration: 4 bits */
    wr(0x01, 0);                                /* read-only */
    wr(0x02, 0);
    CHECK_EQ(rd(0x01), 0x00170020);
    CHECK_EQ(rd(0x02), 0x0f000000);
}

static void test_edge(void)
{
    fresh(NR_PINS);
    set_rte(3, 0x31, 0x04);                     /* vector 0x31, fixed, physical, edge */
    CHECK_EQ(nr_written, 2);
    CHECK_EQ(last_written, 3);
    vioapic_set_line(&s, 3, true);
    CHECK_EQ(nr_msgs, 1);
    CHECK_EQ(msgs[0].pin, 3);
    CHECK_EQ(msgs[0].vector, 0x31);
    CHECK_EQ(msgs[0].mode, VIOAPIC_DM_FIXED);
    CHECK(!msgs[0].logical);
    CHECK(!msgs[0].level);
    CHECK_EQ(msgs[0].dest, 4);
    CHECK_EQ(rd(0x16) & 0x5000, 0);             /* no remote IRR, no delivery status */
    vioapic_set_line(&s, 3, true);              /* held high: no new edge */
    CHECK_EQ(nr_msgs, 1);
    vioapic_set_line(&s, 3, false);
    CHECK_EQ(nr_msgs, 1);
    vioapic_set_line(&s, 3, true);              /* a new rising edge */
    CHECK_EQ(nr_msgs, 2);
    vioapic_eoi(&s, 0x31);                      /* an EOI means nothing to an edge pin */
    CHECK_EQ(nr_eois, 0);
    CHECK_EQ(nr_msgs, 2);
}

static void test_edge_masked_is_lost(void)
{
    fresh(NR_PINS);
    set_rte(5, 0x10040, 0);                     /* masked */
    vioapic_set_line(&s, 5, true);
    CHECK_EQ(nr_msgs, 0);
    set_rte(5, 0x40, 0);                        /* unmasked while high: no edge */
    CHECK_EQ(nr_msgs, 0);
    vioapic_set_line(&s, 5, false);
    vioapic_set_line(&s, 5, true);
    CHECK_EQ(nr_msgs, 1);
}

static void test_level_remote_irr(void)
{
    fresh(NR_PINS);
    set_rte(9, 0xa051, 0x01);                   /* level, active low, vector 0x51 */
    vioapic_set_line(&s, 9, true);
    CHECK_EQ(nr_msgs, 1);
    CHECK(msgs[0].level);
    CHECK_EQ(rd(0x22), 0xe051);                 /* remote IRR set (bit 14) */
    vioapic_set_line(&s, 9, true);              /* still waiting for the EOI */
    CHECK_EQ(nr_msgs, 1);
    vioapic_eoi(&s, 0x52);                      /* another vector: nothing */
    CHECK_EQ(rd(0x22), 0xe051);
    CHECK_EQ(nr_eois, 0);
    vioapic_set_line(&s, 9, false);
    vioapic_eoi(&s, 0x51);
    CHECK_EQ(rd(0x22), 0xa051);
    CHECK_EQ(nr_eois, 1);
    CHECK_EQ(last_eoi, 9);
    CHECK_EQ(nr_msgs, 1);                       /* line low: nothing more */
    vioapic_eoi(&s, 0x51);                      /* a second EOI: no remote IRR to clear */
    CHECK_EQ(nr_eois, 1);
}

static void test_level_still_asserted_redelivered(void)
{
    fresh(NR_PINS);
    set_rte(16, 0xa061, 0);
    vioapic_set_line(&s, 16, true);
    CHECK_EQ(nr_msgs, 1);
    vioapic_eoi(&s, 0x61);                      /* the device still asserts it */
    CHECK_EQ(nr_eois, 1);
    CHECK_EQ(nr_msgs, 2);
    CHECK(msgs[1].level);
    CHECK_EQ(rd(0x30) & 0x4000, 0x4000);        /* remote IRR set again */
    vioapic_set_line(&s, 16, false);
    vioapic_eoi(&s, 0x61);
    CHECK_EQ(nr_msgs, 2);
    CHECK_EQ(rd(0x30) & 0x4000, 0);
}

static void test_level_masking(void)
{
    fresh(NR_PINS);
    set_rte(10, 0x18071, 0);                    /* level, masked */
    vioapic_set_line(&s, 10, true);
    CHECK_EQ(nr_msgs, 0);
    CHECK_EQ(rd(0x24) & 0x4000, 0);
    set_rte(10, 0x8071, 0);                     /* unmask: the asserted line goes */
    CHECK_EQ(nr_msgs, 1);
    CHECK_EQ(rd(0x24), 0xc071);
    set_rte(10, 0x18071, 0);                    /* masked while in service */
    vioapic_eoi(&s, 0x71);                      /* EOI still clears remote IRR */
    CHECK_EQ(rd(0x24), 0x18071);
    CHECK_EQ(nr_msgs, 1);                       /* but masked: not delivered */
    vioapic_set_line(&s, 10, false);
    set_rte(10, 0x8071, 0);
    CHECK_EQ(nr_msgs, 1);                       /* deasserted before the unmask */
}

static void test_level_to_edge_is_eoi(void)
{
    fresh(NR_PINS);
    set_rte(4, 0x8081, 0);
    vioapic_set_line(&s, 4, true);
    CHECK_EQ(rd(0x18), 0xc081);
    wr(0x18, 0x10081);                          /* Linux's trick: masked edge... */
    CHECK_EQ(rd(0x18), 0x10081);                /* remote IRR gone */
    CHECK_EQ(nr_eois, 1);
    CHECK_EQ(last_eoi, 4);
    wr(0x18, 0x18081);                          /* ...then masked level again */
    CHECK_EQ(nr_msgs, 1);
    wr(0x18, 0x8081);                           /* unmasked: still asserted, again */
    CHECK_EQ(nr_msgs, 2);
    CHECK_EQ(rd(0x18), 0xc081);
}

static void test_eoi_register(void)
{
    fresh(NR_PINS);
    set_rte(7, 0x8091, 0);
    set_rte(8, 0x8091, 0);                      /* two pins share the vector */
    vioapic_set_line(&s, 7, true);
    vioapic_set_line(&s, 8, true);
    vioapic_set_line(&s, 7, false);
    vioapic_set_line(&s, 8, false);
    CHECK_EQ(nr_msgs, 2);
    vioapic_mmio_write(&s, IOAPIC_REG_EOI, 1, 0x91);  /* not a dword: dropped */
    CHECK_EQ(nr_eois, 0);
    vioapic_mmio_write(&s, IOAPIC_REG_EOI, 4, 0x92);
    CHECK_EQ(nr_eois, 0);
    vioapic_mmio_write(&s, IOAPIC_REG_EOI, 4, 0xffffff91);  /* only bits 7:0 */
    CHECK_EQ(nr_eois, 2);
    CHECK_EQ(rd(0x1e) & 0x4000, 0);
    CHECK_EQ(rd(0x20) & 0x4000, 0);
    CHECK_EQ(vioapic_mmio_read(&s, IOAPIC_REG_EOI, 4), 0);   /* write-only */
}

/* Version 0x11 (82093AA): no EOI register; the level->edge switch is the
 * way to clear remote IRR by hand. */
static void test_version_11(void)
{
    fresh_version(NR_PINS, VIOAPIC_VERSION_11);
    CHECK_EQ(rd(0x01), 0x00170011);
    set_rte(7, 0x8091, 0);
    vioapic_set_line(&s, 7, true);
    vioapic_set_line(&s, 7, false);
    vioapic_mmio_write(&s, IOAPIC_REG_EOI, 4, 0x91);
    CHECK_EQ(nr_eois, 0);
    CHECK_EQ(rd(0x1e), 0xc091);                 /* remote IRR still set */
    wr(0x1e, 0x10091);
    wr(0x1e, 0x8091);
    CHECK_EQ(nr_eois, 1);
    CHECK_EQ(rd(0x1e), 0x8091);
    vioapic_eoi(&s, 0x91);                      /* the local APIC's EOI works as ever */
    CHECK_EQ(nr_eois, 1);                       /* (nothing left to clear) */
}

static void test_read_only_bits(void)
{
    fresh(NR_PINS);
    wr(0x12, 0xffffffff);                       /* pin 1 low: everything */
    CHECK_EQ(rd(0x12), 0x1afff);                /* no delivery status, no remote IRR */
    wr(0x13, 0xffffffff);
    CHECK_EQ(rd(0x13), 0xff000000);             /* destination only */
    CHECK_EQ(nr_msgs, 0);                       /* an edge pin is not sent by a write */
}

static void test_message_fields(void)
{
    fresh(NR_PINS);
    set_rte(2, 0x9a3, 0x0f);                    /* lowest priority, logical, vector 0xa3 */
    vioapic_set_line(&s, 2, true);
    CHECK_EQ(nr_msgs, 1);
    CHECK_EQ(msgs[0].mode, VIOAPIC_DM_LOWEST);
    CHECK(msgs[0].logical);
    CHECK_EQ(msgs[0].dest, 0x0f);
    CHECK_EQ(msgs[0].vector, 0xa3);
    set_rte(2, 0x4a3, 0x01);                    /* NMI: the caller decides */
    vioapic_set_line(&s, 2, false);
    vioapic_set_line(&s, 2, true);
    CHECK_EQ(msgs[1].mode, VIOAPIC_DM_NMI);
}

static void test_bad_indices(void)
{
    fresh(NR_PINS);
    CHECK_EQ(rd(0x03), 0xffffffff);             /* nothing there */
    CHECK_EQ(rd(0x0f), 0xffffffff);
    CHECK_EQ(rd(0x10 + 2 * NR_PINS), 0xffffffff);   /* past the last pin */
    CHECK_EQ(rd(0xff), 0xffffffff);
    wr(0x10 + 2 * NR_PINS, 0x31);
    wr(0x03, 0x31);
    CHECK_EQ(nr_written, 0);
    vioapic_set_line(&s, NR_PINS, true);        /* lines that do not exist */
    vioapic_set_line(&s, 0xffffffffu, true);
    CHECK_EQ(nr_msgs, 0);
    vioapic_mmio_write(&s, IOAPIC_REG_SELECT, 4, 0x1234);   /* 8 bits kept */
    CHECK_EQ(vioapic_mmio_read(&s, IOAPIC_REG_SELECT, 4), 0x34);
    vioapic_mmio_write(&s, IOAPIC_REG_SELECT, 1, 0x12);     /* bytes reach it too */
    CHECK_EQ(vioapic_mmio_read(&s, IOAPIC_REG_SELECT, 4), 0x12);
    CHECK(!bad_pin);
}

static void test_access_sizes(void)
{
    fresh(NR_PINS);
    set_rte(0, 0x8041, 0xab);
    vioapic_mmio_write(&s, IOAPIC_REG_SELECT, 4, 0x10);
    CHECK_EQ(vioapic_mmio_read(&s, IOAPIC_REG_WINDOW, 8), 0x8041);   /* zero-extended */
    CHECK_EQ(vioapic_mmio_read(&s, IOAPIC_REG_WINDOW, 1), 0x41);
    CHECK_EQ(vioapic_mmio_read(&s, IOAPIC_REG_WINDOW, 2), 0x8041);
    vioapic_mmio_write(&s, IOAPIC_REG_WINDOW, 2, 0x42);      /* not a dword: dropped */
    vioapic_mmio_write(&s, IOAPIC_REG_WINDOW, 1, 0x42);
    CHECK_EQ(rd(0x10), 0x8041);
    vioapic_mmio_write(&s, IOAPIC_REG_SELECT, 4, 0x10);
    vioapic_mmio_write(&s, IOAPIC_REG_WINDOW, 8, 0xffffffff00010043ull);  /* low dword */
    CHECK_EQ(rd(0x10), 0x10043);
    CHECK_EQ(rd(0x11), 0xab000000);             /* the high half did not spill over */
    CHECK_EQ(vioapic_mmio_read(&s, IOAPIC_REG_SELECT, 8), 0x11);
    /* Offsets that are no register. */
    for (unsigned int off = 0; off < VIOAPIC_WINDOW_LEN; off++) {
        if (off == IOAPIC_REG_SELECT || off == IOAPIC_REG_WINDOW || off == IOAPIC_REG_EOI)
            continue;
        CHECK_EQ(vioapic_mmio_read(&s, off, 4), 0);
        vioapic_mmio_write(&s, off, 4, 0x12);
        vioapic_mmio_write(&s, off, 8, 0x12);
    }
    CHECK_EQ(vioapic_mmio_read(&s, IOAPIC_REG_SELECT, 4), 0x11);
    CHECK_EQ(rd(0x10), 0x10043);
    CHECK_EQ(rd(0x11), 0xab000000);
}

/* A hostile guest: every offset and size with every index and patterns.
 * Nothing escapes the pins, read-only fields stay, and only writable bits
 * (plus remote IRR) are ever set. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void test_hostile(void)
{
    static const unsigned int sizes[] = { 1, 2, 4, 8 };

    fresh(NR_PINS);
    for (unsigned int round = 0; round < 4; round++)
        for (unsigned int index = 0; index < 0x100; index++) {
            uint64_t val = round == 0 ? ~0ull : round == 1 ? 0 : next();
            vioapic_mmio_write(&s, IOAPIC_REG_SELECT, 4, index);
            vioapic_mmio_write(&s, IOAPIC_REG_WINDOW, 4, val);
            vioapic_set_line(&s, index % (NR_PINS + 2), val & 1);
            vioapic_mmio_write(&s, IOAPIC_REG_EOI, 4, val >> 8);
        }
    for (unsigned int i = 0; i < 200000; i++) {
        uint64_t r = next();
        unsigned int off = (unsigned int)(r & 0xff), size = sizes[(r >> 8) & 3];
        if (r & (1ull << 10))
            vioapic_mmio_write(&s, off, size, next());
        else
            (void)vioapic_mmio_read(&s, off, size);
        if ((r >> 11 & 7) == 0)
            vioapic_set_line(&s, (unsigned int)(r >> 16) % (NR_PINS + 4), r >> 40 & 1);
        if ((r >> 14 & 7) == 0)
            vioapic_eoi(&s, (uint8_t)(r >> 24));
    }
    CHECK(!bad_pin);
    CHECK_EQ(rd(0x01), 0x00170020);             /* the version never changes */
    for (unsigned int pin = 0; pin < NR_PINS; pin++) {
        CHECK_EQ(pins[pin].rte & ~0xff0000000001efffull, 0);   /* writable + remote IRR */
        /* Remote IRR only on a level pin. */
        if (pins[pin].rte & RTE_REMOTE_IRR)
            CHECK(pins[pin].rte & RTE_LEVEL);
    }
    for (unsigned int i = 0; i < nr_msgs && i < MAX_MSGS; i++)
        CHECK(msgs[i].pin < NR_PINS);
    /* Still a working IOAPIC afterwards. */
    set_rte(1, 0x8055, 0);
    vioapic_set_line(&s, 1, false);
    vioapic_eoi(&s, 0x55);
    CHECK_EQ(rd(0x12) & 0x4000, 0);
    nr_msgs = 0;
    vioapic_set_line(&s, 1, true);
    CHECK_EQ(nr_msgs, 1);
    CHECK_EQ(msgs[0].vector, 0x55);
}

int main(void)
{
    RUN(test_reset_state);
    RUN(test_id_register);
    RUN(test_edge);
    RUN(test_edge_masked_is_lost);
    RUN(test_level_remote_irr);
    RUN(test_level_still_asserted_redelivered);
    RUN(test_level_masking);
    RUN(test_level_to_edge_is_eoi);
    RUN(test_eoi_register);
    RUN(test_version_11);
    RUN(test_read_only_bits);
    RUN(test_message_fields);
    RUN(test_bad_indices);
    RUN(test_access_sizes);
    RUN(test_hostile);
    return test_summary();
}
