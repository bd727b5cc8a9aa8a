#!/usr/bin/env bash
# Bias/variance of the straight-through gradient vs temperature, truncation K and horizon on the
# 3-state channel, for stationary Popen and for the mean shut time, and on a star channel whose
# closed state has three exits for either relaxation (the tables in
# Sources/StochasticKinetics/README.md). ~6 minutes on 2 cores at the default size.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product patchfit
.build/release/patchfit bench engine --gradient-bias --bias-events "${1:-20000000}"
.build/release/patchfit bench engine --gradient-bias --bias-quantity shut-time --bias-events "${1:-20000000}"
# Three competing exits (a star channel): the full softmax, then the runner-up relaxation.
.build/release/patchfit bench engine --gradient-bias --bias-model star --bias-events "${1:-20000000}"
.build/release/patchfit bench engine --gradient-bias --bias-model star --relaxation runner-up --bias-events "${1:-20000000}"
