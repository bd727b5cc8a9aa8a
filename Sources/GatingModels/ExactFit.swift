import Dispatch
import Foundation

/// Route 1: maximum likelihood over the free log-rates of a scheme under its constraints — the
/// exact HJC missed-event likelihood for one channel (as HJCFIT), the N-channel likelihood with
/// missed events corrected per level for a patch of several (as QuB's MIL fits patches) — by
/// BOBYQA (NLopt) unless the
/// simplex HJCFIT uses is asked for; SDs from the observed information
/// (finite-difference Hessian in log-rates, carried to every rate through the affine map).
public struct ExactFit: Sendable {
    /// How the likelihood is maximised.
    public enum Method: String, Sendable, CaseIterable, Codable {
        /// Nelder–Mead simplex with restarts (HJCFIT's choice).
        case simplex
        /// BOBYQA (quadratic models in a trust region) from the start.
        case bobyqa
        /// The simplex, then BOBYQA from its estimate (for schemes with many free rates, where
        /// the simplex stops short).
        case simplexThenBOBYQA = "simplex+bobyqa"
    }
    public var method = Method.bobyqa
    /// The simplex settings (`maxEvaluations` and `progress` also apply to BOBYQA).
    public var optimizer = NelderMead()
    /// Finite-difference step in log-rate for the Hessian.
    public var hessianStep = 2e-3
    /// Whether to compute SDs (costs ~2p² likelihood evaluations for p free rates).
    public var computeStandardDeviations = true
    /// Rates outside [minRate, maxRate] make the likelihood −∞ (keeps the simplex away from
    /// overflow; a rate pinned there is reported by its value).
    public var minRate = 1e-9
    public var maxRate = 1e13
    /// How the N-channel likelihood corrects missed events (exactly unless asked).
    public var patchCorrection = PatchMissedEvents.Correction.exact

    public init() {}

    /// Fits `scheme` to single-channel `records` (HJC likelihood) from the scheme's current rates.
    /// - Throws: `nonFiniteLikelihood` if the likelihood is not finite at the start;
    ///   `invalidArgument` for an empty record list; theory errors at the start.
    public func fit(_ scheme: GatingScheme, records: [LikelihoodRecord]) throws -> KineticFitResult {
        guard !records.isEmpty else { throw GatingModelsError.invalidArgument(name: "records", reason: "nothing to fit") }
        var result = try fit(scheme, logLikelihood: { try ExactLikelihood.logLikelihood($0, records: records) },
                             histograms: { s in try records.flatMap { try HistogramComparison.comparisons(for: $0, scheme: s) } })
        result.warnings += SampledResolution.warnings(records.map { ($0.name, $0.resolution, $0.dwells.measuredSampleInterval) })
        return result
    }

    /// Fits `scheme` to multi-channel `records` (the N-channel likelihood, `PatchLikelihood`,
    /// missed events corrected by `patchCorrection`) from the scheme's current rates.
    /// - Throws: as `fit(_:records:)`.
    public func fit(_ scheme: GatingScheme, patchRecords records: [PatchRecord]) throws -> KineticFitResult {
        guard !records.isEmpty else { throw GatingModelsError.invalidArgument(name: "records", reason: "nothing to fit") }
        let correction = patchCorrection
        var result = try fit(scheme, logLikelihood: { try PatchLikelihood.logLikelihood($0, records: records, correction: correction) },
                             histograms: { s in try records.flatMap { try HistogramComparison.comparisons(for: $0, scheme: s, correction: correction) } })
        result.channels = records[0].channels
        result.patchCorrection = correction
        if correction != .exact { result.warnings = try Self.passThroughWarnings(result.scheme, records: records, correction: correction) }
        result.warnings += SampledResolution.warnings(records.map { ($0.name, $0.resolution, $0.sampleInterval) })
        return result
    }

    /// Above this fraction of short pass-through sojourns (`PatchMissedEvents.passThroughFraction`)
    /// the approximate N-channel corrections (HJC per level, first order) may bias rates by more
    /// than their SD: measured with HJC per level on two C–C–O channels, 2.3 % left every rate
    /// within 1 SD, 3.2 % shifted β and α by −5 % and −3 % (2.5–3 SD), 4.8 % by −12 % and −8 %,
    /// 6.4 % by −29 % and −21 %. The exact correction (the default) has no such limit.
    public static let passThroughLimit = 0.025

