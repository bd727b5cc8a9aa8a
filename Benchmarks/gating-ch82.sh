#!/usr/bin/env bash
# Benchmark: the standard HJCFIT fit of CH82.scn (REFERENCE.md §2) by the exact route.
# Prints fit.json (wall time, likelihood evaluations, evaluations per second, rates ± SD).
# Usage: Benchmarks/gating-ch82.sh [patchfit binary]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/.build/release/patchfit}"
[ -x "$bin" ] || (cd "$root" && swift build -c release --product patchfit)
out="$(mktemp -d)"
"$bin" fit "$root/../shared/data/scn/CH82.scn" --scheme "$root/Data/schemes/ch82-hjcfit.yaml" \
    --conc 100e-9 --resolution 100e-6 --tcrit 4e-3 --out "$out" --json
echo "tables in $out" >&2
