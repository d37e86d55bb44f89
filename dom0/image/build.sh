#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make dom0-image`: build dom0's kernel, initramfs and root filesystem
# image under BUILD_DIR/dom0 (docs/dom0-image.md):
#   vmlinuz       Debian's linux-image-amd64 (the guests' kernel, reused)
#   initrd.img    static busybox + the modules that find the root disk
#   rootfs.img    raw ext4 labelled tessdom0: Debian userland, the kernel's
#                 modules, our init, Tessera's tools
# Each product is rebuilt only when the hash of its inputs (scripts,
# package list, kernel package, tools) differs from its stamp.
#   dom0/image/build.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(realpath -m "${1:?usage: build.sh BUILD_DIR}")
out=$build/dom0
mkdir -p "$out"

# The guests' kernel: fetched once by guest-ports/linux, .deb kept in its cache.
"$repo/guest-ports/linux/fetch-kernel.sh" "$build"
kpkg=$(cat "$build/linux/kernel-package")

hash_of() { cat "$@" | sha256sum | cut -c1-32; }
# fresh STAMP HASH: true when STAMP holds HASH.
fresh() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# The kernel's modules tree with depmod's indexes, shared by both images.
mods=$out/modules
h=$(echo "$kpkg" | cat - "$here/modules.sh" | sha256sum | cut -c1-32)
if ! fresh "$mods.stamp" "$h"; then
  "$here/modules.sh" "$build" "$mods"
  echo "$h" >"$mods.stamp"
fi

cmp -s "$build/linux/vmlinuz" "$out/vmlinuz" || cp "$build/linux/vmlinuz" "$out/vmlinuz"

h=$( (echo "$kpkg"; cat "$here/mkinitrd.sh" "$here/initrd-init.sh" "$here/moddeps.py" \
      "$repo/guest-ports/linux/mkcpio.py") | sha256sum | cut -c1-32)
if ! fresh "$out/initrd.stamp" "$h" || [ ! -s "$out/initrd.img" ]; then
  "$here/mkinitrd.sh" "$build" "$mods" "$out/initrd.img"
  echo "$h" >"$out/initrd.stamp"
fi

# The Debian base tree (the slow, networked part) is cached on its own.
h=$(hash_of "$here/packages" "$here/mkbase.sh")
if ! fresh "$out/base.stamp" "$h" || [ ! -s "$out/base.tar" ]; then
  "$here/mkbase.sh" "$here/packages" "$out/base.tar"
  echo "$h" >"$out/base.stamp"
fi

# What the build puts into the root filesystem beside the sources.
# The Linux guest's kernel is the dom0 kernel (in the hash through $kpkg).
built="$build/bin/tess-stored $build/lib/libtess.so $build/bin/libtess-test $build/mini.elf
       $build/linux/initramfs.cpio.gz"
for f in $built; do
  [ -s "$f" ] || { echo "build.sh: $f missing: run 'make all' first" >&2; exit 1; }
done
h=$( (echo "$kpkg"; cat "$out/base.stamp" "$here/mkrootfs.sh" "$here/init.sh" \
      "$here/poweroff.sh" "$here/udhcpc.script" $built;
      find "$repo/tools/python" \( -name '*.py' -o -name '*.rng' \) -print0 | sort -z |
        xargs -0 cat) |
     sha256sum | cut -c1-32)
if ! fresh "$out/rootfs.stamp" "$h" || [ ! -s "$out/rootfs.img" ]; then
  "$here/mkrootfs.sh" "$out/base.tar" "$mods" "$repo" "$build" "$out/rootfs.img"
  echo "$h" >"$out/rootfs.stamp"
fi
echo "dom0-image: $out/{vmlinuz,initrd.img,rootfs.img} ($kpkg)" >&2
