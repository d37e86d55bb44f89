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


def home(domid):
    return f"/local/domain/{domid}"


def _mknod(xs, path, perms):
    xs.write(path, "")
    xs.set_perms(path, perms)


def _rm_quietly(xs, path):
    try:
        xs.rm(path)
    except StoreError as e:
        if e.errname != "ENOENT":
            raise


def introduce(xs, domid, name, memory_mib, vcpus, gfn, port, uuid=None):
    """Writes the domain's nodes and introduces it; returns its /vm path."""
    dom = home(domid)
    vm = f"/vm/{uuid or uuidlib.uuid4()}"
    for path in (dom, vm):
        _rm_quietly(xs, path)
        _mknod(xs, path, _ro(domid))
    xs.write(f"{vm}/uuid", vm[len("/vm/"):])
    xs.write(f"{vm}/name", name)
    for sub in ("device", "control"):
        _mknod(xs, f"{dom}/{sub}", _ro(domid))
    for sub in RW_NODES:
        _mknod(xs, f"{dom}/{sub}", _rw(domid))
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
        xs.write(f"{dom}/{sub}", value)
    xs.introduce(domid, gfn, port)
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
    if vm and vm.startswith("/vm/"):
        _rm_quietly(xs, vm)


def introduce_built(lt, domid, name, memory_mib, vcpus, uuid=None):
    """A domain just built, introduced over a new connection to the system
    store with the ring the hypervisor gave it. Without its nodes its
    xenbus could not come up, so on failure it is destroyed and what was
    written is removed; raises StoreError or StoreUnreachable."""
    gfn, port = lt.store_ring(domid)
    try:
        with Client(socket_path()) as xs:
            introduce(xs, domid, name, memory_mib, vcpus, gfn, port, uuid)
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
