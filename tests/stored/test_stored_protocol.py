# SPDX-License-Identifier: GPL-2.0-only
"""Every message type of io/xs_wire.h and every error the daemon returns."""
import pytest

from xsclient import RingGuest, XsError, enc


def err(fn, *a, **kw):
    with pytest.raises(XsError) as e:
        fn(*a, **kw)
    return e.value.err


def test_read_write_mkdir(xs):
    assert xs.write("/a/b/c", "v") == b"OK\0"
    assert xs.read("/a/b/c") == b"v"
    assert xs.read("/a/b") == b""
    xs.write("/a/bin", b"\x00\x01\xff")
    assert xs.read("/a/bin") == b"\x00\x01\xff"
    assert xs.mkdir("/a/d") == b"OK\0"
    assert xs.mkdir("/a/d") == b"OK\0"
    assert xs.read("/a/d") == b""
    assert err(xs.read, "/nope") == "ENOENT"
    for bad in ("", "a//b", "/a/", "/a b", "/a//b", "/" + "x" * 3100):
        assert err(xs.read, bad) == "EINVAL"
    assert err(xs.request, "WRITE", b"/no-nul") == "EINVAL"
    assert err(xs.request, "READ", b"/no-nul") == "EINVAL"


def test_relative_paths(xs):
    xs.write("rel", "1")
    assert xs.read("/local/domain/0/rel") == b"1"
    assert err(xs.read, "x" * 2100) == "EINVAL"


def test_directory_and_part(xs):
    names = [f"child-{i:04d}-" + "x" * 40 for i in range(300)]
    for n in names:
        xs.write("/big/" + n, "")
    assert err(xs.ls, "/big") == "E2BIG"      # 15 KB: over the payload max
    got, off = [], 0
    while True:
        data = xs.request("DIRECTORY_PART", enc("/big", str(off)))
        parts = data.split(b"\0")
        gen, items = parts[0], parts[1:]
        assert gen.isdigit()
        # a reply ends "...\0" or, at the end of the list, "...\0\0"
        done = data.endswith(b"\0\0")
        chunk = [p.decode() for p in items if p]
        got += chunk
        off += sum(len(c) + 1 for c in chunk)
        if done:
            break
        assert chunk
    assert got == names                        # in creation order
    for n in names[:250]:
        xs.rm("/big/" + n)
    assert xs.ls("/big") == names[250:]        # 2.5 KB fits one reply
    assert xs.request("DIRECTORY_PART", enc("/big", "999999")).endswith(b"\0\0")
    assert err(xs.request, "DIRECTORY_PART", enc("/big", "x")) == "EINVAL"
    assert err(xs.request, "DIRECTORY_PART", enc("/missing", "0")) == "ENOENT"
    assert err(xs.ls, "/missing") == "ENOENT"


def test_rm(xs):
    xs.write("/r/a/b", "1")
    xs.write("/r/c", "2")
    assert xs.rm("/r/a") == b"OK\0"
    assert xs.ls("/r") == ["c"]
    assert err(xs.read, "/r/a/b") == "ENOENT"
    assert xs.rm("/r/zzz") == b"OK\0"      # parent exists
    assert err(xs.rm, "/r/zzz/y") == "ENOENT"
    assert err(xs.rm, "/") == "EINVAL"


def test_perms(xs):
    xs.write("/p", "x")
    assert xs.get_perms("/p") == ["n0"]
    assert xs.set_perms("/p", ["w5", "r6", "b7"]) == b"OK\0"
    assert xs.get_perms("/p") == ["w5", "r6", "b7"]
    xs.write("/p/child", "")
    assert xs.get_perms("/p/child") == ["w5", "r6", "b7"]  # inherited
    for bad in (["x5"], ["r"], ["r70000"], ["rabc"]):
        assert err(xs.set_perms, "/p", bad) == "EINVAL"
    assert err(xs.request, "SET_PERMS", enc("/p")) == "EINVAL"
    assert err(xs.set_perms, "/nope", ["n0"]) == "ENOENT"
    assert err(xs.get_perms, "/nope") == "ENOENT"


