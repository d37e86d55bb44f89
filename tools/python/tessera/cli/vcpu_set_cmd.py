# SPDX-License-Identifier: GPL-2.0-only
"""`tess vcpu-set DOM N`: how many of a domain's vCPUs are online, asked of
the guest as Xen's toolstack asks a PV or PVH guest (libxl's
set_vcpuonline_xenstore): /local/domain/ID/cpu/I/availability becomes
"online" for I < N and "offline" for the rest. The guest's kernel watches
those nodes and takes CPUs offline or back itself (Linux: cpu_hotplug.c);
a guest without that driver ignores them. N is at most the vCPUs the
domain was created with."""
from tessera.cli import ctl
from tessera.cli.exitcodes import FAILED, STORE_UNREACHABLE, USAGE, Failure
from tessera.store import domain as store_domain
from tessera.store.client import Client, StoreError, StoreUnreachable, socket_path


def register(sub, epilog):
    p = sub.add_parser("vcpu-set", help="set how many of a domain's vCPUs are online",
                       description="Ask DOM (a name or id) to keep N vCPUs online, 1 to the "
                       "number it was created with: the store's cpu/I/availability nodes, "
                       "which the guest's kernel acts on by itself, as with xl vcpu-set.",
                       epilog=epilog)
    p.add_argument("dom", metavar="DOM")
    p.add_argument("count", metavar="N")
    p.set_defaults(func=vcpu_set)


def vcpu_set(args):
    if not args.count.isdigit() or int(args.count) < 1:
        raise Failure(USAGE, f"N must be a number of vCPUs, 1 or more, not '{args.count}'")
    online = int(args.count)
    with ctl.session() as lt:
        domid = ctl.resolve(lt, args.dom)
        most = lt.getinfo(domid)["nr_vcpus"]
    if online > most:
        raise Failure(USAGE, f"{args.dom} was created with {most} vCPU(s): N must be 1-{most}")
    home = store_domain.home(domid)
    try:
        with Client(socket_path()) as xs:
            try:
                xs.directory(f"{home}/cpu")
            except StoreError as e:
                raise Failure(FAILED, f"{args.dom} has no cpu nodes in the store ({e.errname}): "
                              "only domains tess create made can be asked") from None
            for i in range(most):
                xs.write(f"{home}/cpu/{i}/availability", "online" if i < online else "offline")
    except StoreUnreachable as e:
        raise Failure(STORE_UNREACHABLE, f"store: {e}") from None
    except StoreError as e:
        raise Failure(FAILED, f"store: {e}") from None
    return 0
