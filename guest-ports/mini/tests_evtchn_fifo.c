/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels, FIFO ABI: init_control and expand_array (with bad
 * arguments), ports pending under 2-level carried over, queues per
 * priority consumed the way a guest does (head, then LINK to LINK), masking,
 * a guest scribbling LINKs and cycles into its words, the array's limit,
 * more ports than 2-level has, and EVTCHNOP_reset back to 2-level.
 */
#include <public/xen/errno.h>
#include "evtchn.h"
#include "hypercall.h"

#define W_PENDING   (1u << EVTCHN_FIFO_PENDING)
#define W_MASKED    (1u << EVTCHN_FIFO_MASKED)
#define W_LINKED    (1u << EVTCHN_FIFO_LINKED)
#define W_BUSY      (1u << EVTCHN_FIFO_BUSY)
#define PRIO        EVTCHN_FIFO_PRIORITY_DEFAULT

static uint8_t control_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static volatile event_word_t words[PAGE_SIZE / 4] __attribute__((aligned(PAGE_SIZE)));
static uint8_t spare_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct evtchn_fifo_control_block *const cb =
    (struct evtchn_fifo_control_block *)control_page;

static uint64_t gfn(const volatile void *p)
{
    return (uintptr_t)p / PAGE_SIZE;
}

static long init_control(uint64_t g, uint32_t offset, uint32_t vcpu, uint8_t *link_bits)
{
    struct evtchn_init_control ic = { .control_gfn = g, .offset = offset, .vcpu = vcpu };
    long rc = evtchn_op(EVTCHNOP_init_control, &ic);

    if (link_bits)
        *link_bits = ic.link_bits;
    return rc;
}

static long expand(uint64_t g)
{
    struct evtchn_expand_array ea = { .array_gfn = g };
    return evtchn_op(EVTCHNOP_expand_array, &ea);
}

static long set_priority(evtchn_port_t port, uint32_t prio)
{
    struct evtchn_set_priority sp = { .port = port, .priority = prio };
    return evtchn_op(EVTCHNOP_set_priority, &sp);
}

/* Takes up to max ports off queue prio as a guest consumer does; bounded
 * so that a cycle cannot hang mini either. Returns how many. */
static unsigned int consume(unsigned int prio, evtchn_port_t *out, unsigned int max)
{
    evtchn_port_t port = __atomic_exchange_n(&cb->head[prio], 0, __ATOMIC_SEQ_CST);
    unsigned int n = 0;

    while (port && port < ARRAY_SIZE(words) && n < max) {
        event_word_t w = __atomic_fetch_and(&words[port], ~(W_LINKED | EVTCHN_FIFO_LINK_MASK),
                                            __ATOMIC_SEQ_CST);
        __atomic_fetch_and(&words[port], ~W_PENDING, __ATOMIC_SEQ_CST);
        out[n++] = port;
        port = w & EVTCHN_FIFO_LINK_MASK;
    }
    __atomic_fetch_and(&cb->ready, ~(1u << prio), __ATOMIC_SEQ_CST);
    return n;
}

static void test_bad_control(void)
{
    uint64_t g = gfn(control_page);
    static const struct { const char *name; uint32_t offset, vcpu; int gfn_kind; long want; }
    bad[] = {
        { "fifo.control_not_ram", 0, 0, 1, -XEN_EINVAL },
        { "fifo.control_gfn_too_wide", 0, 0, 2, -XEN_EINVAL },
        { "fifo.control_misaligned", 4, 0, 0, -XEN_EINVAL },
        { "fifo.control_straddles_page", PAGE_SIZE - 64, 0, 0, -XEN_EINVAL },
        { "fifo.control_offset_past_page", PAGE_SIZE, 0, 0, -XEN_EINVAL },
        { "fifo.control_offset_huge", 0xfffffff8, 0, 0, -XEN_EINVAL },
        { "fifo.control_no_vcpu", 0, 999, 0, -XEN_ENOENT },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        uint64_t which = bad[i].gfn_kind == 0 ? g : bad[i].gfn_kind == 1 ?
                         ram_hole() / PAGE_SIZE : (1ull << 52);
        long rc = init_control(which, bad[i].offset, bad[i].vcpu, NULL);
        CHECK(bad[i].name, rc == bad[i].want, "rc %ld", rc);
    }
    long rc = set_priority(1, 1);
    CHECK("fifo.still_2level_after_refusals", rc == -XEN_ENOSYS, "rc %ld", rc);
}

