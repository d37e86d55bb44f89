# SPDX-License-Identifier: GPL-2.0-only
"""What the hypervisor subcommands share: opening libtess, turning its
errors into `tess:` messages with exit status 1, finding a domain by name
or id, and a domain's state in words."""
import contextlib
import errno
import json
import sys

from tessera.cli.exitcodes import FAILED, Failure
from tessera.libtess import CtlError, Libtess

PAGE = 4096


@contextlib.contextmanager
def session():
    """An open Libtess; any CtlError ends the command with status 1 (not in
    dom0, the hypervisor refusing, a domain that is gone, ...)."""
    try:
        with Libtess() as lt:
            yield lt
    except CtlError as e:
        raise Failure(FAILED, str(e)) from None


def resolve(lt, dom):
    """The domain id DOM names: a number is an id, anything else a name."""
    domains = lt.domains()
    if dom.isdigit():
        if any(d["domid"] == int(dom) for d in domains):
            return int(dom)
    else:
        for d in domains:
            if d["name"] == dom:
                return d["domid"]
    raise Failure(FAILED, f"no domain '{dom}'")


def gone_is_empty(call):
    """call(), or [] if its domain has ended meanwhile (ESRCH)."""
    try:
        return call()
    except CtlError as e:
        if e.errno == errno.ESRCH:
            return []
        raise


def emit_json(obj):
    json.dump(obj, sys.stdout, indent=2)
    print()


def state(d):
    """shutdown (ended, kept until destroyed), dying, paused (also when
    created paused), running, or built (none of these: still being built)."""
    for word in ("shutdown", "dying", "paused", "running"):
        if d[word]:
            return word
    return "built"


def mib(pages):
    return pages * PAGE >> 20
