# SPDX-License-Identifier: GPL-2.0-only
"""`tess vcpu-list`, `vcpu-pin`, `sched-get`, `sched-set`: where vCPUs run and
what share of a CPU they get, from the hypervisor."""
from tessera.cli import ctl
from tessera.cli.exitcodes import USAGE, Failure

DEFAULT_WEIGHT = 256


def register(sub, epilog):
    p = sub.add_parser("vcpu-list", help="list the vCPUs of one or every domain",
                       description="List vCPUs: domain, vCPU, the CPU it is on (- for none), "
                       "state, CPU time (s), hard affinity, exits to the hypervisor (and of "
                       "those, for interrupts).", epilog=epilog)
    p.add_argument("dom", metavar="DOM", nargs="?", help="a name or id (default: every domain)")
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(func=vcpu_list)

    p = sub.add_parser("vcpu-pin", help="set a vCPU's hard affinity",
                       description="Run VCPU of DOM only on CPUS (an xl CPU list: 2, 1-3, "
                       "all, 0-3,^2), which must be CPUs of the domain's pool. VCPU is a "
                       "number or 'all'.", epilog=epilog)
    p.add_argument("dom", metavar="DOM")
    p.add_argument("vcpu", metavar="VCPU")
    p.add_argument("cpus", metavar="CPUS")
    p.set_defaults(func=vcpu_pin)

    p = sub.add_parser("sched-get", help="show domains' weight and cap",
                       description="Show the weight (share of a CPU against others, 256 by "
                       "default) and cap (at most this percent of one CPU, 0: none) of "
                       "one or every domain. They apply in shared pools.", epilog=epilog)
    p.add_argument("dom", metavar="DOM", nargs="?", help="a name or id (default: every domain)")
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(func=sched_get)

    p = sub.add_parser("sched-set", help="set a domain's weight and cap",
                       description="Set the weight (1-65535) and/or cap (0-100 percent of one "
                       "CPU, 0: none) of every vCPU of DOM. They apply in shared pools; a "
                       "domain in a dedicated pool keeps them for when it moves.",
                       epilog=epilog)
    p.add_argument("dom", metavar="DOM")
    p.add_argument("-w", "--weight", type=int, help="1-65535")
    p.add_argument("-c", "--cap", type=int, help="0-100")
    p.set_defaults(func=sched_set)


def _domains(lt, dom):
    if dom is None:
        return lt.domains()
    return [lt.getinfo(ctl.resolve(lt, dom))]


def _vcpu_state(v):
    if v["on_cpu"]:
        return "running"
    if not v["up"]:
        return "down"
    return "blocked" if v["blocked"] else "runnable"


def vcpu_list(args):
    rows = []
    with ctl.session() as lt:
        for d in _domains(lt, args.dom):
            for v in ctl.gone_is_empty(lambda: lt.vcpus(d["domid"])):
                rows.append({"domain": d["name"], "id": d["domid"], "vcpu": v["vcpu"],
                             "cpu": v["cpu"] if v["cpu"] >= 0 else None,
                             "state": _vcpu_state(v),
                             "cpu_time_s": round(v["cpu_time_ns"] / 1e9, 1),
                             "affinity": v["affinity"], "exits": v["nr_exits"],
                             "interrupt_exits": v["nr_intr_exits"]})
    if args.json:
        ctl.emit_json(rows)
        return 0
    fmt = "{:<20} {:>5} {:>4} {:>4} {:<8} {:>9} {:<10} {}"
    print(fmt.format("NAME", "ID", "VCPU", "CPU", "STATE", "TIME(s)", "AFFINITY",
                     "EXITS(INTR)"))
    for r in rows:
        cpu = "-" if r["cpu"] is None else r["cpu"]
        print(fmt.format(r["domain"], r["id"], r["vcpu"], cpu, r["state"],
                         f"{r['cpu_time_s']:.1f}", r["affinity"],
                         f"{r['exits']}({r['interrupt_exits']})"))
    return 0


def vcpu_pin(args):
    with ctl.session() as lt:
        domid = ctl.resolve(lt, args.dom)
        nr = lt.getinfo(domid)["nr_vcpus"]
        if args.vcpu == "all":
            vcpus = range(nr)
        elif args.vcpu.isdigit() and int(args.vcpu) < nr:
            vcpus = [int(args.vcpu)]
        else:
            raise Failure(USAGE, f"VCPU must be 'all' or 0-{nr - 1}, not '{args.vcpu}'")
        for v in vcpus:
            lt.vcpu_pin(domid, v, args.cpus)
    return 0


def sched_get(args):
    rows = []
    with ctl.session() as lt:
        for d in _domains(lt, args.dom):
            for s in ctl.gone_is_empty(lambda: [lt.sched_get(d["domid"])]):
                rows.append({"domain": d["name"], "id": d["domid"], "pool": d["pool"], **s})
    if args.json:
        ctl.emit_json(rows)
        return 0
    fmt = "{:<20} {:>5} {:>6} {:>4} {}"
    print(fmt.format("NAME", "ID", "WEIGHT", "CAP", "POOL"))
    for r in rows:
        print(fmt.format(r["domain"], r["id"], r["weight"], r["cap"], r["pool"]))
    return 0


def sched_set(args):
    if args.weight is None and args.cap is None:
        raise Failure(USAGE, "sched-set: give --weight and/or --cap")
    with ctl.session() as lt:
        domid = ctl.resolve(lt, args.dom)
        now = lt.sched_get(domid)
        weight = now["weight"] if args.weight is None else args.weight
        cap = now["cap"] if args.cap is None else args.cap
        lt.sched_set(domid, weight, cap)
    return 0
