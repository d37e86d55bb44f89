#!/usr/bin/env bash
# Installs, from Debian's packages, whatever the build, `make run` and
# `make check` need and this machine lacks. Safe to run again: it does
# nothing when everything is present.
#   scripts/deps.sh build    what `make` needs
#   scripts/deps.sh run      plus the emulators and GRUB (make run / make iso)
#   scripts/deps.sh image    what `make dom0-image` needs (dom0/image/)
#   scripts/deps.sh check    plus everything the tests use
set -euo pipefail

build_pkgs="gcc make binutils libc6-dev"
run_pkgs="$build_pkgs qemu-system-x86 grub-pc-bin grub-common xorriso mtools"
image_pkgs="$build_pkgs mmdebstrap fakeroot kmod e2fsprogs python3 uidmap"
check_pkgs="$run_pkgs mmdebstrap fakeroot kmod e2fsprogs uidmap xz-utils bochs bochsbios vgabios bochs-term python3 python3-pytest
  python3-lxml python3-hypothesis libxen-dev xen-utils-4.17 clang
  libclang-rt-14-dev busybox-static acpica-tools"

case "${1:-check}" in
  build) want=$build_pkgs ;;
  run)   want=$run_pkgs ;;
  image) want=$image_pkgs ;;
  check) want=$check_pkgs ;;
  *) echo "usage: $0 [build|run|image|check]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing from Debian:$missing" >&2
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install:$missing" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >&2
