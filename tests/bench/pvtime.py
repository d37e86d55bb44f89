#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Benchmarks of PV time and the console ring (issue 4's figures), under
the same QEMU TCG -icount setup as guests.py (1 ns per instruction, so the
figures repeat on any host):

  pvclock   one read of system time from vcpu_time_info (version loop,
            rdtsc, scale), in guest-measured ps, and the VM exits the
            domain's vCPU took in all (a read takes none)
  ring      bytes per second mini pushes through its console ring to the
            hypervisor's serial console

    python3 tests/bench/pvtime.py [--only pvclock,ring] [--json FILE]
"""
import re

from guests import END, boot, dom, exit_counts, main


def bench_pvclock():
    with boot([dom("p", guest="mini.bench=pvclock")]) as m:
        r = m.wait_for(r"mini: bench pvclock reads=(\d+) total_ns=(\d+) ps_per_read=(\d+)")
        m.wait_for(END)
        log = m.log
    exits, by_reason = exit_counts(log, "p", 0)
    reads = int(r.group(1))
    return {"reads": reads, "ns_per_read": int(r.group(3)) / 1000,
            "vcpu_exits_whole_run": exits, "exits_by_reason": by_reason}


def bench_ring():
    with boot([dom("r", guest="mini.bench=ring")]) as m:
        r = m.wait_for(r"mini: bench ring bytes=(\d+) total_ns=(\d+) bytes_per_s=(\d+) "
                       r"drained=(\d)")
        m.wait_for(END)
        log = m.log
    lines = len(re.findall(r"^\(r\) [a-z]{63}$", log, re.M))
    return {"bytes": int(r.group(1)), "bytes_per_s": int(r.group(3)),
            "drained": r.group(4) == "1", "lines_printed": lines}


BENCHES = {"pvclock": bench_pvclock, "ring": bench_ring}


if __name__ == "__main__":
    main(BENCHES, __doc__)