def test_watch_events(daemon, xs):
    w = daemon.client()
    assert w.watch("/w", "tok") == b"OK\0"
    assert w.wait_event() == (b"/w", b"tok")      # fired on registration
    assert err(w.watch, "/w", "tok") == "EEXIST"
    xs.write("/w/x/y", "1")
    assert w.wait_event() == (b"/w/x/y", b"tok")
    xs.write("/other", "1")
    xs.rm("/w")
    assert w.wait_event() == (b"/w", b"tok")
    assert w.unwatch("/w", "tok") == b"OK\0"
    assert err(w.unwatch, "/w", "tok") == "ENOENT"
    assert err(w.request, "WATCH", enc("/w")) == "EINVAL"
    assert err(w.watch, "/bad//path", "t") == "EINVAL"
    # watches below a removed subtree fire with their own path
    xs.write("/t/a/b", "1")
    w.watch("/t/a/b", "deep")
    assert w.wait_event() == (b"/t/a/b", b"deep")
    xs.rm("/t")
    assert w.wait_event() == (b"/t/a/b", b"deep")
    # relative watch reports relative paths
    w.watch("rel", "r")
    assert w.wait_event() == (b"rel", b"r")
    xs.write("/local/domain/0/rel/x", "1")
    assert w.wait_event() == (b"rel/x", b"r")
    assert w.request("RESET_WATCHES") == b"OK\0"
    xs.write("/local/domain/0/rel/x", "2")
    w.write("/sync", "")             # a round trip: no event may arrive
    assert w.events == []
    w.close()


def test_transactions(daemon, xs):
    other = daemon.client()
    xs.write("/tx/n", "0")
    t = xs.tx_start()
    assert t != 0
    xs.write("/tx/n", "1", tx=t)
    xs.write("/tx/new/deep", "2", tx=t)
    assert xs.read("/tx/n", tx=t) == b"1"
    assert xs.read("/tx/n") == b"0"                 # isolation
    assert err(xs.read, "/tx/new/deep") == "ENOENT"
    assert sorted(xs.ls("/tx", tx=t)) == ["n", "new"]
    assert xs.tx_end(t) == b"OK\0"
    assert xs.read("/tx/new/deep") == b"2"
    # conflict: read in tx, modified outside -> EAGAIN
    t = xs.tx_start()
    xs.read("/tx/n", tx=t)
    other.write("/tx/n", "9")
    xs.write("/tx/m", "x", tx=t)
    assert err(xs.tx_end, t) == "EAGAIN"
    assert err(xs.read, "/tx/m") == "ENOENT"
    # abort
    t = xs.tx_start()
    xs.rm("/tx/new", tx=t)
    assert err(xs.read, "/tx/new/deep", tx=t) == "ENOENT"
    assert xs.tx_end(t, commit=False) == b"OK\0"
    assert xs.read("/tx/new/deep") == b"2"
    # rm in a transaction commits
    t = xs.tx_start()
    xs.rm("/tx/new", tx=t)
    xs.tx_end(t)
    assert xs.ls("/tx") == ["n"]
    # errors
    assert err(xs.read, "/tx/n", tx=12345) == "ENOENT"
    assert err(xs.tx_end, 12345) == "ENOENT"
    t = xs.tx_start()
    assert err(xs.request, "TRANSACTION_END", enc("X"), t) == "EINVAL"
    xs.tx_end(t, commit=False)
    other.close()


def test_domains(daemon, xs):
    w = daemon.client()
    w.watch("@introduceDomain", "i")
    w.watch("@releaseDomain", "r")
    assert w.wait_event() == (b"@introduceDomain", b"i")
    assert w.wait_event() == (b"@releaseDomain", b"r")
    assert xs.request("IS_DOMAIN_INTRODUCED", enc("7")) == b"F\0"
    assert xs.introduce(7, 1234, 5) == b"OK\0"
    assert w.wait_event() == (b"@introduceDomain", b"i")
    assert xs.request("IS_DOMAIN_INTRODUCED", enc("7")) == b"T\0"
    assert xs.request("IS_DOMAIN_INTRODUCED", enc("0")) == b"T\0"
    assert xs.request("GET_DOMAIN_PATH", enc("7")) == b"/local/domain/7\0"
    assert err(xs.request, "GET_DOMAIN_PATH", enc("x")) == "EINVAL"
    assert xs.request("RESUME", enc("7")) == b"OK\0"
    assert err(xs.request, "RESUME", enc("8")) == "ENOENT"
    xs.introduce(8)
    w.wait_event()
    assert xs.request("SET_TARGET", enc("8", "7")) == b"OK\0"
    assert err(xs.request, "SET_TARGET", enc("8", "9")) == "ENOENT"
    assert err(xs.request, "INTRODUCE", enc("x", "1", "2")) == "EINVAL"
    assert err(xs.request, "INTRODUCE", enc("0", "1", "2")) == "EINVAL"
    xs.write("/local/domain/7/data", "x")
    assert xs.release(7) == b"OK\0"
    assert w.wait_event() == (b"@releaseDomain", b"r")
    assert err(xs.read, "/local/domain/7") == "ENOENT"   # its nodes are gone
    assert err(xs.release, 7) == "ENOENT"
    assert err(xs.release, 99999) == "EINVAL"
    w.close()


