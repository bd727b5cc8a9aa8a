// The paper's synthetic fitting benchmarks: reversible dimerization and the Vilar oscillator.

/// The outcome of a benchmark fit.
public struct FitBenchmarkResult: Sendable {
    /// Names of the fitted parameters.
    public var parameters: [String]
    /// True values, start values and the estimate (natural scale).
    public var truth: [Double]
    public var start: [Double]
    public var estimate: [Double]
    /// estimate/truth − 1.
    public var relativeErrors: [Double]
    public var targetTrajectories: Int
    public var trajectoriesPerIteration: Int
    public var iterations: Int
    public var wallSeconds: Double
    /// The straight-through gradient's settings the fit ran with.
    public var options: GradientOptions
    /// The loss at every iteration (before its step): how far the fit had converged.
    public var losses: [Double]
    /// The fitted observables (species names) and, per observable, R² of the window means
    /// simulated at the estimate against the target's, 1 − Σ(m − target)²/Σ(target − mean)²,
    /// next to what the true parameters score on an ensemble of the same size (the target's noise
    /// alone). Both from fresh ensembles of `targetTrajectories`, not counted in `wallSeconds`.
    public var observableNames: [String]
    public var rSquared: [Double]
    public var rSquaredAtTruth: [Double]
    /// The curriculum's stage horizons, the last the end of the last window (one entry: no
    /// curriculum). `iterations` counts every stage's; `losses` runs through the stages in order,
    /// each stage's loss over its own windows.
    public var horizons: [Double]
}

/// Sizes of a benchmark fit.
public struct FitBenchmarkSize: Sendable {
    public var targetTrajectories: Int
    public var trajectoriesPerIteration: Int
    public var iterations: Int
    public init(targetTrajectories: Int, trajectoriesPerIteration: Int, iterations: Int) {
        self.targetTrajectories = targetTrajectories
        self.trajectoriesPerIteration = trajectoriesPerIteration
        self.iterations = iterations
    }
}

/// One benchmark's fitting problem before its sizes are chosen: the model, what is matched
/// (window means of observables), which rates are fitted and where they start.
public struct FitBenchmarkProblem: Sendable {
    public var network: ReactionNetwork
    public var observables: [Observable]
    public var observableNames: [String]
    public var windows: [ClosedRange<Double>]
    /// Per-observable residual scales of the loss.
    public var scales: [Double]
    /// The fitted rates (parameter names) and their starts as multiples of the truth.
    public var fitted: [String]
    public var startFactors: [Double]
    public var options: GradientOptions

    /// The fitted rates' coordinate indices.
    func fittedIndices() throws -> [Int] {
        try fitted.map { name -> Int in
            guard let k = network.parameterIndex(name) else { throw KineticsError.malformedModel("no parameter \(name)") }
            return k
        }
    }

    /// The coordinates the fit starts from: the truth with each fitted rate × its start factor.
    func startCoordinates(_ indices: [Int]) -> [Double] {
        var start = network.parameterCoordinates
        for (i, k) in indices.enumerated() { start[k] += libmLog(startFactors[i]) }
        return start
    }

    /// The loss against target window means simulated at the true rates (stream seed + 1000003),
    /// with only the `indices` coordinates fitted.
    func loss(indices: [Int], targetTrajectories: Int, trajectoriesPerIteration: Int, seed: UInt64,
              threads: Int?) throws -> WindowAverageFit {
        let targets = try WindowAverageFit.windowMeans(network: network, observables: observables, windows: windows,
                                                       trajectories: targetTrajectories, seed: seed &+ 1_000_003,
                                                       threads: threads)
        var mask = [Bool](repeating: false, count: network.parameters.count)
        for k in indices { mask[k] = true }
        return try WindowAverageFit(network: network, observables: observables, windows: windows, targets: targets,
                                    scales: scales, trajectoriesPerIteration: trajectoriesPerIteration,
                                    options: options, fitted: mask)
    }

