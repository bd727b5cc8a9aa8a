#!/usr/bin/env bash
# Steps/s of the exact SSA (forward) and of forward + straight-through reverse pass, per core,
# on channel3, dimerization and the Vilar oscillator. Run on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product patchfit
.build/release/patchfit bench engine "$@"
