// Fitting rates to ensemble-mean time courses (window averages of observables).

/// Fits parameter coordinates so that the ensemble means of window averages
/// m_{o,w}(θ) = E[(1/|w|)∫_w o(x(t)) dt] match target values, by Adam on the straight-through
/// gradient. Loss L = Σ_{o,w} ((m̂_{o,w} − target_{o,w}) / scale_o)² with m̂ the mean over the
/// iteration's ensemble. Window averages (rather than point values) let the event times carry
/// gradient, which point values on a grid cannot.
public struct WindowAverageFit: Sendable {
    public var network: ReactionNetwork
    public var observables: [Observable]
    /// Averaging windows [start, end), all within [0, horizon].
    public var windows: [ClosedRange<Double>]
    /// targets[o][w].
    public var targets: [[Double]]
    /// Per-observable scale of the residuals (e.g. the observable's typical size).
    public var scales: [Double]
    public var trajectoriesPerIteration: Int
    public var options: GradientOptions
    /// Which coordinates are fitted (others keep their start values).
    public var fitted: [Bool]

    /// - Throws: `invalidArgument` if shapes disagree or a window is empty.
    public init(network: ReactionNetwork, observables: [Observable], windows: [ClosedRange<Double>], targets: [[Double]],
                scales: [Double], trajectoriesPerIteration: Int, options: GradientOptions = GradientOptions(),
                fitted: [Bool]? = nil) throws {
        guard targets.count == observables.count, scales.count == observables.count,
              targets.allSatisfy({ $0.count == windows.count }) else {
            throw KineticsError.invalidArgument("targets and scales need one row per observable and one column per window")
        }
        guard windows.allSatisfy({ $0.upperBound > $0.lowerBound && $0.lowerBound >= 0 }), trajectoriesPerIteration >= 1 else {
            throw KineticsError.invalidArgument("windows must be non-empty and start at ≥ 0; need ≥ 1 trajectory")
        }
        self.network = network
        self.observables = observables
        self.windows = windows
        self.targets = targets
        self.scales = scales
        self.trajectoriesPerIteration = trajectoriesPerIteration
        self.options = options
        self.fitted = fitted ?? [Bool](repeating: true, count: network.parameters.count)
    }

    /// The horizon needed: the end of the last window.
    public var horizon: Double { Self.horizon(of: windows) }

    /// The end of the last of `windows` (0 for none).
    static func horizon(of windows: [ClosedRange<Double>]) -> Double { windows.map(\.upperBound).max() ?? 0 }

    /// Ensemble means of the window averages at coordinates θ: result[o][w].
    public static func windowMeans(network: ReactionNetwork, observables: [Observable], windows: [ClosedRange<Double>],
                                   coordinates: [Double]? = nil, trajectories: Int, seed: UInt64,
                                   threads: Int? = nil) throws -> [[Double]] {
        let ensemble = try EnsembleSimulator(network: network)
        let horizon = Self.horizon(of: windows)
        let paths = try ensemble.simulate(coordinates: coordinates, trajectories: trajectories, horizon: .time(horizon),
                                          seed: seed, threads: threads)
        return means(paths, network: network, observables: observables, windows: windows)
    }

    static func means(_ paths: [Trajectory], network: ReactionNetwork, observables: [Observable],
                      windows: [ClosedRange<Double>]) -> [[Double]] {
        observables.map { o in
            var m = [Double](repeating: 0, count: windows.count)
            for path in paths {
                let series = path.observableSeries(o, network: network)
                for (w, window) in windows.enumerated() {
                    m[w] += TrajectoryStatistics.timeAverage(path, series: series, from: window.lowerBound, to: window.upperBound)
                        / Double(paths.count)
                }
            }
            return m
        }
    }

    /// Loss and ∂L/∂θ at θ from one ensemble of `trajectoriesPerIteration` trajectories (stream seed).
    public func lossAndGradient(coordinates theta: [Double], seed: UInt64, threads: Int? = nil) throws -> (loss: Double, gradient: [Double]) {
        let ensemble = try EnsembleSimulator(network: network, options: options)
        let paths = try ensemble.simulate(coordinates: theta, trajectories: trajectoriesPerIteration, horizon: .time(horizon),
                                          seed: seed, threads: threads, forGradient: true)
        let m = Self.means(paths, network: network, observables: observables, windows: windows)
        let loss = self.loss(means: m)
        var residualWeight = m
        for o in observables.indices {
            for w in windows.indices {
                let r = (m[o][w] - targets[o][w]) / scales[o]
                residualWeight[o][w] = 2 * r / scales[o] / Double(paths.count)   // dL/d(one trajectory's average)
            }
        }
        let net = network, obs = observables, wins = windows, weights = residualWeight
        let adjoints = try ParallelEnsemble.map(count: paths.count, threads: threads) { i -> TrajectoryAdjoint in
            var adj = TrajectoryAdjoint(for: paths[i], speciesCount: net.speciesCount, observing: obs)
            for (o, observable) in obs.enumerated() {
                let series = paths[i].observableSeries(observable, network: net)
                for (w, window) in wins.enumerated() {
                    TrajectoryStatistics.addTimeAverageAdjoint(paths[i], series: series, observable: observable,
                                                               from: window.lowerBound, to: window.upperBound,
                                                               weight: weights[o][w], into: &adj)
                }
            }
            return adj
        }
        var gradient = try ensemble.gradient(trajectories: paths, adjoints: adjoints, coordinates: theta, threads: threads)
        for k in gradient.indices where !fitted[k] { gradient[k] = 0 }
        return (loss, gradient)
    }

