#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dom0's initramfs: Debian's static busybox, initrd-init.sh as /init, and
# the modules that find the root disk with everything they need, in
# loading order (moddeps.py reads the kernel's modules.dep/softdep/alias).
#   dom0/image/mkinitrd.sh BUILD_DIR MODULES_DIR OUT.img
set -euo pipefail
debpkg_who=dom0-initrd
here=$(dirname "$0")
. "$here/../../guest-ports/linux/debpkg.sh"
build=$1 mods=$2 img=$3
release=$(cat "$mods/release")
kdir=$mods/lib/modules/$release

# Disk controllers QEMU and common PCs have, the disk and its filesystem.
want="ahci ata_piix ata_generic sd_mod virtio_pci virtio_blk virtio_scsi ext4"

root=$(mktemp -d "$build/dom0/initrd.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,etc,newroot,lib/modules}
deb=$(debpkg_fetch busybox-static "$build/linux/debs")
debpkg_unpack "$deb" "$root/pkg"
mv "$root/pkg/bin/busybox" "$root/bin/busybox"
rm -rf "$root/pkg"
# /init makes busybox's applet links itself (busybox --install).
install -m 755 "$here/initrd-init.sh" "$root/init"

# shellcheck disable=SC2086
python3 "$here/moddeps.py" "$kdir" $want >"$root/etc/modules.order"
while read -r m; do
  mkdir -p "$root/lib/modules/$(dirname "$m")"
  cp "$kdir/$m" "$root/lib/modules/$m"
done <"$root/etc/modules.order"

python3 "$here/../../guest-ports/linux/mkcpio.py" "$root" "$img.tmp" \
  --node /dev/console:c:5:1:0600 --node /dev/null:c:1:3:0666
mv -f "$img.tmp" "$img"
echo "dom0-initrd: $img ($(wc -l <"$root/etc/modules.order") modules)" >&2
