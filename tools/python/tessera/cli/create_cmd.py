# SPDX-License-Identifier: GPL-2.0-only
"""`tess create FILE [-p] [-c] [key=value...]`: build a PVH domain from a
configuration file. The file is read and checked completely before the
hypervisor is asked for anything. With tess-consoled running, the domain
is handed to it before it starts: it serves its console and applies its
on_* settings (docs/console.md); without it, the hypervisor prints its
console on the serial line and its end is final."""
import json
import sys

from tessera import loader
from tessera.cli import console_cmd, ctl
from tessera.cli.exitcodes import FAILED, INVALID_CONFIG, USAGE, Failure
from tessera.consoled import client
from tessera.libtess import CREATE_CONSOLE_DOM0, CREATE_KEEP, CtlError
from tessera.errors import ConfigError
from tessera.store import domain as store_domain
from tessera.store.client import StoreError, StoreUnreachable
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
    p.add_argument("-c", "--console", action="store_true",
                   help="attach to its console once created (Ctrl-] leaves)")
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
    for key in ("on_poweroff", "on_reboot", "on_crash"):
        if getattr(dom, key) in ("rename-restart", "soft-reset"):
            raise Failure(FAILED, f"{path}: {key}={getattr(dom, key)} is not supported "
                          "(destroy, restart, preserve, coredump-destroy, coredump-restart)")
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


def _introduce(lt, domid, dom, served):
    try:
        store_domain.introduce_built(lt, domid, dom.name, dom.memory, dom.vcpus, dom.uuid,
                                     console=served)
    except (StoreError, StoreUnreachable) as e:
        raise Failure(FAILED, f"domain {dom.name} not created: store: {e}") from None
    except CtlError as e:
        _undo(lt, domid)
        raise Failure(FAILED, f"domain {dom.name} not created: {e}") from None


def _undo(lt, domid):
    """The domain destroyed and out of the store: nothing left behind."""
    try:
        lt.destroy(domid)
    except CtlError:
        pass
    store_domain.release_quietly(domid)


def _hand_over(lt, domid, dom):
    """tess-consoled serves the new (paused) domain from now on; if it
    refuses, the domain is destroyed: nothing is left behind. The
    connection is made only now: the daemon gives a request
    REQUEST_TIMEOUT_S to arrive, and a Linux build takes longer."""
    build = {"kernel": dom.kernel, "ramdisk": dom.ramdisk, "cmdline": dom.cmdline or "",
             "pool": dom.pool, "cpus": dom.cpus, "mem_bytes": dom.memory << 20,
             "vcpus": dom.vcpus, "uuid": dom.uuid}
    actions = {k: getattr(dom, k) for k in ("on_poweroff", "on_reboot", "on_crash")}
    daemon = client.connect()
    if daemon is None:
        _undo(lt, domid)
        raise Failure(FAILED, f"domain {dom.name} not created: tess-consoled stopped "
                      "while it was built")
    try:
        client.request(daemon, op="adopt", domid=domid, name=dom.name, actions=actions,
                       build=build)
    except (client.DaemonError, OSError) as e:
        _undo(lt, domid)
        raise Failure(FAILED, f"tess-consoled: {e}") from None
    finally:
        daemon.close()


def _daemon_running(args):
    """Whether tess-consoled listens (said on stderr when not)."""
    daemon = client.connect()
    if daemon is None:
        if args.console:
            raise Failure(FAILED, "tess-consoled is not running: no console to attach to")
        print("tess: tess-consoled is not running: the console goes to the hypervisor's "
              "serial line, on_* are not applied", file=sys.stderr)
        return False
    daemon.close()
    return True


def create(args):
    dom = _load(args.file, args.overrides)
    _refuse_unsupported(args.file, dom)
    progress = _Progress(dom.name)
    try:
        with ctl.session() as lt:
            served = _daemon_running(args)
            flags = CREATE_CONSOLE_DOM0 | CREATE_KEEP if served else 0
            # Paused until the daemon serves it, so no output and no end
            # escapes it.
            domid = lt.create(dom.kernel, dom.ramdisk, dom.cmdline or "", dom.name,
                              dom.pool, dom.cpus, dom.memory << 20, dom.vcpus,
                              paused=args.paused or served, progress=progress,
                              flags=flags)
            _introduce(lt, domid, dom, served)
            if served:
                _hand_over(lt, domid, dom)
            try:
                sock = console_cmd.open_console(domid) if args.console else None
            except Failure:
                _undo(lt, domid)        # nothing left behind
                raise
            if served and not args.paused:
                lt.unpause(domid)
    finally:
        progress.end()
    if args.json:
        print(json.dumps({"id": domid, "name": dom.name}), flush=True)
    elif not args.console:
        print(domid)
    return console_cmd.run(sock) if sock else 0
