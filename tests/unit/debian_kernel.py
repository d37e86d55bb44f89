# SPDX-License-Identifier: GPL-2.0-only
"""Debian's stock kernel (linux-image-amd64: a bzImage with an xz payload)
for the tests that use it, at $O/linux/vmlinuz. Fetched when missing, with
guest-ports/linux/fetch-kernel.sh where the tree has it, else with
apt-get download + dpkg-deb in a scratch folder (nothing is installed).
Outside CI a machine that cannot fetch it skips; in CI that fails."""
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent.parent
BUILD = pathlib.Path(os.environ.get("O", REPO / "build")).resolve()
VMLINUZ = BUILD / "linux" / "vmlinuz"


def apt_fetch(dest):
    """linux-image-amd64's image package, unpacked in a scratch folder."""
    deps = subprocess.run(["apt-cache", "depends", "linux-image-amd64"], capture_output=True,
                          text=True, timeout=120).stdout
    pkg = next((line.split()[1] for line in deps.splitlines()
                if line.strip().startswith("Depends: linux-image-")), None)
    if not pkg:
        return "apt-cache knows no linux-image-amd64 (run apt-get update)"
    release = pkg[len("linux-image-"):]
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run(["apt-get", "download", pkg], cwd=tmp, capture_output=True,
                           text=True, timeout=600)
        debs = list(pathlib.Path(tmp).glob("*.deb"))
        if r.returncode or not debs:
            return f"apt-get download {pkg}: {r.stderr.strip()[-300:]}"
        tree = pathlib.Path(tmp) / "tree"
        subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(tree)], check=True, timeout=300)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(tree / "boot" / f"vmlinuz-{release}"), str(dest))
    return None


def ensure_vmlinuz():
    """The path of Debian's kernel, fetched if missing."""
    if VMLINUZ.is_file():
        return VMLINUZ
    script = REPO / "guest-ports" / "linux" / "fetch-kernel.sh"
    if script.exists():
        r = subprocess.run([str(script), str(BUILD)], capture_output=True, text=True,
                           timeout=900)
        why = None if r.returncode == 0 else r.stderr[-500:]
    else:
        why = apt_fetch(VMLINUZ)
    if why or not VMLINUZ.is_file():
        msg = f"cannot fetch Debian's kernel: {why}"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return VMLINUZ
