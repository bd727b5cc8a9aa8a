#!/usr/bin/env bash
# Bias/variance of the ∂Popen straight-through gradient vs temperature, truncation K and horizon
# (the table in Sources/StochasticKinetics/README.md). ~1 CPU-minute at the default size.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product patchfit
.build/release/patchfit bench engine --gradient-bias --bias-events "${1:-20000000}"
