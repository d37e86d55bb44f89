#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the Linux guest's initramfs (busybox). Checks the machine it runs
# on and prints one machine-readable line per result on the console:
#   tess-init: start uptime 1.23
#   tess-init: PASS|FAIL|SKIP <check> <detail>
#   tess-init: N passed, M failed
# then ends as the kernel command line says. Options (from /proc/cmdline):
#   tess.cpus=N     expected number of online CPUs (check skipped without it)
#   tess.bare=1     no hypervisor: skip the /sys/hypervisor/type check
#   tess.end=poweroff|reboot|crash|shell   (default poweroff)
export PATH=/bin:/sbin

/bin/busybox mount -t proc proc /proc
read -r up_start _ < /proc/uptime
echo "tess-init: start uptime $up_start"
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

opt_cpus="" opt_bare=0 opt_end=poweroff
for word in $(cat /proc/cmdline); do
  case "$word" in
    tess.cpus=*) opt_cpus=${word#tess.cpus=} ;;
    tess.bare=*) opt_bare=${word#tess.bare=} ;;
    tess.end=*)  opt_end=${word#tess.end=} ;;
  esac
done

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "tess-init: PASS $*"; }
fail() { failed=$((failed + 1)); echo "tess-init: FAIL $*"; }
skip() { echo "tess-init: SKIP $*"; }

echo "tess-init: kernel $(uname -r) cmdline $(cat /proc/cmdline)"

# Online CPUs: /sys/devices/system/cpu/online is a list of ranges, "0-3,6".
count_online() {
  n=0
  for r in $(tr ',' ' ' < /sys/devices/system/cpu/online); do
    case "$r" in
      *-*) n=$((n + ${r#*-} - ${r%-*} + 1)) ;;
      *)   n=$((n + 1)) ;;
    esac
  done
  echo "$n"
}
online=$(count_online)
case "$opt_cpus" in
  "") skip "cpus online $online (no tess.cpus= on the command line)" ;;
  *[!0-9]*) fail "cpus tess.cpus=$opt_cpus is not a number (online $online)" ;;
  *) if [ "$online" -eq "$opt_cpus" ]; then pass "cpus $online"
     else fail "cpus online $online expected $opt_cpus"; fi ;;
esac

if [ "$opt_bare" = 1 ]; then
  skip "hypervisor (tess.bare=1: no hypervisor expected)"
elif [ ! -r /sys/hypervisor/type ]; then
  fail "hypervisor /sys/hypervisor/type missing (not running on Xen's ABI?)"
else
  read -r hv < /sys/hypervisor/type
  if [ "$hv" = xen ]; then pass "hypervisor type $hv"
  else fail "hypervisor type '$hv' expected xen"; fi
fi

# /proc/uptime in hundredths of a second, as an integer ("12.34" -> 1234).
uptime_cs() {
  read -r u _ < /proc/uptime
  echo "${u%.*}${u#*.}" | sed 's/^0*\(.\)/\1/'
}
t0=$(uptime_cs)
sleep 10
t1=$(uptime_cs)
d=$((t1 - t0))
measured="$((d / 100)).$(printf %02d $((d % 100)))"
if [ "$d" -ge 950 ] && [ "$d" -le 1050 ]; then pass "sleep 10 took $measured s"
else fail "sleep 10 took $measured s, not within 10+-0.5 s"; fi

echo "tess-init: $passed passed, $failed failed"

case "$opt_end" in
  reboot) reboot -f ;;
  crash)  echo c > /proc/sysrq-trigger ;;
  shell)  echo "tess-init: shell (exit it to power off)"
          setsid cttyhack sh
          poweroff -f ;;
  poweroff) poweroff -f ;;
  *) echo "tess-init: unknown tess.end=$opt_end, powering off"
     poweroff -f ;;
esac
# poweroff -f and reboot -f do not return; if they did, init must not exit.
while :; do sleep 3600; done
