#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the Linux guest's initramfs, <build>/linux/initramfs.cpio.gz: Debian's
# busybox-static (downloaded and unpacked, not installed) with init.sh as
# /init. No root needed: mkcpio.py writes ownership and /dev/console itself.
#   guest-ports/linux/mkinitramfs.sh [BUILD_DIR]
set -euo pipefail
debpkg_who=mkinitramfs
here=$(dirname "$0")
. "$here/debpkg.sh"

out=$(realpath -m "${1:-${O:-build}}")/linux
deb=$(debpkg_fetch busybox-static "$out/debs")

root=$out/initramfs
rm -rf "$root" "$out/busybox-pkg"
debpkg_unpack "$deb" "$out/busybox-pkg"
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,root}
cp "$out/busybox-pkg/bin/busybox" "$root/bin/busybox"
rm -rf "$out/busybox-pkg"
# One link per applet; the list comes from the binary itself (it is a
# static x86-64 program, so it runs on the build machine).
for applet in $("$root/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
install -m 755 "$here/init.sh" "$root/init"

python3 "$here/mkcpio.py" "$root" "$out/initramfs.cpio.gz" \
  --node /dev/console:c:5:1:0600 --node /dev/null:c:1:3:0666
echo "mkinitramfs: $out/initramfs.cpio.gz" >&2
