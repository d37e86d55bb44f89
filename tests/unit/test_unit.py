# SPDX-License-Identifier: GPL-2.0-only
"""Runs every host-compiled unit test binary (tests/unit/test_*.c, built by
tests/unit/Makefile.inc into $O/tests/unit/) and fails on a non-zero exit,
showing the binary's output."""
import os
import pathlib
import subprocess

import pytest

UNIT_DIR = pathlib.Path(__file__).resolve().parent
REPO = UNIT_DIR.parent.parent
BUILD = pathlib.Path(os.environ.get("O", REPO / "build")).resolve()
NAMES = sorted(p.stem for p in UNIT_DIR.glob("test_*.c"))


@pytest.mark.parametrize("name", NAMES)
def test_unit(name):
    binary = BUILD / "tests" / "unit" / name
    # Build (or refresh) it: cheap when up to date, and needed when pytest
    # runs on its own without `make all`.
    make = subprocess.run(["make", "-s", "-C", str(REPO), f"O={BUILD}", str(binary)],
                          capture_output=True, text=True, timeout=300)
    assert make.returncode == 0, f"building {name} failed:\n{make.stdout}{make.stderr}"
    # UBSan only prints by default: make it fatal, like ASan.
    env = dict(os.environ, UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")
    run = subprocess.run([str(binary)], capture_output=True, text=True, timeout=60,
                         cwd=REPO, env=env)
    output = run.stdout + run.stderr
    print(output)
    assert run.returncode == 0, f"{name} exited with {run.returncode}:\n{output}"
    lines = run.stdout.strip().splitlines()
    assert lines and lines[-1].endswith(" passed, 0 failed"), output
    assert "runtime error:" not in output, output
