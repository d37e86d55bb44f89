# SPDX-License-Identifier: GPL-2.0-only
"""Debian's stock Linux kernel and our busybox initramfs as a guest
(guest-ports/linux): fetched and built on first use by `make linux-guest`,
and the lines its /init prints (guest-ports/linux/init.sh)."""
import os
import re
import shutil
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


def initramfs_with_modules(name, source, pick, init):
    """Our busybox initramfs with Debian's kernel modules that pick(dir)
    names (paths relative to the package's /lib/modules/<release>, in load
    order) in /mods, and init(names of those files, space-separated) as
    /init: <build>/<name>/initramfs.cpio.gz, rebuilt when the kernel
    package or the file `source` is newer."""
    out = os.path.join(build_dir(), name)
    debs = os.path.join(build_dir(), "linux", "debs")
    deb = next(os.path.join(debs, f) for f in sorted(os.listdir(debs))
               if f.startswith("linux-image-"))
    image = os.path.join(out, "initramfs.cpio.gz")
    if os.path.exists(image) and os.path.getmtime(image) > max(
            os.path.getmtime(deb), os.path.getmtime(source)):
        return image
    shutil.rmtree(out, ignore_errors=True)
    pkg, root = os.path.join(out, "pkg"), os.path.join(out, "root")
    os.makedirs(pkg)
    subprocess.run(["dpkg-deb", "-x", deb, pkg], check=True)
    shutil.copytree(os.path.join(build_dir(), "linux", "initramfs"), root, symlinks=True)
    release = os.listdir(os.path.join(pkg, "lib", "modules"))[0]
    # The package ships no modules.dep: dpkg's hook runs depmod at install.
    subprocess.run(["depmod", "-b", pkg, release], check=True)
    kdir = os.path.join(pkg, "lib", "modules", release)
    files = pick(kdir)
    os.makedirs(os.path.join(root, "mods"))
    for m in files:
        shutil.copy(os.path.join(kdir, m), os.path.join(root, "mods"))
    with open(os.path.join(root, "init"), "w") as f:
        f.write(init(" ".join(os.path.basename(m) for m in files)))
    os.chmod(os.path.join(root, "init"), 0o755)
    subprocess.run(["python3", os.path.join(REPO, "guest-ports", "linux", "mkcpio.py"), root,
                    image, "--node", "/dev/console:c:5:1:0600",
                    "--node", "/dev/null:c:1:3:0666"], check=True)
    shutil.rmtree(pkg)
    return image
