#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the Xen 4.17 reference machine from Debian's binary packages (no
# Xen sources, nothing installed on this machine), in <build>/xen-baseline/:
#   xen.elf                 xen-hypervisor-4.17-amd64's image, uncompressed
#                           (QEMU's -kernel takes Multiboot1 ELF)
#   dom0-initramfs.cpio.gz  busybox + Debian's xl toolstack, xenstored,
#                           xenconsoled and the shared libraries they need,
#                           the dom0 kernel's Xen device modules, dom0-init.sh
#                           as /init, and the Linux guest (vmlinuz + our
#                           initramfs) for `xl create` to start as a PVH domU
# The dom0 kernel is the Linux guest's kernel: <build>/linux/vmlinuz.
#   tests/bench/xen_baseline/mkdom0.sh [BUILD_DIR]
set -euo pipefail
debpkg_who=mkdom0
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
linux=$repo/guest-ports/linux
. "$linux/debpkg.sh"

build=$(realpath -m "${1:-${O:-$repo/build}}")
out=$build/xen-baseline
debs=$build/linux/debs
make --no-print-directory -C "$repo" O="$build" linux-guest >&2

# The packages the brief names, then their library dependencies, followed
# transitively (libraries only: xl's python, udev, init scripts are not
# needed to create a domain).
top="xen-utils-4.17 xen-utils-common xenstore-utils"
is_lib() { case "$1" in lib*|zlib*) return 0 ;; *) return 1 ;; esac; }
deps_of() {
  { debpkg_field "$1" Pre-Depends; debpkg_field "$1" Depends; } | tr ',' '\n' |
    sed 's/|.*//; s/(.*)//; s/:any//; s/ //g' | grep -v '^$' || true
}
want=""
queue="$top"
while [ -n "$queue" ]; do
  set -- $queue; p=$1; shift; queue="$*"
  case " $want " in *" $p "*) continue ;; esac
  want="$want $p"
  for d in $(deps_of "$p"); do
    is_lib "$d" && queue="$queue $d"
  done
done
echo "mkdom0: packages:$want" >&2

root=$out/dom0-root
rm -rf "$root"
mkdir -p "$root"
for p in $want busybox-static; do
  debpkg_unpack "$(debpkg_fetch "$p" "$debs")" "$root"
done
rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/locale"

# Busybox applets, where they do not shadow a packaged program.
mkdir -p "$root/bin" "$root/sbin"
for applet in $("$root/bin/busybox" --list); do
  [ -e "$root/bin/$applet" ] || [ -e "$root/sbin/$applet" ] || ln -s busybox "$root/bin/$applet"
done

# Every shared library the Xen tools load must be in the tree.
libdirs="lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu"
missing=""
for elf in "$root"/usr/lib/xen-4.17/bin/{xl,xenstored,xenconsoled,xen-init-dom0} \
           "$root"/usr/bin/xenstore-*; do
  [ -f "$elf" ] && [ ! -L "$elf" ] || continue
  for so in $(readelf -d "$elf" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    found=""
    for d in $libdirs; do [ -e "$root/$d/$so" ] && found=1; done
    [ -n "$found" ] || missing="$missing $(basename "$elf"):$so"
  done
done
[ -z "$missing" ] || debpkg_die "shared libraries not found in the dom0 tree:$missing"

# The dom0 kernel's Xen device drivers (modules in Debian's build).
kdeb=$(ls "$debs"/linux-image-*-amd64_*.deb | head -n1)
release=$(cut -d' ' -f1 "$build/linux/kernel-package"); release=${release#linux-image-}
kmods=$out/kmods
rm -rf "$kmods"
mkdir -p "$kmods" "$root/lib/modules"
dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$kmods" --wildcards \
  "./lib/modules/$release/kernel/drivers/xen/*"
for m in xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc; do
  f=$(find "$kmods" -name "$m.ko" | head -n1)
  [ -n "$f" ] || debpkg_die "module $m.ko not in $kdeb"
  cp "$f" "$root/lib/modules/"
done
rm -rf "$kmods"

mkdir -p "$root"/{proc,sys,dev,tmp,run,var/run,var/lib,var/log,guest}
cp "$build/linux/vmlinuz" "$build/linux/initramfs.cpio.gz" "$root/guest/"
install -m 755 "$here/dom0-init.sh" "$root/init"
python3 "$linux/mkcpio.py" "$root" "$out/dom0-initramfs.cpio.gz" \
  --node /dev/console:c:5:1:0600 --node /dev/null:c:1:3:0666

xdeb=$(debpkg_fetch xen-hypervisor-4.17-amd64 "$debs")
xtree=$out/xen-pkg
rm -rf "$xtree"
debpkg_unpack "$xdeb" "$xtree"
zcat "$(ls "$xtree"/boot/xen-4.17*-amd64.gz | head -n1)" > "$out/xen.elf"
rm -rf "$xtree"
echo "mkdom0: $out/xen.elf $out/dom0-initramfs.cpio.gz" >&2
