#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write a directory tree as a gzip'd cpio archive in the "newc" format
the Linux kernel unpacks as its initramfs (Documentation/driver-api/
early-userspace/buffer-format.rst), with no need for root or a cpio tool:
every entry is owned by root, timestamps are fixed (the archive depends
only on the tree), and device nodes the tree cannot hold are added from
the command line.

    mkcpio.py ROOT OUT.cpio.gz [--node /dev/console:c:5:1:0600 ...]
"""
import argparse
import gzip
import os
import stat
import sys

TRAILER = "TRAILER!!!"


def header(ino, mode, nlink, size, rdev_major, rdev_minor, name):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rdev_major, rdev_minor,
              len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields)


def pad4(n):
    return b"\0" * (-n % 4)


class Writer:
    def __init__(self, out):
        self.out = out
        self.ino = 0
        self.pos = 0

    def _put(self, data):
        self.out.write(data)
        self.pos += len(data)

    def entry(self, name, mode, data=b"", nlink=1, rdev=(0, 0)):
        self.ino += 1
        raw = name.encode()
        self._put(header(self.ino, mode, nlink, len(data), rdev[0], rdev[1], raw))
        self._put(raw + b"\0")
        self._put(pad4(self.pos))
        self._put(data)
        self._put(pad4(self.pos))


def walk(root):
    """(archive name, host path) for every entry, parents before children."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        for name in sorted(dirnames + filenames):
            path = os.path.join(dirpath, name)
            yield (name if rel == "." else os.path.join(rel, name)), path


def parse_node(spec):
    path, kind, major, minor, perm = spec.split(":")
    if kind not in ("c", "b"):
        raise argparse.ArgumentTypeError(f"node kind must be c or b: {spec}")
    fmt = stat.S_IFCHR if kind == "c" else stat.S_IFBLK
    return path.lstrip("/"), fmt | int(perm, 8), (int(major), int(minor))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root")
    ap.add_argument("out")
    ap.add_argument("--node", action="append", default=[], type=parse_node,
                    metavar="PATH:c|b:MAJOR:MINOR:PERM")
    args = ap.parse_args()
    if not os.path.isdir(args.root):
        sys.exit(f"mkcpio: {args.root} is not a directory")
    tmp = args.out + ".tmp"
    # mtime=0 keeps the gzip header, too, independent of when it was built.
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        w = Writer(gz)
        for name, path in walk(args.root):
            st = os.lstat(path)
            # Permissions as on the host, ownership root's.
            mode = stat.S_IFMT(st.st_mode) | stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                w.entry(name, mode, os.readlink(path).encode())
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    w.entry(name, mode, f.read())
            elif stat.S_ISDIR(st.st_mode):
                w.entry(name, mode, nlink=2)
            else:
                sys.exit(f"mkcpio: {path}: only files, directories and links are "
                         f"copied; give device nodes with --node")
        for name, mode, rdev in args.node:
            w.entry(name, mode, rdev=rdev)
        w.entry(TRAILER, 0)
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
