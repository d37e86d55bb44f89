# SPDX-License-Identifier: GPL-2.0-only
"""`tess info` and `tess list`: the machine and its domains, from the hypervisor."""
from tessera.cli import ctl


def register(sub, epilog):
    p = sub.add_parser("info", help="show the machine's CPUs, memory and pools",
                       description="Show the machine as the hypervisor sees it: CPUs, "
                       "total and free memory, CPU pools.", epilog=epilog)
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(func=info)
    p = sub.add_parser("list", help="list the domains",
                       description="List every domain: id, name, memory (MiB), vCPUs, "
                       "state, CPU time (s), pool.", epilog=epilog)
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(func=list_domains)


def info(args):
    with ctl.session() as lt:
        phys = lt.physinfo()
        pools = lt.pools()
    out = {"nr_cpus": phys["nr_cpus"], "max_cpu_id": phys["max_cpu_id"],
           "online_cpus": phys["online_cpus"], "cpu_khz": phys["cpu_khz"],
           "total_mib": ctl.mib(phys["total_pages"]), "free_mib": ctl.mib(phys["free_pages"]),
           "total_pages": phys["total_pages"], "free_pages": phys["free_pages"],
           "evtchn_ports": phys["evtchn_ports"],
           "pools": [{"id": p["pool_id"], "name": p["name"], "cpus": p["cpus"],
                      "dedicated": bool(p["dedicated"]), "domains": p["nr_domains"]}
                     for p in pools]}
    if args.json:
        ctl.emit_json(out)
        return 0
    print(f"{'cpus:':12} {out['nr_cpus']} ({out['online_cpus']}), {out['cpu_khz'] / 1000:.0f} MHz")
    print(f"{'memory:':12} {out['total_mib']} MiB, {out['free_mib']} MiB free")
    for p in out["pools"]:
        kind = "dedicated" if p["dedicated"] else "shared"
        print(f"{'pool:':12} {p['name']} cpus {p['cpus'] or '-'} {kind}, "
              f"{p['domains']} domain{'s' if p['domains'] != 1 else ''}")
    return 0


def _row(d):
    return {"id": d["domid"], "name": d["name"], "memory_mib": ctl.mib(d["mem_pages"]),
            "vcpus": d["nr_vcpus"], "state": ctl.state(d),
            "cpu_time_s": round(d["cpu_time_ns"] / 1e9, 1), "pool": d["pool"]}


def list_domains(args):
    with ctl.session() as lt:
        rows = [_row(d) for d in lt.domains()]
    if args.json:
        ctl.emit_json(rows)
        return 0
    fmt = "{:<5} {:<20} {:>8} {:>5} {:<8} {:>10} {}"
    print(fmt.format("ID", "NAME", "MEM(MiB)", "VCPUS", "STATE", "TIME(s)", "POOL"))
    for r in rows:
        print(fmt.format(r["id"], r["name"], r["memory_mib"], r["vcpus"], r["state"],
                         f"{r['cpu_time_s']:.1f}", r["pool"]))
    return 0