static void test_queue(evtchn_port_t pa, evtchn_port_t pb)
{
    evtchn_port_t got[8];
    unsigned int n;
    long rc;

    /* pa was raised under 2-level: it shows once its word exists. */
    n = consume(PRIO, got, 8);
    rc = expand(ram_hole() / PAGE_SIZE);
    CHECK("fifo.expand_not_ram", rc == -XEN_EINVAL, "rc %ld", rc);
    rc = expand(gfn(words));
    CHECK("fifo.expand_array", rc == 0 && n == 0, "rc %ld n %u", rc, n);
    CHECK("fifo.pending_carried_over", (cb->ready & (1u << PRIO)) && cb->head[PRIO] == pa &&
          (words[pa] & (W_PENDING | W_LINKED)) == (W_PENDING | W_LINKED),
          "ready %#x head %u word %#x", cb->ready, cb->head[PRIO], words[pa]);
    n = consume(PRIO, got, 8);
    CHECK("fifo.consume_one", n == 1 && got[0] == pa && words[pa] == 0, "n %u word %#x", n,
          words[pa]);

    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    evtchn_op(EVTCHNOP_bind_ipi, &ipi);
    evtchn_port_t pc = ipi.port;
    evtchn_send(pb);
    evtchn_send(pc);
    evtchn_send(pb);                /* already pending and linked: no change */
    CHECK("fifo.linked_in_order", cb->head[PRIO] == pa &&
          (words[pa] & EVTCHN_FIFO_LINK_MASK) == pc && (words[pc] & W_LINKED),
          "head %u word[a] %#x word[c] %#x", cb->head[PRIO], words[pa], words[pc]);
    n = consume(PRIO, got, 8);
    CHECK("fifo.consume_two", n == 2 && got[0] == pa && got[1] == pc, "n %u", n);

    rc = set_priority(pc, 3);
    long rc2 = set_priority(pc, EVTCHN_FIFO_PRIORITY_MIN + 1);
    long rc3 = set_priority(0xffffff, 3);
    evtchn_send(pc);
    CHECK("fifo.priority_queue", rc == 0 && rc2 == -XEN_EINVAL && rc3 == -XEN_EINVAL &&
          (cb->ready & (1u << 3)) && cb->head[3] == pc && cb->head[PRIO] == 0,
          "rc %ld/%ld/%ld ready %#x head3 %u", rc, rc2, rc3, cb->ready, cb->head[3]);
    n = consume(3, got, 8);
    CHECK("fifo.consume_priority", n == 1 && got[0] == pc, "n %u", n);

    words[pa] |= W_MASKED;
    evtchn_send(pb);
    CHECK("fifo.masked_not_linked", (words[pa] & (W_PENDING | W_LINKED)) == W_PENDING &&
          cb->head[PRIO] == 0, "word %#x", words[pa]);
    struct evtchn_unmask um = { .port = pa };
    rc = evtchn_op(EVTCHNOP_unmask, &um);
    CHECK("fifo.unmask_links", rc == 0 && !(words[pa] & W_MASKED) && cb->head[PRIO] == pa,
          "rc %ld word %#x head %u", rc, words[pa], cb->head[PRIO]);
    consume(PRIO, got, 8);

    /* Scribbles: LINKs everywhere, cycles, BUSY left set, every bit set. */
    for (unsigned int i = 0; i < ARRAY_SIZE(words); i++)
        words[i] = W_LINKED | ((i * 7919u + 13) & EVTCHN_FIFO_LINK_MASK);
    words[pa] = W_LINKED | W_BUSY | pc;
    words[pc] = W_LINKED | pa;
    cb->head[PRIO] = pc;
    for (int i = 0; i < 50; i++) {
        words[pc] = (i & 1) ? W_BUSY : 0;   /* unlinked: gets linked onto a junk tail */
        evtchn_send(pb);
        evtchn_send(pc);
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(words); i++)
        words[i] = 0xffffffff;
    rc = evtchn_send(pb);
    rc2 = evtchn_send(pc);
    CHECK("fifo.hostile_words_survive", rc == 0 && rc2 == 0, "rc %ld/%ld", rc, rc2);
    memset((void *)words, 0, sizeof(words));
    memset(cb, 0, sizeof(*cb));
    evtchn_send(pb);
    n = consume(PRIO, got, 8);
    CHECK("fifo.works_after_scribbles", n == 1 && got[0] == pa, "n %u head %u", n,
          n ? got[0] : 0);
    evtchn_close(pc);
}

