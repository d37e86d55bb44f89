/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PV console ring (public/io/console.h) as Linux's hvc_xen uses it:
 * find it through HVM_PARAM_CONSOLE_PFN / _EVTCHN, write out[], advance
 * out_prod, notify; the hypervisor prints our lines as "(name) ..." and
 * advances out_cons. The integration test checks those lines on the
 * serial log. Also: a guest that lies about out_prod, and one that
 * notifies in a storm, are survived. console_read_line() reads a line
 * typed into in[]: console_echo() (mini.echo=1) for the serial input
 * test, the grant mapper that waits for the test's word (tests_gnttab.c).
 */
#include <public/xen/event_channel.h>
#include <public/xen/errno.h>
#include <public/xen/hvm/hvm_op.h>
#include <public/xen/hvm/params.h>
#include <public/xen/io/console.h>
#include <public/xen/sched.h>
#include <public/xen/xen.h>
#include "hypercall.h"
#include "mini.h"

#define SPECIAL_END         0xff000000ul    /* asm/pvh_layout.h */
#define CONSOLE_GFN         ((SPECIAL_END >> 12) - 16 + 15)
/* How long the backend may take to print what we wrote (Bochs runs the
 * UART at its baud rate). */
#define DRAIN_MS            10000

static volatile struct xencons_interface *ring;
static uint32_t port;

static long get_param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
    long rc = HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_get_param, &p, 0);

    *value = p.value;
    return rc;
}

/* 0, or the error of EVTCHNOP_send (-XEN_ENOENT without a port: the
 * hypervisor polls the ring then). */
static long notify(void)
{
    uint32_t send = port;

    return port ? HYPERCALL(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &send, 0)
                : -XEN_ENOENT;
}

/* Waits for the backend to take everything, yielding to it: it may need
 * this very CPU (and Bochs does not interrupt a guest that spins without
 * exits for the hypervisor's timer). */
static bool wait_drained(uint64_t ms)
{
    uint64_t end = rdtsc() + tsc_khz() * ms;

    while (ring->out_cons != ring->out_prod) {
        if (rdtsc() > end)
            return false;
        HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    }
    return true;
}

/* Writes s, waiting for room as hvc_xen would. False if the backend
 * stopped taking bytes for DRAIN_MS. */
static bool ring_write(const char *s, size_t n)
{
    for (size_t done = 0; done < n;) {
        uint32_t cons = ring->out_cons, prod = ring->out_prod;
        if (prod - cons >= sizeof(ring->out)) {
            if (!wait_drained(DRAIN_MS))
                return false;
            continue;
        }
        ring->out[prod & (sizeof(ring->out) - 1)] = s[done++];
        __atomic_thread_fence(__ATOMIC_RELEASE);
        ring->out_prod = prod + 1;
    }
    notify();
    return true;
}

/* Points ring and port at what the parameters name; 0 or why not. */
static long ring_locate(uint64_t *pfn)
{
    uint64_t evtchn = 0;
    long rc = get_param(HVM_PARAM_CONSOLE_PFN, pfn);

    if (!rc && *pfn != CONSOLE_GFN)
        rc = -XEN_EINVAL;
    if (!rc)
        rc = get_param(HVM_PARAM_CONSOLE_EVTCHN, &evtchn);
    if (rc)
        return rc;
    ring = (volatile struct xencons_interface *)(uintptr_t)(*pfn << 12);
    port = (uint32_t)evtchn;
    return 0;
}

static bool ring_find(void)
{
    uint64_t pfn = 0;
    long rc = ring_locate(&pfn);

    CHECK("console.ring_params", rc == 0, "rc %ld pfn %#lx (want %#lx)", rc, (unsigned long)pfn,
          (unsigned long)CONSOLE_GFN);
    if (rc)
        return false;
    printf("mini: console ring at %#lx, event channel %u\n", (unsigned long)(pfn << 12), port);
    return true;
}

