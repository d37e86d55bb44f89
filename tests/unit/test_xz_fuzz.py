# SPDX-License-Identifier: GPL-2.0-only
"""Bounded libFuzzer run over the .xz decoder (tests/unit/fuzz_xz.c), seeded
with streams the xz tool makes (several filters, checks, block layouts) and
their raw LZMA2 data. Longer by hand:
  build/tests/unit/fuzz_xz -max_total_time=600 CORPUS_DIR"""
import os
import pathlib
import shutil
import subprocess

UNIT_DIR = pathlib.Path(__file__).resolve().parent
REPO = UNIT_DIR.parent.parent
BUILD = pathlib.Path(os.environ.get("O", REPO / "build")).resolve()
FUZZ_SECONDS = int(os.environ.get("XZ_FUZZ_SECONDS", "30"))

OPTIONS = ["--check=crc32", "--check=crc64", "--check=none", "--x86 --lzma2=preset=0",
           "--x86 --lzma2=preset=6,lc=0,lp=4", "--block-size=300 -T2", "-9e",
           "--format=raw --lzma2=preset=1"]


def data_samples():
    text = b"".join(b"vcpu %d domain %d page 0x%x\n" % (i, i % 7, i * 4096) for i in range(200))
    code = bytes(((i * 37) & 0xff) if i % 9 else 0xE8 for i in range(3000))
    return [b"", b"a", text, code, os.urandom(700)]


def seeds(d):
    n = 0
    for data in data_samples():
        for opts in OPTIONS:
            z = subprocess.run(["xz", *opts.split(), "-c"], input=data, capture_output=True,
                               check=True).stdout
            # .xz streams go to the container mode (even first byte); raw
            # LZMA2 to the direct mode (odd).
            mode = b"\x01\x40" if "raw" in opts else b"\x00\x00"
            (d / f"seed{n}").write_bytes(mode + z)
            n += 1


def test_fuzz_xz_bounded(tmp_path):
    assert shutil.which("clang"), "clang not installed (scripts/deps.sh check installs it)"
    binary = BUILD / "tests" / "unit" / "fuzz_xz"
    subprocess.run(["make", "-s", "-C", str(REPO), f"O={BUILD}", str(binary)], check=True,
                   timeout=300)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seeds(corpus)
    r = subprocess.run([str(binary), f"-max_total_time={FUZZ_SECONDS}", "-max_len=16384",
                        "-rss_limit_mb=2048", "-print_final_stats=1",
                        f"-artifact_prefix={tmp_path}/", str(corpus)],
                       capture_output=True, text=True, errors="replace",
                       timeout=FUZZ_SECONDS + 120)
    tail = "\n".join(r.stderr.splitlines()[-40:])
    assert r.returncode == 0, tail
    assert "stat::number_of_executed_units" in r.stderr, tail
