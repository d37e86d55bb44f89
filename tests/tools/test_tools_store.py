# SPDX-License-Identifier: GPL-2.0-only
"""The xenstore client and `tess store`, against the fake in-process server and
against the real tess-stored from the build."""
import json
import os
import signal
import subprocess
import threading
import time

import pytest
from fakestore import FakeStore
from tesshelpers import PYDIR, build_dir, tess_command

from tessera.store.client import (DEFAULT_SOCKET, Client, StoreError, StoreUnreachable,
                                  socket_path)


def _wait_for(path):
    for _ in range(300):
        if os.path.exists(path):
            return
        time.sleep(0.01)
    raise RuntimeError(f"{path} never appeared")


@pytest.fixture(params=["fake", "tess-stored"])
def sock(request, tmp_path):
    path = str(tmp_path / "sock")
    if request.param == "fake":
        server = FakeStore(path)
        yield path
        server.close()
        return
    daemon = os.path.join(build_dir(), "bin", "tess-stored")
    if not os.path.exists(daemon):
        pytest.fail(f"{daemon} missing: run make first")
    proc = subprocess.Popen([daemon, "--foreground", "--socket", path,
                             "--log-file", str(tmp_path / "log")])
    try:
        _wait_for(path)
        yield path
    finally:
        proc.terminate()
        proc.wait(10)


def test_read_write_directory_rm(sock):
    with Client(sock) as c:
        c.write("/tess-test/a", "1")
        c.write("/tess-test/b/c", b"bin\x01ary")
        assert c.read("/tess-test/a") == b"1"
        assert c.read("/tess-test/b/c") == b"bin\x01ary"
        assert c.directory("/tess-test") == ["a", "b"]
        c.rm("/tess-test/b")
        assert c.directory("/tess-test") == ["a"]
        with pytest.raises(StoreError) as e:
            c.read("/tess-test/b/c")
        assert e.value.errname == "ENOENT"


def test_watch_events_survive_interleaved_replies(sock):
    with Client(sock) as c, Client(sock) as other:
        c.write("/w/x", "0")
        c.watch("/w", "tok")
        assert c.next_event(5) == ("/w", "tok")
        other.write("/w/x", "1")
        c.write("/elsewhere", "z")
        assert c.next_event(5) == ("/w/x", "tok")
        assert c.next_event(0.05) is None


def test_unreachable(tmp_path):
    with pytest.raises(StoreUnreachable):
        Client(str(tmp_path / "nothing"))


def test_socket_path_precedence():
    env = {"TESS_STORE_SOCKET": "/a", "XENSTORED_PATH": "/b"}
    assert socket_path("/o", env) == "/o"
    assert socket_path(None, env) == "/a"
    assert socket_path(None, {"XENSTORED_PATH": "/b"}) == "/b"
    assert socket_path(None, {}) == DEFAULT_SOCKET


def test_cli_store(tess, sock):
    s = ["--socket", sock]
    assert tess("store", "write", *s, "/cli/a", "hello", "/cli/b", "2").returncode == 0
    r = tess("store", "read", *s, "/cli/a", "/cli/b")
    assert (r.returncode, r.stdout) == (0, "hello\n2\n")
    r = tess("store", "ls", "/cli", env_extra={"TESS_STORE_SOCKET": sock})
    assert (r.returncode, r.stdout) == (0, "a\nb\n")
    r = tess("store", "ls", "-r", "--json", "/cli", env_extra={"XENSTORED_PATH": sock})
    assert json.loads(r.stdout) == {"/cli": "", "/cli/a": "hello", "/cli/b": "2"}
    r = tess("store", "read", "--json", *s, "/cli/a")
    assert json.loads(r.stdout) == {"/cli/a": "hello"}
    assert tess("store", "rm", *s, "/cli/a").returncode == 0
    r = tess("store", "read", *s, "/cli/a")
    assert r.returncode == 1 and r.stderr == "tess: /cli/a: ENOENT\n"
    r = tess("store", "write", *s, "/cli/odd")
    assert r.returncode == 2


def test_cli_watch_count(tess, sock):
    # The watcher may take longer than any fixed delay to register its
    # watch on a loaded machine: keep writing until it has seen enough.
    done = threading.Event()

    def poke():
        while not done.wait(0.3):
            with Client(sock) as c:
                c.write("/watched/k", "v")
    with Client(sock) as c:
        c.write("/watched/k", "0")
    t = threading.Thread(target=poke)
    t.start()
    try:
        r = tess("store", "watch", "--socket", sock, "--count", "2", "--json", "/watched")
    finally:
        done.set()
        t.join()
    assert r.returncode == 0, r.stderr
    events = [json.loads(line) for line in r.stdout.splitlines()]
    assert events == [{"path": "/watched", "token": "tess"},
                      {"path": "/watched/k", "token": "tess"}]


def test_cli_store_unreachable(tess, tmp_path):
    r = tess("store", "ls", "--socket", str(tmp_path / "none"))
    assert r.returncode == 4
    assert r.stderr.startswith("tess: store unreachable: ")


def test_cli_watch_until_interrupted(sock):
    env = dict(os.environ, PYTHONPATH=PYDIR)
    # Ctrl-C's default action in the child even where this runs with SIGINT
    # ignored (a background job of a non-interactive shell, as CI may be):
    # an ignored SIGINT is inherited, and Python then never raises
    # KeyboardInterrupt.
    proc = subprocess.Popen(tess_command() + ["store", "watch", "--socket", sock, "/intr"],
                            stdout=subprocess.PIPE, text=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert proc.stdout.readline() == "/intr\n"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
