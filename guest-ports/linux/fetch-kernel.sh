#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Fetch Debian's stock kernel (linux-image-amd64 -> linux-image-6.1.0-N-amd64)
# and leave, under the build directory (never /boot):
#   linux/vmlinuz         the kernel as Debian ships it (bzImage)
#   linux/config          its build configuration
#   linux/kernel-package  "package version" it came from
# Cached: when linux/vmlinuz is there nothing is fetched; --update asks apt
# for the current version and fetches it if it differs.
#   guest-ports/linux/fetch-kernel.sh [--update] [BUILD_DIR]
set -euo pipefail
debpkg_who=fetch-kernel
. "$(dirname "$0")/debpkg.sh"

update=""
if [ "${1:-}" = --update ]; then update=1; shift; fi
out=$(realpath -m "${1:-${O:-build}}")/linux
cache=$out/debs

if [ -z "$update" ] && [ -s "$out/vmlinuz" ] && [ -s "$out/config" ]; then
  exit 0
fi

# The metapackage depends on exactly one versioned image package.
real=$(debpkg_field linux-image-amd64 Depends | tr ',' '\n' |
       sed -n 's/^ *\(linux-image-[0-9][^ ]*-amd64\)\( .*\)\?$/\1/p' | head -n1)
[ -n "$real" ] || debpkg_die "cannot find the image package linux-image-amd64 depends on"
version=$(debpkg_field "$real" Version)

if [ -s "$out/vmlinuz" ] && [ -s "$out/config" ] &&
   [ "$(cat "$out/kernel-package" 2>/dev/null)" = "$real $version" ]; then
  exit 0
fi

deb=$(debpkg_fetch "$real" "$cache")
tree=$out/pkg
rm -rf "$tree"
debpkg_unpack "$deb" "$tree"
release=${real#linux-image-}
[ -s "$tree/boot/vmlinuz-$release" ] || debpkg_die "$real has no boot/vmlinuz-$release"
cp "$tree/boot/vmlinuz-$release" "$out/vmlinuz.new"
cp "$tree/boot/config-$release" "$out/config"
mv "$out/vmlinuz.new" "$out/vmlinuz"
echo "$real $version" > "$out/kernel-package"
# The modules (most of the package's size) are not used: the initramfs
# needs nothing that is not built in.
rm -rf "$tree"
echo "fetch-kernel: $out/vmlinuz is $real $version" >&2
