# SPDX-License-Identifier: GPL-2.0-only
"""Unpacks Debian's stock kernel (a bzImage whose payload is xz: x86 BCJ +
LZMA2) with the hypervisor's own bzimage + xz code (the host-built
test_bzimage binary) and checks the ELF it yields byte for byte against
liblzma's decoding of the same payload (Python's lzma module).

The kernel is fetched into $O/linux/vmlinuz when missing, with
guest-ports/linux/fetch-kernel.sh where the tree has it, else with
apt-get download + dpkg-deb (nothing is installed). Outside CI a machine
that cannot fetch it skips; in CI that is a failure."""
import hashlib
import lzma
import os
import pathlib
import struct
import subprocess
import tempfile

import pytest

UNIT_DIR = pathlib.Path(__file__).resolve().parent
REPO = UNIT_DIR.parent.parent
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
        (tree / "boot" / f"vmlinuz-{release}").replace(dest)
    return None


def ensure_vmlinuz():
    if VMLINUZ.is_file():
        return
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


def reference_elf(image):
    """The payload, found from the boot protocol header, decoded by liblzma."""
    assert image[0x202:0x206] == b"HdrS"
    setup_sects = image[0x1f1] or 4
    offset, length = struct.unpack_from("<II", image, 0x248)
    start = (setup_sects + 1) * 512 + offset
    payload = image[start:start + length]
    assert payload.startswith(b"\xfd7zXZ\x00"), "Debian's kernel payload is no longer xz"
    return lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(payload[:-4])


def test_debian_vmlinuz_unpacks_like_liblzma(tmp_path):
    ensure_vmlinuz()
    binary = BUILD / "tests" / "unit" / "test_bzimage"
    make = subprocess.run(["make", "-s", "-C", str(REPO), f"O={BUILD}", str(binary)],
                          capture_output=True, text=True, timeout=300)
    assert make.returncode == 0, make.stdout + make.stderr
    out = tmp_path / "vmlinux"
    env = dict(os.environ, UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")
    run = subprocess.run([str(binary), str(VMLINUZ), str(out)], capture_output=True, text=True,
                         timeout=300, cwd=REPO, env=env)
    print(run.stdout)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "PASS test_real_vmlinuz" in run.stdout
    ours = out.read_bytes()
    ref = reference_elf(VMLINUZ.read_bytes())
    assert ours[:4] == b"\x7fELF"
    assert len(ours) == len(ref)
    assert hashlib.sha256(ours).digest() == hashlib.sha256(ref).digest()
