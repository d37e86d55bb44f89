#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Benchmarks of boot-time mini domains (issue 3's figures).

All under QEMU TCG (-cpu max: AMD-V with NPT) with -icount shift=0,sleep=off,
so virtual time counts executed instructions (1 ns each) and the figures
repeat on any host:

  hypercall   xen_version round trip, measured by mini on the TSC
  start       time to build a 32 MiB mini domain (hypervisor-measured) and
              from the ready line to mini's first instruction
  exits       VM exits per second of a busy vCPU and of an idle (halted)
              one, in a dedicated pool and in a shared one
  density     the memory a 2 MiB mini domain takes with the hypervisor's own
              structures for it, over 64 domains, and so how many fit in 1 GiB
  evtchn      event channel send -> upcall handler, guest-measured: in one
              domain (loopback pair), and the round trip between two domains
              on two CPUs (one way is half of it)

    python3 tests/bench/guests.py [--only hypercall,start,exits,density,evtchn] [--json FILE]
"""
import argparse
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import QemuMachine, build_dir  # noqa: E402

MINI = os.path.join(build_dir(), "mini.elf")
END = "tessera: every boot domain has ended"


def boot(modules, smp=2, mem="1G", cmdline="", timeout=600):
    return QemuMachine(boot="kernel", machine="q35", smp=smp, mem=mem, icount=True,
                       timeout=timeout, modules=modules,
                       cmdline=f"console=com1 after_domains=poweroff {cmdline}".strip())


def dom(name, mem="32M", vcpus=1, extra="", guest=""):
    args = f"dom={name} mem={mem} vcpus={vcpus} {extra}".strip()
    return (MINI, f"{args} -- {guest}" if guest else args)


def bench_hypercall():
    with boot([dom("b", guest="mini.bench=hypercall mini.calls=20000")]) as m:
        r = m.wait_for(r"mini: bench hypercall calls=(\d+) total_ns=(\d+) ns_per_call=(\d+)")
        m.wait_for(END)
    return {"calls": int(r.group(1)), "ns_per_call": int(r.group(3))}


def bench_start():
    with boot([dom("s")]) as m:
        ready = m.wait_for(r"boot: [\d.]+ ms from hypervisor entry to ready, ([\d.]+) ms from power-on")
        built = m.wait_for(r"dom s id=\d+: 32 MiB, 1 vCPUs, pool \S+, built in (\d+) us")
        first = m.wait_for(r"\(s\) mini: started at (\d+) us")
        m.wait_for(END)
    ready_us = float(ready.group(1)) * 1000
    return {"build_us": int(built.group(1)),
            "ready_to_guest_entry_us": round(int(first.group(1)) - ready_us)}


def exit_counts(log, name, vcpu):
    m = re.search(r"dom %s id=\d+: vcpu %d: (\d+) exits(.*)" % (name, vcpu), log)
    counts = dict(kv.split("=") for kv in m.group(2).split())
    return int(m.group(1)), {k: int(v) for k, v in counts.items()}


def bench_exits(ms=200):
    out = {}
    for kind in ("dedicated", "shared"):
        with boot([dom("x", vcpus=2, extra="pool=p", guest=f"mini.bench=exits mini.ms={ms}")],
                  smp=3, cmdline=f"pool=p:1-2:{kind}") as m:
            m.wait_for(END)
            log = m.log
        busy_total, busy = exit_counts(log, "x", 1)
        idle_total, idle = exit_counts(log, "x", 0)
        out[kind] = {
            "busy_vcpu_exits": busy_total, "busy_vcpu_by_reason": busy,
            "busy_ms": ms,
            "busy_exits_per_s": busy_total * 1000 / ms,
            "busy_interrupt_exits_per_s": busy.get("interrupt", 0) * 1000 / ms,
            "idle_vcpu_exits": idle_total, "idle_vcpu_by_reason": idle,
        }
    return out


def bench_density(mem_per_dom="2M", count=64):
    """64 (the most boot modules the hypervisor takes) 2 MiB mini domains on
    a 1 GiB machine: the memory each takes, guest RAM plus the hypervisor's
    own structures for it (p2m tables, VMCB, vCPU), and so how many fit in
    1 GiB of guest memory."""
    mods = [dom(f"d{i:02}", mem=mem_per_dom) for i in range(count)]
    with boot(mods, smp=2, mem="1G", timeout=1800) as m:
        built = m.wait_for(r"boot domains: (\d+) of (\d+) built in (\d+) us, "
                           r"free memory (\d+) KiB -> (\d+) KiB", timeout=600)
        m.wait_for(END, timeout=1780)
        log = m.log
    n = int(built.group(1))
    per_dom_kib = (int(built.group(4)) - int(built.group(5))) / n
    passed = len(re.findall(r"^\(d\d+\) mini: \d+ passed, 0 failed", log, re.M))
    return {"domains": n, "guest_mem": mem_per_dom, "all_passed": passed == n,
            "build_all_us": int(built.group(3)),
            "kib_per_domain": round(per_dom_kib, 1),
            "fit_in_1GiB": int(1024 * 1024 // per_dom_kib)}


EVTCHN_RESULT = r"\(%s\) mini: bench evtchn %s rounds=%d mean_ns=(\d+) min_ns=(\d+)"


def bench_evtchn(rounds=2000):
    guest = f"mini.bench=evtchn mini.calls={rounds}"
    with boot([dom("e", guest=guest)]) as m:
        same = m.wait_for(EVTCHN_RESULT % ("e", "same_domain", rounds))
        m.wait_for(END)
    # Boot domains get ids in module order: a is 1, b is 2.
    with boot([dom("a", guest=f"{guest} mini.pair=a mini.peer=2"),
               dom("b", guest=f"{guest} mini.pair=b mini.peer=1")]) as m:
        m.wait_for(r"tessera: dom b id=2 started")
        pair = m.wait_for(EVTCHN_RESULT % ("a", "interdomain_round_trip", rounds))
        m.wait_for(END)
    return {"rounds": rounds,
            "same_domain_mean_ns": int(same.group(1)), "same_domain_min_ns": int(same.group(2)),
            "interdomain_round_trip_mean_ns": int(pair.group(1)),
            "interdomain_round_trip_min_ns": int(pair.group(2)),
            "interdomain_one_way_mean_ns": int(pair.group(1)) // 2}


BENCHES = {"hypercall": bench_hypercall, "start": bench_start, "exits": bench_exits,
           "density": bench_density, "evtchn": bench_evtchn}


def main(benches=BENCHES, doc=__doc__):
    """Runs the benchmarks --only names (all by default) and prints their
    figures; shared by the other bench scripts."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--only", default=",".join(benches))
    ap.add_argument("--json")
    args = ap.parse_args()
    results = {}
    for name in args.only.split(","):
        t = time.monotonic()
        results[name] = benches[name]()
        results[name]["wall_s"] = round(time.monotonic() - t, 1)
        print(f"{name}: {json.dumps(results[name])}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