void tests_console(void)
{
    static const char hello[] = "ring: hello through the console ring\n";
    char big[3000];

    if (!ring_find())
        return;
    /* Each result is taken before its message reads the indices (the
     * order of a call's arguments is unspecified). */
    bool ok = ring_write(hello, sizeof(hello) - 1) && wait_drained(DRAIN_MS);
    CHECK("console.ring_write", ok, "out_cons %u out_prod %u", ring->out_cons, ring->out_prod);

    /* More than a ring's worth, so the indices wrap the buffer. */
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (i % 61 == 60) ? '\n' : (char)('A' + i % 26);
    big[sizeof(big) - 1] = '\n';
    ok = ring_write("ring: big\n", 10) && ring_write(big, sizeof(big)) && wait_drained(DRAIN_MS);
    CHECK("console.ring_wraps", ok, "out_cons %u out_prod %u", ring->out_cons, ring->out_prod);

    /* Hostile: out_prod far ahead of out_cons. The backend drops it and
     * goes on from there. */
    ring->out_prod = ring->out_cons + 100000;
    notify();
    bool resynced = wait_drained(DRAIN_MS);
    ok = resynced && ring_write("ring: after bogus\n", 18) && wait_drained(DRAIN_MS);
    CHECK("console.ring_bogus_prod", ok, "out_cons %u out_prod %u", ring->out_cons,
          ring->out_prod);

    /* Hostile: a storm of notifications with nothing to take. */
    unsigned long errors = 0;
    for (unsigned int i = 0; i < 20000; i++)
        errors += notify() != 0;
    ok = ring_write("ring: after storm\n", 18) && wait_drained(DRAIN_MS);
    CHECK("console.notify_storm", ok, "%lu of 20000 notifications failed", errors);
}

/* mini.bench=ring: bytes per second through the ring to the hypervisor's
 * serial console, 64 KiB in lines of 64. */
void console_bench(void)
{
    char line[64];
    const unsigned int total = 65536;

    if (!ring_find())
        return;
    for (unsigned int i = 0; i < sizeof(line) - 1; i++)
        line[i] = (char)('a' + i % 26);
    line[sizeof(line) - 1] = '\n';
    uint64_t t0 = rdtsc();
    for (unsigned int done = 0; done < total; done += sizeof(line))
        if (!ring_write(line, sizeof(line)))
            break;
    bool drained = wait_drained(10000);
    uint64_t ns = tsc_to_ns(rdtsc() - t0);
    printf("mini: bench ring bytes=%u total_ns=%lu bytes_per_s=%lu drained=%d\n", total,
           (unsigned long)ns, (unsigned long)(total * 1000000000ull / (ns ? ns : 1)), drained);
}

size_t console_ring_flood(const char *s, size_t n)
{
    uint64_t pfn;
    size_t done = 0;

    if (!ring && ring_locate(&pfn))
        return 0;
    uint32_t cons = ring->out_cons, prod = ring->out_prod;
    for (; done < n && prod - cons < sizeof(ring->out); done++, prod++)
        ring->out[prod & (sizeof(ring->out) - 1)] = s[done];
    __atomic_thread_fence(__ATOMIC_RELEASE);
    ring->out_prod = prod;
    notify();
    return done;
}

bool console_ring_print(const char *s)
{
    uint64_t pfn;

    if (!ring && ring_locate(&pfn))
        return false;
    return ring_write(s, strlen(s)) && wait_drained(DRAIN_MS);
}

bool console_read_line(char *line, size_t size, uint64_t ms)
{
    uint64_t end = rdtsc() + tsc_khz() * ms, pfn;
    size_t n = 0;

    line[0] = '\0';
    if (!ring && ring_locate(&pfn))
        return false;
    while (rdtsc() < end) {
        uint32_t cons = ring->in_cons, prod = ring->in_prod;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (cons == prod) {
            /* Whoever else is runnable here goes first. */
            HYPERCALL(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
            continue;
        }
        char c = ring->in[cons & (sizeof(ring->in) - 1)];
        ring->in_cons = cons + 1;
        if (c == '\r' || c == '\n') {
            line[n] = '\0';
            return true;
        }
        if ((unsigned char)c < 0x20 && n + 2 < size) {
            line[n++] = '^';
            line[n++] = (char)(c + '@');
        } else if (n + 1 < size) {
            line[n++] = c;
        }
    }
    line[n] = '\0';
    return false;
}

/* One line of the echo: through console_io, or (on_ring) through the
 * ring itself, where a backend in dom0 (tess console) sees it. */
static void echo_say(bool on_ring, const char *what, const char *line)
{
    char text[128];

    if (!on_ring) {
        printf("mini: echo %s%s\n", what, line);
        return;
    }
    snprintf(text, sizeof(text), "ring: echo %s%s\n", what, line);
    console_ring_print(text);
}

/* mini.echo=1 (or =ring): prints the line typed into the console's in[]
 * as "mini: echo <line>" ("ring: echo <line>"), waiting 60 s for it (600 s
 * on the ring: a client in dom0 under a loaded emulator attaches slowly). */
void console_echo(bool on_ring)
{
    char line[80];

    if (!ring_find())
        return;
    echo_say(on_ring, "ready", "");
    if (console_read_line(line, sizeof(line), on_ring ? 600000 : 60000))
        echo_say(on_ring, "", line);
    else
        echo_say(on_ring, "timed out", "");
}
