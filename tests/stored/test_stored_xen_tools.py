# SPDX-License-Identifier: GPL-2.0-only
"""Debian's unmodified Xen client tools and Xen's test-xenstore against
tess-stored's socket (they find it through XENSTORED_PATH)."""
import os
import shutil
import subprocess

import pytest

TEST_XENSTORE = "/usr/lib/xen-4.17/bin/test-xenstore"
RANDOM_SECONDS = int(os.environ.get("STORED_RANDOM_SECONDS", "30"))



@pytest.fixture(autouse=True)
def _xen_tools_present():
    # scripts/deps.sh check installs xen-utils-4.17: missing tools are a
    # broken test machine, reported as a failure rather than a skip.
    assert shutil.which("xenstore-read"), "xen-utils-4.17 not installed (scripts/deps.sh check)"
    assert os.path.exists(TEST_XENSTORE), f"{TEST_XENSTORE} missing (xen-utils-4.17)"


def run(daemon, *cmd, check=True, timeout=60):
    env = dict(os.environ, XENSTORED_PATH=daemon.sock)
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    if check:
        assert r.returncode == 0, (cmd, r.stdout, r.stderr)
    return r


def test_xenstore_tools(daemon):
    run(daemon, "xenstore-write", "/vm/a", "1", "/vm/b/c", "two")
    assert run(daemon, "xenstore-read", "/vm/a").stdout == "1\n"
    assert run(daemon, "xenstore-list", "/vm").stdout.split() == ["a", "b"]
    assert run(daemon, "xenstore-exists", "/vm/b/c").returncode == 0
    assert run(daemon, "xenstore-exists", "/vm/zz", check=False).returncode != 0
    run(daemon, "xenstore-chmod", "/vm/a", "r3", "w4")
    ls = run(daemon, "xenstore-ls", "-p", "/vm").stdout
    assert 'a = "1"' in ls and "(r3,w4)" in ls and 'c = "two"' in ls
    run(daemon, "xenstore-rm", "/vm/b")
    assert run(daemon, "xenstore-list", "/vm").stdout.split() == ["a"]
    assert run(daemon, "xenstore-read", "/vm/b", check=False).returncode != 0


def test_xenstore_watch(daemon):
    env = dict(os.environ, XENSTORED_PATH=daemon.sock)
    p = subprocess.Popen(["xenstore-watch", "-n", "3", "/wt"], env=env,
                         stdout=subprocess.PIPE, text=True)
    first = p.stdout.readline()            # the event fired on registration
    assert first.strip() == "/wt"
    run(daemon, "xenstore-write", "/wt/x", "1")
    run(daemon, "xenstore-rm", "/wt")
    out, _ = p.communicate(timeout=20)
    assert out.split() == ["/wt/x", "/wt"]


def test_xen_test_xenstore(daemon):
    r = run(daemon, TEST_XENSTORE, "-i", "3", timeout=120)
    assert "failed" not in r.stdout + r.stderr
    assert r.stdout.count(" ns") >= 12


def test_xen_test_xenstore_random(daemon):
    r = run(daemon, TEST_XENSTORE, "-r", str(RANDOM_SECONDS), timeout=RANDOM_SECONDS + 120)
    assert "failed" not in r.stdout + r.stderr, r.stdout[-2000:]
