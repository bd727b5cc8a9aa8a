#!/usr/bin/env python3
"""The SSA route's loss on CH82.scn between two fits: where the SSA route stops when it starts
from the HJCFIT starting rates, and the exact-likelihood estimate.

Prints the loss (mean of three seeds, each a large simulation: --simulation-multiple 30) at
points on the straight line between the two estimates in log-rate space. A rise between the
ends shows the loss is not convex between them: where the SSA-only descent stopped is a
stationary point of its own, and the SSA route needs a start on the right side (`--route both`
starts it from the exact estimate).

Usage: Benchmarks/gating-ssa-landscape.py [patchfit binary]
"""
import csv
import math
import os
import re
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
patchfit = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, ".build/release/patchfit")
record = os.path.join(root, "../shared/data/scn/CH82.scn")
start = os.path.join(root, "Data/schemes/ch82-hjcfit.yaml")
common = ["--conc", "100e-9", "--resolution", "100e-6", "--tcrit", "4e-3", "--bootstrap", "0"]
work = tempfile.mkdtemp(prefix="ssa-landscape-")
rate_line = re.compile(r'(name: "(\w+)", from: [^}]*value: )([0-9.eE+-]+)')


def fit(scheme, out, *extra):
    subprocess.run([patchfit, "fit", record, "--scheme", scheme, *common, *extra, "--out", out],
                   check=True, capture_output=True)
    return os.path.join(out, "fitted-scheme.yaml")


def rates(scheme):
    return {m.group(2): float(m.group(3)) for m in rate_line.finditer(open(scheme).read())}


def loss_at(scheme, seed):
    out = os.path.join(work, "probe")
    fit(scheme, out, "--route", "ssa", "--iterations", "4", "--simulation-multiple", "30", "--seed", str(seed))
    with open(os.path.join(out, "loss-curve.csv")) as f:
        return float(list(csv.reader(f))[1][1])  # the loss at the starting rates


exact = fit(start, os.path.join(work, "exact"))
ssa = fit(start, os.path.join(work, "ssa"), "--route", "ssa", "--iterations", "800")
a, b = rates(ssa), rates(exact)
print("SSA from the HJCFIT start:", {k: round(v, 3) for k, v in a.items()})
print("exact estimate:           ", {k: round(v, 3) for k, v in b.items()})
template = open(exact).read()
print("fraction of the way SSA → exact, loss (3 seeds)")
for step in range(6):
    f = step / 5
    point = {k: math.exp((1 - f) * math.log(a[k]) + f * math.log(b[k])) for k in b}
    text = rate_line.sub(lambda m: m.group(1) + repr(point[m.group(2)]), template)
    probe = os.path.join(work, "point.yaml")
    with open(probe, "w") as out:
        out.write(text)
    losses = [loss_at(probe, seed) for seed in (1, 2, 3)]
    print(f"{f:.1f}  {sum(losses) / 3:.4f}  ({', '.join(f'{x:.4f}' for x in losses)})", flush=True)
