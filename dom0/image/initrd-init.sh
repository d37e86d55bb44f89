#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# dom0's initramfs /init (static busybox): load the modules that find the
# root disk (/etc/modules.order, computed from the kernel's modules.dep by
# moddeps.py), wait for root=LABEL=... (or root=/dev/...), mount it and
# switch_root to its init (init=, default /sbin/init). On failure it says
# why and leaves a busybox shell on the console.
export PATH=/bin:/sbin
/bin/busybox --install -s /bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

say() { echo "dom0-initrd: $*"; }
rescue() { say "$*; here is a shell"; exec sh; }

root="" init=/sbin/init rootflags="" rootwait=30
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    root=*) root=${arg#root=} ;;
    init=*) init=${arg#init=} ;;
    rootflags=*) rootflags=${arg#rootflags=} ;;
    tess.rootwait=*) rootwait=${arg#tess.rootwait=} ;;
  esac
done
[ -n "$root" ] || root=LABEL=tessdom0

# Already-loaded or built-in modules fail quietly; a missing driver shows
# up below as a root that never appears.
while read -r mod; do
  insmod "/lib/modules/$mod" 2>/dev/null
done </etc/modules.order

# Disks are probed asynchronously: poll until the root appears.
dev="" tries=0
while :; do
  case "$root" in
    LABEL=*|UUID=*) dev=$(findfs "$root" 2>/dev/null) ;;
    /dev/*) [ -b "$root" ] && dev=$root ;;
    *) rescue "root=$root: use LABEL=, UUID= or /dev/..." ;;
  esac
  [ -n "$dev" ] && break
  tries=$((tries + 1))
  [ "$tries" -gt $((rootwait * 10)) ] && rescue "root $root not found after ${rootwait}s"
  sleep 0.1
done

mkdir -p /newroot
mount -t ext4 -o "rw${rootflags:+,$rootflags}" "$dev" /newroot ||
  rescue "cannot mount $dev ($root)"
[ -x "/newroot$init" ] || rescue "$init is not an executable on $dev"
say "root $root is $dev, starting $init"

mount --move /dev /newroot/dev 2>/dev/null || umount /dev
umount /sys
umount /proc
exec switch_root /newroot "$init"
