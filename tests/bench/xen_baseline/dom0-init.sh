#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the Xen reference machine's dom0 (busybox + Debian's xl tools):
# bring up xenstored and xenconsoled as Debian's init scripts would, start
# the Linux guest as a PVH domU with `xl create`, copy its console to ours
# with each line prefixed "domu| ", and power off when it has ended.
# Options (dom0's command line): xb.vcpus=N (2), xb.mem=MiB (512).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin:/usr/lib/xen-4.17/bin
export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu

mount -t proc proc /proc
read -r up _ < /proc/uptime
echo "xb-dom0: start uptime $up"
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/run
mount -t tmpfs tmpfs /var/lib
mount -t tmpfs tmpfs /var/log
mkdir -p /var/lib/xen /var/lib/xenstored /var/run/xen /var/run/xenstored \
         /var/log/xen/console

die() { echo "xb-dom0: FAIL $*"; poweroff -f; }

vcpus=2 mem=512
for word in $(cat /proc/cmdline); do
  case "$word" in
    xb.vcpus=*) vcpus=${word#xb.vcpus=} ;;
    xb.mem=*)   mem=${word#xb.mem=} ;;
  esac
done

for m in xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc; do
  insmod /lib/modules/$m.ko || die "insmod $m"
done
mkdir -p /proc/xen && mount -t xenfs xenfs /proc/xen || die "mount xenfs"

xenstored --pid-file /var/run/xenstored.pid || die "xenstored did not start"
i=0
until xenstore-read -s / >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 100 ] || die "xenstored does not answer"; sleep 0.1
done
xen-init-dom0 || die "xen-init-dom0"
xenconsoled --pid-file=/var/run/xenconsoled.pid --log=guest \
  --log-dir=/var/log/xen/console || die "xenconsoled did not start"
echo "xb-dom0: xenstored and xenconsoled up"

cat > /tmp/guest.cfg <<CFG
name = "guest"
type = "pvh"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initramfs.cpio.gz"
cmdline = "console=hvc0 tess.cpus=$vcpus"
memory = $mem
vcpus = $vcpus
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
CFG

read -r up _ < /proc/uptime
echo "xb-dom0: xl create at uptime $up"
xl create /tmp/guest.cfg || die "xl create"
read -r up _ < /proc/uptime
echo "xb-dom0: xl create returned at uptime $up"

log=/var/log/xen/console/guest-guest.log
i=0
while [ ! -e $log ]; do i=$((i + 1)); [ $i -lt 100 ] || die "no console log $log"; sleep 0.1; done
tail -n +1 -f $log | while IFS= read -r line; do echo "domu| $line"; done &
tailer=$!
while xl list guest >/dev/null 2>&1; do sleep 1; done
read -r up _ < /proc/uptime
echo "xb-dom0: domU ended at uptime $up"
sleep 1
kill $tailer
echo "xb-dom0: done"
poweroff -f
