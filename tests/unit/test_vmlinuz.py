# SPDX-License-Identifier: GPL-2.0-only
"""Unpacks Debian's stock kernel (a bzImage whose payload is xz: x86 BCJ +
LZMA2) with the hypervisor's own bzimage + xz code (the host-built
test_bzimage binary) and checks the ELF it yields byte for byte against
liblzma's decoding of the same payload (Python's lzma module).

The kernel is fetched when missing (debian_kernel.py)."""
import hashlib
import lzma
import os
import struct
import subprocess

from debian_kernel import BUILD, REPO, ensure_vmlinuz


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
    vmlinuz = ensure_vmlinuz()
    binary = BUILD / "tests" / "unit" / "test_bzimage"
    make = subprocess.run(["make", "-s", "-C", str(REPO), f"O={BUILD}", str(binary)],
                          capture_output=True, text=True, timeout=300)
    assert make.returncode == 0, make.stdout + make.stderr
    out = tmp_path / "vmlinux"
    env = dict(os.environ, UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")
    run = subprocess.run([str(binary), str(vmlinuz), str(out)], capture_output=True, text=True,
                         timeout=300, cwd=REPO, env=env)
    print(run.stdout)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "PASS test_real_vmlinuz" in run.stdout
    ours = out.read_bytes()
    ref = reference_elf(vmlinuz.read_bytes())
    assert ours[:4] == b"\x7fELF"
    assert len(ours) == len(ref)
    assert hashlib.sha256(ours).digest() == hashlib.sha256(ref).digest()
