# SPDX-License-Identifier: GPL-2.0-only
"""A runtime domain in the system store: the nodes Xen's toolstack writes
for a PVH domU (libxl 4.17: libxl__domain_make, libxl__build_post), then
XS_INTRODUCE with its ring; and at its end XS_RELEASE and the removal of
what it had. Spoken over tess-stored's socket (client.py): no library
beyond the standard one is needed in dom0."""
import uuid as uuidlib

from tessera.store.client import Client, StoreError, StoreUnreachable, socket_path

# libxl's permission sets: "ro", dom0 owns and the domain may read; "rw",
# the domain owns (nobody else has access, but dom0, which always has).
def _ro(domid):
    return ["n0", f"r{domid}"]


def _rw(domid):
    return [f"n{domid}"]


RW_NODES = ("control/shutdown", "control/feature-poweroff", "control/feature-reboot",
            "control/feature-suspend", "control/sysrq", "device/suspend/event-channel",
            "data", "drivers", "feature", "attr", "error")


# libxl's console limits (LIBXL_XENCONSOLE_LIMIT, _PROTOCOL).
CONSOLE_LIMIT = 1048576
CONSOLE_PROTOCOL = "vt100"


def home(domid):
    return f"/local/domain/{domid}"


def console_backend(domid):
    return f"/local/domain/0/backend/console/{domid}"


def _mknod(xs, path, perms, value=""):
    xs.write(path, value)
    xs.set_perms(path, perms)


def _rm_quietly(xs, path):
    try:
        xs.rm(path)
    except StoreError as e:
        if e.errname != "ENOENT":
            raise


def _console_nodes(xs, domid, name, ring):
    """Console 0 as libxl writes it (libxl_console.c): its frontend is
    /local/domain/ID/console, not under device/ (so a guest's xenbus lists
    no device for it), ring-ref and port read-only to the domain; the
    backend, dom0's, under backend/console/ID/0. "xenconsoled" names
    dom0's console daemon, here tess-consoled."""
    gfn, port = ring
    front, back = f"{home(domid)}/console", f"{console_backend(domid)}/0"
    _mknod(xs, front, _rw(domid))
    for sub, value in (("backend", back), ("backend-id", "0"), ("limit", str(CONSOLE_LIMIT)),
                       ("type", "xenconsoled"), ("output", "pty"), ("tty", "")):
        xs.write(f"{front}/{sub}", value)
    for sub, value in (("ring-ref", str(gfn)), ("port", str(port))):
        _mknod(xs, f"{front}/{sub}", _ro(domid), value)
    xs.rm(console_backend(domid), missing_ok=True)
    _mknod(xs, back, _ro(domid))
    for sub, value in (("frontend", front), ("frontend-id", str(domid)), ("online", "1"),
                       ("state", "1"), ("domain", name), ("protocol", CONSOLE_PROTOCOL)):
        xs.write(f"{back}/{sub}", value)


def introduce(xs, domid, name, memory_mib, vcpus, gfn, port, uuid=None, console=None):
    """Writes the domain's nodes and introduces it; returns its /vm path.
    console: (gfn, port) of a console ring dom0 serves, or None. All in
    one batch (one round trip: a create waits for it)."""
    batch = xs.batch()
    dom = home(domid)
    vm = f"/vm/{uuid or uuidlib.uuid4()}"
    for path in (dom, vm):
        batch.rm(path, missing_ok=True)
        _mknod(batch, path, _ro(domid))
    batch.write(f"{vm}/uuid", vm[len("/vm/"):])
    batch.write(f"{vm}/name", name)
    for sub in ("device", "control"):
        _mknod(batch, f"{dom}/{sub}", _ro(domid))
    for sub in RW_NODES:
        _mknod(batch, f"{dom}/{sub}", _rw(domid))
    kib = str(memory_mib * 1024)
    entries = {
        "vm": vm,
        "name": name,
        "domid": str(domid),
        "memory/static-max": kib,
        "memory/target": kib,
        "store/port": str(port),
        "store/ring-ref": str(gfn),
        "control/platform-feature-multiprocessor-suspend": "1",
        "control/platform-feature-xs_reset_watches": "1",
    }
    entries.update({f"cpu/{i}/availability": "online" for i in range(vcpus)})
    for sub, value in entries.items():
        batch.write(f"{dom}/{sub}", value)
    if console:
        _console_nodes(batch, domid, name, console)
    batch.introduce(domid, gfn, port)
    batch.send()
    return vm


def release(xs, domid):
    """XS_RELEASE (which removes /local/domain/ID and what the domain
    owned) and the domain's /vm entry; quiet about what is already gone."""
    try:
        vm = xs.read(f"{home(domid)}/vm").decode()
    except StoreError as e:
        if e.errname not in ("ENOENT", "EACCES"):
            raise
        vm = None
    try:
        xs.release(domid)
    except StoreError as e:
        if e.errname != "ENOENT":
            raise
    _rm_quietly(xs, home(domid))
    _rm_quietly(xs, console_backend(domid))
    if vm and vm.startswith("/vm/"):
        _rm_quietly(xs, vm)


def introduce_built(lt, domid, name, memory_mib, vcpus, uuid=None, console=False):
    """A domain just built, introduced over a new connection to the system
    store with the ring the hypervisor gave it (and, console true, with
    the console ring dom0 serves: TESS_CREATE_CONSOLE_DOM0). Without its nodes its
    xenbus could not come up, so on failure it is destroyed and what was
    written is removed; raises StoreError or StoreUnreachable (and
    libtess's CtlError, with nothing written, if the rings cannot be read)."""
    gfn, port = lt.store_ring(domid)
    ring = lt.console_ring(domid) if console else None
    try:
        with Client(socket_path()) as xs:
            introduce(xs, domid, name, memory_mib, vcpus, gfn, port, uuid, ring)
    except (StoreError, StoreUnreachable):
        lt.destroy(domid)
        release_quietly(domid)
        raise


def release_quietly(domid):
    """release() over a new connection; None, or what went wrong."""
    try:
        with Client(socket_path()) as xs:
            release(xs, domid)
    except (StoreError, StoreUnreachable) as e:
        return e
    return None
