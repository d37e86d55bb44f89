# SPDX-License-Identifier: GPL-2.0-only
"""Where things are: the repository, the build directory (env O) and the
hypervisor image in it."""
import os

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SCRIPTS = os.path.join(REPO, "scripts")


def build_dir():
    """The build directory: $O if set (as in `make O=...`), else <repo>/build."""
    return os.path.abspath(os.environ.get("O") or os.path.join(REPO, "build"))


def hypervisor_elf():
    return os.path.join(build_dir(), "tessera.elf")


def require_file(path, what, hint):
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{what} '{path}' not found: {hint}")
    return path
