#!/usr/bin/env bash
# Installs the Debian packages PatchFit builds against, only if they are missing.
# Usage: scripts/install-deps.sh [--test]   (--test adds the Python packages the interop tests use)
set -euo pipefail

packages=(pkg-config libhdf5-dev libfftw3-dev liblapacke-dev libopenblas-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--test" ]; then
  # pynwb proves other tools can open the NWB files PatchFit writes; pyabf is a second ABF reader.
  if ! python3 -c "import pynwb, pyabf" 2>/dev/null; then
    echo "Installing Python packages for interop tests: pynwb pyabf"
    python3 -m pip install -q pynwb pyabf
  fi
fi
