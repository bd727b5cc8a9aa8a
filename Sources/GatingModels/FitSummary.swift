import Foundation

/// The machine-readable summary of a fit (`fit.json`): rates by name in s⁻¹ or M⁻¹s⁻¹,
/// their SDs (null where undetermined), log-likelihood, R² per histogram, route, counts and
/// wall time. Non-finite numbers never appear: they become null.
public struct FitSummary: Codable, Sendable, Equatable {
    public var route: String
    /// `KineticFitResult.method`.
    public var method: String
    public var channels: Int
    /// `KineticFitResult.warnings`.
    public var warnings: [String]
    public var scheme: String
    public var rates: [String: Double]
    public var rateSD: [String: Double?]
    public var rateRoles: [String: String]
    public var logLikelihood: Double?
    public var initialLogLikelihood: Double?
    public var r2: [String: Double?]
    /// R² a perfect model would reach on each histogram (Poisson counting noise only).
    public var r2Ceiling: [String: Double?]
    public var iterations: Int
    public var evaluations: Int
    public var converged: Bool
    public var wallSeconds: Double
    public var evaluationsPerSecond: Double?

    enum CodingKeys: String, CodingKey {
        case route, method, channels, warnings, scheme, rates, rateSD = "rate_sd", rateRoles = "rate_roles", logLikelihood = "log_likelihood"
        case initialLogLikelihood = "initial_log_likelihood", r2, r2Ceiling = "r2_ceiling", iterations, evaluations, converged
        case wallSeconds = "wall_seconds", evaluationsPerSecond = "evaluations_per_second"
    }

    public init(_ r: KineticFitResult) {
        func finite(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }
        route = r.route
        method = r.method
        channels = r.channels
        warnings = r.warnings
        scheme = r.scheme.name
        rates = Dictionary(r.rates.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        rateSD = Dictionary(r.rates.map { ($0.name, finite($0.standardDeviation)) }, uniquingKeysWith: { a, _ in a })
        rateRoles = Dictionary(r.rates.map { ($0.name, $0.role) }, uniquingKeysWith: { a, _ in a })
        logLikelihood = finite(r.logLikelihood)
        initialLogLikelihood = finite(r.initialLogLikelihood)
        r2 = Dictionary(r.histograms.map { ($0.name, finite($0.r2)) }, uniquingKeysWith: { a, _ in a })
        r2Ceiling = Dictionary(r.histograms.map { ($0.name, finite($0.r2Ceiling)) }, uniquingKeysWith: { a, _ in a })
        iterations = r.iterations
        evaluations = r.evaluations
        converged = r.converged
        wallSeconds = r.wallSeconds
        evaluationsPerSecond = r.wallSeconds > 0 ? Double(r.evaluations) / r.wallSeconds : nil
    }

    /// Pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }
}

extension KineticFitResult {
    /// Histogram table: `histogram,kind,bin_lower_s,bin_upper_s,observed,predicted`.
    public var histogramCSV: String {
        var s = "histogram,kind,bin_lower_s,bin_upper_s,observed,predicted\n"
        for h in histograms {
            for k in h.observedCounts.indices {
                s += "\(csv(h.name)),\(h.kind),\(h.binEdges[k]),\(h.binEdges[k + 1]),\(h.observedCounts[k]),\(h.predictedCounts[k])\n"
            }
        }
        return s
    }

    /// pdf curves over the histograms: `histogram,t_s,ideal_sqrt_count,apparent_sqrt_count`.
    public var pdfCSV: String {
        var s = "histogram,t_s,ideal_sqrt_count,apparent_sqrt_count\n"
        for h in histograms {
            for k in h.curveTimes.indices { s += "\(csv(h.name)),\(h.curveTimes[k]),\(h.idealCurve[k]),\(h.apparentCurve[k])\n" }
        }
        return s
    }

    /// The SSA fit's loss per iteration: `iteration,loss`.
    public var lossCurveCSV: String {
        "iteration,loss\n" + lossCurve.enumerated().map { "\($0.offset),\($0.element)\n" }.joined()
    }

    /// Rates table: `rate,value,sd,role` (empty sd where undetermined).
    public var ratesCSV: String {
        var s = "rate,value,sd,role\n"
        for r in rates { s += "\(csv(r.name)),\(r.value),\(r.standardDeviation.map { "\($0)" } ?? ""),\(r.role)\n" }
        return s
    }
}

private func csv(_ s: String) -> String {
    s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}
