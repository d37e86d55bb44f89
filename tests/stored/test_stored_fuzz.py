# SPDX-License-Identifier: GPL-2.0-only
"""Bounded libFuzzer run over the message parser, handlers and ring code.
Longer by hand: build/tests/stored/fuzz_stored -max_total_time=600 DIR"""
import os
import shutil
import struct
import subprocess

import pytest

from xsclient import HDR, REPO, T, build_dir, enc

FUZZ_SECONDS = int(os.environ.get("STORED_FUZZ_SECONDS", "40"))


def seeds(d):
    msgs = [("WRITE", b"/a/b\0val"), ("READ", enc("/a/b")), ("MKDIR", enc("/x/y")),
            ("RM", enc("/a")), ("DIRECTORY", enc("/")), ("DIRECTORY_PART", enc("/", "0")),
            ("GET_PERMS", enc("/a")), ("SET_PERMS", enc("/a", "n0", "r3")),
            ("WATCH", enc("/a", "t")), ("UNWATCH", enc("/a", "t")),
            ("TRANSACTION_START", b"\0"), ("TRANSACTION_END", enc("T")),
            ("INTRODUCE", enc("3", "1", "2")), ("RELEASE", enc("3")),
            ("GET_DOMAIN_PATH", enc("3")), ("IS_DOMAIN_INTRODUCED", enc("3")),
            ("RESUME", enc("3")), ("SET_TARGET", enc("4", "3")),
            ("RESET_WATCHES", b""), ("CONTROL", enc("memreport")),
            ("WATCH", enc("@releaseDomain", "r"))]
    stream = b"".join(HDR.pack(T[t], i, 1 if t == "TRANSACTION_END" else 0, len(p)) + p
                      for i, (t, p) in enumerate(msgs))
    files = {"sock-dom0": b"\0\0" + stream, "sock-guest": b"\0\1" + stream}
    for i, (t, p) in enumerate(msgs):
        files[f"msg{i}"] = b"\0\1" + HDR.pack(T[t], 1, 0, len(p)) + p
    m = HDR.pack(T["WRITE"], 1, 0, 9) + b"/a/b\0val"
    page = m.ljust(1024, b"\0") + b"\0" * 1024 + struct.pack("<7I", 0, len(m), 0, 0, 0, 0, 0)
    files["ring"] = b"\1" + page
    for name, data in files.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def test_fuzz_bounded(tmp_path):
    assert shutil.which("clang"), "clang not installed (scripts/deps.sh check installs it)"
    binary = os.path.join(build_dir(), "tests", "stored", "fuzz_stored")
    subprocess.run(["make", "-s", "-C", REPO, f"O={build_dir()}", binary], check=True)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seeds(str(corpus))
    r = subprocess.run([binary, f"-max_total_time={FUZZ_SECONDS}", "-max_len=8192",
                        "-rss_limit_mb=2048", "-print_final_stats=1",
                        f"-artifact_prefix={tmp_path}/", str(corpus)],
                       capture_output=True, text=True, errors="replace",
                       timeout=FUZZ_SECONDS + 120)
    tail = "\n".join(r.stderr.splitlines()[-40:])
    assert r.returncode == 0, tail
    assert "stat::number_of_executed_units" in r.stderr, tail
