#!/usr/bin/env bash
# More free rates in the oscillator fit: the straight-through gradient at the start beside
# central finite differences (same ensembles), for the benchmark's two rates and for four
# (βA, δA, βR, δR) from 30 % and 10 % off, then the four-rate fits themselves, in one stage and
# with the 3, 6, 9, 12 h curriculum on seeds 1–3 (README, "More free rates on the oscillator").
# The dimerization check is the control where both agree.
# Extra arguments go to every run (e.g. --fit-seed 2).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product patchfit
bin=.build/release/patchfit
four=betaA,deltaA,betaR,deltaR
$bin bench engine --gradient-check --fit-model dimerization "$@"
$bin bench engine --gradient-check "$@"
$bin bench engine --gradient-check --fit-parameters $four "$@"
for k in 1 20 200; do $bin bench engine --gradient-check --fit-parameters $four --truncation $k "$@"; done
$bin bench engine --gradient-check --fit-parameters $four --relaxation runner-up "$@"
$bin bench engine --gradient-check --fit-parameters $four --temperature 1 "$@"
$bin bench engine --gradient-check --fit-parameters $four --fit-start-factors 1.1,0.9,1.1,0.9 "$@"
$bin bench engine --fits --fit-model oscillator --fit-parameters $four --fit-iterations 200 "$@"
$bin bench engine --fits --fit-model oscillator --fit-parameters $four --fit-start-factors 1.1,0.9,1.1,0.9 --fit-iterations 200 "$@"
for seed in 1 2 3; do
  $bin bench engine --fits --fit-model oscillator --fit-parameters $four --fit-horizons 3,6,9 --fit-seed $seed "$@"
done
