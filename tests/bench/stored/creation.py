#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""LightVM-style domain-creation load on tess-stored.

For each N: start a fresh daemon, then for every domain INTRODUCE it and
write, in one transaction as a toolstack does, the ~47 nodes of a domain
with one disk and one network interface (its /local/domain/N tree and the
backend trees under /local/domain/0/backend/vbd|vif/N), with permissions;
the backend holds watches on backend/vbd and backend/vif, the toolstack one
per device state node and one on @releaseDomain.

"backend events read" counts what the backend read once the run is over
and its connection quiet; the memreport's events-merged/dropped say how
many the daemon merged with an identical queued one or dropped over a
dom0 connection's quota.

Reports store ops/s and per-op p50/p99 latency seen by the client, the
daemon's CPU time per domain (the store's own cost, without the Python
client; includes its syscalls), the store time per domain (time inside the
request handlers, from the daemon's memreport) and its RSS growth per domain.

    python3 tests/bench/stored/creation.py [-n 100 1000 10000]
"""
import argparse
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "stored"))
from xsclient import Daemon, enc  # noqa: E402

CLK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def domain_ops(n):
    """(kind, args) requests for domain n, excluding transaction framing."""
    home = f"/local/domain/{n}"
    vbd = f"/local/domain/0/backend/vbd/{n}/51712"
    vif = f"/local/domain/0/backend/vif/{n}/0"
    w = []
    for k, v in [("name", f"guest{n}"), ("domid", str(n)), ("vm", f"/vm/{n}"),
                 ("memory/static-max", "131072"), ("memory/target", "131072"),
                 ("memory/videoram", "-1"), ("cpu/0/availability", "online"),
                 ("console/port", "2"), ("console/ring-ref", "1234"),
                 ("console/limit", "1048576"), ("console/type", "xenconsoled"),
                 ("store/port", "1"), ("store/ring-ref", "1233"),
                 ("control/shutdown", ""), ("control/platform-feature-multiprocessor-suspend", "1"),
                 ("device/vbd/51712/backend", vbd), ("device/vbd/51712/backend-id", "0"),
                 ("device/vbd/51712/state", "1"), ("device/vbd/51712/virtual-device", "51712"),
                 ("device/vbd/51712/device-type", "disk"), ("device/vbd/51712/handle", "51712"),
                 ("device/vif/0/backend", vif), ("device/vif/0/backend-id", "0"),
                 ("device/vif/0/state", "1"), ("device/vif/0/handle", "0"),
                 ("device/vif/0/mac", "00:16:3e:00:00:01")]:
        w.append(("WRITE", f"{home}/{k}", v))
    for k, v in [("frontend", f"{home}/device/vbd/51712"), ("frontend-id", str(n)),
                 ("online", "1"), ("removable", "0"), ("bootable", "1"), ("state", "1"),
                 ("dev", "xvda"), ("type", "phy"), ("mode", "w"),
                 ("params", f"/dev/vg/guest{n}"), ("device-type", "disk"),
                 ("discard-enable", "0")]:
        w.append(("WRITE", f"{vbd}/{k}", v))
    for k, v in [("frontend", f"{home}/device/vif/0"), ("frontend-id", str(n)),
                 ("online", "1"), ("state", "1"), ("script", "/etc/xen/scripts/vif-bridge"),
                 ("mac", "00:16:3e:00:00:01"), ("bridge", "xenbr0"), ("handle", "0"),
                 ("type", "vif")]:
        w.append(("WRITE", f"{vif}/{k}", v))
    for path, perms in [(home, ["n0", f"r{n}"]), (f"{home}/device", [f"n{n}", "r0"]),
                        (f"{home}/control", ["n0", f"w{n}"]),
                        (vbd, ["n0", f"r{n}"]), (vif, ["n0", f"r{n}"])]:
        w.append(("SET_PERMS", path, perms))
    return w


def timed(lat, fn, *a, **kw):
    t0 = time.perf_counter()
    r = fn(*a, **kw)
    lat.append(time.perf_counter() - t0)
    return r


def run(n_domains, tmp):
    d = Daemon(tmp, trace=False)
    tool, backend = d.client(), d.client()
    for path in ("/local/domain/0/backend/vbd", "/local/domain/0/backend/vif"):
        backend.watch(path, "be")
    tool.watch("@releaseDomain", "rel")
    backend_events = [0]

    def drain():                      # a backend reads its events
        try:
            while True:
                backend.recv_msg()
                backend_events[0] += 1
        except (EOFError, OSError):
            pass
    threading.Thread(target=drain, daemon=True).start()
    time.sleep(0.2)
    rss0, cpu0 = d.rss_kb(), cpu_seconds(d.proc.pid)
    lat, per_dom = [], []
    t_start = time.perf_counter()
    for n in range(1, n_domains + 1):
        t0 = time.perf_counter()
        timed(lat, tool.introduce, n, 1000 + n, 1)
        while True:
            tx = timed(lat, tool.tx_start)
            for kind, path, arg in domain_ops(n):
                if kind == "WRITE":
                    timed(lat, tool.write, path, arg, tx)
                else:
                    timed(lat, tool.set_perms, path, arg, tx)
            try:
                timed(lat, tool.tx_end, tx)
                break
            except Exception:  # noqa: BLE001 - EAGAIN: retry like libxl
                continue
        for dev in ("vbd/51712", "vif/0"):
            timed(lat, tool.watch, f"/local/domain/0/backend/{dev.split('/')[0]}/{n}/"
                  f"{dev.split('/')[1]}/state", f"dom{n}")
        per_dom.append(time.perf_counter() - t0)
        tool.events.clear()
    wall = time.perf_counter() - t_start
    cpu = cpu_seconds(d.proc.pid) - cpu0
    rss = d.rss_kb() - rss0
    # Let the backend read what is still on its way before counting.
    seen, quiet = -1, 0
    while quiet < 5:
        quiet = quiet + 1 if backend_events[0] == seen else 0
        seen = backend_events[0]
        time.sleep(0.1)
    mem = tool.request("CONTROL", enc("memreport")).decode()
    stats = dict(line.split() for line in mem.strip("\0\n").splitlines())
    mem = mem.replace("\n", " ")
    tool.close()
    backend.s.shutdown(2)
    d.stop()
    lat.sort()
    per_dom.sort()
    return {
        "N": n_domains, "ops": len(lat), "ops_per_s": len(lat) / wall,
        "p50_us": lat[len(lat) // 2] * 1e6, "p99_us": lat[int(len(lat) * 0.99)] * 1e6,
        "dom_p99_ms": per_dom[int(len(per_dom) * 0.99)] * 1e3,
        "store_cpu_ms_per_dom": cpu * 1e3 / n_domains,
        "handle_ms_per_dom": int(stats["handle-ns"]) / 1e6 / n_domains,
        "rss_kb_per_dom": rss / n_domains, "memreport": mem.strip("\0 "),
        "backend_events": backend_events[0],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, nargs="+", default=[100, 1000, 10000])
    args = ap.parse_args()
    print(f"{'N':>6} {'ops':>7} {'ops/s':>8} {'p50 us':>7} {'p99 us':>7} "
          f"{'dom p99 ms':>10} {'daemon CPU ms/dom':>17} {'store ms/dom':>12} {'RSS KiB/dom':>11}")
    for n in args.n:
        with tempfile.TemporaryDirectory() as tmp:
            r = run(n, tmp)
        print(f"{r['N']:>6} {r['ops']:>7} {r['ops_per_s']:>8.0f} {r['p50_us']:>7.1f} "
              f"{r['p99_us']:>7.1f} {r['dom_p99_ms']:>10.2f} "
              f"{r['store_cpu_ms_per_dom']:>17.3f} {r['handle_ms_per_dom']:>12.3f} "
              f"{r['rss_kb_per_dom']:>11.2f}")
        print(f"       backend events read: {r['backend_events']}; memreport: {r['memreport']}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
