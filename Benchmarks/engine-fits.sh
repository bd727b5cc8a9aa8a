#!/usr/bin/env bash
# Full-size dimerization and oscillator recovery fits (errors, ensemble sizes, wall time), then
# the oscillator fit again with the runner-up relaxation (cheaper iterations; at 100 it has not yet
# converged, at 200 it has: README), and the star channel's three competing opening rates.
# Extra arguments go to every run (e.g. --fit-seed 2).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product patchfit
.build/release/patchfit bench engine --fits "$@"
.build/release/patchfit bench engine --fits --fit-model oscillator --relaxation runner-up "$@"
.build/release/patchfit bench engine --fits --fit-model oscillator --relaxation runner-up --fit-iterations 200 "$@"
.build/release/patchfit bench engine --fits --fit-model star "$@"
