# SPDX-License-Identifier: GPL-2.0-only
"""Integration tests: make the harness importable, copy every machine's
serial log to <build>/test-logs/<test name>.<emulator>.log, make sure
no emulator survives the session, and build the Linux guest for the tests
that ask for it."""
import os
import re
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from harness import Machine, build_dir  # noqa: E402
from harness.linux import linux_guest  # noqa: E402


@pytest.fixture(autouse=True)
def _machine_logs(request):
    name = re.sub(r"[^A-Za-z0-9_.=-]+", "_", request.node.name).strip("_")
    Machine.log_dir = os.path.join(build_dir(), "test-logs")
    Machine.log_prefix = name[:150]
    yield
    Machine.log_prefix = None


@pytest.fixture(scope="session")
def linux_image():
    """(vmlinuz, initramfs): Debian's kernel and our busybox initramfs,
    downloaded and built on first use (make linux-guest)."""
    return linux_guest()
