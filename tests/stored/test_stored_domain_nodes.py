# SPDX-License-Identifier: GPL-2.0-only
"""What `tess create` writes in the store for a domain (tessera.store.domain:
libxl 4.17's nodes and permissions) against a real tess-stored, seen by the
domain itself over its ring: its own nodes readable, what only dom0 may
change refused, and nothing of it left after release."""
import os
import sys

import pytest

from xsclient import RingGuest, XsError

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "python"))
from tessera.store import domain as store_domain  # noqa: E402
from tessera.store.client import Client  # noqa: E402

DOMID = 5
CONSOLE = (0xFEFFF, 3)


@pytest.fixture
def introduced(daemon):
    guest = RingGuest(daemon.dir, DOMID)
    with Client(daemon.sock) as c:
        vm = store_domain.introduce(c, DOMID, "g5", 4, 2, 0, 1, console=CONSOLE)
    yield guest, vm
    guest.close()


def refused(fn, *args):
    with pytest.raises(XsError) as e:
        fn(*args)
    return e.value.err


def test_console_nodes_as_libxl_writes_them(xs, introduced):
    guest, _ = introduced
    front = f"/local/domain/{DOMID}/console"
    back = f"/local/domain/0/backend/console/{DOMID}/0"
    assert guest.read(front + "/ring-ref") == str(CONSOLE[0]).encode()
    assert guest.read(front + "/port") == str(CONSOLE[1]).encode()
    assert guest.read(front + "/type") == b"xenconsoled"
    assert guest.read(front + "/backend") == back.encode()
    assert xs.read(back + "/frontend") == front.encode()
    assert xs.read(back + "/frontend-id") == str(DOMID).encode()
    assert guest.read(back + "/state") == b"1"
    # The ring's place is dom0's to say: the domain may not move it.
    assert refused(guest.write, front + "/ring-ref", "1") == "EACCES"
    assert refused(guest.write, front + "/port", "9") == "EACCES"
    assert refused(guest.write, back + "/state", "4") == "EACCES"
    guest.write(front + "/tty", "")            # the frontend is the domain's


def test_domain_nodes_readable_by_it_and_not_others(xs, daemon, introduced):
    guest, vm = introduced
    assert guest.read(f"/local/domain/{DOMID}/name") == b"g5"
    assert guest.read(f"/local/domain/{DOMID}/memory/target") == b"4096"
    assert guest.read(f"/local/domain/{DOMID}/cpu/1/availability") == b"online"
    guest.write(f"/local/domain/{DOMID}/control/feature-poweroff", "1")
    assert refused(guest.write, f"/local/domain/{DOMID}/name", "x") == "EACCES"
    other = RingGuest(daemon.dir, 6)
    try:
        xs.introduce(6, 0, 2)
        assert refused(other.read, f"/local/domain/{DOMID}/name") == "EACCES"
        assert refused(other.read, f"/local/domain/{DOMID}/console/ring-ref") == "EACCES"
    finally:
        other.close()
    assert xs.read(vm + "/name") == b"g5"


def test_release_leaves_nothing(xs, daemon, introduced):
    _, vm = introduced
    with Client(daemon.sock) as c:
        store_domain.release(c, DOMID)
    for path in (f"/local/domain/{DOMID}", f"/local/domain/0/backend/console/{DOMID}", vm):
        assert refused(xs.read, path) == "ENOENT", path
    assert str(DOMID) not in xs.ls("/local/domain")


def test_batch_one_round_trip_errors_after_all_replies(daemon, xs):
    """Client.pipeline: every request is answered and applied in order; an
    allowed error (ENOENT of an rm whose parent is missing) passes, the first other one is raised
    once all replies are in, and the connection goes on."""
    with Client(daemon.sock) as c:
        batch = c.batch()
        batch.rm("/tool/gone/x", missing_ok=True)
        batch.write("/tool/a", "1")
        batch.rm("/tool/none/y")
        batch.write("/tool/b", "2")
        with pytest.raises(store_domain.StoreError) as e:
            batch.send()
        assert e.value.errname == "ENOENT" and e.value.path == "/tool/none/y"
        assert c.read("/tool/a") == b"1" and c.read("/tool/b") == b"2"
    assert sorted(xs.ls("/tool")) == ["a", "b"]
