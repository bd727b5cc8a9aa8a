#!/usr/bin/env bash
# Benchmark: two channels in a patch, from a rendered recording to fitted rates.
# Simulates 20 s of the C–C–O scheme with two channels at 10 µM (cco.yaml: k_plus 1e8 M⁻¹s⁻¹,
# k_minus 2000, beta 5000, alpha 1000 s⁻¹), renders it (5 kHz Gaussian filter, 0.4 pA noise at
# 50 kHz), idealises it into levels 0/1/2 open at t_res 70 µs (about twice the filter's dead
# time, 36 µs), then fits from the ratio-breaking start
# (cco-start.yaml) by the two-channel likelihood (exact route), with the exact missed-event
# correction and with HJC per level, and prints wall time, likelihood evaluations per second
# and the rates ± SD from fit.json.
# Usage: Benchmarks/gating-multichannel.sh [patchfit binary]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/.build/release/patchfit}"
[ -x "$bin" ] || (cd "$root" && swift build -c release --product patchfit)
out="$(mktemp -d)"
"$bin" synthesize --scheme "$root/Data/schemes/cco.yaml" --concentration 10e-6 --channels 2 --duration 20 \
    --filter-hz 5000 --noise-rms 0.4 --seed 2 --out "$out/two.nwb" >/dev/null
"$bin" idealise "$out/two.nwb" --levels 3 --acquisition-filter-hz 5000 --open-direction up --resolution 70e-6 \
    --out "$out/two.csv" >/dev/null
for correction in exact hjc; do
    start=$(date +%s.%N)
    "$bin" fit "$out/two.csv" --scheme "$root/Data/schemes/cco-start.yaml" --conc 10e-6 --channels 2 \
        --resolution 70e-6 --route exact --patch-correction "$correction" --quiet --out "$out/fit-$correction" >/dev/null
    end=$(date +%s.%N)
    python3 - "$out/fit-$correction/fit.json" "$start" "$end" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
truth = {"k_plus": 1e8, "k_minus": 2000, "beta": 5000, "alpha": 1000}
print(f"route {f['route']} ({f['method']}): fit {f['wall_seconds']:.2f} s, CLI {float(sys.argv[3]) - float(sys.argv[2]):.2f} s, "
      f"{f['evaluations']} evaluations, {f['evaluations_per_second']:.0f}/s")
for k, v in sorted(f["rates"].items()):
    sd = f["rate_sd"].get(k)
    print(f"  {k:8s} {v:12.5g} ± {sd:.3g}  ({100 * (v / truth[k] - 1):+.1f} % of truth)" if sd else f"  {k} {v:.5g}")
print("  R²: " + ", ".join(f"{k.split()[-1] if 'level' not in k else 'level ' + k.split()[-1]} {v:.3f}" for k, v in sorted(f["r2"].items())))
PY
done
echo "files in $out" >&2
