#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages named on the command line that are not
# installed yet (with sudo when not root). With --optional, a failure is a
# warning, not an error. On other systems it names the packages and stops.
set -euo pipefail

optional=0
if [ "${1:-}" = "--optional" ]; then optional=1; shift; fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
else
  echo "deps: this is not a Debian/Ubuntu system; install the equivalents of: $*" >&2
  echo "deps: (a C compiler, pkg-config, OpenGL and X11 development headers, OpenBLAS; Xvfb, xdotool and ImageMagick for the tests)" >&2
  [ "$optional" = 1 ] && exit 0
  # Go on if the essentials are present anyway; the build says what is missing.
  command -v gcc >/dev/null && exit 0
  exit 1
fi
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
    echo "deps: missing packages: ${missing[*]}; run as root: apt-get install ${missing[*]}" >&2
    [ "$optional" = 1 ] && exit 0 || exit 1
  fi
fi

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/vae-explorer-apt.log 2>&1; then
  # The package lists may be stale or absent on a fresh machine.
  "${sudo[@]}" apt-get update -q >>/tmp/vae-explorer-apt.log 2>&1 || true
  if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/vae-explorer-apt.log 2>&1; then
    tail -20 /tmp/vae-explorer-apt.log >&2
    if [ "$optional" = 1 ]; then
      echo "deps: could not install ${missing[*]} (optional; carrying on)" >&2
      exit 0
    fi
    echo "deps: could not install ${missing[*]}; see /tmp/vae-explorer-apt.log" >&2
    exit 1
  fi
fi
