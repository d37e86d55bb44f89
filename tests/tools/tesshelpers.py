# SPDX-License-Identifier: GPL-2.0-only
"""Paths and corpus checks shared by the tests of the `tessera` package."""
import dataclasses
import json
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
PYDIR = os.path.join(REPO, "tools", "python")


def build_dir():
    return os.environ.get("O") or os.path.join(REPO, "build")


def tess_command():
    launcher = os.path.join(build_dir(), "bin", "tess")
    if os.access(launcher, os.X_OK):
        return [launcher]
    return ["/usr/bin/python3", "-m", "tessera"]


def check_good(load, path):
    """LOAD(PATH) gives the model in PATH's .json twin; return it."""
    dom = load(path)
    with open(os.path.splitext(path)[0] + ".json") as f:
        assert dataclasses.asdict(dom) == json.load(f)
    return dom


def check_bad(load, path):
    """LOAD(PATH) fails with exactly the LINE:COL: message lines of PATH's .err twin."""
    from tessera.errors import ConfigError
    with open(os.path.splitext(path)[0] + ".err") as f:
        expected = [f"{path}:{line}" for line in f.read().splitlines()]
    with pytest.raises(ConfigError) as e:
        load(path)
    assert e.value.lines() == expected
