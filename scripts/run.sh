#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boots a Tessera ISO (scripts/mkiso.sh) in QEMU with TCG, the way `make run`
# does: GRUB's menu and then the hypervisor's log appear on this terminal.
#
#   scripts/run.sh ISO [--dom0-disk IMG] [extra QEMU arguments...]
#
# --dom0-disk  dom0's root disk (a copy of build/dom0/rootfs.img, which it
#              writes to) on the machine's SATA controller, and a virtio-net
#              NIC on QEMU's user network (dom0 gets 10.0.2.15 by DHCP; the
#              host is 10.0.2.2). `make run RUN_DOM0=1` does this.
#
# Environment: QEMU (default qemu-system-x86_64), RUN_SMP (4), RUN_MEM (1G),
# RUN_MACHINE (q35), RUN_ACCEL (tcg,thread=single: multi-threaded TCG has an open
# SVM defect, docs/vcpu-state.md "Known bug").
#
# The serial port and QEMU's monitor share this terminal (-nographic):
#   Ctrl-A X   quit QEMU
#   Ctrl-A C   switch between the serial console and the QEMU monitor
#   Ctrl-A H   list the other Ctrl-A keys
# A guest reboot ends QEMU too (-no-reboot), so `ready_action=reboot` and
# `panic=reboot` return you to the shell.
set -euo pipefail

prog=${0##*/}
[ $# -ge 1 ] || { echo "usage: $prog ISO [--dom0-disk IMG] [extra QEMU arguments...]" >&2; exit 2; }
iso=$1
shift
[ -f "$iso" ] || { echo "$prog: ISO '$iso' not found (build it with 'make iso')" >&2; exit 1; }
dom0=()
if [ "${1:-}" = --dom0-disk ]; then
  [ $# -ge 2 ] && [ -f "$2" ] || { echo "$prog: --dom0-disk needs an image (make dom0-image)" >&2; exit 1; }
  case "$2" in *,*) echo "$prog: a disk path with a comma is not supported" >&2; exit 1 ;; esac
  dom0=(-drive "if=none,id=dom0root,format=raw,file=$2" -device "ide-hd,drive=dom0root,bus=ide.0"
        -netdev user,id=dom0net -device virtio-net-pci,netdev=dom0net)
  shift 2
fi

qemu=${QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null || { echo "$prog: $qemu not found: install qemu-system-x86" >&2; exit 1; }

echo "$prog: booting $iso in QEMU (TCG, ${RUN_MACHINE:-q35}, ${RUN_SMP:-4} CPUs, ${RUN_MEM:-1G}); quit with Ctrl-A X" >&2
exec "$qemu" \
  -machine "${RUN_MACHINE:-q35}" -accel "${RUN_ACCEL:-tcg,thread=single}" -cpu max \
  -smp "${RUN_SMP:-4}" -m "${RUN_MEM:-1G}" \
  -nographic -no-reboot \
  -cdrom "$iso" -boot d \
  "${dom0[@]}" "$@"
