# SPDX-License-Identifier: GPL-2.0-only
"""Regression tests for the store findings of security review 1 (S1-S5,
docs/reference/security-review-1.md): what a guest can do to dom0's part of
the store, to quotas, to the next domain with its id and to dom0's tools."""
import os
import subprocess

import pytest

from xsclient import RingGuest, XsError, enc

BE = "/local/domain/0/backend/vbd/5/51712"


def err(fn, *a, **kw):
    with pytest.raises(XsError) as e:
        fn(*a, **kw)
    return e.value.err


def introduce(xs, tmp_path, domid):
    g = RingGuest(tmp_path, domid)
    xs.introduce(domid, 0, 1)
    xs.write(f"/local/domain/{domid}", "")
    xs.set_perms(f"/local/domain/{domid}", [f"n{domid}"])
    return g


@pytest.fixture
def guest(daemon, xs, tmp_path):
    g = introduce(xs, tmp_path, 5)
    yield g
    g.close()


# S1: creating a node needs WRITE on its nearest existing ancestor.

def test_s1_no_create_under_readonly_parent(xs, guest):
    g = guest
    xs.write(BE + "/params", "/dev/vg/g5")
    xs.set_perms(BE, ["n0", "r5"])
    xs.set_perms(BE + "/params", ["n0", "r5"])
    assert g.read(BE + "/params") == b"/dev/vg/g5"
    assert err(g.write, BE + "/params", "x") == "EACCES"
    # every request that could create, directly, through missing
    # intermediate nodes and inside a transaction
    assert err(g.write, BE + "/physical-device", "8:0") == "EACCES"
    assert err(g.write, BE + "/new/deep/node", "1") == "EACCES"
    assert err(g.mkdir, BE + "/hotplug-status") == "EACCES"
    assert err(g.mkdir, BE + "/a/b") == "EACCES"
    t = g.tx_start()
    assert err(g.write, BE + "/script", "/bin/x", tx=t) == "EACCES"
    assert err(g.mkdir, BE + "/dir", tx=t) == "EACCES"
    g.tx_end(t)
    assert err(g.set_perms, BE + "/missing", ["n5"]) == "EACCES"
    # removing a missing child needs write access too (Xen's do_rm)
    assert err(g.rm, BE + "/missing") == "EACCES"
    # reading a missing child of a readable node is an honest ENOENT
    assert err(g.read, BE + "/missing") == "ENOENT"
    assert xs.ls(BE) == ["params"]
    assert xs.get_perms(BE + "/params") == ["n0", "r5"]


def test_s1_create_with_write_access(xs, guest):
    g = guest
    xs.mkdir(BE)
    xs.set_perms(BE, ["n0", "b5"])
    assert g.write(BE + "/state", "4") == b"OK\0"
    assert g.get_perms(BE + "/state") == ["n5", "b5"]   # the creator owns it
    assert g.mkdir(BE + "/x/y") == b"OK\0"
    # write access alone is enough to create; it still hides names
    xs.mkdir("/pub")
    xs.set_perms("/pub", ["n0", "w5"])
    assert g.write("/pub/a/b", "1") == b"OK\0"
    assert err(g.read, "/pub/zz") == "EACCES"            # w only: no probing
    # dom0 is not bound by permissions
    xs.set_perms(BE, ["n5"])
    xs.write(BE + "/dom0", "1")


# S2: quotas hold across transactions.

def owned_nodes(xs, path):
    n = 1
    for c in xs.ls(path):
        n += owned_nodes(xs, f"{path}/{c}")
    return n


def test_s2_transactions_cannot_multiply_node_quota(xs, guest):
    g = guest
    xs.request("CONTROL", enc("quota", "nodes", "20"))
    for i in range(10):
        g.mkdir(f"d{i}")                       # 11 nodes with its home
    ts = [g.tx_start() for _ in range(10)]
    for k, t in enumerate(ts):                 # each fits the quota alone
        for j in range(9):
            g.write(f"d{k}/n{j}", "", tx=t)
    results = []
    for t in ts:
        try:
            results.append(g.tx_end(t))
        except XsError as e:
            results.append(e.err)
    assert results == [b"OK\0"] + ["ENOSPC"] * 9
    assert owned_nodes(xs, "/local/domain/5") == 20
    assert err(g.write, "more", "") == "ENOSPC"


