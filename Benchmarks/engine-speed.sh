#!/usr/bin/env bash
# Steps/s of the exact SSA (forward), of the reverse pass alone (backward), of building the
# loss adjoint, and of the whole fit step (forward + loss adjoint + backward), per core, on
# channel3, dimerization and the Vilar oscillator (and the oscillator's runner-up relaxation); then direct vs sorting-direct selection on
# linear chains of growing size. Run on an idle machine (check `uptime`); extra arguments go to
# the first run (e.g. --json, --repeats 5). Recorded figures (before/after per change, load
# noted): Sources/StochasticKinetics/README.md, section Speed.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product patchfit
.build/release/patchfit bench engine "$@"
echo "oscillator with the runner-up relaxation (softmax over the chosen reaction and the race's runner-up):"
.build/release/patchfit bench engine --model oscillator --relaxation runner-up | head -1
for model in chain8 chain20 chain60 chain200; do
  for selection in direct sorting; do
    echo -n "$selection  "
    .build/release/patchfit bench engine --model "$model" --selection "$selection" --repeats 3 | head -1
  done
done
