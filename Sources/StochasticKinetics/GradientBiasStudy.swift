// Bias and variance of the straight-through gradient of a stationary time average.

/// One row of a bias study: the ensemble-mean gradient of a time average vs the exact one.
public struct GradientBiasRow: Sendable, Codable, Hashable {
    public var temperature: Double
    /// nil = no truncation.
    public var truncation: Int?
    /// Mean events per trajectory inside the averaging window.
    public var eventsPerTrajectory: Double
    public var trajectories: Int
    /// Ensemble-mean gradient, one entry per parameter.
    public var meanGradient: [Double]
    /// Standard error of each mean entry.
    public var standardError: [Double]
    /// The exact gradient it is compared with.
    public var exactGradient: [Double]
    /// |mean − exact| / |exact| in Euclidean norm.
    public var relativeBias: Double
    /// Per-trajectory standard deviation / |exact| (norm): the noise of one trajectory.
    public var relativeSpread: Double
}

/// Measures E[∂θ (1/W)∫_{b}^{b+W} o dt] by the straight-through estimator against an exact
/// gradient. Trajectories start at the network's initial state; the burn-in b must be long
/// enough for the chain to forget it (the adjoint never reaches back before the window when
/// truncation is finite, and the time average itself ignores the burn-in).
public enum GradientBiasStudy {
    /// - Throws: simulation errors; `invalidArgument` for window ≤ 0 or a mismatched exact gradient.
    public static func measure(network: ReactionNetwork, observable: Observable, exactGradient: [Double],
                               burnIn: Double, window: Double, trajectories: Int, options: GradientOptions,
                               seed: UInt64, threads: Int? = nil) throws -> GradientBiasRow {
        guard window > 0, burnIn >= 0 else { throw KineticsError.invalidArgument("window must be > 0 and burn-in ≥ 0") }
        guard exactGradient.count == network.parameters.count else {
            throw KineticsError.parameterCountMismatch(expected: network.parameters.count, got: exactGradient.count)
        }
        let ensemble = try EnsembleSimulator(network: network, options: options)
        let paths = try ensemble.simulate(trajectories: trajectories, horizon: .time(burnIn + window), seed: seed, threads: threads,
                                          forGradient: true)
        let adjoints = try ParallelEnsemble.map(count: paths.count, threads: threads) { i -> TrajectoryAdjoint in
            let path = paths[i]
            var adj = TrajectoryAdjoint(for: path, speciesCount: network.speciesCount, observing: [observable])
            TrajectoryStatistics.addTimeAverageAdjoint(path, series: path.observableSeries(observable, network: network),
                                                       observable: observable, from: burnIn, to: burnIn + window,
                                                       weight: 1, into: &adj)
            return adj
        }
        let gradients = try ensemble.perTrajectoryGradients(trajectories: paths, adjoints: adjoints, threads: threads)
        let events = paths.reduce(0.0) { total, path in
            total + Double(path.eventTimes.filter { $0 > burnIn }.count)
        } / Double(paths.count)
        return summarize(gradients, exactGradient: exactGradient, options: options, eventsPerTrajectory: events)
    }
}

/// Exact stationary quantities of a single molecule hopping along a linear chain of states
/// S1 ⇌ S2 ⇌ … ⇌ Sn (forward rates f_i, backward b_i), the reference for bias studies.
public enum LinearChain {
    /// Stationary occupancies π_i ∝ Π_{m<i} f_m/b_m (detailed balance holds on a chain).
    public static func stationaryDistribution(forward f: [Double], backward b: [Double]) -> [Double] {
        var w = [1.0]
        for i in f.indices { w.append(w[i] * f[i] / b[i]) }
        let z = w.reduce(0, +)
        return w.map { $0 / z }
    }

    /// ∂(Σ_i c_i π_i)/∂log f_m and ∂/∂log b_m, interleaved as [f_1, b_1, f_2, b_2, …].
    /// From log w_i = Σ_{m<i}(log f_m − log b_m): ∂π_i/∂log f_m = π_i(1[i>m] − P(>m)).
    public static func stationaryAverageGradient(forward f: [Double], backward b: [Double], weights c: [Double]) -> [Double] {
        let pi = stationaryDistribution(forward: f, backward: b)
        let mean = zip(pi, c).reduce(0) { $0 + $1.0 * $1.1 }
        var gradient: [Double] = []
        for m in f.indices {
            // Σ_{i>m} π_i (c_i − mean): the covariance of c with the indicator "beyond step m".
            var d = 0.0
            for i in (m + 1)..<pi.count { d += pi[i] * (c[i] - mean) }
            gradient.append(d)
            gradient.append(-d)
        }
        return gradient
    }
}

// MARK: - The standard sweep

