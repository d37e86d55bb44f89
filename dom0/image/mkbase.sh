#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The Debian part of dom0's root filesystem: mmdebstrap's Essential set
# plus the packages listed in PACKAGES, from the machine's own apt sources,
# as a tarball. mmdebstrap's unshare mode needs no root (user namespaces),
# so the same command works for root and for users; no apt, documentation,
# manual pages or locales are kept.
#   dom0/image/mkbase.sh PACKAGES OUT.tar
set -euo pipefail
list=$1 tar=$2
command -v mmdebstrap >/dev/null || { echo "mkbase: mmdebstrap missing: install it" >&2; exit 1; }
pkgs=$(sed 's/#.*//' "$list" | tr -s ' \n' ',' | sed 's/^,//; s/,$//')
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
excl=()
for p in /usr/share/doc /usr/share/man /usr/share/info /usr/share/locale \
         /usr/share/lintian /usr/share/i18n/locales /usr/share/zoneinfo; do
  excl+=("--dpkgopt=path-exclude=$p/*")
done
# merged-usr hook: merged /usr without the usrmerge package (and its perl).
mmdebstrap --mode=unshare --variant=essential --include="$pkgs" \
  --aptopt='APT::Install-Recommends "false"' \
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr "${excl[@]}" \
  --format=tar --quiet "$suite" "$tar.tmp"
mv -f "$tar.tmp" "$tar"
echo "mkbase: $tar ($(du -m "$tar" | cut -f1) MiB)" >&2