def test_control(xs):
    assert xs.request("CONTROL", enc("check")) == b"OK\0"
    assert b"nodes" in xs.request("CONTROL", enc("memreport"))
    assert b"watches" in xs.request("CONTROL", enc("quota"))
    assert xs.request("CONTROL", enc("quota", "watches", "50")) == b"OK\0"
    assert b"watches 50" in xs.request("CONTROL", enc("quota"))
    assert xs.request("CONTROL", enc("log", "off")) == b"OK\0"
    assert xs.request("CONTROL", enc("print", "hello")) == b"OK\0"
    assert b"memreport" in xs.request("CONTROL", enc("help"))
    assert err(xs.request, "CONTROL", enc("bogus")) == "EINVAL"
    assert err(xs.request, "CONTROL", b"") == "EINVAL"


def test_reply_only_types_rejected(xs):
    assert err(xs.request, "ERROR", enc("x")) == "EINVAL"
    assert err(xs.request, "WATCH_EVENT", enc("x", "y")) == "EINVAL"


@pytest.fixture
def guest(daemon, xs, tmp_path):
    g = RingGuest(tmp_path, 5)
    xs.introduce(5, 0, 1)
    xs.write("/local/domain/5", "")
    xs.set_perms("/local/domain/5", ["n5"])
    yield g
    g.close()


def test_guest_permissions(daemon, xs, guest):
    g = guest
    assert g.request("GET_DOMAIN_PATH", enc("5")) == b"/local/domain/5\0"
    assert g.write("data", "x") == b"OK\0"             # relative to its home
    assert g.get_perms("data") == ["n5"]
    xs.write("/priv", "secret")
    assert err(g.read, "/priv") == "EACCES"
    assert err(g.write, "/priv", "x") == "EACCES"
    assert err(g.read, "/priv/missing") == "EACCES"     # unreadable parent
    assert err(g.read, "missing") == "ENOENT"
    assert err(g.write, "/newtop", "x") == "EACCES"
    xs.set_perms("/priv", ["n0", "r5"])
    assert g.read("/priv") == b"secret"
    assert err(g.write, "/priv", "x") == "EACCES"
    xs.set_perms("/priv", ["n0", "b5"])
    g.write("/priv", "mine")
    assert err(g.set_perms, "/priv", ["n5"]) == "EACCES"   # not the owner
    g.write("own", "")
    assert err(g.set_perms, "own", ["n0"]) == "EPERM"      # cannot give away
    assert g.set_perms("own", ["n5", "r0"]) == b"OK\0"
    for typ in ("INTRODUCE", "RELEASE", "IS_DOMAIN_INTRODUCED", "RESUME",
                "SET_TARGET", "CONTROL"):
        assert err(g.request, typ, enc("1", "2", "3")) == "EACCES"
    # a guest does not see special watch events for other domains
    g.watch("@introduceDomain", "t")
    assert g.wait_event() == (b"@introduceDomain", b"t")
    xs.introduce(9)
    g.write("sync", "")
    assert g.events == []
    # guests do not get events for nodes they cannot read
    g.watch("/priv", "p")
    g.wait_event()
    xs.set_perms("/priv", ["n0"])
    xs.write("/priv", "hidden")
    g.write("sync", "")
    assert g.events == []


def test_stub_domain_target(daemon, xs, guest, tmp_path):
    stub = RingGuest(tmp_path, 6)
    xs.introduce(6, 0, 2)
    assert err(stub.read, "/local/domain/5/data2") == "EACCES"
    xs.request("SET_TARGET", enc("6", "5"))
    guest.write("data2", "v")
    assert stub.read("/local/domain/5/data2") == b"v"
    stub.write("/local/domain/5/data2", "w")
    stub.close()


def test_quotas(daemon, xs, guest):
    g = guest
    xs.request("CONTROL", enc("quota", "nodes", "20"))
    xs.request("CONTROL", enc("quota", "node-size", "100"))
    xs.request("CONTROL", enc("quota", "transactions", "2"))
    xs.request("CONTROL", enc("quota", "watches", "3"))
    assert err(g.write, "big", "x" * 200) == "ENOSPC"
    with pytest.raises(XsError) as e:
        for i in range(30):
            g.write(f"n{i}", "")
    assert e.value.err == "ENOSPC"
    g.tx_start()
    g.tx_start()
    assert err(g.tx_start) == "ENOSPC"
    for i in range(3):
        g.watch(f"w{i}", "t")
    assert err(g.watch, "w9", "t") == "E2BIG"
    # dom0 is not subject to quotas
    for i in range(30):
        xs.write(f"/dom0/{i}", "y" * 200)
