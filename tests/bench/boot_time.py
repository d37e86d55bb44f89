#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Benchmark: time from the hypervisor's first instruction to the ready line.

Boots build/tessera.elf in QEMU TCG with -icount shift=0,sleep=off, where the
virtual clock counts executed instructions (1 ns each), so the figure is the
same on a busy or an idle host. Reports, per run: virtual ms from entry to
ready (measured by the hypervisor on the TSC, which QEMU derives from the
same virtual clock), virtual ms from power-on, wall seconds; plus the image
size and the memory the hypervisor keeps for itself.

    python3 tests/bench/boot_time.py [--runs 3] [--smp 4] [--mem 1G] [--json FILE]
"""
import argparse
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import QemuMachine  # noqa: E402

BOOT_LINE = r"boot: (\d+\.\d+) ms from hypervisor entry to ready, (\d+\.\d+) ms from power-on"


def image_size(elf):
    """Bytes loaded (file-backed) and bytes occupied in memory (with .bss)."""
    import struct
    with open(elf, "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    filesz = memsz = 0
    for i in range(phnum):
        p_type, _, _, _, _, p_filesz, p_memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == 1:
            filesz += p_filesz
            memsz += p_memsz
    return filesz, memsz


def one_run(args):
    start = time.monotonic()
    with QemuMachine(boot="kernel", machine=args.machine, smp=args.smp, mem=args.mem,
                     cpu="max", icount=True, timeout=300) as m:
        m.wait_for(r"tessera: ready cpus=(\d+)", timeout=300)
        boot = m.wait_for(BOOT_LINE, timeout=60)
        wall = time.monotonic() - start
        keeps = re.search(r"mm: hypervisor keeps (\d+) KiB: (.*)", m.log)
        return {
            "entry_to_ready_ms": float(boot.group(1)),
            "poweron_to_ready_ms": float(boot.group(2)),
            "wall_s": round(wall, 2),
            "kept_kib": int(keeps.group(1)) if keeps else None,
            "kept_detail": keeps.group(2) if keeps else None,
        }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--mem", default="1G")
    ap.add_argument("--machine", default="q35")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()

    build = os.environ.get("O", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
    filesz, memsz = image_size(os.path.join(build, "tessera.elf"))
    runs = [one_run(args) for _ in range(args.runs)]

    print(f"boot time, QEMU TCG {args.machine} -smp {args.smp} -m {args.mem} "
          f"-icount shift=0,sleep=off")
    print(f"{'run':>3} {'entry->ready ms':>16} {'power-on->ready ms':>19} {'wall s':>7}")
    for i, r in enumerate(runs, 1):
        print(f"{i:>3} {r['entry_to_ready_ms']:>16.3f} {r['poweron_to_ready_ms']:>19.3f} "
              f"{r['wall_s']:>7.2f}")
    print(f"image: {filesz} bytes loaded, {memsz} bytes in memory with .bss")
    print(f"hypervisor keeps {runs[0]['kept_kib']} KiB: {runs[0]['kept_detail']}")
    print("goal: entry->ready under 100 ms (Xen 4.17: 4 CPUs up 600 ms into its boot)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"config": vars(args), "image_filesz": filesz, "image_memsz": memsz,
                       "runs": runs}, f, indent=2)


if __name__ == "__main__":
    main()
