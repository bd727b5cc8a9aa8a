import Foundation
import PatchData
import StochasticKinetics

/// How well the SSA route's gradient estimators see the rates: the ensemble estimate of
/// ∂E[mean resolved dwell time at a level]/∂θ, to compare with the exact derivative from
/// Q-matrix theory. Mean dwell times are where branching matters (how many C1 visits a
/// shutting holds), which is what fits of multi-state schemes live on.
public enum SSAGradientStudy {
    public struct Estimate: Sendable {
        /// Mean kept dwell time at the level, s.
        public var mean: Double
        /// ∂(mean)/∂θ per free log-rate, s.
        public var gradient: [Double]
        /// Standard error of each gradient entry (from `batches` independent batches).
        public var standardError: [Double]
        /// Kept intervals at the level, all batches.
        public var count: Int
    }

    /// Estimates ∂E[mean dwell at `level`]/∂θ at the scheme's rates by `batches` independent
    /// batches of `trajectories` simulated records of length `horizon`, resolution `resolution`.
    public static func meanDwellGradient(_ scheme: GatingScheme, conditions: RecordConditions = RecordConditions(),
                                         level: Int, channels: Int = 1, resolution: Double, horizon: Double,
                                         trajectories: Int, batches: Int, seed: UInt64,
                                         estimator: SSAGradientEstimator, lookback: Int = 1) throws -> Estimate {
        // A record is needed only for its conditions, resolution and t_crit (none).
        let placeholder = DwellSequence(dwells: [Dwell(level: 0, amplitude: 0, duration: 1), Dwell(level: 1, amplitude: 1, duration: 1),
                                                 Dwell(level: 0, amplitude: 0, duration: 1)],
                                        resolution: resolution, provenance: Provenance(file: "study", format: .synthetic))
        let record = try SSARecord(placeholder, conditions: conditions, resolution: resolution, tCrit: nil, channels: channels)
        let objective = try SSAObjective(scheme: scheme, records: [record], channels: channels, trajectories: trajectories,
                                         popenWeight: 0, options: SSAFit().gradientOptions, eventLimit: 50_000_000,
                                         estimator: estimator, lookback: lookback)
        var means: [Double] = [], gradients: [[Double]] = [], total = 0
        for b in 0..<batches {
            let e = try objective.meanDwellGradient(theta: scheme.parameters, level: level, horizon: horizon,
                                                    seed: SplitMix64.mix(seed &+ UInt64(b)))
            means.append(e.mean); gradients.append(e.gradient); total += e.count
        }
        let nb = Double(batches), p = scheme.parameters.count
        let g = (0..<p).map { j in gradients.reduce(0) { $0 + $1[j] } / nb }
        let se = (0..<p).map { j in
            batches > 1 ? (gradients.reduce(0) { $0 + ($1[j] - g[j]) * ($1[j] - g[j]) } / (nb - 1) / nb).squareRoot() : .nan
        }
        return Estimate(mean: means.reduce(0, +) / nb, gradient: g, standardError: se, count: total)
    }
}

extension SSAObjective {
    /// One batch: mean kept dwell at `level` and its gradient by this objective's estimator
    /// (the loss is the mean itself, so ∂L/∂d_i = 1/n for the n kept intervals at the level).
    func meanDwellGradient(theta: [Double], level: Int, horizon: Double, seed: UInt64) throws -> (mean: Double, gradient: [Double], count: Int) {
        let r = 0
        let (paths, sims, phi) = try simulate(record: r, theta: theta, horizon: horizon, seed: seed)
        var members: [(owner: Int, position: Int, duration: Double)] = []
        for (i, sim) in sims.enumerated() {
            for k in sim.keptIntervals(tCrit: records[r].tCrit) where sim.resolved.dwells[k].level == level {
                members.append((i, k, sim.resolved.dwells[k].duration))
            }
        }
        guard !members.isEmpty else {
            throw GatingModelsError.invalidArgument(name: "horizon", reason: "no kept interval at level \(level); simulate longer")
        }
        let n = Double(members.count)
        let mean = members.reduce(0) { $0 + $1.duration } / n
        let gPhi: [Double]
        switch estimator {
        case .likelihoodRatio:
            let rewards = members.map { SSALikelihoodRatio.Reward(owner: $0.owner, position: $0.position, level: level, value: $0.duration / n) }
            gPhi = try SSALikelihoodRatio.coordinateGradient(paths: paths, sims: sims, rewards: rewards, network: networks[r].network,
                                                             phi: phi, resolution: records[r].resolution, lookback: lookback)
        case .straightThrough:
            let species = networks[r].network.speciesCount
            var adjoints = zip(paths, sims).map { path, sim in
                channels == 1 ? Self.adjointSkeleton(path, sim, speciesCount: species, observing: [observable])
                              : TrajectoryAdjoint(for: path, speciesCount: species, observing: [observable])
            }
            for m in members {
                if channels == 1 {
                    Self.addDurationAdjoint(&adjoints[m.owner], path: paths[m.owner], sim: sims[m.owner], interval: m.position,
                                            weight: 1 / n, observable: observable)
                } else {
                    adjoints[m.owner].addDuration(firstSegment: sims[m.owner].firstSegment[m.position],
                                                  lastSegment: sims[m.owner].lastSegment[m.position], weight: 1 / n)
                }
            }
            gPhi = try engines[r].gradient(trajectories: paths, adjoints: adjoints, coordinates: phi)
        }
        return (mean, networks[r].thetaGradient(scheme, coordinateGradient: gPhi), members.count)
    }
}
