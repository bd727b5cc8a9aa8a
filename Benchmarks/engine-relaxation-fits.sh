#!/usr/bin/env bash
# The oscillator recovery fit (βA, δR; 24 trajectories × 100 iterations) against an 8000-trajectory
# target, for the full softmax and the runner-up relaxation at several temperatures, over seeds
# 1–4 (the table in Sources/StochasticKinetics/README.md, "The runner-up relaxation"). Each run
# prints its errors and wall time; ~12 minutes on 2 cores. Arguments: seeds (default 1 2 3 4).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product patchfit
seeds=("${@:-1 2 3 4}")
for seed in ${seeds[*]}; do
  for setting in "all 0.5" "runner-up 0.5" "runner-up 0.25" "runner-up 0.2" "all 0.25"; do
    set -- $setting
    echo "relaxation $1, τ $2, seed $seed"
    .build/release/patchfit bench engine --fits --fit-model oscillator --fit-target 8000 \
      --relaxation "$1" --temperature "$2" --fit-seed "$seed"
  done
done
