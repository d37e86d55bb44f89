#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dom0's root filesystem image: the Debian base tarball (mkbase.sh), the
# kernel's modules (with depmod's indexes), our init and helpers, and
# Tessera's tools (tess-stored, the tessera package and tess, libtess with
# its test program) and the test payloads (mini, the Linux guest's kernel
# and initramfs), written into a sparse raw
# ext4 image labelled tessdom0 by mkfs.ext4 -d. Runs under fakeroot, so
# ownership and device nodes of the tarball survive without root.
#   dom0/image/mkrootfs.sh BASE.tar MODULES_DIR REPO BUILD_DIR OUT.img
set -euo pipefail
base=$1 mods=$2 repo=$3 build=$4 img=$5
here=$(cd "$(dirname "$0")" && pwd)
release=$(cat "$mods/release")
tree=$(mktemp -d "$(dirname "$img")/rootfs.XXXXXX")
trap 'rm -rf "$tree" "$img.tmp"' EXIT

fakeroot -- bash -euo pipefail -c '
  base=$1 mods=$2 repo=$3 build=$4 tree=$5 here=$6 release=$7 img=$8
  tar -x -p -f "$base" -C "$tree"
  mkdir -p "$tree/usr/lib/modules"
  cp -a "$mods/lib/modules/$release" "$tree/usr/lib/modules/"
  install -m 755 "$here/init.sh" "$tree/sbin/init"
  install -m 755 "$here/poweroff.sh" "$tree/usr/sbin/dom0-poweroff"
  install -D -m 755 "$here/udhcpc.script" "$tree/usr/share/tessera/udhcpc.script"
  install -m 755 "$build/bin/tess-stored" "$tree/usr/sbin/tess-stored"
  install -D -m 644 "$build/lib/libtess.so" "$tree/usr/lib/tessera/libtess.so"
  install -D -m 755 "$build/bin/libtess-test" "$tree/usr/lib/tessera/test/libtess-test"
  install -D -m 644 "$build/mini.elf" "$tree/usr/lib/tessera/test/mini.elf"
  install -m 644 "$build/linux/vmlinuz" "$tree/usr/lib/tessera/test/vmlinuz"
  install -m 644 "$build/linux/initramfs.cpio.gz" "$tree/usr/lib/tessera/test/initramfs.cpio.gz"
  py=$tree/usr/lib/python3/dist-packages
  mkdir -p "$py"
  (cd "$repo/tools/python" && find tessera \( -name "*.py" -o -name "*.rng" \) -print0 |
     xargs -0 -I{} install -D -m 644 {} "$py/{}")
  printf "#!/bin/sh\nexec python3 -m tessera \"\$@\"\n" >"$tree/usr/bin/tess"
  chmod 755 "$tree/usr/bin/tess"
  printf "#!/bin/sh\nexec python3 -m tessera.consoled \"\$@\"\n" >"$tree/usr/sbin/tess-consoled"
  chmod 755 "$tree/usr/sbin/tess-consoled"
  echo dom0 >"$tree/etc/hostname"
  echo "127.0.0.1 localhost dom0" >"$tree/etc/hosts"
  printf "LABEL=tessdom0 / ext4 rw 0 1\n" >"$tree/etc/fstab"
  : >"$tree/etc/resolv.conf"
  # root logs in on the console without a password (the shell init starts).
  [ ! -f "$tree/etc/shadow" ] || sed -i "s/^root:[^:]*:/root::/" "$tree/etc/shadow"
  chown -R 0:0 "$tree/usr/lib/modules" "$tree/usr/lib/python3/dist-packages/tessera" \
    "$tree/usr/share/tessera" "$tree/usr/lib/tessera"
  chown 0:0 "$tree/usr/sbin/tess-stored" "$tree/sbin/init" "$tree/usr/sbin/dom0-poweroff" \
    "$tree/usr/sbin/tess-consoled"
  # Room for the tree, a quarter more, and 256 MiB to work in.
  size=$(( $(du -s -m "$tree" | cut -f1) * 5 / 4 + 256 ))
  rm -f "$img.tmp"
  mkfs.ext4 -q -F -L tessdom0 -m 0 -d "$tree" "$img.tmp" "${size}M"
' _ "$base" "$mods" "$repo" "$build" "$tree" "$here" "$release" "$img"
mv -f "$img.tmp" "$img"
trap 'rm -rf "$tree"' EXIT
echo "mkrootfs: $img ($(du -m --apparent-size "$img" | cut -f1) MiB, $(du -m "$img" | cut -f1) MiB used)" >&2
