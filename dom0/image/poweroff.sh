#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# dom0-poweroff: flush and remount the root read-only, then power the
# machine off at once (there is no service manager to stop). Run by
# /sbin/init when its shell exits; rc.local or a user may run it too.
echo "dom0-init: powering off"
sync
mount -o remount,ro / 2>/dev/null
sync
exec busybox poweroff -f
