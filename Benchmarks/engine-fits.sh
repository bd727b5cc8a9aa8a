#!/usr/bin/env bash
# Full-size dimerization and oscillator recovery fits (errors, ensemble sizes, wall time).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product patchfit
.build/release/patchfit bench engine --fits