    /// Fits from the start to targets simulated at the true rates (independent seeds) by
    /// `WindowAverageFit` with Adam 0.05 → 0.005, the estimate the mean of the last 25 % iterates.
    /// `horizons`: a curriculum (`WindowAverageFit.run(horizons:)`), `size.iterations` per stage.
    /// Horizons at or beyond the last window's end add nothing.
    /// - Throws: `invalidArgument` for a horizon that is not positive and finite or that no window
    ///   ends by; simulation errors.
    public func fit(size: FitBenchmarkSize, seed: UInt64 = 1, threads: Int? = nil,
                    horizons: [Double] = []) throws -> FitBenchmarkResult {
        let clock = ContinuousClock(), t0 = clock.now
        let indices = try fittedIndices()
        let start = startCoordinates(indices)
        let fit = try loss(indices: indices, targetTrajectories: size.targetTrajectories,
                           trajectoriesPerIteration: size.trajectoriesPerIteration, seed: seed, threads: threads)
        let stages = try stageHorizons(horizons)
        let result = try fit.run(start: start, iterations: size.iterations,
                                 schedule: .exponentialDecay(initial: 0.05, final: 0.005, iterations: size.iterations),
                                 seed: seed, threads: threads, horizons: horizons)
        let coordinates = result.estimate, losses = result.losses, targets = fit.targets
        let wall = EngineBenchmark.seconds(clock.now - t0)
        let truth = network.parameterCoordinates
        let estimate = indices.map { libmExp(coordinates[$0]) }, trueValues = indices.map { libmExp(truth[$0]) }
        let atEstimate = try WindowAverageFit.windowMeans(network: network, observables: observables, windows: windows,
                                                          coordinates: coordinates, trajectories: size.targetTrajectories,
                                                          seed: seed &+ 2_000_003, threads: threads)
        let atTruth = try WindowAverageFit.windowMeans(network: network, observables: observables, windows: windows,
                                                       trajectories: size.targetTrajectories, seed: seed &+ 3_000_003,
                                                       threads: threads)
        return FitBenchmarkResult(parameters: fitted, truth: trueValues, start: indices.map { libmExp(start[$0]) },
                                  estimate: estimate, relativeErrors: zip(estimate, trueValues).map { $0 / $1 - 1 },
                                  targetTrajectories: size.targetTrajectories,
                                  trajectoriesPerIteration: size.trajectoriesPerIteration, iterations: size.iterations * stages.count,
                                  wallSeconds: wall, options: options, losses: losses, observableNames: observableNames,
                                  rSquared: zip(atEstimate, targets).map { FitBenchmarks.rSquared($0, $1) },
                                  rSquaredAtTruth: zip(atTruth, targets).map { FitBenchmarks.rSquared($0, $1) },
                                  horizons: stages)
    }

    /// The horizons of the stages a fit with curriculum `horizons` runs, the last the end of the last
    /// window (`WindowAverageFit.curriculum`): checks a curriculum without simulating.
    /// - Throws: `invalidArgument` for a horizon that is not positive and finite or that no window
    ///   ends by.
    public func stageHorizons(_ horizons: [Double]) throws -> [Double] {
        try WindowAverageFit.curriculum(horizons: horizons, windows: windows).map(\.horizon)
    }

    /// The straight-through gradient at the start against central finite differences of the same
    /// loss (`WindowAverageFit.gradientCheck`): whether a fit from there can trust its gradient.
    public func gradientCheck(targetTrajectories: Int, trajectories: Int, step: Double = 0.1, seed: UInt64 = 1,
                              threads: Int? = nil) throws -> GradientCheck {
        let indices = try fittedIndices()
        let fit = try loss(indices: indices, targetTrajectories: targetTrajectories, trajectoriesPerIteration: trajectories,
                           seed: seed, threads: threads)
        return try fit.gradientCheck(coordinates: startCoordinates(indices), step: step, seed: seed, threads: threads)
    }
}

/// The paper's synthetic benchmarks: fits from wrong, ratio-breaking starts to targets simulated
/// at the true rates (`FitBenchmarkProblem.fit`).
public enum FitBenchmarks {
    /// 2A ⇌ A₂ from A(0) = 100: both rates from kf × 3, kb ÷ 2; mean A on 7 log-spaced windows
    /// up to t = 3.2; untruncated straight-through gradient (copy numbers, README "Choosing K") at
    /// temperature `temperature` (two reactions: every relaxation is the same estimator).
    public static func dimerizationProblem(temperature: Double = 0.5) -> FitBenchmarkProblem {
        let model = BenchmarkModels.dimerization
        let windows: [ClosedRange<Double>] = [0...0.05, 0.05...0.1, 0.1...0.2, 0.2...0.4, 0.4...0.8, 0.8...1.6, 1.6...3.2]
        return FitBenchmarkProblem(network: model.network, observables: [model.observable], observableNames: ["A"],
                                   windows: windows, scales: [1], fitted: ["kf", "kb"], startFactors: [3, 0.5],
                                   options: GradientOptions(temperature: temperature, truncation: nil))
    }

    /// `dimerizationProblem` fitted at `size`.
    public static func dimerization(size: FitBenchmarkSize, seed: UInt64 = 1, threads: Int? = nil,
                                    temperature: Double = 0.5) throws -> FitBenchmarkResult {
        try dimerizationProblem(temperature: temperature).fit(size: size, seed: seed, threads: threads)
    }

    /// The oscillator benchmark's fitted rates unless others are named: βA and δR.
    public static let oscillatorRates = ["betaA", "deltaR"]