def test_s2_commit_sees_writes_made_meanwhile(xs, guest):
    g = guest
    xs.request("CONTROL", enc("quota", "nodes", "10"))
    g.mkdir("tx")
    g.mkdir("dd")                              # 3 owned with its home
    t = g.tx_start()
    for j in range(5):
        g.write(f"tx/t{j}", "", tx=t)          # 8 as the transaction sees it
    for j in range(4):
        g.write(f"dd/d{j}", "")                # 7 owned
    assert err(g.tx_end, t) == "ENOSPC"        # 7 + 5 > 10
    assert err(g.read, "tx/t0") == "ENOENT"    # nothing of it applied
    for j in range(4, 7):
        g.write(f"dd/d{j}", "")                # 10 owned
    t = g.tx_start()                           # frees as many as it adds
    for j in range(3):
        g.rm(f"dd/d{j}", tx=t)
        g.write(f"tx/n{j}", "", tx=t)
    assert g.tx_end(t) == b"OK\0"
    assert owned_nodes(xs, "/local/domain/5") == 10


def test_s2_transaction_copies_bounded(xs, guest):
    """Ten open transactions must not hold ten copies of the store: each
    copies at most about transaction-nodes nodes (Xen's quota)."""
    g = guest
    xs.request("CONTROL", enc("quota", "transaction-nodes", "100"))
    for i in range(300):
        xs.write(f"/tool/big/n{i}", "v" * 1000)
    t = g.tx_start()
    errs = []
    for i in range(300):
        try:
            g.read(f"/tool/big/n{i}", tx=t)
        except XsError as e:
            errs.append((i, e.err))
    first_enospc = min(i for i, e in errs if e == "ENOSPC")
    assert 90 <= first_enospc <= 100
    assert all(e == "ENOSPC" for i, e in errs if i >= first_enospc)
    g.tx_end(t, commit=False)
    assert g.write("after", "1") == b"OK\0"
    t = xs.tx_start()                          # dom0 has no such quota
    for i in range(300):
        xs.read(f"/tool/big/n{i}", tx=t)
    xs.tx_end(t)


# S3: permissions naming a released domain id do not pass to the next
# domain with that id.

def test_s3_released_domid_rights_do_not_pass(daemon, xs, tmp_path):
    xs.request("CONTROL", enc("quota", "nodes", "20"))
    g = introduce(xs, tmp_path, 5)
    xs.mkdir("/tool/x")
    xs.set_perms("/tool/x", ["n0", "b5"])
    g.write("/tool/x/planted", "evil")          # owned by 5
    g.write("/tool/x/planted/sub", "1")
    xs.write("/tool/x/planted/sub/dom0", "0")    # dom0's, below 5's node
    xs.write("/tool/shared", "s")
    xs.set_perms("/tool/shared", ["n0", "r5", "w6"])
    xs.write("/tool/pub", "p")
    xs.set_perms("/tool/pub", ["n5", "r0"])      # dom0 gave it away
    for i in range(15):
        g.write(f"/tool/x/q{i}", "")
    w = daemon.client()
    w.watch("/tool/x", "x")
    w.wait_event()
    # dom0 sets perms naming 5 in a transaction it commits after RELEASE
    xs.mkdir("/vm")
    t = xs.tx_start()
    xs.write("/vm/late", "l", tx=t)
    xs.set_perms("/vm/late", ["n0", "r5"], tx=t)
    xs.write("/vm/late2", "l", tx=t)
    xs.set_perms("/vm/late2", ["n5"], tx=t)
    g.close()
    xs.release(5)
    assert xs.tx_end(t) == b"OK\0"
    # XSA-419: what 5 owned is gone with its subtree, watches fired
    assert err(xs.read, "/tool/x/planted") == "ENOENT"
    assert err(xs.read, "/tool/pub") == "ENOENT"
    w.request("GET_DOMAIN_PATH", enc("0"))       # a round trip: events first
    fired = {p.decode() for p, _ in w.events}
    assert {"/tool/x/planted"} | {f"/tool/x/q{i}" for i in range(15)} <= fired
    # entries naming 5 are gone; what the late commit set is dropped
    assert xs.get_perms("/tool/x") == ["n0"]
    assert xs.get_perms("/tool/shared") == ["n0", "w6"]
    assert xs.get_perms("/vm/late") == ["n0"]
    assert xs.get_perms("/vm/late2") == ["n0"]
    # perms written for the next domain 5 before it is introduced (as
    # libxl does) are its own
    xs.write("/tool/next", "n")
    xs.set_perms("/tool/next", ["n0", "r5"])
    g2 = introduce(xs, tmp_path, 5)
    assert g2.read("/tool/next") == b"n"
    for path in ("/tool/shared", "/vm/late", "/vm/late2"):
        assert err(g2.read, path) == "EACCES"
    assert err(g2.write, "/tool/x/planted", "again") == "EACCES"
    # a child inherits its parent's permissions, not the stale entries
    xs.write("/tool/shared/child", "c")
    assert xs.get_perms("/tool/shared/child") == ["n0", "w6"]
    assert err(g2.read, "/tool/shared/child") == "EACCES"
    for i in range(19):                          # its quota is all its own
        g2.write(f"n{i}", "")
    assert err(g2.write, "n19", "") == "ENOSPC"
    g2.close()
    w.close()


