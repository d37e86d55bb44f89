# SPDX-License-Identifier: GPL-2.0-only
"""`tess cpupool-*`: CPU pools at runtime, as xl's cpupool commands. A CPU
removed from a pool is free (in no pool) until added to one; only free CPUs
can be added; a pool is destroyed only once it has no CPU and no domain."""
from tessera.cli import ctl
from tessera.cli.exitcodes import FAILED, USAGE, Failure


def register(sub, epilog):
    p = sub.add_parser("cpupool-list", help="list the CPU pools",
                       description="List the CPU pools: name, id, scheduler, CPUs, "
                       "domains; and the free CPUs (in no pool).", epilog=epilog)
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.set_defaults(func=pool_list)

    p = sub.add_parser("cpupool-create", help="create a CPU pool",
                       description="Create pool NAME with scheduler SCHED (shared: "
                       "weighted time-sharing; dedicated: a CPU per vCPU, no ticks), "
                       "empty or with the free CPUs given.", epilog=epilog)
    p.add_argument("name", metavar="NAME")
    p.add_argument("-s", "--sched", choices=("shared", "dedicated"), default="shared")
    p.add_argument("--cpus", metavar="CPUS", help="free CPUs to add (an xl CPU list)")
    p.set_defaults(func=pool_create)

    p = sub.add_parser("cpupool-destroy", help="destroy an empty CPU pool",
                       description="Destroy pool NAME, which must have no CPU and no "
                       "domain ('default' cannot be destroyed).", epilog=epilog)
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=pool_destroy)

    for name, helptext, func in (
            ("cpupool-cpu-add", "add free CPUs to a pool", cpu_add),
            ("cpupool-cpu-remove", "take CPUs out of a pool (they become free)", cpu_remove)):
        p = sub.add_parser(name, help=helptext, description=helptext[0].upper()
                           + helptext[1:] + ". CPUS is an xl CPU list (2, 1-3, 0-3,^2).",
                           epilog=epilog)
        p.add_argument("pool", metavar="POOL")
        p.add_argument("cpus", metavar="CPUS")
        p.set_defaults(func=func)

    p = sub.add_parser("cpupool-migrate", help="move a domain into another pool",
                       description="Move every vCPU of DOM into POOL (their affinity becomes "
                       "the whole pool). A dedicated pool needs a free CPU per vCPU.",
                       epilog=epilog)
    p.add_argument("dom", metavar="DOM")
    p.add_argument("pool", metavar="POOL")
    p.set_defaults(func=migrate)


def parse_cpus(text):
    """An xl CPU list (N, N-M, ^N, ^N-M, comma-separated) as a sorted list."""
    cpus = set()
    try:
        for item in text.split(","):
            drop = item.startswith("^")
            lo, dash, hi = item.lstrip("^").partition("-")
            span = range(int(lo), int(hi if dash else lo) + 1)
            cpus = cpus - set(span) if drop else cpus | set(span)
    except ValueError:
        raise Failure(USAGE, f"bad CPU list '{text}' (like 1,3-5,^4)") from None
    return sorted(cpus)


def _cpu_list(cpus):
    return ",".join(str(c) for c in cpus)


def _free_cpus(phys, pools):
    online = set(parse_cpus(phys["online_cpus"])) if phys["online_cpus"] else set()
    for p in pools:
        online -= set(parse_cpus(p["cpus"])) if p["cpus"] else set()
    return sorted(online)


def pool_list(args):
    with ctl.session() as lt:
        pools = lt.pools()
        free = _free_cpus(lt.physinfo(), pools)
    rows = [{"id": p["pool_id"], "name": p["name"], "cpus": p["cpus"],
             "sched": "dedicated" if p["dedicated"] else "shared",
             "domains": p["nr_domains"]} for p in pools]
    if args.json:
        ctl.emit_json({"pools": rows, "free_cpus": _cpu_list(free)})
        return 0
    fmt = "{:<20} {:>3} {:<10} {:<12} {}"
    print(fmt.format("NAME", "ID", "SCHED", "CPUS", "DOMAINS"))
    for r in rows:
        print(fmt.format(r["name"], r["id"], r["sched"], r["cpus"] or "-", r["domains"]))
    print(f"free CPUs: {_cpu_list(free) or '-'}")
    return 0


def pool_create(args):
    cpus = parse_cpus(args.cpus) if args.cpus else []
    with ctl.session() as lt:
        lt.pool_create(args.name, args.sched == "dedicated")
        for c in cpus:
            lt.pool_cpu_add(args.name, c)
    return 0


def pool_destroy(args):
    with ctl.session() as lt:
        lt.pool_destroy(args.name)
    return 0


def _pool(lt, name):
    for p in lt.pools():
        if p["name"] == name:
            return p
    raise Failure(FAILED, f"no pool '{name}'")


def cpu_add(args):
    cpus = parse_cpus(args.cpus)
    with ctl.session() as lt:
        _pool(lt, args.pool)
        for c in cpus:
            lt.pool_cpu_add(args.pool, c)
    return 0


def cpu_remove(args):
    cpus = parse_cpus(args.cpus)
    with ctl.session() as lt:
        held = _pool(lt, args.pool)["cpus"]
        held = set(parse_cpus(held)) if held else set()
        for c in cpus:
            if c not in held:
                raise Failure(FAILED, f"CPU {c} is not in pool '{args.pool}'")
            lt.pool_cpu_remove(c)
    return 0


def migrate(args):
    with ctl.session() as lt:
        lt.pool_migrate(ctl.resolve(lt, args.dom), args.pool)
    return 0