    /// Vilar et al. (2002): by default βA (activator translation) × 1.3 and δR (repressor decay)
    /// × 0.75, matching the mean A and R over the first pulse (hourly windows, 0–12 h); untruncated
    /// gradient. `fitted`: the rates to recover (parameter names), the rest held at truth;
    /// `startFactors`: their starts as multiples of the truth (default × 1.3, × 0.75, × 1.3, … in
    /// that order). `relaxation`: the choice's softmax over all reactions or the runner-up only;
    /// `temperature` its τ.
    /// - Throws: `invalidArgument` for an unknown, repeated or empty list of names, or start
    ///   factors that are not one positive number per fitted rate.
    public static func oscillatorProblem(fitted: [String] = oscillatorRates, startFactors: [Double]? = nil,
                                         relaxation: ChoiceRelaxation = .allReactions,
                                         temperature: Double = 0.5) throws -> FitBenchmarkProblem {
        let network = BenchmarkModels.oscillator.network
        guard let a = network.speciesIndex("A"), let r = network.speciesIndex("R") else {
            throw KineticsError.malformedModel("oscillator lacks A or R")
        }
        let known = network.parameters.map(\.name)
        if let unknown = fitted.first(where: { !known.contains($0) }) {
            throw KineticsError.invalidArgument("the oscillator has no rate \(unknown) (it has \(known.joined(separator: ", ")))")
        }
        guard !fitted.isEmpty, Set(fitted).count == fitted.count else {
            throw KineticsError.invalidArgument("fit a non-empty list of distinct oscillator rates")
        }
        let factors = startFactors ?? fitted.indices.map { $0 % 2 == 0 ? 1.3 : 0.75 }
        guard factors.count == fitted.count, factors.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw KineticsError.invalidArgument("give one positive start factor per fitted rate (\(fitted.count))")
        }
        let windows: [ClosedRange<Double>] = (0..<12).map { Double($0)...Double($0 + 1) }
        return FitBenchmarkProblem(network: network, observables: [.species(a, of: network), .species(r, of: network)],
                                   observableNames: ["A", "R"], windows: windows, scales: [100, 100],
                                   fitted: fitted, startFactors: factors,
                                   options: GradientOptions(temperature: temperature, truncation: nil, relaxation: relaxation))
    }

    /// `oscillatorProblem` fitted at `size`.
    public static func oscillator(size: FitBenchmarkSize, seed: UInt64 = 1, threads: Int? = nil,
                                  relaxation: ChoiceRelaxation = .allReactions, temperature: Double = 0.5) throws -> FitBenchmarkResult {
        try oscillatorProblem(relaxation: relaxation, temperature: temperature).fit(size: size, seed: seed, threads: threads)
    }

    /// A single channel whose closed state has three exits (`StarChannel`; openings c 2000,
    /// 1500, 600 s⁻¹, closings o 3000, 800, 5000 s⁻¹), started closed: the three opening rates —
    /// the competing exits of C — from a start 30 % off (× 1.3, 0.75, 1.3; the closing rates held
    /// at truth: with both free, O3's fast closing leaves a shallow valley along (c3, o3) that 400
    /// iterations do not descend — README), matching the mean
    /// occupancy of each open state on 7 log-spaced windows up to 6.4 ms. The choice in C has
    /// three competitors, so the relaxation, τ and K matter (README, "Bias of ∂Popen where three
    /// exits compete").
    public static func star(size: FitBenchmarkSize, seed: UInt64 = 1, threads: Int? = nil,
                            options: GradientOptions = GradientOptions()) throws -> FitBenchmarkResult {
        let network = try StarChannel.network(opening: [2000, 1500, 600], closing: [3000, 800, 5000])
        let edges: [Double] = [0, 1e-4, 2e-4, 4e-4, 8e-4, 1.6e-3, 3.2e-3, 6.4e-3]
        let windows: [ClosedRange<Double>] = (0..<7).map { edges[$0]...edges[$0 + 1] }
        return try FitBenchmarkProblem(network: network, observables: (1...3).map { .species($0, of: network) },
                                       observableNames: ["O1", "O2", "O3"], windows: windows, scales: [0.1, 0.1, 0.1],
                                       fitted: ["c1", "c2", "c3"], startFactors: [1.3, 0.75, 1.3], options: options)
            .fit(size: size, seed: seed, threads: threads)
    }

    /// 1 − Σ(model − target)²/Σ(target − mean target)² (0/0 — a flat target matched exactly — is 1).
    static func rSquared(_ model: [Double], _ target: [Double]) -> Double {
        let mean = target.reduce(0, +) / Double(max(target.count, 1))
        let residual = zip(model, target).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let total = target.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return total > 0 ? 1 - residual / total : (residual == 0 ? 1 : -.infinity)
    }
}
