#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Unpack the kernel's modules from the guests' kernel package (the .deb
# guest-ports/linux/fetch-kernel.sh cached; the exact version of vmlinuz,
# downloaded again only if the cache was emptied) and run depmod on them.
#   dom0/image/modules.sh BUILD_DIR OUT_DIR   ->  OUT_DIR/lib/modules/<release>
set -euo pipefail
debpkg_who=dom0-modules
. "$(dirname "$0")/../../guest-ports/linux/debpkg.sh"
build=$1 out=$2
read -r pkg version <"$build/linux/kernel-package"
cache=$build/linux/debs
deb=$cache/${pkg}_${version/:/%3a}_amd64.deb
if [ ! -s "$deb" ]; then
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.dl.XXXXXX")
  chmod 755 "$tmp"
  (cd "$tmp" && apt-get download -qq "$pkg=$version" >&2) ||
    debpkg_die "apt-get download $pkg=$version failed"
  mv "$tmp"/*.deb "$deb"
  rm -rf "$tmp"
fi
rm -rf "$out" "$out.tmp"
mkdir -p "$out.tmp"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$out.tmp" ./lib/modules
release=${pkg#linux-image-}
[ -d "$out.tmp/lib/modules/$release" ] || debpkg_die "$pkg has no lib/modules/$release"
command -v depmod >/dev/null || debpkg_die "depmod missing: install kmod"
depmod -b "$out.tmp" "$release"
echo "$release" >"$out.tmp/release"
mv "$out.tmp" "$out"
