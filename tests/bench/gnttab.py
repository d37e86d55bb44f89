#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Benchmark of grant table operations between two mini domains
(guest-ports/mini/gnttab_bench.c), guest-measured on the TSC under the same
QEMU TCG -icount setup as guests.py (1 ns per instruction, so the figures
repeat on any host). Domain b grants 32 pages to a and halts; a times

  map, unmap          one GNTTABOP_map_grant_ref / unmap_grant_ref per call
                      (mean and best, ns), each mapping read back
  copy_4k_to/from     one 4 KiB GNTTABOP_copy into / out of a granted page
  batch               32 ops per call (the hypervisor's batch size): ns per
                      op for map, unmap and 4 KiB copy

    python3 tests/bench/gnttab.py [--json FILE]
"""
import re

from guests import END, boot, dom, main

SINGLE = r"\(a\) mini: bench gnttab %s rounds=(\d+) mean_ns=(\d+) min_ns=(\d+)"
BATCH = (r"\(a\) mini: bench gnttab batch=(\d+) calls=(\d+) map_ns_per_op=(\d+) "
         r"unmap_ns_per_op=(\d+) copy_4k_ns_per_op=(\d+)")


def bench_gnttab(rounds=1000, batches=100):
    guest = f"mini.bench=gnttab mini.calls={rounds} mini.batches={batches}"
    # Boot domains get ids in module order: a is 1, b is 2.
    with boot([dom("a", guest=f"{guest} mini.pair=a mini.peer=2"),
               dom("b", guest=f"{guest} mini.pair=b mini.peer=1")]) as m:
        single = {what: m.wait_for(SINGLE % what)
                  for what in ("map", "unmap", "copy_4k_to_grant", "copy_4k_from_grant")}
        batch = m.wait_for(BATCH)
        m.wait_for(r"\(a\) mini: bench gnttab done")
        m.wait_for(r"\(b\) mini: bench gnttab granter done, grants all unused")
        m.wait_for(END)
    out = {"rounds": rounds}
    for what, r in single.items():
        out[f"{what}_mean_ns"] = int(r.group(2))
        out[f"{what}_min_ns"] = int(r.group(3))
        out[f"{what}_per_s"] = round(1e9 / int(r.group(2)))
    out.update({"batch": int(batch.group(1)), "batch_calls": int(batch.group(2)),
                "batch_map_ns_per_op": int(batch.group(3)),
                "batch_unmap_ns_per_op": int(batch.group(4)),
                "batch_copy_4k_ns_per_op": int(batch.group(5))})
    return out


BENCHES = {"gnttab": bench_gnttab}


if __name__ == "__main__":
    main(BENCHES, __doc__)
