#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Benchmark: the Linux guest as a PVH domU of Debian's Xen 4.17 (`xl create`).

The reference for the Linux guest figures, on the same emulated machine as
the shared anchors' Xen recipe (QEMU TCG q35, -cpu max,-rdtscp, AMD IOMMU, -icount
shift=0,sleep=off so virtual time counts instructions): Xen with Debian's
kernel as PVH dom0, whose /init (dom0-init.sh) starts xenstored and
xenconsoled and creates the guest (same vmlinuz and initramfs as
tests/bench/linux_boot.py) with `xl create`, copying its console to ours.
mkdom0.sh builds the machine from Debian's packages. Per run:

  domu_run_init_ms  the domU's printk stamp of "Run /init as init process":
                    its kernel clock from its start to the exec of /init
  domu_init_uptime_ms  /proc/uptime as the first thing the domU's /init reads
  xl_create_s       dom0 uptime from `xl create` being run to its return
  xen_dom0_entry_s  Xen's own clock when it hands over to dom0

    python3 tests/bench/xen_baseline/run.py [--runs 1] [--vcpus 2] [--json FILE]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "integration"))
from harness import QemuMachine, build_dir  # noqa: E402
from harness.linux import INIT_CHECK, INIT_RESULT, INIT_START, RUN_INIT  # noqa: E402

DOMU = r"^domu\| "
XEN_CMDLINE = "console=com1 dom0_mem=512M dom0=pvh iommu=1 console_timestamps=boot"


def build():
    subprocess.run([os.path.join(HERE, "mkdom0.sh"), build_dir()], check=True)
    out = os.path.join(build_dir(), "xen-baseline")
    return (os.path.join(out, "xen.elf"), os.path.join(build_dir(), "linux", "vmlinuz"),
            os.path.join(out, "dom0-initramfs.cpio.gz"))


def domu(pattern):
    return DOMU + pattern.lstrip("^")


def one_run(files, vcpus, smp):
    xen, vmlinuz, dom0_initrd = files
    start = time.monotonic()
    with QemuMachine(boot="kernel", kernel=xen, cmdline=XEN_CMDLINE, machine="q35",
                     cpu="max,-rdtscp", smp=smp, mem="2G", icount=True, timeout=1800,
                     extra_args=["-device", "amd-iommu"],
                     modules=[(vmlinuz, f"console=hvc0 xb.vcpus={vcpus}"),
                              (dom0_initrd, "")]) as m:
        entry = m.wait_for(r"\(XEN\) \[\s*(\d+\.\d+)\] \*\*\* Serial input to DOM0")
        created = m.wait_for(r"xb-dom0: xl create at uptime (\d+\.\d+)")
        returned = m.wait_for(r"xb-dom0: xl create returned at uptime (\d+\.\d+)")
        run_init = m.wait_for(domu(RUN_INIT))
        init_up = m.wait_for(domu(INIT_START))
        result = m.wait_for(domu(INIT_RESULT))
        m.wait_for(r"xb-dom0: done")
        m.wait_exit(timeout=120)
        log = m.log
    checks = {c.group(2): c.group(1) + c.group(3)
              for c in re.finditer(domu(INIT_CHECK), log, re.M)}
    return {"domu_run_init_ms": round(float(run_init.group(1)) * 1000, 3),
            "domu_init_uptime_ms": round(float(init_up.group(1)) * 1000),
            "domu_checks": checks,
            "domu_passed": int(result.group(1)), "domu_failed": int(result.group(2)),
            "xl_create_s": round(float(returned.group(1)) - float(created.group(1)), 2),
            "xen_dom0_entry_s": float(entry.group(1)),
            "wall_s": round(time.monotonic() - start, 1)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--vcpus", type=int, default=2, help="the domU's vCPUs")
    ap.add_argument("--smp", type=int, default=4, help="the machine's CPUs")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    files = build()
    runs = [one_run(files, args.vcpus, args.smp) for _ in range(args.runs)]
    print(f"Linux PVH domU under Debian Xen 4.17, QEMU TCG q35 -cpu max,-rdtscp "
          f"-smp {args.smp} -m 2G -icount shift=0,sleep=off; domU {args.vcpus} vCPUs 512 MiB")
    print(f"{'run':>3} {'domU entry->/init ms':>21} {'/init uptime ms':>16} "
          f"{'xl create s':>11} {'checks':>14} {'wall s':>7}")
    for i, r in enumerate(runs, 1):
        print(f"{i:>3} {r['domu_run_init_ms']:>21.3f} {r['domu_init_uptime_ms']:>16} "
              f"{r['xl_create_s']:>11.2f} {r['domu_passed']:>5} ok {r['domu_failed']:>2} bad "
              f"{r['wall_s']:>7.1f}")
        for name, line in r["domu_checks"].items():
            print(f"    {name}: {line}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"config": vars(args), "runs": runs}, f, indent=2)


if __name__ == "__main__":
    main()
