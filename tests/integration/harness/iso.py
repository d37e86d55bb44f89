# SPDX-License-Identifier: GPL-2.0-only
"""GRUB ISOs for tests, built with scripts/mkiso.sh and cached by content:
the same image, script, command line and modules give the same ISO file
under <build>/test-isos/ without running grub-mkrescue again."""
import hashlib
import os
import subprocess

from .errors import MachineStartError
from .paths import SCRIPTS, build_dir, require_file

MKISO = os.path.join(SCRIPTS, "mkiso.sh")
CACHE_KEEP = 64         # ISOs kept in the cache directory (least recently used go)


def _digest(elf, cmdline, modules):
    h = hashlib.sha256()

    def add_file(path):
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        h.update(b"\0file\0")

    add_file(MKISO)
    add_file(elf)
    h.update(cmdline.encode() + b"\0cmdline\0")
    for path, args in modules:
        add_file(path)
        h.update(os.path.basename(path).encode() + b"\0" + args.encode() + b"\0module\0")
    return h.hexdigest()[:20]


def module_arg(path, args):
    """The --module value mkiso.sh takes: FILE, then the arguments."""
    if " " in path:
        raise MachineStartError(f"module path with a space is not supported: '{path}'")
    return f"{path} {args}" if args else path


def build_iso(elf, cmdline="console=com1", modules=(), cache_dir=None):
    """Return the path of a GRUB ISO that boots `elf` with `cmdline` and
    `modules` (a list of (path, args)); build it if not cached."""
    require_file(elf, "hypervisor image", "build it with 'make'")
    modules = [(os.path.abspath(p), a or "") for p, a in modules]
    for p, _ in modules:
        require_file(p, "module", "check the test's modules=")
    if "\n" in cmdline or any("\n" in a for _, a in modules):
        raise MachineStartError("newlines are not allowed in a GRUB command line")
    cache_dir = cache_dir or os.path.join(build_dir(), "test-isos")
    os.makedirs(cache_dir, exist_ok=True)
    iso = os.path.join(cache_dir, f"tessera-{_digest(elf, cmdline, modules)}.iso")
    if os.path.isfile(iso):
        os.utime(iso)           # most recently used: pruned last
        return iso
    cmd = [MKISO, elf, iso, "--cmdline", cmdline]
    for p, a in modules:
        cmd += ["--module", module_arg(p, a)]
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=120)
    if r.returncode != 0 or not os.path.isfile(iso):
        raise MachineStartError(f"mkiso.sh failed (status {r.returncode}):\n"
                                f"command: {cmd}\n{r.stdout}{r.stderr}")
    prune(cache_dir, keep=CACHE_KEEP)
    return iso


def prune(cache_dir, keep):
    """Delete all but the `keep` most recently used cached ISOs."""
    isos = []
    for name in os.listdir(cache_dir):
        if name.startswith("tessera-") and name.endswith(".iso"):
            path = os.path.join(cache_dir, name)
            try:
                isos.append((os.path.getmtime(path), path))
            except OSError:
                pass
    for _, path in sorted(isos, reverse=True)[keep:]:
        try:
            os.unlink(path)
        except OSError:
            pass
