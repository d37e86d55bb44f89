/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mini.flood=io|e9|ring [mini.flood_ms=N] [mini.flood_min=B]: a hostile
 * guest that prints as fast as it can for N ms (default 3000) of its time,
 * and until it has sent at least B bytes (default 0), through console_io
 * (4096 bytes a call), port 0xe9 (a byte an OUT) or its console ring (kept
 * full, notified after every fill), then reports through its console ring
 * (console_io is over its limit by then) and powers off. The integration
 * test runs it beside a mini doing its self-tests on the same CPU, which
 * must pass in bounded time, its lines intact (security review H2).
 */
#include <public/xen/sched.h>
#include <public/xen/xen.h>
#include "hypercall.h"
#include "mini.h"

static char line_buf[4096];

static void fill(char c)
{
    for (size_t i = 0; i < sizeof(line_buf); i++)
        line_buf[i] = (i % 64 == 63) ? '\n' : c;
}

static void outb_e9(char c)
{
    __asm__ volatile("outb %0, $0xe9" :: "a"(c));
}

void flood_run(const char *kind)
{
    uint64_t ms = option_number("mini.flood_ms", 3000);
    uint64_t end = rdtsc() + tsc_khz() * ms;
    unsigned long min = option_number("mini.flood_min", 0);
    unsigned long bytes = 0, calls = 0, errors = 0;
    size_t pos = 0;                 /* the ring's stream goes on where it was */
    char report[128];

    fill(kind[0] == 'r' ? 'R' : kind[0] == 'e' ? 'E' : 'I');
    while (rdtsc() < end || bytes < min) {
        if (!strcmp(kind, "io")) {
            long rc = HYPERCALL(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof(line_buf),
                                line_buf);
            errors += rc != 0;
            bytes += sizeof(line_buf);
        } else if (!strcmp(kind, "e9")) {
            for (unsigned int i = 0; i < 64; i++)
                outb_e9(line_buf[i]);
            bytes += 64;
        } else if (!strcmp(kind, "ring")) {
            size_t put = console_ring_flood(line_buf + pos, sizeof(line_buf) - pos);
            pos = (pos + put) % sizeof(line_buf);
            bytes += put;
        } else {
            break;
        }
        calls++;
    }
    /* A line the ring flood left open is ended first. */
    snprintf(report, sizeof(report), "%smini: flood %s bytes=%lu calls=%lu errors=%lu\n",
             pos % 64 ? "\n" : "", kind, bytes, calls, errors);
    if (!console_ring_print(report))
        printf("%s", report);
    shutdown(SHUTDOWN_poweroff);
}
