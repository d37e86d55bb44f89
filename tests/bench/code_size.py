#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Code-size figures of the hypervisor: lines per .c file and per function
(median, p90, largest), for the work tree or for a git revision.

Function sizes run from the definition's line to its closing brace, as
Universal Ctags reports them (`end:` field), as in the aesthetics study.

    python3 tests/bench/code_size.py [--rev REV ...] [--dir hypervisor]
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tarfile
import tempfile

REPO = pathlib.Path(__file__).resolve().parent.parent.parent


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure(root, subdir):
    top = root / subdir
    files = sorted(top.rglob("*.c"))
    if not files:
        sys.exit(f"no .c files under {top}")
    file_lines = {str(f.relative_to(root)): len(f.read_text(errors="replace").splitlines())
                  for f in files}
    out = subprocess.run(["ctags", "--output-format=json", "--fields=+ne", "--kinds-C=f",
                          "-f", "-", *map(str, files)],
                         capture_output=True, text=True, check=True).stdout
    funcs = {}
    for line in out.splitlines():
        tag = json.loads(line)
        if tag.get("_type") == "tag" and "end" in tag:
            name = f"{pathlib.Path(tag['path']).relative_to(root)}:{tag['name']}"
            funcs[name] = tag["end"] - tag["line"] + 1
    biggest_file = max(file_lines, key=file_lines.get)
    biggest_fn = max(funcs, key=funcs.get)
    return {
        "files": len(file_lines),
        "lines": sum(file_lines.values()),
        "file_median": statistics.median(file_lines.values()),
        "file_p90": percentile(file_lines.values(), 90),
        "file_largest": f"{biggest_file} {file_lines[biggest_file]}",
        "functions": len(funcs),
        "fn_median": statistics.median(funcs.values()),
        "fn_p90": percentile(funcs.values(), 90),
        "fn_largest": f"{biggest_fn} {funcs[biggest_fn]}",
        "fn_over_100": sum(1 for n in funcs.values() if n > 100),
    }


def tree_at(rev, dest):
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "hypervisor"],
                             capture_output=True, check=True).stdout
    path = pathlib.Path(dest) / "tree.tar"
    path.write_bytes(archive)
    with tarfile.open(path) as t:
        t.extractall(dest)
    return pathlib.Path(dest)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rev", action="append", help="a git revision (default: the work tree)")
    ap.add_argument("--dir", default="hypervisor")
    args = ap.parse_args()
    results = {}
    for rev in args.rev or [None]:
        if rev is None:
            results["work tree"] = measure(REPO, args.dir)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            results[rev] = measure(tree_at(rev, tmp), args.dir)
    for name, r in results.items():
        print(f"{name}: {r['files']} .c files, {r['lines']} lines; per file median "
              f"{r['file_median']}, p90 {r['file_p90']}, largest {r['file_largest']}; "
              f"{r['functions']} functions, median {r['fn_median']}, p90 {r['fn_p90']}, "
              f"largest {r['fn_largest']}, {r['fn_over_100']} over 100 lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
