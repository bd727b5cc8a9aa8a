import Foundation
import PatchData
import StochasticKinetics

/// Route 2: fit a gating scheme by gradient descent through exact stochastic simulations of
/// N channels (ARCHITECTURE.md §3–4), by default with the likelihood-ratio gradient
/// (`SSAGradientEstimator`; the straight-through pass is kept as the alternative). Adam on the free log-rates θ (learning rate decaying
/// 0.05 → 0.005), the estimate the mean of the last quarter of the iterates; each iteration
/// simulates about `dwellMultiple` times the observed intervals. Rate SDs come from a
/// bootstrap: the observed intervals are resampled with replacement and the fit is restarted
/// from the estimate for `bootstrapIterations` (default: as many as the main fit) with the full
/// learning-rate schedule, so that a replicate can move as far as its data ask; the spread of
/// those estimates (sampling plus simulation noise) is the reported uncertainty. It does not
/// include the gradient's bias, and along a weakly determined direction it is still low:
/// replicates move slowly where the gradient is mostly noise (one-channel C–C–O, 20 s: k21's
/// SD was 0.27× the exact route's with 100 replicate iterations, 0.44× with 400; the well
/// determined rates 0.6–0.9× and 0.8–1.0×).
public struct SSAFit: Sendable {
    public var iterations = 600
    /// Simulated records per data record and iteration (fixed, so results do not depend on the
    /// number of cores).
    public var trajectories = 16
    /// Kept simulated intervals per iteration ÷ observed intervals.
    public var dwellMultiple = 3.0
    public var minimumSimulatedDwells = 3_000
    /// Levels with fewer observed intervals enter only through the open fraction.
    public var minimumLevelCount = 10
    public var initialLearningRate = 0.05
    public var finalLearningRate = 0.005
    /// Weight of the open-fraction term (ARCHITECTURE.md §3: ~10).
    public var popenWeight = 10.0
    /// Straight-through settings: τ = 0.5, and no step truncation — the state adjoint is cut
    /// at resolved level changes instead (see `SSAObjective.adjointSkeleton`).
    public var gradientOptions = GradientOptions(temperature: 0.5, truncation: nil)
    public var bootstrapReplicates = 8
    /// Iterations of each bootstrap replicate; nil: `iterations`.
    public var bootstrapIterations: Int?
    /// Events one simulated record may take before the fit stops with an error (runaway rates).
    public var eventLimit = 50_000_000
    /// Log-rates are kept within [log minRate, log maxRate].
    public var minRate = 1e-6
    public var maxRate = 1e12
    public var seed: UInt64 = 1
    /// How ∂L/∂θ is estimated.
    public var estimator: SSAGradientEstimator = .straightThrough
    /// Likelihood-ratio estimator: earlier intervals whose events count for an interval; nil =
    /// `automaticLookback`.
    public var lookback: Int?

    public init() {}

