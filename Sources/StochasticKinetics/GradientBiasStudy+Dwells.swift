// Bias and variance of the straight-through gradient of a mean dwell time (e.g. the mean shut
// time of a channel), against the exact first-passage gradient.

extension GradientBiasStudy {
    /// Measures E[∂θ (mean duration of the uncensored dwells at `level` of `observable`)] over
    /// `trajectories` trajectories on [0, `horizon`]: each trajectory's loss is the mean of its
    /// own dwells (adjoint 1/n on each dwell's duration); trajectories without such a dwell
    /// contribute a zero gradient and are counted. `eventsPerTrajectory` of the row is the mean
    /// event count.
    /// - Throws: simulation errors; `invalidArgument` for horizon ≤ 0;
    ///   `parameterCountMismatch` for a mismatched exact gradient.
    public static func measureMeanDwell(network: ReactionNetwork, observable: Observable, level: Double,
                                        exactGradient: [Double], horizon: Double, trajectories: Int,
                                        options: GradientOptions, seed: UInt64, threads: Int? = nil) throws -> GradientBiasRow {
        guard horizon > 0 else { throw KineticsError.invalidArgument("horizon must be > 0") }
        guard exactGradient.count == network.parameters.count else {
            throw KineticsError.parameterCountMismatch(expected: network.parameters.count, got: exactGradient.count)
        }
        let ensemble = try EnsembleSimulator(network: network, options: options)
        let paths = try ensemble.simulate(trajectories: trajectories, horizon: .time(horizon), seed: seed, threads: threads,
                                          forGradient: true)
        let adjoints = try ParallelEnsemble.map(count: paths.count, threads: threads) { i -> TrajectoryAdjoint in
            let path = paths[i]
            var adjoint = TrajectoryAdjoint(for: path, speciesCount: network.speciesCount)
            let dwells = TrajectoryStatistics.dwells(path, series: path.observableSeries(observable, network: network))
                .filter { !$0.censored && $0.level == level }
            for dwell in dwells {
                adjoint.addDuration(firstSegment: dwell.firstSegment, lastSegment: dwell.lastSegment,
                                    weight: 1 / Double(dwells.count))
            }
            return adjoint
        }
        let gradients = try ensemble.perTrajectoryGradients(trajectories: paths, adjoints: adjoints, threads: threads)
        let events = Double(paths.reduce(0) { $0 + $1.eventCount }) / Double(paths.count)
        return summarize(gradients, exactGradient: exactGradient, options: options, eventsPerTrajectory: events)
    }

    /// Mean, standard error, relative bias and spread of per-trajectory gradients.
    static func summarize(_ gradients: [[Double]], exactGradient: [Double], options: GradientOptions,
                          eventsPerTrajectory: Double) -> GradientBiasRow {
        let n = Double(gradients.count), p = exactGradient.count
        var mean = [Double](repeating: 0, count: p), variance = mean
        for g in gradients { for k in 0..<p { mean[k] += g[k] / n } }
        for g in gradients { for k in 0..<p { variance[k] += (g[k] - mean[k]) * (g[k] - mean[k]) / max(n - 1, 1) } }
        let exactNorm = exactGradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let biasNorm = zip(mean, exactGradient).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        return GradientBiasRow(temperature: options.temperature, truncation: options.truncation,
                               eventsPerTrajectory: eventsPerTrajectory, trajectories: gradients.count, meanGradient: mean,
                               standardError: variance.map { ($0 / n).squareRoot() }, exactGradient: exactGradient,
                               relativeBias: biasNorm / exactNorm,
                               relativeSpread: variance.reduce(0, +).squareRoot() / exactNorm)
    }

    /// The mean-dwell table's rows: τ at K = 1, K at τ = 0.5 (and no truncation), horizons.
    public static var meanDwellSettings: [Setting] {
        var s: [Setting] = []
        for tau in [0.1, 0.25, 0.5, 1, 2] { s.append(Setting(temperature: tau, truncation: 1, events: 1000)) }
        for k in [0, 2, 5] { s.append(Setting(temperature: 0.5, truncation: k, events: 1000)) }
        s.append(Setting(temperature: 0.5, truncation: nil, events: 1000))
        for events in [100, 10_000] { s.append(Setting(temperature: 0.5, truncation: 1, events: events)) }
        return s
    }

    /// The mean-shut-time sweep of README.md on the 3-state channel: τ at K = 1, K at τ = 0.5
    /// (about 1000 events per trajectory), and the horizon (10², 10³, 10⁴ events) at K = 1.
    /// `eventRate` converts events to time; about `eventsPerSetting` events per row.
    public static func meanDwellSweep(network: ReactionNetwork, observable: Observable, level: Double,
                                      exactGradient: [Double], eventRate: Double, eventsPerSetting: Int = 2_000_000,
                                      settings: [Setting] = meanDwellSettings, seed: UInt64 = 1, threads: Int? = nil,
                                      progress: ((GradientBiasRow) -> Void)? = nil) throws -> [GradientBiasRow] {
        try run(settings, eventsPerSetting: eventsPerSetting, eventRate: eventRate, progress: progress) { horizon, trajectories, options in
            try measureMeanDwell(network: network, observable: observable, level: level, exactGradient: exactGradient,
                                 horizon: horizon, trajectories: trajectories, options: options, seed: seed, threads: threads)
        }
    }
}

extension LinearChain {
    /// Mean first-passage time from state i to state i+1 (0-based i) of a single molecule on the
    /// chain, i.e. the mean dwell in the shut class S0…Si when the chain is entered at Si and
    /// Si+1 is open: (Σ_{j≤i} w_j)/(w_i·f_i), with w the detailed-balance weights
    /// (w_0 = 1, w_{j+1} = w_j·f_j/b_j). For C1⇌C2⇌O and i = 1: (k12 + k21)/(k12·k23).
    public static func meanPassageTime(forward f: [Double], backward b: [Double], from i: Int) -> Double {
        let w = weights(forward: f, backward: b)
        return w[0...i].reduce(0, +) / (w[i] * f[i])
    }

    /// ∂(meanPassageTime)/∂log f_m and ∂/∂log b_m, interleaved [f_0, b_0, f_1, b_1, …]. From
    /// log T = log Σ_{j≤i} w_j − log w_i − log f_i and ∂log w_j/∂log f_m = 1[j > m] = −∂log w_j/∂log b_m.
    public static func meanPassageTimeGradient(forward f: [Double], backward b: [Double], from i: Int) -> [Double] {
        let w = weights(forward: f, backward: b)
        let total = w[0...i].reduce(0, +)
        let t = total / (w[i] * f[i])
        var gradient: [Double] = []
        for m in f.indices {
            let beyond = (0...i).reduce(0.0) { $0 + ($1 > m ? w[$1] : 0) } / total   // share of Σw with j > m
            let step = i > m ? 1.0 : 0.0
            gradient.append(t * (beyond - step - (m == i ? 1 : 0)))
            gradient.append(t * (step - beyond))
        }
        return gradient
    }

    /// Unnormalised detailed-balance weights of the chain.
    static func weights(forward f: [Double], backward b: [Double]) -> [Double] {
        var w = [1.0]
        for i in f.indices { w.append(w[i] * f[i] / b[i]) }
        return w
    }
}