def test_s3_stub_domain_loses_released_target(daemon, xs, tmp_path):
    g = introduce(xs, tmp_path, 5)
    stub = RingGuest(tmp_path, 6)
    xs.introduce(6, 0, 2)
    xs.request("SET_TARGET", enc("6", "5"))
    g.write("data", "v")
    assert stub.read("/local/domain/5/data") == b"v"
    g.close()
    xs.release(5)
    g2 = introduce(xs, tmp_path, 5)
    g2.write("data", "new")
    assert err(stub.read, "/local/domain/5/data") == "EACCES"
    g2.close()
    stub.close()


def test_s3_copy_in_open_transaction_grants_nothing(daemon, xs, tmp_path):
    """The generation check itself: a stub domain's transaction holds a
    copy of a node naming r5, taken for the old domain 5; acting for the
    next domain 5, that copy grants nothing."""
    g = introduce(xs, tmp_path, 5)
    stub = RingGuest(tmp_path, 6)
    xs.introduce(6, 0, 2)
    xs.request("SET_TARGET", enc("6", "5"))
    xs.write("/tool/secret", "s")
    xs.set_perms("/tool/secret", ["n0", "r5"])
    t = stub.tx_start()
    assert stub.read("/tool/secret", tx=t) == b"s"
    g.close()
    xs.release(5)
    g2 = introduce(xs, tmp_path, 5)
    xs.request("SET_TARGET", enc("6", "5"))
    assert err(stub.read, "/tool/secret", tx=t) == "EACCES"
    assert err(stub.read, "/tool/secret") == "EACCES"
    stub.tx_end(t, commit=False)
    g2.close()
    stub.close()


# S4: a guest's writes never get a dom0 connection closed.

def test_s4_guest_events_never_close_dom0(daemon, xs, guest):
    g = guest
    xs.request("CONTROL", enc("quota", "outstanding", "65536"))
    w = daemon.client()
    w.watch("/local/domain/5", "tok")          # and then does not read
    name = "x" * 2000
    for i in range(1200):                      # identical events: merged
        g.write(name, str(i))
    for i in range(400):                       # distinct events: ~800 KB
        g.write(f"d{i:03d}" + "y" * 1990, "")
    assert g.read(name) == b"1199"
    w.s.settimeout(10)
    seen = [w.wait_event()]                    # the registration event
    # the connection works: what was queued arrives, then the reply
    assert w.request("GET_DOMAIN_PATH", enc("0")) == b"/local/domain/0\0"
    seen += w.events
    paths = [p.decode() for p, _ in seen]
    assert paths[0] == "/local/domain/5"
    # the kernel's socket buffer holds some events; the rest were merged
    assert 1 <= paths.count("/local/domain/5/" + name) < 600
    for i in range(400):                       # within dom0's own quota
        assert f"/local/domain/5/d{i:03d}" + "y" * 1990 in paths
    assert b"closing" not in open(daemon.log, "rb").read()
    w.events.clear()
    g.write(name, "after")                     # and later events arrive
    assert w.wait_event() == (("/local/domain/5/" + name).encode(), b"tok")
    w.close()