extension GradientBiasStudy {
    /// A configuration of the sweep: temperature, truncation, window length in events and the
    /// reactions the choice's softmax runs over.
    public struct Setting: Sendable, Hashable {
        public var temperature: Double
        public var truncation: Int?
        public var events: Int
        public var relaxation: ChoiceRelaxation
        public init(temperature: Double, truncation: Int?, events: Int, relaxation: ChoiceRelaxation = .allReactions) {
            self.temperature = temperature
            self.truncation = truncation
            self.events = events
            self.relaxation = relaxation
        }
    }

    /// The sweep reported in README.md: τ at K = 1 and 10³ events; K at τ = 0.5 and 10³ events;
    /// the horizon (10², 10³, 10⁴ events) at τ = 0.5 for K = 1 and for no truncation.
    public static var standardSettings: [Setting] { standardSettings(relaxation: .allReactions) }

    /// `standardSettings` with the given relaxation.
    public static func standardSettings(relaxation: ChoiceRelaxation) -> [Setting] {
        standardSettingsList.map { var s = $0; s.relaxation = relaxation; return s }
    }

    private static var standardSettingsList: [Setting] {
        var s: [Setting] = []
        for tau in [0.1, 0.25, 0.5, 1, 2] { s.append(Setting(temperature: tau, truncation: 1, events: 1000)) }
        for k in [0, 2, 5, 20] { s.append(Setting(temperature: 0.5, truncation: k, events: 1000)) }
        for events in [100, 10_000] { s.append(Setting(temperature: 0.5, truncation: 1, events: events)) }
        for events in [100, 1000, 10_000] { s.append(Setting(temperature: 0.5, truncation: nil, events: events)) }
        return s
    }

    /// Runs `settings` with about `eventsPerSetting` events each (trajectories = that / events)
    /// and returns one row per setting; `eventRate` converts events to a time window.
    public static func sweep(network: ReactionNetwork, observable: Observable, exactGradient: [Double], eventRate: Double,
                             burnIn: Double, settings: [Setting] = standardSettings, eventsPerSetting: Int = 2_000_000,
                             seed: UInt64 = 1, threads: Int? = nil,
                             progress: ((GradientBiasRow) -> Void)? = nil) throws -> [GradientBiasRow] {
        try run(settings, eventsPerSetting: eventsPerSetting, eventRate: eventRate, progress: progress) { window, trajectories, options in
            try measure(network: network, observable: observable, exactGradient: exactGradient, burnIn: burnIn,
                        window: window, trajectories: trajectories, options: options, seed: seed, threads: threads)
        }
    }

    /// One row per setting: its window (events / `eventRate`), trajectories (about
    /// `eventsPerSetting` events in all, at least 16) and gradient options, measured by `measure`.
    static func run(_ settings: [Setting], eventsPerSetting: Int, eventRate: Double, progress: ((GradientBiasRow) -> Void)?,
                    measure: (_ window: Double, _ trajectories: Int, _ options: GradientOptions) throws -> GradientBiasRow)
        rethrows -> [GradientBiasRow] {
        try settings.map { setting in
            let row = try measure(Double(setting.events) / eventRate, max(16, eventsPerSetting / setting.events),
                                  GradientOptions(temperature: setting.temperature, truncation: setting.truncation,
                                                  relaxation: setting.relaxation))
            progress?(row)
            return row
        }
    }

    /// A Markdown table of rows (bias and spread relative to |exact gradient|).
    public static func markdownTable(_ rows: [GradientBiasRow], parameterNames: [String]) -> String {
        var out = "| τ | K | events/traj | trajectories | mean gradient (" + parameterNames.joined(separator: ", ")
        out += ") | rel. bias | rel. SD per trajectory | rel. SE of mean |\n|---|---|---|---|---|---|---|---|\n"
        for r in rows {
            let mean = r.meanGradient.map { formatted($0) }.joined(separator: ", ")
            let exactNorm = r.exactGradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let se = r.standardError.reduce(0) { $0 + $1 * $1 }.squareRoot() / exactNorm
            out += "| \(r.temperature) | \(r.truncation.map(String.init) ?? "none") | \(Int(r.eventsPerTrajectory.rounded())) | "
            out += "\(r.trajectories) | \(mean) | \(formatted(r.relativeBias)) | \(formatted(r.relativeSpread)) | \(formatted(se)) |\n"
        }
        return out
    }

    static func formatted(_ x: Double) -> String {
        let magnitude = abs(x)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e4) {
            let e = Int(libmLog(magnitude) / libmLog(10)).advanced(by: magnitude < 1 ? -1 : 0)
            let mantissa = x / libmExp(Double(e) * libmLog(10))
            return "\(Double(Int(mantissa * 1000)) / 1000)e\(e)"
        }
        return "\(Double(Int((x * 10000).rounded())) / 10000)"
    }
}
