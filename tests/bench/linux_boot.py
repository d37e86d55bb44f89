#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Benchmark: Debian's stock Linux on bare QEMU, or as a PVH domain of
Tessera (--tessera), kernel entry to /init.

The baseline for the Linux guest figures: build/linux/vmlinuz with
build/linux/initramfs.cpio.gz (make linux-guest) booted directly by QEMU
TCG with -icount shift=0,sleep=off, where virtual time counts executed
instructions (1 ns each), so the figures repeat on any host. Per run:

  run_init_ms   printk stamp of "Run /init as init process": the kernel's
                clock (sched_clock) from its start early in setup_arch to
                the moment it execs /init; the bzImage decompressor and the
                firmware come before and are not counted
  init_uptime_ms  /proc/uptime as the first thing /init reads
  sleep_s       what /init measured for `sleep 10`
  wall_s        host seconds for the whole run

With 2 CPUs and -icount, QEMU 7.2 never runs the secondary CPU again once it
waits in cpu_init() (docs/linux-guest.md), hence --smp 1 by default;
--no-icount boots on QEMU's ordinary clock (the figures then follow the
host's speed and load).

With --tessera the same kernel and initramfs run as a boot-time PVH domain
(build/tessera.elf, 2 CPUs for the machine, the domain's vCPUs from --smp)
and the hypervisor's per-vCPU exit counts by reason are printed too.

A run that has not reached /init after --hang-s host seconds is counted
as hung (with the last console line) and the next run goes on; --log-dir
keeps every run's serial log. The output ends with one summary line per
CPU count: the figures, their mean, and (--tessera) exits by reason and the
busiest I/O ports of vCPU 0.

    python3 tests/bench/linux_boot.py [--tessera] [--runs 3] [--smp 1] [--no-icount] [--mem 512M]
                                      [--hang-s 300] [--log-dir DIR] [--json FILE]
"""
import argparse
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness import QemuMachine  # noqa: E402
from harness.errors import MachineError  # noqa: E402
from harness.machine import Machine  # noqa: E402
from harness.linux import INIT_RESULT, INIT_START, RUN_INIT, init_checks, linux_guest  # noqa: E402


EXITS = r"^dom lin id=\d+: vcpu (\d+): (\d+) exits(.*)$"
IO_PORTS = r"^dom lin id=\d+: vcpu (\d+): io (.*)$"


def machine(image, smp, mem, icount, tessera):
    vmlinuz, initramfs = image
    if not tessera:
        return QemuMachine(boot="kernel", kernel=vmlinuz, modules=[(initramfs, "")],
                           machine="q35", cpu="max", smp=smp, mem=mem, icount=icount,
                           timeout=600, cmdline=f"console=ttyS0 tess.cpus={smp} tess.bare=1")
    modules = [(vmlinuz, f"dom=lin mem={mem} vcpus={smp} -- console=hvc0 tess.cpus={smp}"),
               (initramfs, "initrd")]
    return QemuMachine(boot="kernel", machine="q35", cpu="max", smp=2, mem="1G",
                       icount=icount, timeout=900, modules=modules,
                       cmdline="console=com1 after_domains=poweroff")


def strip_prefix(log):
    """A domain's console lines come as "(lin) <line>": the bare form."""
    return "\n".join(l[6:] if l.startswith("(lin) ") else l for l in log.splitlines())


def one_run(image, smp, mem, icount, tessera, hang_s):
    start = time.monotonic()
    with machine(image, smp, mem, icount, tessera) as m:
        try:
            run_init = m.wait_for(RUN_INIT.replace("^", "^(?:\\(lin\\) )?", 1), timeout=hang_s)
        except MachineError:
            lines = m.log.strip().splitlines()
            return {"hung": True, "wall_s": round(time.monotonic() - start, 2),
                    "last_line": lines[-1] if lines else "", "log": m.log_path}
        init_up = m.wait_for(INIT_START)
        result = m.wait_for(INIT_RESULT)
        if tessera:
            m.wait_for("tessera: every boot domain has ended", timeout=300)
        m.wait_exit(timeout=120)
        wall = time.monotonic() - start
        log = strip_prefix(m.log)
        checks = init_checks(log)
        exits = [f"vcpu {e[0]}: {e[1]}{e[2]}" for e in re.findall(EXITS, m.log, re.M)]
        ports = [f"vcpu {e[0]}: {e[1]}" for e in re.findall(IO_PORTS, m.log, re.M)]
    if result.group(2) != "0":
        sys.exit(f"/init reported failures with {smp} CPUs: {checks}")
    sleep = re.search(r"took (\d+\.\d+) s", checks["sleep"][1])
    return {"run_init_ms": round(float(run_init.group(1)) * 1000, 3),
            "init_uptime_ms": round(float(init_up.group(1)) * 1000),
            "sleep_s": float(sleep.group(1)) if sleep else None,
            "wall_s": round(wall, 2), "exits": exits, "io_ports": ports}


def summary(where, smp, runs):
    """One line that states the figures for smp CPUs."""
    done = [r for r in runs if not r.get("hung")]
    hung = len(runs) - len(done)
    what = f"{where}, {smp} {'vCPU' if 'Tessera' in where else 'CPU'}{'s' if smp > 1 else ''}"
    if not done:
        return f"{what}: no run reached /init ({hung} hung)"
    ms = [r["run_init_ms"] for r in done]
    line = (f"{what}: entry -> /init {' / '.join(f'{x:.1f}' for x in ms)} ms, "
            f"mean {sum(ms) / len(ms):.1f} ms over {len(done)} run{'s' if len(done) > 1 else ''}")
    if hung:
        line += f"; {hung} more hung before /init"
    if done[-1]["exits"]:
        line += f"\n    exits of the last run, {'; '.join(done[-1]['exits'])}"
    if done[-1]["io_ports"]:
        line += f"\n    its busiest I/O ports, {'; '.join(done[-1]['io_ports'])}"
    return line


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--smp", default="1", help="comma-separated CPU counts")
    ap.add_argument("--no-icount", dest="icount", action="store_false",
                    help="QEMU's ordinary clock instead of -icount shift=0,sleep=off")
    ap.add_argument("--mem", default="512M")
    ap.add_argument("--tessera", action="store_true",
                    help="as a PVH domain of build/tessera.elf instead of on bare QEMU")
    ap.add_argument("--hang-s", type=float, default=300,
                    help="host seconds a run may take to reach /init before it counts as hung")
    ap.add_argument("--log-dir", help="keep each run's serial log here")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    if args.log_dir:
        Machine.log_dir = os.path.abspath(args.log_dir)
        Machine.log_prefix = f"linux_boot{'_tessera' if args.tessera else ''}"

    image = linux_guest()
    try:
        with open(os.path.join(os.path.dirname(image[0]), "kernel-package")) as f:
            kernel = f.read().strip()
    except FileNotFoundError:       # fetched before fetch-kernel.sh recorded it
        kernel = "kernel package not recorded"
    results = {}
    for smp in (int(s) for s in args.smp.split(",")):
        results[smp] = [one_run(image, smp, args.mem, args.icount, args.tessera, args.hang_s)
                        for _ in range(args.runs)]

    clock = "-icount shift=0,sleep=off" if args.icount else "no -icount (host-paced clock)"
    where = "as a Tessera PVH domain" if args.tessera else "on bare QEMU"
    print(f"Linux {where}, TCG q35 -cpu max, {args.mem} {clock}; {kernel}")
    print(f"{'cpus':>4} {'run':>3} {'entry->/init ms':>16} {'/init uptime ms':>16} "
          f"{'sleep 10 s':>10} {'wall s':>7}")
    for smp, runs in results.items():
        for i, r in enumerate(runs, 1):
            if r.get("hung"):
                print(f"{smp:>4} {i:>3} {'hung':>16} {'':>16} {'':>10} {r['wall_s']:>7.2f}"
                      f"  last line: {r['last_line']}" + (f" (log {r['log']})" if r['log'] else ""))
                continue
            print(f"{smp:>4} {i:>3} {r['run_init_ms']:>16.3f} {r['init_uptime_ms']:>16} "
                  f"{r['sleep_s'] or float('nan'):>10.2f} {r['wall_s']:>7.2f}")
            for line in r["exits"]:
                print(f"         exits {line}")
            for line in r["io_ports"]:
                print(f"         io ports {line}")
    where = "Tessera PVH domain" if args.tessera else "bare QEMU"
    for smp, runs in results.items():
        print(summary(where, smp, runs))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"config": vars(args), "kernel": kernel, "runs": results}, f, indent=2)


if __name__ == "__main__":
    main()
