#!/usr/bin/env bash
# Shows what .clang-format would change in the C lines changed since BASE
# (default: where this branch left main), and fails if it would change any.
# Only changed lines are looked at: the tree itself is not reformatted.
# Not part of `make check`.
#   scripts/format-check.sh [BASE]      (make format-check FORMAT_BASE=...)
set -euo pipefail

base=${1:-$(git merge-base HEAD main)}
if ! command -v git-clang-format >/dev/null; then
    echo "format-check: git-clang-format not found (Debian package clang-format)" >&2
    exit 2
fi
out=$(git clang-format --diff --extensions c,h "$base" -- \
      hypervisor tests guest-ports dom0 tools)
case "$out" in
    "" | "no modified files to format" | "clang-format did not modify any files")
        echo "format-check: the C lines changed since $base follow .clang-format"
        exit 0 ;;
esac
printf '%s\n' "$out"
exit 1
