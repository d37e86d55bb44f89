#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Benchmark: `tess create` in Linux dom0, next to Xen 4.17's `xl create`.

One boot of dom0's image (docs/dom0-image.md) on the machine of the Xen
anchors (../shared/anchors/xen-baseline: QEMU TCG q35, 2 CPUs, 2 GiB,
dom0 1 GiB, -icount shift=0,sleep=off, so virtual time counts executed
instructions, 1 ns each), with harness/dom0_scale_checks.py as dom0's
rc.local: a Linux PVH domU (Debian's kernel and the guest initramfs from
dom0's disk, 128 MiB, 1 vCPU, "console=hvc0 quiet"), then --count mini
domains created one after another from a shell loop and kept up
(mini.end=idle), then destroyed. The hypervisor stamps every console line
(console_timestamps), dom0's and the domains' included, so one clock times
everything:

  returns_s  dom0's "create X" line to its "create X done" line: the whole
             `tess create` process (Python's start, reading the config,
             staging the images, the create call)
  first_s    the same start to the hypervisor's "dom X id=N started",
             printed as it enters the domain's vCPU 0 the first time
  init_s     (Linux) the same start to the guest's first /init line
  per create n (n-1 mini domains already running): returns_s, first_s
  memory     hypervisor free pages and dom0's MemFree before the loop and
             with all mini domains up: per-domain cost on each side; and
             tess-stored's resident anonymous memory (its nodes and
             connection per domain)

    python3 tests/bench/tess_create.py [--count 50] [--mini-mem 2] [--json FILE] [--log FILE]
"""
import argparse
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from harness.dom0 import TESS_LIB, Dom0Run, answer_scale_waits, dom0_image  # noqa: E402
from harness.paths import REPO  # noqa: E402

CHECKS = os.path.join(REPO, "tests", "integration", "harness", "dom0_scale_checks.py")
DOM0 = "dom0 mem=1G vcpus=2 -- root=LABEL=tessdom0 console=hvc0 quiet"
# Every line starts with its stamp, so the harness' ^-anchored patterns do
# not fit: the waits below use their own.
STAMP = r"^\[\s*(\d+\.\d+)\] "
DONE = r"dom0-check: done (\d+) passed (\d+) failed"
# mini's one-call bench: the domain does almost nothing before it idles.
MINI_CMDLINE = "mini.bench=hypercall mini.calls=1 mini.end=idle"
MINI_DONE = r"mini: bench hypercall calls="


def stamp(log, pattern):
    m = re.search(STAMP + pattern, log, re.M)
    if not m:
        sys.exit(f"no line /{pattern}/ in the log:\n{log[-4000:]}")
    return float(m.group(1))


def dom0_line(text):
    return r"\(dom0\) dom0-scale: " + re.escape(text) + "$"


def one_create(log, name, first_line=None):
    t0 = stamp(log, dom0_line(f"create {name}"))
    done = "created lin" if name == "lin" else f"create {name} done"
    row = {"returns_s": stamp(log, dom0_line(done)) - t0,
           "first_s": stamp(log, r"tessera: dom %s id=\d+ started$" % name) - t0}
    if first_line:
        row["init_s"] = stamp(log, r"\(%s\) %s" % (name, first_line)) - t0
    return {k: round(v, 4) for k, v in row.items()}


def memory(log, count, mini_mem):
    before = re.search(r"dom0-scale: before free_pages (\d+) dom0_memfree_kib (\d+)", log)
    up = re.search(r"dom0-scale: running (\d+) free_pages (\d+) dom0_memfree_kib (\d+)", log)
    if not (before and up) or int(up.group(1)) != count:
        sys.exit(f"memory lines missing or not all {count} running")
    hv_kib = (int(before.group(1)) - int(up.group(2))) * 4 / count
    store0 = re.search(r"dom0-scale: before .* stored_rss_kib (\d+)", log)
    store = re.search(r"dom0-scale: running .* stored_rss_kib (\d+)", log)
    if not (store0 and store):
        sys.exit("tess-stored's memory lines missing")
    return {"hypervisor_kib_per_domain": round(hv_kib, 1),
            "hypervisor_overhead_kib_per_domain": round(hv_kib - mini_mem * 1024, 1),
            "dom0_kib_per_domain": round((int(before.group(2)) - int(up.group(3))) / count, 1),
            "store_kib_per_domain": round((int(store.group(1)) - int(store0.group(1))) / count,
                                          1)}


def run(count, mini_mem, log_path=None):
    config = {"count": count, "mini_mem": mini_mem, "mini_cmdline": MINI_CMDLINE,
              "startup_marks": True,
              "linux_mem": 128, "linux_extra": "console=hvc0 quiet tess.cpus=1 tess.end=shell"}
    work = tempfile.mkdtemp(prefix="tess-create-")
    run = Dom0Run(work, "q35", xen=True, image=dom0_image(), checks=CHECKS,
                  helpers=[TESS_LIB], extra_config=config)
    try:
        with run.tess_machine(DOM0, 3600, icount=True, cmdline="console=com1 console_timestamps",
                              nic=False, data_disk=False) as m:
            m.wait_for(r"dom0-init: start uptime", timeout=900)
            answer_scale_waits(m, count, r"\(lin\) tess-init: \d+ passed",
                               lambda name: rf"\({name}\) " + MINI_DONE, 2400)
            done = m.wait_for(DONE, timeout=2400)
            m.wait_for(r"dom dom0: asks for a host power-off", timeout=600)
            log = m.log
        if log_path:
            with open(log_path, "w") as f:
                f.write(log)
    finally:
        run.close()
    if done.group(2) != "0":
        sys.exit(f"dom0's checks failed:\n{log[-6000:]}")
    return {"linux": one_create(log, "lin", r"tess-init: start uptime"),
            "linux_uptime_at_init_s": float(re.search(r"\(lin\) tess-init: start uptime "
                                                      r"(\d+\.\d+)", log).group(1)),
            "minis": [one_create(log, f"s{i}") for i in range(1, count + 1)],
            "memory": memory(log, count, mini_mem)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--mini-mem", type=int, default=2, help="MiB per mini domain")
    ap.add_argument("--json")
    ap.add_argument("--log", help="keep the serial log here")
    args = ap.parse_args()
    res = run(args.count, args.mini_mem, args.log)
    print("linux: " + " ".join(f"{k}={v}" for k, v in res["linux"].items())
          + f" guest_uptime_at_init_s={res['linux_uptime_at_init_s']}")
    minis = res["minis"]
    for n in sorted({1, 2, 10, len(minis) // 2, len(minis)} & set(range(1, len(minis) + 1))):
        print(f"mini n={n}: " + " ".join(f"{k}={v}" for k, v in minis[n - 1].items()))
    for key in ("returns_s", "first_s"):
        vals = [r[key] for r in minis]
        print(f"mini {key}: mean={sum(vals) / len(vals):.4f} min={min(vals)} max={max(vals)} "
              f"last/first={vals[-1] / vals[0]:.3f}")
    print("memory: " + " ".join(f"{k}={v}" for k, v in res["memory"].items()))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=2)


if __name__ == "__main__":
    main()
