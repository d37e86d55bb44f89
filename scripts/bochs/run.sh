#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boots a Tessera ISO in Bochs by hand, headless, with the serial console
# shown on this terminal (Bochs writes it to a file; this script follows it).
#
#   scripts/bochs/run.sh ISO
#
# Environment: BOCHS_CPU (corei7_skylake_x), BOCHS_SMP (1), BOCHS_MEM_MB (256),
# BOCHS_IPS (50000000), BOCHS_KEEP=1 to keep the work directory (bochsrc,
# bochs.log, serial.log). Bochs ends on guest power-off or reset; Ctrl-C
# stops it at any time.
set -euo pipefail

prog=${0##*/}
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $prog ISO" >&2; exit 2; }
iso=$(readlink -f "$1")
[ -f "$iso" ] || { echo "$prog: ISO '$1' not found (build it with 'make iso')" >&2; exit 1; }
command -v bochs >/dev/null || { echo "$prog: bochs not found: install bochs bochsbios vgabios" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tessera-bochs.XXXXXX")
tail_pid=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if [ -n "$tail_pid" ]; then kill "$tail_pid" 2>/dev/null || true; fi
  if [ "${BOCHS_KEEP:-0}" = 1 ]; then echo "$prog: files kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

sed -e "s|@CPU_MODEL@|${BOCHS_CPU:-corei7_skylake_x}|g" \
    -e "s|@SMP@|${BOCHS_SMP:-1}|g" \
    -e "s|@IPS@|${BOCHS_IPS:-50000000}|g" \
    -e "s|@MEM_MB@|${BOCHS_MEM_MB:-256}|g" \
    -e "s|@BIOS@|/usr/share/bochs/BIOS-bochs-latest|g" \
    -e "s|@VGABIOS@|/usr/share/vgabios/vgabios.bin|g" \
    -e "s|@ISO@|$iso|g" \
    -e "s|@SERIAL@|$work/serial.log|g" \
    -e "s|@LOG@|$work/bochs.log|g" \
    "$here/bochsrc.in" >"$work/bochsrc"
echo c >"$work/debugger.rc"
: >"$work/serial.log"

echo "$prog: booting $iso in Bochs (${BOCHS_CPU:-corei7_skylake_x}); Bochs' log: $work/bochs.log" >&2
tail -f "$work/serial.log" &
tail_pid=$!
status=0
bochs -q -f "$work/bochsrc" -rc "$work/debugger.rc" </dev/null >"$work/bochs.out" 2>&1 || status=$?
sleep 0.2
grep -h -A1 "Bochs is exiting with the following message" "$work/bochs.out" >&2 || true
# ACPI power-off ends Bochs through its panic path (status 1): that is success.
grep -q "ACPI control: soft power off" "$work/bochs.log" 2>/dev/null && status=0
exit $status
