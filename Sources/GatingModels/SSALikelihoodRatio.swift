import Foundation
import StochasticKinetics

/// How the SSA route turns ∂L/∂(resolved durations) into ∂L/∂θ.
public enum SSAGradientEstimator: String, Sendable, Codable, CaseIterable {
    /// The straight-through reverse pass of the engine (waiting times + Gumbel-Softmax choices);
    /// for one channel with the survival relaxation and level-boundary barriers.
    case straightThrough = "straight-through"
    /// The likelihood-ratio (score-function) estimator: each kept interval's linearised loss
    /// times the score of the simulated events that decided it.
    case likelihoodRatio = "likelihood-ratio"
}

/// The likelihood-ratio gradient of the SSA route's loss.
///
/// For a first-order network with coordinates φ_m = log k_m the log-density of a path on a
/// window W is Σ_events log a_ρ − ∫_W a_0(x) dt, so its score is
///   S_m(W) = N_m(W) − k_m ∫_W x_src(m)(t) dt
/// (N_m: firings of reaction m in W). With the loss linearised at the current sample,
/// L ≈ Σ_i R_i with R_i = ∂L/∂d_i · d_i (+ the open-fraction term's share of interval i), and
/// ∂E[R_i]/∂φ = E[(R_i − b) S(W_i)] for any b that does not depend on W_i's events.
///
/// W_i runs from the start of resolved interval i − `lookback` to t_res after interval i's
/// end: the events that fixed d_i (its own events, and the sojourn that had to outlast t_res
/// for the interval to end there), plus a few earlier intervals whose last choice set the
/// state interval i started from. Events further back act on R_i only through that state;
/// leaving them out is the estimator's one approximation (exact for a channel whose every
/// level is entered in one state). b is the mean R over all rewarded intervals: not per level,
/// because an interval's level (and whether a shutting outlasts t_crit) is decided by events
/// inside its own window, and a baseline that knows the outcome biases the estimate.
///
/// Unlike the straight-through pass this needs no relaxation: branching choices, sub-
/// resolution excursions and several channels are all just events with a score.
struct SSALikelihoodRatio {
    /// Kept interval: its trajectory, its index among that trajectory's resolved intervals, its
    /// level (−1: a shutting longer than t_crit) and its share R of the loss's first variation.
    struct Reward {
        var owner: Int
        var position: Int
        var level: Int
        var value: Double
    }

    /// ∂L/∂φ (one entry per network reaction).
    static func coordinateGradient(paths: [Trajectory], sims: [SimulatedRecord], rewards: [Reward], network: ReactionNetwork,
                                   phi: [Double], resolution: Double, lookback: Int) throws -> [Double] {
        let m = network.reactionCount, species = network.speciesCount
        let source = network.reactions.map { $0.reactants[0].species }
        let rate = phi.map { exp($0) }
        let baseline = rewards.isEmpty ? 0 : rewards.reduce(0) { $0 + $1.value } / Double(rewards.count)
        var grouped = [[Reward]](repeating: [], count: paths.count)
        for r in rewards { grouped[r.owner].append(r) }
        let byOwner = grouped

        // Per trajectory (in parallel), then summed in trajectory order.
        let parts = try ParallelEnsemble.map(count: paths.count) { i -> [Double] in
            var g = [Double](repeating: 0, count: m)
            let own = byOwner[i]
            guard !own.isEmpty else { return g }
            let checkpoints = Self.checkpoints(paths[i], sims[i], resolution: resolution)
            let cumulative = Self.cumulativeCounts(paths[i], at: checkpoints.times, reactions: m, species: species, network: network)
            for r in own {
                let k = r.position
                guard k + 1 < sims[i].resolved.count else { continue }
                let from = checkpoints.start[max(0, k - lookback)]
                let to = checkpoints.lookahead[k + 1]
                let weight = r.value - baseline
                for j in 0..<m {
                    let fired = cumulative.fired[to * m + j] - cumulative.fired[from * m + j]
                    let exposure = cumulative.exposure[to * species + source[j]] - cumulative.exposure[from * species + source[j]]
                    g[j] += weight * (fired - rate[j] * exposure)
                }
            }
            return g
        }
        var total = [Double](repeating: 0, count: m)
        for p in parts { for j in 0..<m { total[j] += p[j] } }
        return total
    }

    /// Time checkpoints in increasing order: the start of every resolved interval and t_res
    /// after it; `start[k]`, `lookahead[k]` index them.
    static func checkpoints(_ path: Trajectory, _ sim: SimulatedRecord, resolution: Double) -> (times: [Double], start: [Int], lookahead: [Int]) {
        var times: [Double] = [], start: [Int] = [], lookahead: [Int] = []
        times.reserveCapacity(2 * sim.startTimes.count)
        for s in sim.startTimes {
            start.append(times.count); times.append(s)
            lookahead.append(times.count); times.append(min(s + resolution, path.endTime))
        }
        return (times, start, lookahead)
    }

    /// At each checkpoint t (non-decreasing): firings of each reaction with event time ≤ t
    /// ([checkpoint × reactions]) and ∫₀ᵗ x_s dt per species ([checkpoint × species]).
    static func cumulativeCounts(_ path: Trajectory, at times: [Double], reactions m: Int, species: Int,
                                 network: ReactionNetwork) -> (fired: [Double], exposure: [Double]) {
        var fired = [Double](repeating: 0, count: times.count * m)
        var exposure = [Double](repeating: 0, count: times.count * species)
        let changes = network.reactions.map(\.netChange)
        var x = path.initialState.map(Double.init)
        var n = [Double](repeating: 0, count: m)
        var integral = [Double](repeating: 0, count: species)
        var clock = 0.0, event = 0
        for (c, t) in times.enumerated() {
            // Advance through the events at or before t.
            while event < path.eventCount && path.eventTimes[event] <= t {
                let te = path.eventTimes[event]
                for s in 0..<species { integral[s] += x[s] * (te - clock) }
                clock = te
                let r = Int(path.reactions[event])
                n[r] += 1
                for term in changes[r] { x[term.species] += Double(term.count) }
                event += 1
            }
            for s in 0..<species { integral[s] += x[s] * (t - clock) }
            clock = t
            for j in 0..<m { fired[c * m + j] = n[j] }
            for s in 0..<species { exposure[c * species + s] = integral[s] }
        }
        return (fired, exposure)
    }
}
