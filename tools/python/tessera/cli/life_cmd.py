# SPDX-License-Identifier: GPL-2.0-only
"""`tess destroy|pause|unpause|shutdown|reboot DOM`: one domain's life, DOM
being its name or id."""
import errno
import sys
import time

from tessera.cli import ctl
from tessera.libtess import CtlError
from tessera.store import domain as store_domain

POLL_S = 0.2


def register(sub, epilog):
    for name, helptext, func in (
            ("destroy", "end a domain at once and free its memory", destroy),
            ("pause", "stop a domain's vCPUs until unpaused", pause),
            ("unpause", "let a paused (or created paused) domain run", unpause),
            ("shutdown", "ask a domain to power off, as its own call would", shutdown),
            ("reboot", "end a domain as a reboot, as its own call would: its on_reboot "
             "applies", reboot)):
        p = sub.add_parser(name, help=helptext, description=helptext[0].upper()
                           + helptext[1:] + ". DOM is its name or id.", epilog=epilog)
        p.add_argument("dom", metavar="DOM")
        if name == "shutdown":
            p.add_argument("-w", "--wait", action="store_true",
                           help="wait until the domain has ended (shutdown, dying or gone)")
        p.set_defaults(func=func)


def _act(args, method):
    with ctl.session() as lt:
        getattr(lt, method)(ctl.resolve(lt, args.dom))
    return 0


def _release(domid):
    """The ended domain out of the system store (its nodes, its ring)."""
    e = store_domain.release_quietly(domid)
    if e:
        print(f"tess: domain {domid} ended, but the store did not release it: {e}",
              file=sys.stderr)


def destroy(args):
    with ctl.session() as lt:
        domid = ctl.resolve(lt, args.dom)
        lt.destroy(domid)
    _release(domid)
    return 0


def pause(args):
    return _act(args, "pause")


def unpause(args):
    return _act(args, "unpause")


def reboot(args):
    with ctl.session() as lt:
        lt.shutdown(ctl.resolve(lt, args.dom), reason="reboot")
    return 0


def _ended(lt, domid):
    """Gone, dying, or ended and kept (TESS_CREATE_KEEP: its on_* action,
    preserve included, is tess-consoled's to apply)."""
    try:
        info = lt.getinfo(domid)
        return bool(info["dying"] or info["shutdown"])
    except CtlError as e:
        if e.errno == errno.ESRCH:
            return True
        raise


def shutdown(args):
    with ctl.session() as lt:
        domid = ctl.resolve(lt, args.dom)
        lt.shutdown(domid)
        if args.wait:
            if sys.stderr.isatty():
                print(f"tess: waiting for domain {domid} to end", file=sys.stderr)
            while not _ended(lt, domid):
                time.sleep(POLL_S)
    if args.wait:
        _release(domid)
    return 0
