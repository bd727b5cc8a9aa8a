#!/usr/bin/env python3
"""PatchFit's SSA engine vs GillesPy2's C++ SSA and stochastix (JAX, CPU) on the 3-state channel.

Same model (C1<->C2<->O, k12 1000, k21 500, k23 2000, k32 800 /s, one channel), same horizon
(T seconds, ~1250 events/s in the stationary regime). Throughput = expected events / wall time,
model compilation excluded. Usage:
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install gillespy2 stochastix
    /tmp/venv/bin/python Benchmarks/engine-compare.py [--horizon 80] [--trajectories 16]
A package that is not installed is reported as unavailable, never faked.
"""
import argparse
import json
import os
import subprocess
import sys
import time

RATES = {"k12": 1000.0, "k21": 500.0, "k23": 2000.0, "k32": 800.0}
EVENT_RATE = 1250.0  # stationary exits per second: 1/8*1000 + 2/8*2500 + 5/8*800


def patchfit(events, trajectories):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = os.path.join(root, ".build", "release", "patchfit")
    if not os.path.exists(binary):
        subprocess.run(["swift", "build", "-c", "release", "--product", "patchfit"], cwd=root, check=True)
    out = subprocess.run([binary, "bench", "engine", "--json", "--events", str(events),
                          "--trajectories-per-thread", str(trajectories), "--repeats", "2"],
                         check=True, capture_output=True, text=True).stdout
    rows = [r for r in json.loads(out) if r["model"] == "channel3" and r["threads"] == 1]
    return rows[0]


def gillespy2_rate(horizon, trajectories):
    try:
        import gillespy2
        import numpy as np
    except ImportError as error:
        return {"available": False, "why": str(error)}
    model = gillespy2.Model(name="channel3")
    params = {k: gillespy2.Parameter(name=k, expression=v) for k, v in RATES.items()}
    model.add_parameter(list(params.values()))
    species = {n: gillespy2.Species(name=n, initial_value=1 if n == "C1" else 0, mode="discrete") for n in ("C1", "C2", "O")}
    model.add_species(list(species.values()))
    for name, a, b, k in [("r12", "C1", "C2", "k12"), ("r21", "C2", "C1", "k21"), ("r23", "C2", "O", "k23"), ("r32", "O", "C2", "k32")]:
        model.add_reaction(gillespy2.Reaction(name=name, reactants={species[a]: 1}, products={species[b]: 1}, rate=params[k]))
    model.timespan(np.linspace(0, horizon, 11))
    # GillesPy2 builds its C++ solver with `python -m SCons` using the base interpreter; make the
    # environment's packages (SCons) visible to it.
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p.endswith("site-packages"))
    t0 = time.perf_counter()
    try:
        solver = gillespy2.SSACSolver(model=model)
    except Exception as error:  # a failed C++ build: report, do not fake a number
        return {"available": False, "why": f"C++ solver build failed: {str(error)[:200]}"}
    build = time.perf_counter() - t0
    model.run(solver=solver, number_of_trajectories=1, seed=1)  # warm-up
    t0 = time.perf_counter()
    model.run(solver=solver, number_of_trajectories=trajectories, seed=2)
    wall = time.perf_counter() - t0
    return {"available": True, "events_per_second": trajectories * horizon * EVENT_RATE / wall, "build_seconds": build}


def stochastix_value_and_grad(horizon, batch):
    """Straight-through value+gradient of the time-averaged open fraction, DifferentiableDirect."""
    import jax
    import jax.numpy as jnp
    import stochastix as sx
    from stochastix.kinetics import MassAction

    steps = int(horizon * EVENT_RATE * 1.3) + 200   # padded scan length (stochastix needs a bound)
    names = [("C1 -> C2", "k12"), ("C2 -> C1", "k21"), ("C2 -> O", "k23"), ("O -> C2", "k32")]

    def loss(logk, key):
        network = sx.ReactionNetwork([sx.Reaction(r, MassAction(logk[i], transform=jnp.exp)) for i, (r, _) in enumerate(names)])
        keys = jax.random.split(key, batch)

        def one(k):
            order = list(network.species)
            x0 = jnp.array([1.0 if name == "C1" else 0.0 for name in order])
            result = sx.stochsimsolve(k, network, x0, T=horizon, max_steps=steps,
                                      solver=sx.DifferentiableDirect(logits_scale=0.5), save_propensities=False)
            o = order.index("O")
            t = jnp.minimum(result.t, horizon)
            return jnp.sum(result.x[:-1, o] * jnp.diff(t)) / horizon

        return jnp.mean(jax.vmap(one)(keys))

    value_and_grad = jax.jit(jax.value_and_grad(loss))
    logk = jnp.log(jnp.array([RATES[k] for _, k in names]))
    value, grad = value_and_grad(logk, jax.random.PRNGKey(0))      # compile
    jax.block_until_ready(grad)
    best = float("inf")
    for rep in range(2):
        t0 = time.perf_counter()
        value, grad = value_and_grad(logk, jax.random.PRNGKey(rep + 1))
        jax.block_until_ready(grad)
        best = min(best, time.perf_counter() - t0)
    return {"available": True, "events_per_second": batch * horizon * EVENT_RATE / best, "batch": batch,
            "gradient": [float(g) for g in grad]}


def stochastix_rate(horizon, trajectories):
    try:
        import stochastix  # noqa: F401
    except ImportError as error:
        return {"available": False, "why": str(error)}
    return stochastix_value_and_grad(horizon, trajectories)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--horizon", type=float, default=80.0, help="seconds of channel time per trajectory")
    parser.add_argument("--trajectories", type=int, default=16)
    parser.add_argument("--sx-horizon", type=float, default=8.0, help="stochastix horizon (s); 8 s ≈ 10^4 events")
    parser.add_argument("--sx-batch", type=int, default=64, help="stochastix trajectories per vmapped batch")
    args = parser.parse_args()
    events = int(args.horizon * EVENT_RATE)
    ours = patchfit(events, args.trajectories)
    gp = gillespy2_rate(args.horizon, args.trajectories)
    sx = stochastix_rate(args.sx_horizon, args.sx_batch)
    print(f"PatchFit (1 core): forward {ours['forward_steps_per_second_per_core']/1e6:.2f} M events/s, "
          f"forward+backward {ours['gradient_steps_per_second_per_core']/1e6:.2f} M events/s")
    if gp["available"]:
        r = gp["events_per_second"]
        print(f"GillesPy2 SSACSolver (1 core): {r/1e6:.2f} M events/s (build {gp['build_seconds']:.1f} s); "
              f"PatchFit forward is {ours['forward_steps_per_second_per_core']/r:.1f}x")
    else:
        print("GillesPy2: unavailable:", gp["why"])
    if sx["available"]:
        r = sx["events_per_second"]
        print(f"stochastix DifferentiableDirect value+grad (all cores, batch {sx['batch']}): {r/1e6:.3f} M events/s; "
              f"PatchFit forward+backward per core is {ours['gradient_steps_per_second_per_core']/r:.1f}x")
    else:
        print("stochastix: unavailable:", sx["why"])


if __name__ == "__main__":
    sys.exit(main())
