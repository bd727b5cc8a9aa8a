#!/usr/bin/env bash
# Benchmark: wall time of the demo pipeline and of a 20-file batch of distinct 8-s records
# (simulated C–C–O at 1 µM, 50 kHz), with and without the fit stage, and a fully cached re-run.
# Usage: Benchmarks/pipeline-batch.sh [patchfit binary]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/.build/release/patchfit}"
[ -x "$bin" ] || (cd "$root" && swift build -c release --product patchfit)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"

rm -rf Reports/demo
/usr/bin/time -f "demo pipeline: %e s wall, %M KB peak" "$bin" run Pipelines/demo.yaml --quiet > /dev/null

mkdir -p "$work/in"
for k in $(seq 1 20); do
  "$bin" synthesize --scheme Data/schemes/cco.yaml --concentration 1e-6 --duration 8 --sample-rate 50000 \
      --filter-hz 5000 --noise-rms 0.5 --seed "$k" --out "$work/in/cell$k.nwb" > /dev/null
done
for fit in yes no; do
  {
    echo "name: batch20"
    echo "output: $work/out-$fit"
    echo "inputs: [$work/in]"
    echo "condition: {acquisition_filter_hz: 5000}"
    echo "idealise: {method: skm, levels: 2, resolution: 60e-6, tcrit: 5e-3}"
    [ "$fit" = yes ] && echo "fit: {scheme: Data/schemes/cco.yaml, concentration: 1e-6}"
  } > "$work/batch-$fit.yaml"
  /usr/bin/time -f "20 files, fit=$fit: %e s wall, %M KB peak" "$bin" run "$work/batch-$fit.yaml" --quiet > /dev/null
done
/usr/bin/time -f "20 files, fully cached re-run: %e s wall" "$bin" run "$work/batch-yes.yaml" --quiet > /dev/null