    /// One warning per record whose fitted rates make pass-through sojourns common (for the
    /// approximate corrections only).
    static func passThroughWarnings(_ scheme: GatingScheme, records: [PatchRecord],
                                    correction: PatchMissedEvents.Correction) throws -> [String] {
        try records.compactMap { r in
            let theory = try PatchMissedEvents(try ChannelPatch(try scheme.qMatrix(r.conditions), channels: r.channels),
                                               resolution: r.resolution, correction: .firstOrder)   // the fraction needs no more
            let fraction = try theory.passThroughFraction()
            guard fraction > passThroughLimit else { return nil }
            let name = URL(fileURLWithPath: r.name).lastPathComponent
            return String(format: "%@: at t_res %.0f µs, %.1f %% of level sojourns are shorter than t_res and lead on to a third level; the %d-channel likelihood with the %@ correction times those approximately, so its rates may be biased by several SD (measured on two C–C–O channels with HJC per level: 3.2 %% gave −5 %% on the opening rate, 6.4 %% −29 %%). The exact correction avoids it.",
                          name, r.resolution * 1e6, 100 * fraction, r.channels, correction.rawValue)
        }
    }

    /// Maximises `logLikelihood` over the free log-rates, then SDs and histograms at the maximum.
    func fit(_ scheme: GatingScheme, logLikelihood: @escaping @Sendable (GatingScheme) throws -> Double,
             histograms: (GatingScheme) throws -> [HistogramComparison]) throws -> KineticFitResult {
        let clock = ContinuousClock()
        let started = clock.now
        let start = try logLikelihood(scheme)
        guard start.isFinite else {
            throw GatingModelsError.nonFiniteLikelihood(context: "at the starting rates (log-likelihood \(start)); choose starting rates nearer the data")
        }
        let objective = objectiveFunction(scheme, logLikelihood)
        let result = maximise(objective, from: scheme.parameters)
        var evaluations = result.evaluations
        let fitted = try scheme.with(parameters: result.minimum)
        var covariance: Matrix? = nil
        if computeStandardDeviations && !result.minimum.isEmpty {
            let (inverse, n) = informationCovariance(objective, at: result.minimum, value: -result.value)
            evaluations += n
            covariance = inverse
        }
        let rates = Self.estimates(fitted, covariance: covariance)
        let comparisons = try histograms(fitted)
        let elapsed = clock.now - started
        var fitResult = KineticFitResult(route: "exact", scheme: fitted, rates: rates, logLikelihood: -result.value,
                                         initialLogLikelihood: start, iterations: result.iterations, evaluations: evaluations,
                                         converged: result.converged,
                                         wallSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
                                         logParameterCovariance: covariance, histograms: comparisons)
        if covariance == nil && !result.minimum.isEmpty {
            fitResult.uncertainty = computeStandardDeviations ? "no rate SDs (the information matrix is not negative definite at the maximum)" : "no rate SDs (not asked for)"
        }
        return fitResult
    }

    /// Runs `method` on −objective; evaluations and iterations of both stages are added up.
    func maximise(_ objective: @Sendable ([Double]) -> Double, from start: [Double]) -> NelderMead.Result {
        var polish = BOBYQA()
        polish.maxEvaluations = optimizer.maxEvaluations
        polish.progress = optimizer.progress
        switch method {
        case .simplex:
            return optimizer.minimize(start) { -objective($0) }
        case .bobyqa:
            return polish.minimize(start) { -objective($0) }
        case .simplexThenBOBYQA:
            let first = optimizer.minimize(start) { -objective($0) }
            let second = polish.minimize(first.minimum) { -objective($0) }
            let better = second.value <= first.value ? second : first
            return NelderMead.Result(minimum: better.minimum, value: better.value,
                                     evaluations: first.evaluations + second.evaluations,
                                     iterations: first.iterations + second.iterations, converged: second.converged)
        }
    }