    /// Fits `scheme` (from its current rates) to `records` of a patch with `channels` channels.
    /// `progress` receives (iteration, loss) after each main-fit iteration.
    public func fit(_ scheme: GatingScheme, records: [SSARecord], channels: Int,
                    progress: (@Sendable (Int, Double) -> Void)? = nil) throws -> KineticFitResult {
        guard !records.isEmpty else { throw GatingModelsError.invalidArgument(name: "records", reason: "nothing to fit") }
        guard iterations >= 4, (bootstrapIterations ?? iterations) >= 4, trajectories >= 1 else {
            throw GatingModelsError.invalidArgument(name: "ssa settings", reason: "need ≥ 4 iterations (main fit and bootstrap replicates) and ≥ 1 trajectory")
        }
        let clock = ContinuousClock(), started = clock.now
        let objective = try makeObjective(scheme, records: records, channels: channels)
        let targets = try self.targets(records.map(\.observed))
        let main = try descend(objective, targets: targets, from: scheme.parameters, iterations: iterations,
                               rates: (initialLearningRate, finalLearningRate), averagedFraction: 0.25,
                               seed: seed, progress: progress)

        // Bootstrap replicates, each from the estimate with resampled targets.
        var replicates: [[Double]] = []
        // No bootstrap around a walk the guard had to stop: its spread would mean nothing.
        let replicateIterations = bootstrapIterations ?? iterations
        for b in 0..<(main.diverged ? 0 : bootstrapReplicates) {
            let resampled = records.enumerated().map { r, record in
                Self.resample(record.observed, seed: SplitMix64.mix(seed ^ (UInt64(b + 1) << 32) ^ UInt64(r)))
            }
            let t = try self.targets(resampled)
            let run = try descend(objective, targets: t, from: main.estimate, iterations: replicateIterations,
                                  rates: (initialLearningRate, finalLearningRate), averagedFraction: 0.5,
                                  seed: SplitMix64.mix(seed &+ UInt64(b + 1) &* 0xD1B5_4A32_D192_ED03), progress: nil)
            replicates.append(run.estimate)
        }
        let covariance = replicates.count >= 2 ? Self.covariance(replicates) : nil

        let fitted = try scheme.with(parameters: main.estimate)
        var result = try SSAFitReport.result(scheme: scheme, fitted: fitted, records: records, channels: channels,
                                             objective: objective, covariance: covariance, seed: seed)
        result.iterations = iterations
        result.evaluations = iterations + replicates.count * replicateIterations
        result.lossCurve = main.losses
        result.channels = channels
        // Converged: not stopped by the guard, and the last quarter's mean loss within 3× the best.
        let tail = main.losses.suffix(max(1, main.losses.count / 4))
        let minimum = main.losses.min() ?? .infinity
        result.converged = !main.diverged && tail.reduce(0, +) / Double(tail.count) <= 3 * minimum
        let elapsed = clock.now - started
        result.wallSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return result
    }

    func makeObjective(_ scheme: GatingScheme, records: [SSARecord], channels: Int) throws -> SSAObjective {
        try SSAObjective(scheme: scheme, records: records, channels: channels, trajectories: trajectories,
                         popenWeight: popenWeight, options: gradientOptions, eventLimit: eventLimit,
                         estimator: estimator, lookback: lookback ?? Self.automaticLookback(scheme, channels: channels))
    }

    /// Look-back of the likelihood-ratio estimator: 0 when one channel enters every conductance
    /// class through a single state (an interval's start then carries no memory), 3 for one
    /// channel otherwise, 8 for a patch of several (the other channels' states persist across
    /// intervals). Measured against the exact gradient of the mean shut time of C1⇌C2⇌O: for two
    /// channels look-back 0/1/3/8 leaves −35/−13/−4/−1.6 % on ∂/∂log k12; for three, 8 and 16
    /// both leave < 5 %. CH82 mean open time, one channel: 0 misses ∂/∂log α1 entirely, 3 is
    /// within 2 SE.
    public static func automaticLookback(_ scheme: GatingScheme, channels: Int) -> Int {
        guard channels == 1 else { return 8 }
        let classOf = scheme.states.map(\.conductanceClass)
        var entries: [Int: Set<Int>] = [:]
        for t in scheme.transitions where classOf[t.from] != classOf[t.to] { entries[classOf[t.to], default: []].insert(t.to) }
        return entries.values.allSatisfy { $0.count == 1 } ? 0 : 3
    }

    /// Loss targets from observed (or resampled) intervals under these settings.
    func targets(_ observed: [ComparedDwells]) throws -> [SSAObjective.Target] {
        try SSAObjective.targets(observed, multiple: dwellMultiple, minimumSimulated: minimumSimulatedDwells,
                                 minimumCount: minimumLevelCount)
    }

    /// The loss and its straight-through gradient at free log-rates θ for one seed (horizons:
    /// the record lengths × `dwellMultiple`) — what each iteration of `fit` computes; public
    /// for gradient checks.
    public func lossAndGradient(_ scheme: GatingScheme, records: [SSARecord], channels: Int, theta: [Double],
                                seed: UInt64) throws -> (loss: Double, gradient: [Double]) {
        let objective = try makeObjective(scheme, records: records, channels: channels)
        let targets = try self.targets(records.map(\.observed))
        let horizons = records.map { max($0.resolved.totalDuration, 1e-3) * dwellMultiple / Double(trajectories) }
        let e = try objective.evaluate(theta: theta, targets: targets, horizons: horizons, seed: seed)
        return (e.loss, e.gradient)
    }

