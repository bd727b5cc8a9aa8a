// Quantile matching of (log) durations: the loss that worked best for dwell-time fits.

/// Compares the sorted simulated log-durations with target quantiles:
/// L = (1/K)·Σ_k (log d_(i_k) − q_k)², i_k = ⌊p_k·n⌋ clamped to 0…n−1, where q_k is the
/// target's p_k-quantile of log duration. Sorting is piecewise the identity, so
/// ∂L/∂d_(i_k) = 2(log d − q_k)/(K·d): the gradient flows into the matched dwells only.
public struct QuantileMatching: Sendable {
    /// Probabilities p_k in (0, 1).
    public let probabilities: [Double]
    /// Target log-duration quantiles q_k.
    public let targetLogQuantiles: [Double]

    /// Targets from observed durations (all > 0) at `probabilities`.
    /// - Throws: `invalidArgument` if no positive durations or probabilities outside (0, 1).
    public init(observedDurations: [Double], probabilities: [Double]) throws {
        let logs = observedDurations.filter { $0 > 0 }.map { libmLog($0) }.sorted()
        guard !logs.isEmpty else { throw KineticsError.invalidArgument("no positive observed durations") }
        guard probabilities.allSatisfy({ $0 > 0 && $0 < 1 }) else {
            throw KineticsError.invalidArgument("quantile probabilities must lie in (0, 1)")
        }
        self.probabilities = probabilities
        targetLogQuantiles = probabilities.map { logs[Self.rank($0, logs.count)] }
    }

    /// K evenly spaced probabilities (k + 0.5)/K.
    public static func evenProbabilities(_ k: Int) -> [Double] { (0..<max(k, 1)).map { (Double($0) + 0.5) / Double(max(k, 1)) } }

    static func rank(_ p: Double, _ n: Int) -> Int { min(max(Int(p * Double(n)), 0), n - 1) }

    /// The loss and ∂L/∂d_i for each simulated duration (0 for unmatched ones; durations ≤ 0
    /// are ignored). With no positive durations the loss is +∞ and every derivative 0.
    public func evaluate(simulatedDurations d: [Double]) -> (loss: Double, gradient: [Double]) {
        let order = d.indices.filter { d[$0] > 0 }.sorted { d[$0] < d[$1] }
        var gradient = [Double](repeating: 0, count: d.count)
        guard !order.isEmpty else { return (.infinity, gradient) }
        var loss = 0.0
        let scale = 1 / Double(probabilities.count)
        for (k, p) in probabilities.enumerated() {
            let i = order[Self.rank(p, order.count)]
            let residual = libmLog(d[i]) - targetLogQuantiles[k]
            loss += scale * residual * residual
            gradient[i] += 2 * scale * residual / d[i]
        }
        return (loss, gradient)
    }
}
