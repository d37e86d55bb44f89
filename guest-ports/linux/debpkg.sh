# SPDX-License-Identifier: GPL-2.0-only
# Shell functions (sourced, not run) to take files out of Debian packages
# without installing them: `apt-get download` into a cache, `dpkg-deb -x`
# into a directory of our choosing. Nothing is written outside those.

debpkg_die() { echo "$debpkg_who: $*" >&2; exit 1; }

# Run apt's metadata query; on a machine whose package lists were never
# fetched, fetch them once (as root or through sudo) and ask again.
debpkg_show() {
  local out
  if out=$(apt-cache show --no-all-versions "$1" 2>/dev/null) && [ -n "$out" ]; then
    printf '%s\n' "$out"; return 0
  fi
  if [ -z "${debpkg_updated:-}" ]; then
    debpkg_updated=1
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    if [ -z "$sudo" ] || command -v sudo >/dev/null; then
      echo "$debpkg_who: '$1' unknown to apt; running apt-get update" >&2
      $sudo apt-get update -qq >&2 || true
      if out=$(apt-cache show --no-all-versions "$1" 2>/dev/null) && [ -n "$out" ]; then
        printf '%s\n' "$out"; return 0
      fi
    fi
  fi
  debpkg_die "apt knows no package '$1' (is this Debian 12 with its package lists? try 'apt-get update')"
}

# debpkg_field PACKAGE FIELD: one field of the candidate version.
debpkg_field() {
  debpkg_show "$1" | sed -n "s/^$2: //p" | head -n1
}

# debpkg_fetch PACKAGE CACHE_DIR: print the path of the candidate version's
# .deb in CACHE_DIR, downloading it only when it is not there yet.
debpkg_fetch() {
  local pkg=$1 cache=$2 file tmp
  file=$(debpkg_field "$pkg" Filename)
  [ -n "$file" ] || debpkg_die "apt has no download for '$pkg'"
  file=$cache/$(basename "$file")
  if [ ! -s "$file" ]; then
    mkdir -p "$cache"
    tmp=$(mktemp -d "$cache/.dl.XXXXXX")
    # apt's sandbox user must be able to write where it downloads.
    chmod 755 "$tmp"
    echo "$debpkg_who: downloading $pkg" >&2
    if ! (cd "$tmp" && apt-get download -qq "$pkg" >&2); then
      rm -rf "$tmp"
      debpkg_die "apt-get download $pkg failed (network? package lists out of date? try 'apt-get update')"
    fi
    mv "$tmp"/*.deb "$file"
    rm -rf "$tmp"
  fi
  printf '%s\n' "$file"
}

# debpkg_unpack DEB DIR: extract the package's files into DIR.
debpkg_unpack() {
  mkdir -p "$2"
  dpkg-deb -x "$1" "$2" || debpkg_die "cannot unpack $1"
}
