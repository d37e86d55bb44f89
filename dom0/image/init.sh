#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# dom0's /sbin/init (docs/dom0-image.md): mount the kernel's filesystems,
# find the console, load the Xen device modules (quietly absent on bare
# hardware), load the drivers of the devices present by modalias, take an
# address by DHCP on every NIC, run /etc/rc.local when it is executable,
# then leave a root shell on the console. When the shell exits (or
# anything runs dom0-poweroff) the machine powers off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux}
umask 022

say() { echo "dom0-init: $*"; }

mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mountpoint -q /dev/pts || mount -t devpts -o gid=5,mode=620 devpts /dev/pts
mountpoint -q /run || mount -t tmpfs -o mode=755 tmpfs /run
mountpoint -q /tmp || mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -o remount,rw / 2>/dev/null
hostname dom0
say "start uptime $(cut -d' ' -f1 /proc/uptime)"

# The console /dev/console stands for is the last one the kernel lists
# (Documentation/ABI/testing/sysfs-tty: /sys/class/tty/console/active):
# hvc0 under a hypervisor, ttyS0 on bare QEMU. Only that one gets a shell.
console=$(sed 's/.* //' /sys/class/tty/console/active 2>/dev/null)
[ -c "/dev/$console" ] || console=console
say "console $console"

# Xen's device modules; on bare hardware they refuse to load, quietly.
xen=""
if [ "$(cat /sys/hypervisor/type 2>/dev/null)" = xen ]; then xen=1; fi
modprobe -q -a xen-evtchn xen-privcmd xen-gntdev xen-gntalloc xenfs 2>/dev/null
if grep -qw xenfs /proc/filesystems; then
  mkdir -p /proc/xen
  mount -t xenfs xenfs /proc/xen && say "xenfs on /proc/xen"
fi
[ -n "$xen" ] && say "on xen: $(cat /proc/xen/capabilities 2>/dev/null)"

# The system store (docs/stored.md): tess-stored serves dom0's own xenbus,
# whose probing waits for it, and every domain tess creates; then dom0's
# nodes as Xen's xen-init-dom0 writes them. Before anything uses xenbus.
if [ -n "$xen" ] && [ -c /dev/xen/xenbus_backend ]; then
  mkdir -p /run/xenstored /var/log/tessera
  if tess-stored --xen --pid-file /run/xenstored.pid --log-file /var/log/tessera/stored.log &&
     xenstore-write /local/domain/0/domid 0 /local/domain/0/name Domain-0; then
    say "store up"
  else
    say "store failed: see /var/log/tessera/stored.log"
  fi
fi

# Drivers of the PCI devices by modalias, no udev: loading a bus driver
# (virtio_pci) makes new devices appear on its bus (virtio), so walk again
# until nothing new is found. One modprobe per round: it reads the alias
# index once.
seen=""
for _ in 1 2 3 4; do
  new=""
  for f in /sys/bus/pci/devices/*/modalias /sys/bus/virtio/devices/*/modalias; do
    [ -r "$f" ] || continue
    case " $seen " in *" $f "*) continue ;; esac
    seen="$seen $f"
    new="$new $(cat "$f")"
  done
  [ -n "$new" ] || break
  # shellcheck disable=SC2086
  modprobe -q -b -a $new 2>/dev/null
done

ip link set lo up
for nic in /sys/class/net/*; do
  nic=${nic##*/}
  [ "$nic" = lo ] && continue
  [ -e "/sys/class/net/$nic/device" ] || continue
  ip link set "$nic" up
  if busybox udhcpc -i "$nic" -n -q -t 8 -T 2 -s /usr/share/tessera/udhcpc.script >/dev/null 2>&1; then
    say "net $nic $(ip -4 -o addr show dev "$nic" | awk '{print $4}')"
  else
    say "net $nic no DHCP answer"
  fi
done

# tess-consoled (docs/console.md): serves the consoles of the domains tess
# creates and applies their on_*; only in the control domain. Waited for
# (30 s at most), so that rc.local's first create finds it.
if grep -qs control_d /proc/xen/capabilities; then
  mkdir -p /var/log/tessera
  setsid tess-consoled </dev/null >>/var/log/tessera/tess-consoled.log 2>&1 &
  for _ in $(seq 150); do [ -S /run/tessera/consoled.sock ] && break; sleep 0.2; done
  say "tess-consoled $([ -S /run/tessera/consoled.sock ] && echo started || echo NOT started)"
fi

if [ -x /etc/rc.local ]; then
  say "running /etc/rc.local"
  /etc/rc.local </dev/console >/dev/console 2>&1
  say "/etc/rc.local exited $?"
fi

say "root shell on $console (exit it to power off)"
setsid --ctty --wait /bin/sh -l <>"/dev/$console" >&0 2>&1
exec /usr/sbin/dom0-poweroff
