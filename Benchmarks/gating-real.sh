#!/usr/bin/env bash
# Real records fitted by the exact route, R² of each dwell histogram in fit.json:
#  - rat GlyR α1β at 10 µM and 1 mM glycine (Burzomato et al. 2004 set), t_res 30 µs,
#    GlyR "flip" scheme (Data/schemes/glyr-flip.yaml), t_crit 4 ms / 20 ms; and the same
#    records with the mechanism published for them (Burzomato et al. 2004), read from
#    DCPROGS's demomec.mec (rate set 3);
#  - human muscle nAChR at 30 µM ACh (scn_000225S1.DAT), t_res 25 µs, CH82-type scheme.
# Usage: Benchmarks/gating-real.sh [patchfit binary]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/.build/release/patchfit}"
data="$root/../shared/data/scn"
out="$(mktemp -d)"
"$bin" fit "$data/glydemo_A-10.scn" "$data/glydemo_D-1000.scn" --scheme "$root/Data/schemes/glyr-flip.yaml" \
    --conc 10e-6 1000e-6 --resolution 30e-6 --tcrit 4e-3 20e-3 --max-evaluations 6000 --out "$out/glyr" --json
"$bin" fit "$data/glydemo_A-10.scn" "$data/glydemo_D-1000.scn" \
    --scheme "$root/../shared/data/mechanisms/mec_demomec.mec#3" \
    --conc 10e-6 1000e-6 --resolution 30e-6 --tcrit 4e-3 20e-3 --max-evaluations 20000 --out "$out/glyr-burzomato" --json
"$bin" fit "$data/scn_000225S1.DAT" --scheme "$root/Data/schemes/nachr.yaml" \
    --conc 30e-6 --resolution 30e-6 --tcrit 3.5e-3 --max-evaluations 6000 --out "$out/nachr" --json
echo "tables in $out" >&2
