import Foundation

/// A probability density written as a sum of exponentials,
/// `f(t) = Σ_i a_i λ_i exp(−λ_i (t − t0))` for t ≥ t0 (0 before), with rates λ_i (s⁻¹),
/// areas a_i and a start time t0 (0 for ideal pdfs, t_res for the asymptotic HJC pdf).
///
/// Components are sorted by decreasing rate (fastest first). Areas of an ideal pdf sum to 1;
/// those of an HJC asymptotic pdf sum to nearly 1 (the exact form differs below 3 t_res).
public struct ExponentialMixture: Sendable, Equatable, Codable {
    /// Rates λ_i in s⁻¹ (1/τ_i), fastest first.
    public var rates: [Double]
    /// Areas a_i.
    public var areas: [Double]
    /// The time the exponentials start from, in seconds.
    public var start: Double

    public init(rates: [Double], areas: [Double], start: Double = 0) {
        let order = rates.indices.sorted { rates[$0] > rates[$1] }
        self.rates = order.map { rates[$0] }
        self.areas = order.map { areas[$0] }
        self.start = start
    }

    /// Time constants τ_i = 1/λ_i in seconds.
    public var timeConstants: [Double] { rates.map { 1 / $0 } }

    /// f(t); 0 before `start`.
    public func density(_ t: Double) -> Double {
        guard t >= start else { return 0 }
        var s = 0.0
        for i in rates.indices { s += areas[i] * rates[i] * exp(-rates[i] * (t - start)) }
        return s
    }

    /// ∫ from t to ∞ of f (the survivor function), for t ≥ start.
    public func survivor(_ t: Double) -> Double {
        let u = max(t - start, 0)
        var s = 0.0
        for i in rates.indices { s += areas[i] * exp(-rates[i] * u) }
        return s
    }

    /// Mean of t (including the start offset), using the areas as weights.
    public var mean: Double {
        let total = areas.reduce(0, +)
        guard total > 0 else { return .nan }
        var m = 0.0
        for i in rates.indices { m += areas[i] / rates[i] }
        return start + m / total
    }
}
