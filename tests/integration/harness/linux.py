# SPDX-License-Identifier: GPL-2.0-only
"""Debian's stock Linux kernel and our busybox initramfs as a guest
(guest-ports/linux): fetched and built on first use by `make linux-guest`,
and the lines its /init prints (guest-ports/linux/init.sh)."""
import os
import re
import subprocess

from .paths import REPO, build_dir

# /init's closing line and one line per check.
INIT_RESULT = r"tess-init: (\d+) passed, (\d+) failed"
INIT_CHECK = r"^tess-init: (PASS|FAIL|SKIP) (\S+)(.*)$"
# The kernel's last line before it runs /init; its printk stamp is seconds
# since the kernel's clock started.
RUN_INIT = r"^\[\s*(\d+\.\d+)\] Run /init as init process"
INIT_START = r"tess-init: start uptime (\d+\.\d+)"


def linux_guest():
    """Build (when missing or stale) and return (vmlinuz, initramfs) paths.
    The first call downloads Debian packages: it needs apt and the network."""
    out = build_dir()
    proc = subprocess.run(["make", "--no-print-directory", "-C", REPO, f"O={out}",
                           "linux-guest"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if proc.returncode:
        raise RuntimeError(f"make linux-guest failed:\n{proc.stdout}")
    return (os.path.join(out, "linux", "vmlinuz"),
            os.path.join(out, "linux", "initramfs.cpio.gz"))


def init_checks(log):
    """{check name: (PASS|FAIL|SKIP, rest of the line)} from /init's lines."""
    return {m.group(2): (m.group(1), m.group(3).strip())
            for m in re.finditer(INIT_CHECK, log, re.M)}