    /// L = Σ_{o,w} ((m_{o,w} − target_{o,w}) / scale_o)² of window means m[o][w].
    func loss(means m: [[Double]]) -> Double {
        var loss = 0.0
        for o in observables.indices {
            for w in windows.indices {
                let r = (m[o][w] - targets[o][w]) / scales[o]
                loss += r * r
            }
        }
        return loss
    }

    /// Runs Adam from `start` for `iterations` iterations; iteration i uses seed `seed + i`.
    ///
    /// `horizons`: a curriculum. Stage h fits only the windows that end by h (their targets), for
    /// `iterations` iterations with the schedule restarted, from the previous stage's estimate; a
    /// last stage fits every window. The straight-through gradient's error grows with the horizon
    /// (README, "More free rates on the oscillator"), so short windows first bring the fast rates
    /// close enough for the longer ones to steer right. The result runs through the stages in
    /// order (`iterates`, `losses`: each stage's loss over its own windows; progress counts on
    /// across stages); its estimate is the last stage's.
    /// - Throws: `invalidArgument` for a horizon that is not positive and finite or that no window
    ///   ends by; simulation errors.
    public func run(start: [Double], iterations: Int, schedule: LearningRateSchedule, seed: UInt64,
                    threads: Int? = nil, horizons: [Double] = [],
                    progress: ((Int, Double) -> Void)? = nil) throws -> GradientFitResult {
        var combined: GradientFitResult?
        for (n, stage) in try curriculumStages(horizons: horizons).map(\.fit).enumerated() {
            let offset = n * iterations
            let result = try GradientFit.run(start: combined?.estimate ?? start, iterations: iterations,
                                             optimizer: Adam(schedule: schedule),
                                             progress: progress.map { report in { i, loss in report(offset + i, loss) } }) { i, theta in
                try stage.lossAndGradient(coordinates: theta, seed: seed &+ UInt64(i), threads: threads)
            }
            if var sofar = combined {
                sofar.iterates += result.iterates.dropFirst()
                sofar.losses += result.losses
                sofar.estimate = result.estimate
                combined = sofar
            } else {
                combined = result
            }
        }
        return combined!
    }

    /// A curriculum's stages: one per distinct horizon before the last window's end, in order, each
    /// fitting the windows (and targets) that end by it, then this fit itself at `horizon`.
    /// - Throws: `invalidArgument` for a horizon that is not positive and finite or that no window
    ///   ends by.
    public func curriculumStages(horizons: [Double]) throws -> [(horizon: Double, fit: WindowAverageFit)] {
        try Self.curriculum(horizons: horizons, windows: windows).map { stage in
            guard let kept = stage.windows else { return (stage.horizon, self) }
            var fit = self
            fit.windows = kept.map { windows[$0] }
            fit.targets = targets.map { row in kept.map { row[$0] } }
            return (stage.horizon, fit)
        }
    }

    /// The stage horizons of a curriculum over `windows` and, per stage before the last, the indices
    /// of the windows that end by its horizon (nil: the last stage, every window, ending at the last
    /// window's end). Needs no simulation, so a caller can check a curriculum before it runs.
    /// - Throws: `invalidArgument` for a horizon that is not positive and finite or that no window
    ///   ends by.
    public static func curriculum(horizons: [Double], windows: [ClosedRange<Double>]) throws
        -> [(horizon: Double, windows: [Int]?)] {
        guard horizons.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw KineticsError.invalidArgument("curriculum horizons must be positive and finite")
        }
        let end = Self.horizon(of: windows)
        return try Set(horizons.filter { $0 < end }).sorted().map { h in
            let kept = windows.indices.filter { windows[$0].upperBound <= h }
            guard !kept.isEmpty else {
                let first = windows.map(\.upperBound).min() ?? 0
                throw KineticsError.invalidArgument("no window ends by the curriculum horizon \(h) (the first ends at \(first))")
            }
            return (h, kept)
        } + [(end, nil)]
    }
}