static void test_limits(void)
{
    unsigned int added = 0;
    long rc;

    while ((rc = expand(gfn(spare_page))) == 0 && added < 1000)
        added++;
    /* 131072 ports of 1024 words a page: 128 pages, one added already. */
    CHECK("fifo.expand_array_limit", rc == -XEN_ENOSPC && added == 127, "rc %ld added %u",
          rc, added);

    evtchn_port_t p = 0;
    unsigned int n = 0;
    rc = 0;
    while (n < 4200 && (rc = evtchn_alloc_unbound(DOMID_SELF, &p)) == 0)
        n++;
    if (rc == -XEN_ENOMEM && p < 4096)      /* the domain's budget (docs/limits.md) */
        printf("mini: SKIP fifo.more_ports_than_2level (the port budget: %u allocated)\n", n);
    else
        CHECK("fifo.more_ports_than_2level", n == 4200 && p > 4096, "n %u last %u", n, p);
}

void tests_evtchn_fifo(void)
{
    evtchn_port_t pa, pb;
    uint8_t link_bits = 0;
    long rc;

    memset(control_page, 0, sizeof(control_page));
    memset((void *)words, 0, sizeof(words));
    test_bad_control();
    /* The console ring's port (bound to the hypervisor at build) must not
     * be pending when the queues are checked: only pa is expected there. */
    evtchn_port_t cport = console_evtchn_port();
    if (cport) {
        ev_set_mask(cport, true);
        ev_clear_pending(cport);
    }
    evtchn_alloc_unbound(DOMID_SELF, &pa);
    evtchn_bind_interdomain(DOMID_SELF, pa, &pb);
    ev_clear_pending(pb);
    evtchn_send(pb);                /* pa pending, under 2-level */

    rc = init_control(gfn(control_page), 0, 0, &link_bits);
    CHECK("fifo.init_control", rc == 0 && link_bits == EVTCHN_FIFO_LINK_BITS,
          "rc %ld link_bits %u", rc, link_bits);
    rc = init_control(gfn(control_page), 0, 0, NULL);
    CHECK("fifo.init_control_twice", rc == -XEN_EINVAL, "rc %ld", rc);
    test_queue(pa, pb);
    test_limits();

    struct evtchn_reset r = { .dom = DOMID_SELF };
    rc = evtchn_op(EVTCHNOP_reset, &r);
    long rc2 = set_priority(1, 1);
    long rc3 = expand(gfn(spare_page));
    CHECK("fifo.reset_to_2level", rc == 0 && rc2 == -XEN_ENOSYS && rc3 == -XEN_EOPNOTSUPP,
          "rc %ld/%ld/%ld", rc, rc2, rc3);
}