def test_s4_identical_events_merged(daemon, xs, guest):
    """A guest's ring holds 1 KiB, the rest waits in the daemon: 1000
    identical 2 KB events while it does not read are one queued event."""
    g = guest
    xs.request("CONTROL", enc("quota", "outstanding", "65536"))
    g.watch("big", "tok")
    path = "/local/domain/5/big/" + "x" * 2000
    for i in range(1000):
        xs.write(path, str(i))
    assert g.wait_event() == (b"big", b"tok")
    g.write("sync", "")                        # a round trip, events first
    ev = g.events
    assert ev and len(ev) <= 2, len(ev)
    assert set(ev) == {(b"big/" + b"x" * 2000, b"tok")}
    assert g.read(path) == b"999"


# S5: replies over XENSTORE_PAYLOAD_MAX get E2BIG; DIRECTORY_PART works.

def directory_part(c, path):
    """libxenstore's xs_directory_part: restart if the generation changes."""
    got, off, gen = b"", 0, None
    while True:
        data = c.request("DIRECTORY_PART", enc(path, str(off)))
        g, rest = data.split(b"\0", 1)
        if gen is not None and g != gen:
            got, off, gen = b"", 0, None
            continue
        gen = g
        got += rest
        off += len(rest)
        if off <= 1 or got[-2:] == b"\0\0" or rest == b"\0":
            break
    return [x.decode() for x in got.split(b"\0") if x]


def fill_home(g, n=200):
    names = [f"c{i:03d}-" + "n" * 40 for i in range(n)]       # 45-byte names
    for name in names:
        g.write(name, "v")
    return names


def test_s5_directory_over_payload_max(daemon, xs, guest):
    names = fill_home(guest)
    for c in (xs, guest):
        assert err(c.ls, "/local/domain/5") == "E2BIG"
        assert directory_part(c, "/local/domain/5") == names
        assert c.read("/local/domain/5/" + names[0]) == b"v"   # still served


def test_s5_every_reply_type_capped(daemon, xs, guest):
    # The cap is at the one place every reply and event goes through.
    # Only a child list is longer than the request (READ and GET_PERMS echo
    # at most what a request wrote), inside a transaction too.
    names = fill_home(guest)
    t = guest.tx_start()
    guest.write("extra", "", tx=t)
    assert err(guest.ls, "/local/domain/5", tx=t) == "E2BIG"
    data = guest.request("DIRECTORY_PART", enc("/local/domain/5", "0"), tx=t)
    assert len(data) <= 4096 and data.split(b"\0")[1] == names[0].encode()
    guest.write("extra2", "", tx=t)            # the list changed: new generation
    data2 = guest.request("DIRECTORY_PART", enc("/local/domain/5", "0"), tx=t)
    assert data2.split(b"\0")[0] != data.split(b"\0")[0]
    guest.tx_end(t)
    # a watch event that would be too long is not sent, nothing else breaks
    w = daemon.client()
    w.watch("/e/" + "p" * 2000, "t" * 2080)
    w.wait_event()
    xs.write("/e/" + "p" * 2000 + "/" + "q" * 1000, "1")
    assert w.request("GET_DOMAIN_PATH", enc("0")) == b"/local/domain/0\0"
    assert w.events == []
    w.close()


def test_s5_debian_tools_list_big_directory(daemon, xs, guest):
    names = fill_home(guest)
    env = dict(os.environ, XENSTORED_PATH=daemon.sock)

    def run(*cmd):
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, (cmd, r.stdout, r.stderr)
        return r.stdout

    assert run("xenstore-list", "/local/domain/5").split() == names
    ls = run("xenstore-ls", "/local/domain")
    for name in names:
        assert f"\n {name} = \"v\"\n" in ls
    assert xs.read("/local/domain/5/" + names[-1]) == b"v"