    /// θ ↦ log-likelihood (−∞ where the rates leave [minRate, maxRate] or the theory fails).
    public func objectiveFunction(_ scheme: GatingScheme, _ records: [LikelihoodRecord]) -> @Sendable ([Double]) -> Double {
        objectiveFunction(scheme) { try ExactLikelihood.logLikelihood($0, records: records) }
    }

    /// θ ↦ `logLikelihood` of the scheme at θ, −∞ outside [minRate, maxRate] or where it throws.
    func objectiveFunction(_ scheme: GatingScheme, _ logLikelihood: @escaping @Sendable (GatingScheme) throws -> Double)
        -> @Sendable ([Double]) -> Double {
        let lo = minRate, hi = maxRate
        return { theta in
            let k = scheme.parameterMap.rateConstants(theta)
            guard k.allSatisfy({ $0.isFinite && $0 >= lo && $0 <= hi }) else { return -.infinity }
            guard let s = try? scheme.with(parameters: theta), let l = try? logLikelihood(s) else { return -.infinity }
            return l
        }
    }

    /// The inverse observed information of log-likelihood f at x, −H⁻¹, in log-rates; nil when
    /// it is not a covariance (H not negative definite there). Returns the evaluations used.
    func informationCovariance(_ f: @escaping @Sendable ([Double]) -> Double, at x: [Double], value f0: Double) -> (Matrix?, Int) {
        let (h, n) = hessian(f, at: x, value: f0)
        guard let inverse = try? (-h).inverse(), (0..<inverse.rows).allSatisfy({ inverse[$0, $0] > 0 && inverse[$0, $0].isFinite }) else {
            return (nil, n)
        }
        return (inverse, n)
    }

    /// Central-difference Hessian of f at x (evaluations spread over the cores).
    func hessian(_ f: @escaping @Sendable ([Double]) -> Double, at x: [Double], value f0: Double) -> (Matrix, Int) {
        let p = x.count, h = hessianStep
        var points: [[Double]] = []
        for i in 0..<p {
            for s in [1.0, -1.0] { var y = x; y[i] += s * h; points.append(y) }
        }
        for i in 0..<p { for j in (i + 1)..<max(i + 1, p) {
            for (si, sj) in [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)] {
                var y = x; y[i] += si * h; y[j] += sj * h; points.append(y)
            }
        } }
        let values = UnsafeMutableBufferPointer<Double>.allocate(capacity: points.count)
        defer { values.deallocate() }
        let shared = SendableBuffer(values)
        let fixedPoints = points
        DispatchQueue.concurrentPerform(iterations: fixedPoints.count) { k in shared.buffer[k] = f(fixedPoints[k]) }
        var hm = Matrix(rows: p, columns: p)
        for i in 0..<p { hm[i, i] = (values[2 * i] - 2 * f0 + values[2 * i + 1]) / (h * h) }
        var k = 2 * p
        for i in 0..<p { for j in (i + 1)..<max(i + 1, p) {
            let v = (values[k] - values[k + 1] - values[k + 2] + values[k + 3]) / (4 * h * h)
            hm[i, j] = v; hm[j, i] = v
            k += 4
        } }
        return (hm, points.count)
    }

    /// Rates with SDs: var(log k_r) = a_r Σ a_rᵀ (exact for the affine map), SD(k) ≈ k·SD(log k).
    static func estimates(_ scheme: GatingScheme, covariance: Matrix?) -> [RateEstimate] {
        let map = scheme.parameterMap
        let logCov = covariance.map { map.logRateCovariance($0) }
        return scheme.transitions.enumerated().map { r, t in
            let role: String
            switch map.definitions[r] {
            case .free: role = "free"
            case .fixed: role = "fixed"
            case .proportional: role = "constrained"
            case .cycle: role = "microscopic reversibility"
            }
            var sd: Double? = nil
            if let c = logCov, role != "fixed", c[r, r] > 0, c[r, r].isFinite { sd = t.value * c[r, r].squareRoot() }
            return RateEstimate(name: t.name, value: t.value, standardDeviation: sd, role: role)
        }
    }
}

/// A buffer written at distinct indices from concurrentPerform workers.
struct SendableBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Double>
    init(_ b: UnsafeMutableBufferPointer<Double>) { buffer = b }
}
