# SPDX-License-Identifier: GPL-2.0-only
"""`tess create FILE [-p] [key=value...]`: build a PVH domain from a
configuration file. The file is read and checked completely before the
hypervisor is asked for anything."""
import json
import sys

from tessera import loader
from tessera.cli import ctl
from tessera.cli.exitcodes import FAILED, INVALID_CONFIG, USAGE, Failure
from tessera.errors import ConfigError
from tessera.store import domain as store_domain
from tessera.store.client import Client, StoreError, StoreUnreachable, socket_path
from tessera.xlcfg import reader as xlreader

# Tessera builds a domain's RAM in 2 MiB pages (public/tessera/ctl.h).
MEM_STEP_MIB = 2


def register(sub, epilog):
    p = sub.add_parser("create", help="create a domain from a configuration file",
                       description="Create a PVH domain from FILE (xl.cfg or domain XML): "
                       "kernel, ramdisk, cmdline (or extra/root), memory, vcpus, pool, cpus, "
                       "name. key=value arguments (xl.cfg syntax, e.g. memory=64 "
                       "'name=\"web2\"') are read after the file's last line and replace "
                       "its settings. Prints the new domain's id.", epilog=epilog)
    p.add_argument("file", metavar="FILE")
    p.add_argument("overrides", nargs="*", metavar="key=value")
    p.add_argument("-p", "--paused", action="store_true",
                   help="build the domain but do not start it (tess unpause starts it)")
    p.add_argument("--json", action="store_true",
                   help='print {"id": ..., "name": ...} instead of the id')
    p.set_defaults(func=create)


def _load(path, overrides):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise Failure(FAILED, f"{path}: {e.strerror}") from None
    try:
        if loader.detect(data) == "xl":
            return xlreader.loads(data.decode("utf-8", "replace"), path, overrides)
        if overrides:
            raise Failure(USAGE, "key=value settings go with xl.cfg files only")
        return loader.load(path)[0]
    except ConfigError as e:
        for line in e.lines():
            print(line, file=sys.stderr)
        raise Failure(INVALID_CONFIG, None) from None


def _refuse_unsupported(path, dom):
    """What this release cannot build, refused before anything is made."""
    if dom.type != "pvh":
        raise Failure(FAILED, f"{path}: type '{dom.type}': tess create builds pvh domains only")
    if dom.disks or dom.vifs:
        raise Failure(FAILED, f"{path}: disks and network interfaces have no backend yet")
    if dom.memory % MEM_STEP_MIB:
        raise Failure(INVALID_CONFIG, f"{path}: memory {dom.memory} MiB is not a multiple "
                      f"of {MEM_STEP_MIB} MiB")


class _Progress:
    """'staging NAME: P% of M MiB' on a terminal, rewritten in place;
    nothing otherwise."""

    def __init__(self, name):
        self.name = name
        self.shown = False

    def __call__(self, done, total):
        if sys.stderr.isatty():
            print(f"\rtess: staging {self.name}: {done * 100 // total}% of "
                  f"{total / (1 << 20):.1f} MiB",
                  end="", file=sys.stderr, flush=True)
            self.shown = True

    def end(self):
        if self.shown:
            print(file=sys.stderr)


def _introduce(lt, domid, dom):
    """The new domain's nodes and ring in the system store; without them
    its xenbus could not come up, so a store that fails ends the domain."""
    gfn, port = lt.store_ring(domid)
    try:
        with Client(socket_path()) as xs:
            store_domain.introduce(xs, domid, dom.name, dom.memory, dom.vcpus, gfn, port,
                                   dom.uuid)
    except (StoreError, StoreUnreachable) as e:
        lt.destroy(domid)
        try:
            with Client(socket_path()) as xs:
                store_domain.release(xs, domid)
        except (StoreError, StoreUnreachable):
            pass
        raise Failure(FAILED, f"domain {dom.name} not created: store: {e}") from None


def create(args):
    dom = _load(args.file, args.overrides)
    _refuse_unsupported(args.file, dom)
    progress = _Progress(dom.name)
    try:
        with ctl.session() as lt:
            domid = lt.create(dom.kernel, dom.ramdisk, dom.cmdline or "", dom.name,
                              dom.pool, dom.cpus, dom.memory << 20, dom.vcpus,
                              paused=args.paused, progress=progress)
            _introduce(lt, domid, dom)
    finally:
        progress.end()
    if args.json:
        print(json.dumps({"id": domid, "name": dom.name}))
    else:
        print(domid)
    return 0
