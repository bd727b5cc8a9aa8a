import Foundation

/// Criteria for the critical shut time t_crit that divides a shut-time distribution into the
/// components faster than a split point (a_f, τ_f: all of them) and those slower (a_s, τ_s).
/// Each side is a sum over its components, as in DCPROGS/SCALCS.
public enum CriticalTimeCriterion: String, Sendable, Codable, CaseIterable {
    /// Equal proportions of each group misclassified (Colquhoun & Sakmann 1985, the "DC"
    /// criterion): Σ_f a_f e^{−t/τ_f} / Σ_f a_f = Σ_s a_s (1 − e^{−t/τ_s}) / Σ_s a_s.
    case equalProportions
    /// Equal numbers misclassified (Clapham & Neher 1984): Σ_f a_f e^{−t/τ_f} = Σ_s a_s (1 − e^{−t/τ_s}).
    case equalNumbers
    /// Minimum total number misclassified (Jackson et al. 1983): Σ_f a_f/τ_f e^{−t/τ_f} = Σ_s a_s/τ_s e^{−t/τ_s}.
    case minimumMisclassified
}

extension ExponentialMixture {
    /// t_crit at each split between adjacent components (sorted by time constant), in seconds:
    /// n − 1 values for n components. A split with no root gives NaN.
    public func criticalTimes(_ criterion: CriticalTimeCriterion = .equalProportions) -> [Double] {
        let order = rates.indices.sorted { rates[$0] > rates[$1] }
        let tau = order.map { 1 / rates[$0] }, a = order.map { areas[$0] }
        guard order.count > 1 else { return [] }
        var out: [Double] = []
        for k in 0..<(order.count - 1) {
            let fast = Array(0...k), slow = Array((k + 1)..<order.count)
            let sumF = fast.reduce(0) { $0 + a[$1] }, sumS = slow.reduce(0) { $0 + a[$1] }
            let g: (Double) -> Double = { t in
                switch criterion {
                case .equalProportions:
                    return fast.reduce(0) { $0 + a[$1] * exp(-t / tau[$1]) } / sumF
                        - slow.reduce(0) { $0 + a[$1] * (1 - exp(-t / tau[$1])) } / sumS
                case .equalNumbers:
                    return fast.reduce(0) { $0 + a[$1] * exp(-t / tau[$1]) }
                        - slow.reduce(0) { $0 + a[$1] * (1 - exp(-t / tau[$1])) }
                case .minimumMisclassified:
                    return fast.reduce(0) { $0 + a[$1] / tau[$1] * exp(-t / tau[$1]) }
                        - slow.reduce(0) { $0 + a[$1] / tau[$1] * exp(-t / tau[$1]) }
                }
            }
            out.append(bisectRoot(g, lower: tau[k] * 1e-2, upper: tau[k + 1] * 10) ?? .nan)
        }
        return out
    }
}

/// A root of g in [lower, upper] by bisection on a sign change (nil if none there).
func bisectRoot(_ g: (Double) -> Double, lower: Double, upper: Double, relativeTolerance: Double = 1e-13) -> Double? {
    var lo = lower, hi = upper
    var glo = g(lo)
    let ghi = g(hi)
    guard glo.isFinite, ghi.isFinite, glo * ghi <= 0 else { return nil }
    for _ in 0..<200 {
        let mid = 0.5 * (lo + hi)
        let gm = g(mid)
        if gm == 0 { return mid }
        if (gm > 0) == (glo > 0) { lo = mid; glo = gm } else { hi = mid }
        if hi - lo <= relativeTolerance * abs(mid) { break }
    }
    return 0.5 * (lo + hi)
}
