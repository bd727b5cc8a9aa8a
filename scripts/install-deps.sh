#!/usr/bin/env bash
# Installs what PatchFit needs, only if it is missing.
# Usage: scripts/install-deps.sh          Debian packages to build and run PatchFit
#        scripts/install-deps.sh --test   plus what the tests use: Chromium (renders reports),
#                                         Slurm and munge (cluster test), pynwb and pyabf (interop)
set -euo pipefail

install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}"
  local sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_missing pkg-config libhdf5-dev libfftw3-dev liblapacke-dev libopenblas-dev libnlopt-dev

if [ "${1:-}" = "--test" ]; then
  install_missing chromium slurm-wlm munge
  if ! python3 -c "import pynwb, pyabf" 2>/dev/null; then
    echo "Installing Python packages for interop tests: pynwb pyabf"
    python3 -m pip install -q pynwb pyabf
  fi
fi
