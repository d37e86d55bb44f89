# SPDX-License-Identifier: GPL-2.0-only
"""Tests of the `tessera` package: make it and the test helpers importable."""
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tesshelpers import PYDIR, REPO, tess_command  # noqa: E402

sys.path.insert(0, PYDIR)


@pytest.fixture
def tess():
    """Run `tess ARGS...`; return the CompletedProcess (text mode)."""
    env = dict(os.environ, PYTHONPATH=PYDIR)
    for var in ("TESS_STORE_SOCKET", "XENSTORED_PATH"):
        env.pop(var, None)

    def run(*args, env_extra=None, timeout=20):
        e = dict(env, **(env_extra or {}))
        return subprocess.run(tess_command() + list(args), capture_output=True, text=True,
                              env=e, timeout=timeout, cwd=REPO)
    return run
