#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Print, in loading order, the module files (relative to the modules
directory) that the named kernel modules need, from the kernel's own
depmod output: modules.dep (hard dependencies), modules.softdep ("pre:"
and "post:" modules, e.g. ext4's crc32c) and modules.alias (softdeps name
aliases such as "crc32c"). Names that are built in (modules.builtin) or
unknown are skipped with a note on stderr, so the list follows the kernel
instead of a hand-written list that breaks on the next one.

    moddeps.py MODULES_DIR NAME...
"""
import os
import sys


def norm(name):
    return name.replace("-", "_")


def modname(path):
    base = os.path.basename(path)
    for ext in (".ko.xz", ".ko.zst", ".ko.gz", ".ko"):
        if base.endswith(ext):
            return norm(base[:-len(ext)])
    return norm(base)


def read_lines(path):
    try:
        with open(path) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


class Modules:
    def __init__(self, root):
        self.path = {}          # module name -> file
        self.deps = {}          # file -> [file, ...]
        for line in read_lines(os.path.join(root, "modules.dep")):
            if ":" not in line:
                continue
            mod, rest = line.split(":", 1)
            self.path[modname(mod)] = mod
            self.deps[mod] = rest.split()
        self.builtin = {modname(p) for p in read_lines(os.path.join(root, "modules.builtin"))}
        self.alias = {}
        for line in read_lines(os.path.join(root, "modules.alias")):
            words = line.split()
            if len(words) == 3 and words[0] == "alias":
                self.alias.setdefault(words[1], []).append(norm(words[2]))
        self.soft = {}          # module name -> (pre names, post names)
        for line in read_lines(os.path.join(root, "modules.softdep")):
            words = line.split()
            if len(words) < 3 or words[0] != "softdep":
                continue
            pre, post, cur = [], [], None
            for w in words[2:]:
                if w in ("pre:", "post:"):
                    cur = pre if w == "pre:" else post
                elif cur is not None:
                    cur.append(w)
            self.soft[norm(words[1])] = (pre, post)

    def resolve(self, name):
        """Module names a name stands for: itself, or what it aliases."""
        if norm(name) in self.path:
            return [norm(name)]
        return [m for m in self.alias.get(name, []) if m in self.path]

    def order(self, names):
        done, out = set(), []

        def visit(name):
            if name in done:
                return
            done.add(name)
            pre, post = self.soft.get(name, ([], []))
            for p in pre:
                for m in self.resolve(p):
                    visit(m)
            for dep in self.deps[self.path[name]]:
                visit(modname(dep))
            out.append(self.path[name])
            for p in post:
                for m in self.resolve(p):
                    visit(m)

        for n in names:
            found = self.resolve(n)
            if not found:
                where = "built in" if norm(n) in self.builtin else "not found"
                print(f"moddeps: {n}: {where}", file=sys.stderr)
            for m in found:
                visit(m)
        return out


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: moddeps.py MODULES_DIR NAME...")
    for path in Modules(sys.argv[1]).order(sys.argv[2:]):
        print(path)


if __name__ == "__main__":
    main()
