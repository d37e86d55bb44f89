# SPDX-License-Identifier: GPL-2.0-only
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from xsclient import Daemon, daemon_path  # noqa: E402


@pytest.fixture
def daemon(tmp_path):
    if not os.path.exists(daemon_path()):
        pytest.fail(f"{daemon_path()} missing: run make first")
    d = Daemon(tmp_path, ring=True)
    yield d
    assert d.alive(), "tess-stored died"
    assert d.stop() == 0


@pytest.fixture
def xs(daemon):
    c = daemon.client()
    yield c
    c.close()
