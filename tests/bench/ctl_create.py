#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Benchmark: creating a mini domain at run time through the control
hypercalls (docs/control.md), from a mini dom0 (mini.ctl=bench, its initrd
a copy of mini.elf), under QEMU TCG with -icount shift=0,sleep=off (virtual
time counts instructions, 1 ns each: the figures repeat on any host).

Per create, all on the TSC (guests see the host's):
  stage_us      staging mini.elf (566 KiB with its debug info) in 64 KiB chunks
  create_us     the create hypercall, as dom0 times it
  hv_create_us  the same inside the hypervisor ("ctl: ... created in")
  build_us      the builder's part of it ("built in")
  to_first_us   from the create call to the domU's entry (its first line,
                "mini: started at", gives its entry TSC)

    python3 tests/bench/ctl_create.py [--creates 5] [--json FILE]
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import QemuMachine, build_dir  # noqa: E402

END = "tessera: every boot domain has ended"


def run(creates):
    modules = [(os.path.join(build_dir(), "mini-dom0.elf"),
                f"dom0 mem=128M vcpus=1 cpus=0 -- mini.ctl=bench mini.calls={creates}"),
               (os.path.join(build_dir(), "mini.elf"), "initrd")]
    with QemuMachine(boot="kernel", machine="q35", smp=2, mem="1G", icount=True, timeout=900,
                     cmdline="console=com1 after_domains=poweroff", modules=modules) as m:
        m.wait_for(END, timeout=900)
        log = m.log
    rows = []
    for i in range(creates):
        name = f"b{i}"
        call = re.search(r"mini: ctl bench create %s rc=0 stage_us=(\d+) call_at_us=(\d+) "
                         r"create_us=(\d+)" % name, log)
        hv = re.search(r"ctl: dom %s id=\d+ created in (\d+) us" % name, log)
        built = re.search(r"dom %s id=\d+: 32 MiB, 1 vCPUs, pool \S+, built in (\d+) us" % name,
                          log)
        first = re.search(r"^\(%s\) mini: started at (\d+) us" % name, log, re.M)
        if not (call and hv and built and first):
            sys.exit(f"create {name}: lines missing\n{log}")
        rows.append({"stage_us": int(call.group(1)), "create_us": int(call.group(3)),
                     "hv_create_us": int(hv.group(1)), "build_us": int(built.group(1)),
                     "to_first_us": int(first.group(1)) - int(call.group(2))})
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--creates", type=int, default=5)
    ap.add_argument("--json")
    args = ap.parse_args()
    rows = run(args.creates)
    for i, r in enumerate(rows):
        print(f"create {i}: " + " ".join(f"{k}={v}" for k, v in r.items()))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
