# SPDX-License-Identifier: GPL-2.0-only
"""The domain-creation benchmark still runs (tiny N; real runs are by hand)."""
import os
import subprocess
import sys

from xsclient import REPO


def test_creation_bench_smoke():
    script = os.path.join(REPO, "tests", "bench", "stored", "creation.py")
    r = subprocess.run([sys.executable, script, "-n", "20"], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "backend events read" in r.stdout
    assert "nodes 1" in r.stdout  # 20 domains x ~47 nodes + initial