    /// Adam with a decaying rate from `start`; horizons adapt each iteration so that the kept
    /// simulated intervals stay near each target's count.
    func descend(_ objective: SSAObjective, targets: [SSAObjective.Target], from start: [Double], iterations: Int,
                 rates: (Double, Double), averagedFraction: Double, seed: UInt64,
                 progress: (@Sendable (Int, Double) -> Void)?) throws -> Descent {
        // First guess: the record's length × (simulated ÷ observed intervals), spread over the
        // trajectories.
        var horizons = objective.records.enumerated().map { r, record in
            max(record.resolved.totalDuration, 1e-3) * targets[r].simulatedDwells / Double(max(record.observed.count, 1)) / Double(trajectories)
        }
        let lo = log(minRate), hi = log(maxRate)
        let optimizer = BoundedOptimizer(inner: Adam(schedule: .exponentialDecay(initial: rates.0, final: rates.1, iterations: iterations)),
                                          lower: lo, upper: hi)
        // Divergence guard: a biased gradient can walk to rates where the loss is many times
        // its best and every record costs ever more events. After 25 such iterations in a row
        // the walk stops (zero steps, no simulation) and the best iterate is the estimate.
        var best = (loss: Double.infinity, theta: start)
        var worseRun = 0
        var diverged = false
        let run = try GradientFit.run(start: start, iterations: iterations, optimizer: optimizer, averagedFraction: averagedFraction,
                                      progress: progress.map { p in { i, l in p(i, l) } }) { i, theta in
            if diverged { return (best.loss, [Double](repeating: 0, count: theta.count)) }
            let e = try objective.evaluate(theta: theta, targets: targets, horizons: horizons,
                                           seed: SplitMix64.mix(seed ^ UInt64(i)))
            for r in horizons.indices {
                let ratio = targets[r].simulatedDwells / Double(max(e.keptCounts[r], 1))
                horizons[r] *= min(2, max(0.5, ratio))
            }
            if e.loss < best.loss { best = (e.loss, theta) }
            worseRun = e.loss > 20 * best.loss ? worseRun + 1 : 0
            if worseRun >= 25 { diverged = true }
            return (e.loss, e.gradient)
        }
        return Descent(losses: run.losses, estimate: diverged ? best.theta : run.estimate, diverged: diverged)
    }

    /// What one gradient descent produced.
    struct Descent {
        var losses: [Double]
        var estimate: [Double]
        /// True when the divergence guard stopped the walk.
        var diverged: Bool
    }

    /// The observed intervals resampled with replacement (same count, same open-fraction rule).
    static func resample(_ observed: ComparedDwells, seed: UInt64) -> ComparedDwells {
        // Level −1 marks a shut interval longer than t_crit (counted, no duration).
        var pool = observed.durations.keys.sorted().flatMap { level in observed.durations[level]!.map { (level, $0) } }
        pool += [(Int, Double)](repeating: (-1, 0), count: observed.longShutCount)
        var out = ComparedDwells(channels: observed.channels)
        var draw = RandomStream(seed: seed, stream: 0)
        for _ in pool.indices {
            let i = min(pool.count - 1, Int(draw.uniform() * Double(pool.count)))
            if pool[i].0 < 0 { out.longShutCount += 1 } else { out.add(level: pool[i].0, duration: pool[i].1) }
        }
        return out
    }

    /// Sample covariance of the replicate estimates.
    static func covariance(_ xs: [[Double]]) -> Matrix {
        let p = xs[0].count, n = Double(xs.count)
        let mean = (0..<p).map { j in xs.reduce(0) { $0 + $1[j] } / n }
        var c = Matrix(rows: p, columns: p)
        for x in xs { for i in 0..<p { for j in 0..<p { c[i, j] += (x[i] - mean[i]) * (x[j] - mean[j]) / (n - 1) } } }
        return c
    }
}

/// An optimiser that keeps θ inside a box after each inner step (rates that run away would
/// otherwise make a simulated record take forever).
struct BoundedOptimizer<Inner: GradientOptimizer>: GradientOptimizer {
    var inner: Inner
    let lower: Double
    let upper: Double

    mutating func step(_ theta: inout [Double], gradient: [Double]) {
        inner.step(&theta, gradient: gradient)
        for j in theta.indices { theta[j] = min(upper, max(lower, theta[j].isFinite ? theta[j] : 0)) }
    }
}
