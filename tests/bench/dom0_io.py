#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Benchmark: dom0's image (make dom0-image) on bare QEMU, under Debian's
Xen 4.17 (--xen) or under Tessera (--tessera): boot times, HTTP download
and O_DIRECT disk throughput (issue 13's figures, docs/performance.md).

Same emulated machine for all three: QEMU TCG q35, -cpu max, a virtio-net
NIC on QEMU's user network, the root and a 96 MiB data disk on ICH9 AHCI,
-icount shift=0,sleep=off (virtual time counts instructions, 1 ns each, so
the figures repeat on any host). dom0 gets 1 GiB (bare: the machine has
1 GiB; under a hypervisor the machine has 2 GiB) and runs the checks of
tests/integration/harness/dom0_checks.py as its rc.local, which also measure:

  http_mbps     a 4 MiB file from a server on the host (10.0.2.2), MB/s
  write_mbps    64 MiB written to the data disk with O_DIRECT, 1 MiB at a time, + fsync
  read_mbps     the same 64 MiB read back with O_DIRECT
  run_init_s    dom0 kernel's printk stamp of "Run /init as init process"
                (the initramfs): its clock from kernel entry
  init_s        /proc/uptime as dom0's /sbin/init starts (on the root disk)
  xen_entry_s   --xen: Xen's own clock when it hands the console to dom0
                (console_timestamps=boot), i.e. hypervisor start -> dom0 entry
  tessera_entry_s  --tessera: its "hypervisor entry to ready" plus the boot
                domains' build time: hypervisor start -> dom0 started
  exits         --tessera: dom0's VM exits by reason over its life, and
                with --idle-s S, a second boot that idles S seconds after
                the checks gives idle exits per second by reason (the
                difference over S)

Xen needs an IOMMU for a PVH dom0 and, on QEMU's SVM without NRIP-save,
-cpu max,-rdtscp (shared anchors' recipe, tests/bench/xen_baseline/).
With 2 CPUs and -icount, QEMU 7.2 stops running a bare kernel's secondary
CPU at SMP bring-up (docs/linux-guest.md), so --smp defaults to 2 under a
hypervisor and 1 on bare QEMU; a run that hangs is reported as such.
--no-icount runs on QEMU's ordinary clock (host-paced figures, --smp 2).

    python3 tests/bench/dom0_io.py [--xen | --tessera] [--runs 1] [--smp N] [--no-icount]
                                   [--hang-s S] [--log-dir DIR] [--json FILE]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from harness import Machine, MachineError, QemuMachine, build_dir, hypervisor_elf  # noqa: E402
from harness.dom0 import DONE, INIT_START, Dom0Run, dom0_image  # noqa: E402
from harness.linux import RUN_INIT  # noqa: E402

XEN_CMDLINE = "console=com1 dom0_mem=1G,max:1G dom0=pvh iommu=1 console_timestamps=boot"
XEN_ENTRY = r"\(XEN\) \[\s*(\d+\.\d+)\] \*\*\* Serial input to DOM0"
TESS_READY = r"^boot: (\d+\.\d+) ms from hypervisor entry to ready"
TESS_BUILT = r"^boot domains: \d+ of \d+ built in (\d+) us"
TESS_EXITS = r"^dom dom0 id=0: vcpu \d+: \d+ exits (.*)$"
TESS_OFF = r"dom dom0: asks for a host power-off"
DOM0_ARGS = "root=LABEL=tessdom0 console=hvc0"
FIGURE = r"^(?:\(\S+\) )?dom0-figure: {} MB/s (\d+\.\d+)"
PREFIXED_RUN_INIT = r"^(?:\(\S+\) )?" + RUN_INIT.lstrip("^")


def xen_elf():
    """Debian's Xen, as the reference recipe unpacks it (made once)."""
    elf = os.path.join(build_dir(), "xen-baseline", "xen.elf")
    if not os.path.exists(elf):
        subprocess.run([os.path.join(HERE, "xen_baseline", "mkdom0.sh"), build_dir()],
                       check=True, stdout=subprocess.DEVNULL)
    return elf


def machine(mode, run, smp, icount):
    common = dict(boot="kernel", machine="q35", smp=smp, icount=icount, timeout=3600,
                  extra_args=run.qemu_args())
    if mode == "bare":
        return QemuMachine(kernel=run.vmlinuz, modules=[(run.initrd, "")], cpu="max",
                           mem="1G", cmdline="console=ttyS0 root=LABEL=tessdom0", **common)
    if mode == "xen":
        # Xen's PVH dom0 is not 1:1: devices must translate its addresses
        # through the IOMMU, which virtio does only when told to
        # (iommu_platform, a modern-only device); the IOMMU comes first.
        common["extra_args"] = ["-device", "amd-iommu"] + run.qemu_args(
            nic_options=",iommu_platform=on,disable-legacy=on")
        return QemuMachine(kernel=xen_elf(), cmdline=XEN_CMDLINE, cpu="max,-rdtscp", mem="2G",
                           modules=[(run.vmlinuz, DOM0_ARGS), (run.initrd, "")], **common)
    return QemuMachine(kernel=hypervisor_elf(), cmdline="console=com1", cpu="max", mem="2G",
                       modules=[(run.vmlinuz, f"dom0 mem=1G vcpus={smp} -- {DOM0_ARGS}"),
                                (run.initrd, "initrd")], **common)


def figure(pattern, log):
    m = re.search(pattern, log, re.M)
    return float(m.group(1)) if m else None


def exits(log):
    """dom0's exits by reason, summed over its vCPUs."""
    total = {}
    for m in re.finditer(TESS_EXITS, log, re.M):
        for word in m.group(1).split():
            k, _, v = word.partition("=")
            total[k] = total.get(k, 0) + int(v)
    return total


def one_run(mode, image, smp, icount, hang_s, idle_s=0):
    tmp = tempfile.mkdtemp(prefix="dom0_io.")
    run = Dom0Run(tmp, "q35", xen=mode != "bare", image=image, idle_s=idle_s)
    start = time.monotonic()
    out = {"mode": mode, "smp": smp, "icount": icount}
    try:
        with machine(mode, run, smp, icount) as m:
            try:
                m.wait_for(INIT_START, timeout=hang_s)
                m.wait_for(DONE, timeout=hang_s)
                if mode == "tessera":
                    m.wait_for(TESS_OFF, timeout=hang_s)
                    m.wait_exit(timeout=120)
            except MachineError as e:
                out["hung"] = str(e).splitlines()[0]
            log = m.log
    finally:
        run.close()
    checks = Dom0Run.results(log)
    out.update({
        "checks": {k: v[0] for k, v in checks.items()},
        "xen_entry_s": figure(XEN_ENTRY, log),
        "tessera_entry_s": (round(figure(TESS_READY, log) / 1e3 + figure(TESS_BUILT, log) / 1e6, 3)
                            if re.search(TESS_BUILT, log, re.M) else None),
        "exits": exits(log),
        "run_init_s": figure(PREFIXED_RUN_INIT, log),
        "init_s": figure(INIT_START, log),
        "http_mbps": figure(FIGURE.format("http"), log),
        "write_mbps": figure(FIGURE.format("disk-write"), log),
        "read_mbps": figure(FIGURE.format("disk-read"), log),
        "wall_s": round(time.monotonic() - start, 1)})
    return out


OPTIONS = (
    ("--runs", dict(type=int, default=1)),
    ("--smp", dict(type=int, help="the machine's CPUs (and dom0's vCPUs)")),
    ("--no-icount", dict(action="store_true",
                         help="QEMU's ordinary clock: figures follow the host's speed and load")),
    ("--hang-s", dict(type=int, default=1200,
                      help="host seconds to wait for each stage before calling it hung")),
    ("--log-dir", dict(help="keep every run's serial log here")),
    ("--idle-s", dict(type=int, default=0,
                      help="--tessera: also a boot idling this long, for idle exits/s")),
    ("--json", dict(help="also write the results here")),
)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--xen", action="store_const", dest="mode", const="xen")
    g.add_argument("--tessera", action="store_const", dest="mode", const="tessera")
    for flag, kw in OPTIONS:
        ap.add_argument(flag, **kw)
    args = ap.parse_args()
    mode = args.mode or "bare"
    if args.log_dir:
        # The harness copies each serial log there as it arrives.
        Machine.log_dir = os.path.abspath(args.log_dir)
        Machine.log_prefix = f"dom0_io.{mode}"
    icount = not args.no_icount
    smp = args.smp or (1 if mode == "bare" and icount else 2)
    image = dom0_image()
    runs = [one_run(mode, image, smp, icount, args.hang_s)
            for _ in range(args.runs)]
    idle = None
    if mode == "tessera" and args.idle_s:
        idled = one_run(mode, image, smp, icount, args.hang_s, args.idle_s)
        base = runs[0]["exits"]
        idle = {k: round((v - base.get(k, 0)) / args.idle_s, 1)
                for k, v in idled["exits"].items()}
    clock = "-icount shift=0,sleep=off" if icount else "no icount (host-paced)"
    print(f"dom0 image, {mode}, QEMU TCG q35 -smp {smp} {clock}, dom0 1 GiB")
    for i, r in enumerate(runs, 1):
        print(f"run {i}: " + " ".join(f"{k}={r[k]}" for k in (
            "xen_entry_s", "tessera_entry_s", "run_init_s", "init_s", "http_mbps", "write_mbps", "read_mbps",
            "wall_s") if r.get(k) is not None) + (f" HUNG: {r['hung']}" if "hung" in r else ""))
        print("   checks: " + " ".join(f"{k}={v}" for k, v in r["checks"].items()))
        if r["exits"]:
            print("   dom0 exits: " + " ".join(f"{k}={v}" for k, v in r["exits"].items()))
    if idle is not None:
        print(f"idle dom0 exits/s over {args.idle_s} s: "
              + " ".join(f"{k}={v}" for k, v in idle.items()))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"mode": mode, "smp": smp, "icount": icount, "runs": runs,
                       "idle_exits_per_s": idle}, f, indent=2)


if __name__ == "__main__":
    main()
